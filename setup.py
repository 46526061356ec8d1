"""Maps the top-level code folders into the one `trustbench.*` namespace (see the README's Layout)."""

from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).parent
NAMESPACED = ("tasks", "judges", "retrieval", "environments", "evals")


def _packages(folder: str, prefix: str) -> list[str]:
    base = ROOT / folder
    return [
        ".".join([prefix, *init.parent.relative_to(base).parts])
        for init in sorted(base.rglob("__init__.py"))
        if "tests" not in init.parts and not any(p.startswith(".") for p in init.parts)
    ]


packages = _packages("trustbench", "trustbench")
for folder in NAMESPACED:
    packages += _packages(folder, f"trustbench.{folder}")

# Metadata goes to build/, not the repo root: a trustbench.egg-info beside the sources would
# shadow the editable install's metadata for any Python started in the root, and Inspect would
# then register our tasks without their `trustbench/` prefix.
EGG_BASE = ROOT / "build"
EGG_BASE.mkdir(exist_ok=True)

setup(
    options={"egg_info": {"egg_base": str(EGG_BASE)}},
    packages=packages,
    package_dir={"trustbench": "trustbench", **{f"trustbench.{f}": f for f in NAMESPACED}},
    # py.typed (PEP 561): the package's own annotations are what a type checker uses.
    package_data={
        "": ["*.md", "*.json", "*.jsonl", "*.yaml", "data/**/*", "task_template/**/*"],
        "trustbench": ["py.typed"],
    },
)
