"""`trustbench evidence …`: look into, check, ship and trim the evidence store that makes judged
numbers replayable (searches, fetched pages, extracted text)."""

from __future__ import annotations

import json
import re
import sys
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
_SHOWN_PROBLEMS = 50


class _Refused(Exception):
    """A one-line reason to stop, printed like the retrieval layer's own errors."""


class _EvidenceGroup(click.Group):
    """Prints retrieval errors (a store that is not a store, a corrupt snapshot, an unknown run)
    as one clear line and exits 2, without a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (RetrievalError, _Refused) as ex:
            click.secho(f"Error: {ex}", fg="red", err=True)
            sys.exit(2)


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
        raise _Refused(f"No evidence store at {path}; pass --store or set {STORE_VARIABLE}.")
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


def run_tag(value: str) -> str:
    """The run tag `--run` names: the tag itself, or the tag of the eval logs at a path (a log
    file, or a log directory such as `trustbench run` writes), which is their eval set id, else
    their run id: what the judges tagged their evidence with."""
    path = Path(value)
    if not path.exists():
        return value
    from inspect_ai.log import list_eval_logs, read_eval_log

    logs = [str(path)] if path.is_file() else list_eval_logs(str(path))
    tags = set()
    for log in logs:
        header = read_eval_log(log, header_only=True).eval
        tags.add(header.eval_set_id or header.run_id)
    if len(tags) != 1:
        found = ", ".join(sorted(tags)) or "no eval logs"
        raise _Refused(f"{value} holds the logs of {len(tags)} runs ({found}); pass one run tag.")
    return tags.pop()


@click.group(
    "evidence", cls=_EvidenceGroup, context_settings={"help_option_names": ["-h", "--help"]}
)
def evidence() -> None:
    """Inspect, verify, export, import and prune the evidence store (searches, pages, text)."""


@evidence.command("stats")
@_store_option
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def stats_command(store_path: Path | None, as_json: bool) -> None:
    """Counts of searches, fetches (by status and error), bodies, documents; sizes; dates; the
    runs the evidence is tagged with."""
    with _open(store_path) as store:
        numbers = stats(store)
    if as_json:
        click.echo(json.dumps(numbers, indent=2))
        return
    for name, value in numbers.items():
        if isinstance(value, dict):
            value = ", ".join(f"{key}={count}" for key, count in value.items()) or "-"
        click.echo(f"{name.replace('_', ' '):<24}{value}")


@evidence.command("verify")
@_store_option
@click.option(
    "--drop",
    is_flag=True,
    help="Delete the bad records, so that a live run fetches them again (or import a good copy).",
)
def verify_command(store_path: Path | None, drop: bool) -> None:
    """Check every record and body of the store against its digest and sha256; list the bad
    ones. Exits 1 when there are any."""
    with _open(store_path) as store:
        problems = store.verify()
        if not problems:
            click.echo(f"{store.path}: every record is intact.")
            return
        for problem in problems[:_SHOWN_PROBLEMS]:
            click.echo(f"bad: {problem}")
        if len(problems) > _SHOWN_PROBLEMS:
            click.echo(f"… and {len(problems) - _SHOWN_PROBLEMS} more")
        if drop:
            for problem in problems:
                store.drop(problem)
            click.echo(f"Deleted {len(problems)} bad record(s) from {store.path}.")
            return
    click.secho(
        f"{len(problems)} bad record(s) in {store.path}. Import an export that has them, or "
        "run `trustbench evidence verify --drop` and let a live run fetch them again.",
        fg="red",
        err=True,
    )
    sys.exit(1)


@evidence.command("export")
@_store_option
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--run",
    "run",
    default=None,
    help="Export only what this run used: a run tag (see `stats`), or a log file or directory "
    "of the run (e.g. results/runs/<name>).",
)
def export_command(store_path: Path | None, out: Path, run: str | None) -> None:
    """Write the store (or one run's evidence) to the single file OUT, checked record by record,
    for another machine to import and re-judge in replay mode."""
    tag = run_tag(run) if run is not None else None
    with _open(store_path) as store:
        counts = export_snapshot(store, out, run_filter=tag)
    shown = f" of run {tag}" if tag else ""
    click.echo(f"Wrote {out} ({out.stat().st_size:,} bytes){shown}: {_counts(counts)}")


@evidence.command("import")
@_store_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(store_path: Path | None, file: Path) -> None:
    """Add the records of the snapshot FILE to the store, all or nothing: the file is checked
    first. Records already there are kept, unless they are corrupt: then they are repaired."""
    with _open(store_path, create=True) as store:
        imported = import_snapshot(store, file)
    click.echo(f"Imported into {store.path}: {_counts(imported.added)}")
    repaired = {table: n for table, n in imported.repaired.items() if n}
    if repaired:
        click.echo(f"Repaired corrupt records: {_counts(repaired)}")


@evidence.command("prune")
@_store_option
@click.option(
    "--older-than",
    "older_than",
    callback=_duration,
    default=None,
    help="Delete searches and fetches stored longer ago than this (30d, 12h, 2w).",
)
@click.option(
    "--failures",
    is_flag=True,
    help="Delete every stored failed fetch (timeouts, outages, 404s, …), so they are tried again.",
)
@click.option("--keep-run", "keep_runs", multiple=True, help="Keep what this run used.")
def prune_command(
    store_path: Path | None,
    older_than: timedelta | None,
    failures: bool,
    keep_runs: tuple[str, ...],
) -> None:
    """Delete old evidence and failed fetches, then unreferenced bodies and extractions, then
    compact the file. With no option, only the unreferenced go."""
    with _open(store_path) as store:
        kept = [run_tag(run) for run in keep_runs]
        deleted = prune(store, older_than, keep_runs=kept, failures=failures)
    click.echo(f"Deleted {_counts(deleted)}")
