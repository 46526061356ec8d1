"""The third-party packages a coding answer installs or imports, per language, named as their
registry knows them: Python (pip/uv/poetry installs, imports) on PyPI, R (install.packages,
library/require, pkg::fn) on CRAN, Elixir (mix deps, Mix.install) on Hex, Scala and Java (sbt,
Maven, Gradle and mill coordinates; imports of well-known group ids) on Maven Central.
Standard libraries and base packages are left out."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Literal

Registry = Literal["pypi", "cran", "hex", "maven"]
Mention = Literal["install", "import"]
REGISTRY_NAMES: dict[str, str] = {
    "pypi": "PyPI",
    "cran": "CRAN",
    "hex": "Hex",
    "maven": "Maven Central",
}


@dataclass(frozen=True)
class PackageRef:
    name: str
    """As the registry spells it (PyPI names normalised; Maven as group or group:artifact)."""
    registry: Registry
    kind: Mention
    code: str
    """The line or call it came from."""


def find_packages(text: str, language: str) -> list[PackageRef] | None:
    """The packages in `text`, in order of appearance, or None for a language without rules."""
    finder = _FINDERS.get(language.strip().lower())
    if finder is None:
        return None
    found = finder(text)
    return list(dict.fromkeys(found))


# --- Python ---------------------------------------------------------------------------------------

IMPORT_TO_PYPI = {
    "sklearn": "scikit-learn", "skimage": "scikit-image", "cv2": "opencv-python",
    "PIL": "Pillow", "yaml": "PyYAML", "bs4": "beautifulsoup4", "dateutil": "python-dateutil",
    "Crypto": "pycryptodome", "Cryptodome": "pycryptodomex", "dotenv": "python-dotenv",
    "jwt": "PyJWT", "serial": "pyserial", "usb": "pyusb", "magic": "python-magic",
    "docx": "python-docx", "pptx": "python-pptx", "git": "GitPython", "OpenSSL": "pyOpenSSL",
    "attr": "attrs", "elftools": "pyelftools", "fitz": "PyMuPDF", "Bio": "biopython",
    "zmq": "pyzmq", "gi": "PyGObject", "wx": "wxPython", "faiss": "faiss-cpu",
    "umap": "umap-learn", "mpl_toolkits": "matplotlib", "pkg_resources": "setuptools",
    "telegram": "python-telegram-bot", "discord": "discord.py", "socks": "PySocks",
    "win32api": "pywin32", "win32com": "pywin32", "pythoncom": "pywin32",
    "MySQLdb": "mysqlclient", "ldap": "python-ldap", "jose": "python-jose",
    "multipart": "python-multipart", "Xlib": "python-xlib", "kafka": "kafka-python",
    "nacl": "PyNaCl", "OpenGL": "PyOpenGL", "cairo": "pycairo", "slugify": "python-slugify",
    "Levenshtein": "levenshtein", "websocket": "websocket-client", "google": "",
}  # fmt: skip
"""Import names whose distribution is named otherwise ("" = a namespace we cannot map)."""

_PIP = re.compile(
    r"(?:^|[\s;&|`$(!])(?:python3?\s+-m\s+)?(?:pip3?|uv\s+pip|uv|poetry|pipenv|pdm)\s+"
    r"(?:install|add)\b([^\n#;&|`)]*)",
    re.M,
)
_OPTION_WITH_VALUE = {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i",
                      "--index-url", "--extra-index-url", "-t", "--target", "-f", "--find-links",
                      "--group", "-G", "--source"}  # fmt: skip
_PY_IMPORT = re.compile(
    r"^[ \t]*import[ \t]+([\w.]+(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,[ \t]*[\w.]+(?:[ \t]+as[ \t]+\w+)?)*)"
    r"[ \t]*;?[ \t]*(?:#.*)?$",
    re.M,
)
_PY_FROM = re.compile(r"^[ \t]*from[ \t]+([\w.]+)[ \t]+import\b", re.M)


_FENCED = re.compile(r"```[^\n]*\n(.*?)```", re.S)


def code_of(text: str) -> str:
    """The fenced code blocks of a Markdown answer, or all of it when it has none: imports are
    read from code only, so prose such as "import the data" is not taken for one."""
    blocks = _FENCED.findall(text)
    return "\n".join(blocks) if blocks else text


def pypi_name(name: str) -> str:
    """PEP 503 normalised, as PyPI's JSON API answers it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _python(text: str) -> list[PackageRef]:
    """Installs (anywhere: they are often given in prose), then imports (from code only)."""
    installs = []
    for match in _PIP.finditer(text):
        skip_next = False
        for token in match.group(1).split():
            if skip_next or token.startswith("-"):
                skip_next = not skip_next and token in _OPTION_WITH_VALUE
                continue
            token = token.strip("'\"")
            name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", token)
            if name and "/" not in token and not token.endswith((".txt", ".whl", ".gz")):
                command = match.group(0).strip()
                installs.append(PackageRef(pypi_name(name.group(0)), "pypi", "install", command))
    local = set(re.findall(r"\b(\w+)\.py\b", text))
    code = code_of(text)
    found = [(m.start(), m.group(0).strip(), m.group(1)) for m in _PY_FROM.finditer(code)]
    for m in _PY_IMPORT.finditer(code):
        found += [
            (m.start(), m.group(0).strip(), part.split()[0]) for part in m.group(1).split(",")
        ]
    imports = []
    for _, line, module in sorted(found):
        top = module.split(".")[0]
        if not top or top in sys.stdlib_module_names or top.startswith("_") or top in local:
            continue
        dist = IMPORT_TO_PYPI.get(top, top)
        if dist:
            imports.append(PackageRef(pypi_name(dist), "pypi", "import", line))
    return installs + imports


# --- R --------------------------------------------------------------------------------------------

R_BASE = {
    "std",  # C++ (Rcpp) namespaces look like pkg::fn too
    "base", "stats", "utils", "methods", "graphics", "grDevices", "datasets", "tools",
    "parallel", "grid", "splines", "stats4", "tcltk", "compiler",
}  # fmt: skip
_R_INSTALL = re.compile(
    r"\b(?:install\.packages|remotes::install_cran|pak::pkg_install|pak::pak)\s*\(([^)]*\)?)", re.S
)
_R_BIOC = re.compile(r"\bBiocManager::install\s*\(([^)]*\)?)", re.S)
_R_LOAD = re.compile(
    r"\b(?:library|require|requireNamespace|suppressPackageStartupMessages\(\s*library)\s*\(\s*"
    r"[\"']?([A-Za-z][A-Za-z0-9.]*)[\"']?\s*[,)]"
)
_R_NAMESPACE = re.compile(r"(?<![\w.:$@])([A-Za-z][A-Za-z0-9.]*):::?[A-Za-z_.]")
_R_QUOTED = re.compile(r"[\"']([A-Za-z][A-Za-z0-9.]*)[\"']")


def _r(text: str) -> list[PackageRef]:
    refs: list[tuple[int, PackageRef]] = []
    elsewhere = {n for m in _R_BIOC.finditer(text) for n in _R_QUOTED.findall(m.group(1))}
    elsewhere |= {"BiocManager", "remotes", "pak", "devtools"} & set(
        re.findall(r"(\w+)::install", text)
    )
    for match in _R_INSTALL.finditer(text):
        for name in _R_QUOTED.findall(match.group(1)):
            if "/" not in name:
                refs.append(
                    (match.start(), PackageRef(name, "cran", "install", match.group(0).strip()))
                )
    for pattern in (_R_LOAD, _R_NAMESPACE):
        for match in pattern.finditer(text):
            name = match.group(1)
            if name not in R_BASE and name not in elsewhere:
                refs.append(
                    (match.start(), PackageRef(name, "cran", "import", match.group(0).strip()))
                )
    return [ref for _, ref in sorted(refs, key=lambda item: item[0])]


# --- Elixir ---------------------------------------------------------------------------------------

_EX_DEPS = re.compile(r"\bdefp?\s+deps\b.*?\bend\b", re.S)
_EX_MIX_INSTALL = re.compile(r"\bMix\.install\(\s*\[(.*?)\]\s*[,)]", re.S)
_EX_TUPLE = re.compile(r"\{\s*:([a-z_][a-z0-9_]*)\s*,([^{}]*)\}")
_EX_BARE = re.compile(r"(?:^|[\[,])\s*:([a-z_][a-z0-9_]*)\s*(?=,|$)")
_EX_NOT_HEX = re.compile(r"\b(?:github|git|path|in_umbrella)\s*:")


def _elixir(text: str) -> list[PackageRef]:
    refs = []
    blocks = [m.group(0) for m in _EX_DEPS.finditer(text)]
    installs = [m.group(1) for m in _EX_MIX_INSTALL.finditer(text)]
    for block in blocks + installs:
        for match in _EX_TUPLE.finditer(block):
            if not _EX_NOT_HEX.search(match.group(2)):
                refs.append(PackageRef(match.group(1), "hex", "install", match.group(0)))
    for block in installs:
        for match in _EX_BARE.finditer(block):
            refs.append(PackageRef(match.group(1), "hex", "install", f":{match.group(1)}"))
    return refs


# --- Scala and Java -------------------------------------------------------------------------------

SCALA_SUFFIXES = ("_2.13", "_3", "_2.12")
IMPORT_TO_GROUP = {
    "cats": "org.typelevel", "fs2": "co.fs2", "io.circe": "io.circe", "akka": "com.typesafe.akka",
    "org.apache.spark": "org.apache.spark", "zio": "dev.zio", "com.google.gson": "com.google.code.gson",
    "com.google.common": "com.google.guava", "com.fasterxml.jackson": "com.fasterxml.jackson.core",
    "org.apache.commons.lang3": "org.apache.commons", "org.slf4j": "org.slf4j",
    "org.http4s": "org.http4s", "sttp.client3": "com.softwaremill.sttp.client3",
    "org.scalatest": "org.scalatest", "play.api": "com.typesafe.play", "slick": "com.typesafe.slick",
    "breeze": "org.scalanlp", "doobie": "org.tpolecat", "monix": "io.monix", "scalaz": "org.scalaz",
    "shapeless": "com.chuusai", "org.json4s": "org.json4s", "upickle": "com.lihaoyi",
    "ujson": "com.lihaoyi", "com.typesafe.config": "com.typesafe", "org.jsoup": "org.jsoup",
    "okhttp3": "com.squareup.okhttp3", "io.netty": "io.netty", "org.apache.kafka": "org.apache.kafka",
    "org.apache.hadoop": "org.apache.hadoop", "org.apache.flink": "org.apache.flink",
    "org.apache.poi": "org.apache.poi", "org.apache.pdfbox": "org.apache.pdfbox",
    "org.bouncycastle": "org.bouncycastle",
}  # fmt: skip
"""Import prefixes whose Maven group id is known; other imports are left to the grader."""
_JVM_STD = ("java.", "javax.", "scala.", "sun.", "jdk.", "com.sun.")
_SBT = re.compile(r"\"([\w.\-]+)\"\s*(%%%|%%|%)\s*\"([\w.\-]+)\"\s*%\s*\"[^\"]+\"")
_MAVEN_XML = re.compile(
    r"<groupId>\s*([\w.\-]+)\s*</groupId>\s*<artifactId>\s*([\w.\-]+)\s*</artifactId>"
)
_GRADLE = re.compile(
    r"\b(?:implementation|api|compile|compileOnly|runtimeOnly|testImplementation)\s*\(?\s*[\"']([\w.\-]+):([\w.\-]+):[^\"']+[\"']"
)
_MILL = re.compile(r"\bivy\"([\w.\-]+)(::?)([\w.\-]+):[^\"]+\"")
_JVM_IMPORT = re.compile(
    r"^[ \t]*import[ \t]+([\w.]+)(?:\.\{[^}\n]*\}|\._|\.\*)?[ \t]*;?[ \t]*$", re.M
)


def maven_query(name: str) -> str:
    """The Solr query for `group` or `group:artifact`; `artifact_%%` asks for any Scala build."""
    group, _, artifact = name.partition(":")
    if not artifact:
        return f'g:"{group}"'
    if artifact.endswith("_%%"):
        base = artifact.removesuffix("_%%")
        either = " OR ".join(f'a:"{base}{suffix}"' for suffix in SCALA_SUFFIXES)
        return f'g:"{group}" AND ({either})'
    return f'g:"{group}" AND a:"{artifact}"'


def _jvm(text: str) -> list[PackageRef]:
    refs: list[tuple[int, PackageRef]] = []
    for m in _SBT.finditer(text):
        artifact = m.group(3) + ("_%%" if m.group(2) != "%" else "")
        refs.append(
            (m.start(), PackageRef(f"{m.group(1)}:{artifact}", "maven", "install", m.group(0)))
        )
    for m in _MILL.finditer(text):
        artifact = m.group(3) + ("_%%" if m.group(2) == "::" else "")
        refs.append(
            (m.start(), PackageRef(f"{m.group(1)}:{artifact}", "maven", "install", m.group(0)))
        )
    for pattern in (_MAVEN_XML, _GRADLE):
        for m in pattern.finditer(text):
            refs.append(
                (
                    m.start(),
                    PackageRef(f"{m.group(1)}:{m.group(2)}", "maven", "install", m.group(0)),
                )
            )
    declared = {ref.name.split(":")[0] for _, ref in refs}
    for m in _JVM_IMPORT.finditer(text):
        path = m.group(1)
        if path.startswith(_JVM_STD):
            continue
        prefix = max(
            (p for p in IMPORT_TO_GROUP if path == p or path.startswith(p + ".")),
            key=len,
            default=None,
        )
        if prefix and IMPORT_TO_GROUP[prefix] not in declared:
            refs.append(
                (
                    m.start(),
                    PackageRef(IMPORT_TO_GROUP[prefix], "maven", "import", m.group(0).strip()),
                )
            )
    return [ref for _, ref in sorted(refs, key=lambda item: item[0])]


_FINDERS = {"python": _python, "r": _r, "elixir": _elixir, "scala": _jvm, "java": _jvm}
