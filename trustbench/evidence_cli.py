"""`trustbench evidence …`: look into, ship and trim the evidence store that makes judged numbers
replayable (searches, fetched pages, extracted text)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import click

from trustbench.retrieval.snapshot import export_snapshot, import_snapshot, prune, stats
from trustbench.retrieval.store import STORE_VARIABLE, EvidenceStore, default_store_path
from trustbench.retrieval.types import RetrievalError

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhdw])")


class _EvidenceGroup(click.Group):
    """Prints retrieval errors as one clear line instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RetrievalError as ex:
            raise click.ClickException(str(ex)) from ex


def _store_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--store",
        "store_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=f"Evidence store file. Default: ${STORE_VARIABLE}, else evidence.sqlite in the "
        "user cache folder.",
    )(command)


def _open(store_path: Path | None, *, create: bool = False) -> EvidenceStore:
    path = store_path or default_store_path()
    if not create and not path.is_file():
        raise click.ClickException(
            f"No evidence store at {path}; pass --store or set {STORE_VARIABLE}."
        )
    return EvidenceStore(path)


def _duration(_ctx: click.Context, _param: click.Parameter, value: str | None) -> timedelta | None:
    if value is None:
        return None
    match = _DURATION.fullmatch(value.strip())
    if not match:
        raise click.BadParameter(f"'{value}' is not a duration like 30d, 12h, 90m or 2w")
    return timedelta(**{_UNITS[match[2]]: float(match[1])})


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {table}" for table, n in counts.items())


@click.group(
    "evidence", cls=_EvidenceGroup, context_settings={"help_option_names": ["-h", "--help"]}
)
def evidence() -> None:
    """Inspect, export, import and prune the evidence store (searches, pages, extracted text)."""


@evidence.command("stats")
@_store_option
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def stats_command(store_path: Path | None, as_json: bool) -> None:
    """Counts of searches, fetches (by status and error), bodies, documents; sizes; dates."""
    with _open(store_path) as store:
        numbers = stats(store)
    if as_json:
        click.echo(json.dumps(numbers, indent=2))
        return
    for name, value in numbers.items():
        if isinstance(value, dict):
            value = ", ".join(f"{key}={count}" for key, count in value.items()) or "-"
        click.echo(f"{name.replace('_', ' '):<24}{value}")


@evidence.command("export")
@_store_option
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--run", "run", default=None, help="Export only what this run used.")
def export_command(store_path: Path | None, out: Path, run: str | None) -> None:
    """Write the store (or one run's evidence) to the single file OUT, for another machine to
    import and re-judge in replay mode."""
    with _open(store_path) as store:
        counts = export_snapshot(store, out, run_filter=run)
    click.echo(f"Wrote {out} ({out.stat().st_size:,} bytes): {_counts(counts)}")


@evidence.command("import")
@_store_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(store_path: Path | None, file: Path) -> None:
    """Add the records of the snapshot FILE to the store (records already there are kept)."""
    with _open(store_path, create=True) as store:
        added = import_snapshot(store, file)
    click.echo(f"Imported into {store.path}: {_counts(added)}")


@evidence.command("prune")
@_store_option
@click.option(
    "--older-than",
    "older_than",
    callback=_duration,
    default=None,
    help="Delete searches and fetches stored longer ago than this (30d, 12h, 2w). Without it, "
    "only orphaned bodies and extractions go.",
)
@click.option("--keep-run", "keep_runs", multiple=True, help="Keep what this run used.")
def prune_command(
    store_path: Path | None, older_than: timedelta | None, keep_runs: tuple[str, ...]
) -> None:
    """Delete old evidence and unreferenced bodies, then compact the file."""
    with _open(store_path) as store:
        deleted = prune(store, older_than, keep_runs=keep_runs)
    click.echo(f"Deleted {_counts(deleted)}")
