"""The `trustbench` command line: list, run, report, view, doctor, new-task."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Literal

import click
import yaml
from inspect_ai._util.error import PrerequisiteError
from rich.text import Text

from trustbench.errors import TrustbenchError
from trustbench.evidence_cli import evidence
from trustbench.tasks.upstream_data import UpstreamDataError


def _parse_key_values(values: tuple[str, ...], flag: str) -> dict[str, Any]:
    """`key=value` pairs, values parsed as YAML (so `3`, `[3, 4]` and `true` get their types)."""
    args: dict[str, Any] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"'{item}' is not key=value", param_hint=flag)
        args[key.strip()] = yaml.safe_load(value) if value else ""
    return args


def _split_models(value: str | None) -> list[str] | None:
    return [m.strip() for m in value.split(",") if m.strip()] if value else None


def _shown(path: Path | str) -> str:
    """A path as the user would type it: relative to the working directory when inside it (a
    URL, such as an `s3://` log folder, as given)."""
    if isinstance(path, str):
        return path
    resolved = path.resolve()
    return (
        str(resolved.relative_to(Path.cwd()))
        if resolved.is_relative_to(Path.cwd())
        else str(resolved)
    )


def _console():  # -> rich.console.Console
    """Rich wraps at 80 columns when output is not a terminal; a results table needs more."""
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=200)


def _is_user_error(error: Exception) -> bool:
    """Errors a user can cause and fix: ours, Inspect's unmet prerequisites (a missing API key),
    pinned data that cannot be used, a file that cannot be read, and the typed errors each
    plugin declares for its tasks (`Plugin.user_errors`). Anything else is a bug: traceback."""
    if isinstance(error, (TrustbenchError, PrerequisiteError, UpstreamDataError)):
        return True
    if isinstance(error, OSError) and error.filename is not None:
        return True
    from trustbench.plugins import discover_plugins

    declared = tuple(e for plugin in discover_plugins() for e in plugin.user_errors)
    return isinstance(error, declared)


def _user_message(error: Exception) -> str:
    if isinstance(error, PrerequisiteError):
        text = Text.from_markup(str(error.message)).plain.removeprefix("ERROR: ")
        return " ".join(line.strip() for line in text.splitlines() if line.strip())
    if isinstance(error, OSError) and error.filename is not None:
        return f"cannot read {error.filename}: {error.strerror or error}"
    return str(error)


class TrustbenchGroup(click.Group):
    """Prints an error the user can fix as one clear message and exits 2, without a traceback
    (`trustbench --debug ...` shows it)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as ex:
            if ctx.params.get("debug") or not _is_user_error(ex):
                raise
            click.secho(f"Error: {_user_message(ex)}", fg="red", err=True)
            sys.exit(2)


@click.group(cls=TrustbenchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="trustbench")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
def main(debug: bool) -> None:
    """Evaluate LLMs and agents for hallucination and safety, on inspect-ai."""


@main.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def list_command(as_json: bool) -> None:
    """List every task (built-in and from plugins) and every suite."""
    from trustbench.catalog import load_catalog

    catalog = load_catalog()
    if as_json:
        payload = {
            "tasks": [t.to_json() for t in catalog.tasks],
            "suites": [
                {
                    "name": s.name,
                    "description": s.description,
                    "path": str(s.path),
                    "tasks": [t.model_dump() for t in s.tasks],
                }
                for s in catalog.suites.values()
            ],
        }
        click.echo(json.dumps(payload, indent=2, default=str))
        return
    click.secho("Tasks", bold=True)
    for entry in catalog.tasks:
        needs = ", ".join(
            need if cond == "always" else f"{need} (when {cond})"
            for need, cond in entry.needs.items()
        )
        click.echo(f"  {entry.name}  [{entry.plugin}]  needs: {needs or 'nothing'}")
        click.echo(f"      {entry.summary}")
        if entry.stand_ins:
            played = ", ".join(f"scripted/{k} plays {v}" for k, v in entry.stand_ins.items())
            click.echo(f"      ({played})")
        for p in entry.parameters:
            default = "required" if p.required else f"default {p.default!r}"
            click.echo(f"      -T {p.name}=<{p.annotation}>  ({default})")
    click.secho("Suites", bold=True)
    for suite in catalog.suites.values():
        click.echo(f"  {suite.name}  ({len(suite.tasks)} tasks)  {suite.path}")
        click.echo(f"      {suite.description.strip()}")


@main.command()
@click.argument("targets", nargs=-1)
@click.option("--model", "model", help="Model(s) under test, comma-separated.")
@click.option("--grader", help="Model bound to the grader role (every judge call).")
@click.option("--user", help="Model bound to the user role (simulated user).")
@click.option("-T", "task_args", multiple=True, help="Task argument key=value (repeatable).")
@click.option("-M", "model_args", multiple=True, help="Model argument key=value (repeatable).")
@click.option("--limit", type=click.IntRange(min=1), help="At most N samples per task.")
@click.option("--log-dir", type=click.Path(file_okay=False), help="Where logs go (resume scope).")
@click.option("--data-dir", type=click.Path(file_okay=False), help="Local mirror of upstream data.")
@click.option("--max-samples", type=click.IntRange(min=1), help="Samples run concurrently.")
@click.option(
    "--max-tokens",
    type=click.IntRange(min=1),
    help="Most tokens per model answer, for every task and provider (default: each task's).",
)
@click.option(
    "--timeout",
    type=click.IntRange(min=1),
    help="Seconds one model request may take, retries included; a server silent this long "
    "ends the run (default 300).",
)
@click.option(
    "--max-retries",
    type=click.IntRange(min=0),
    help="Retries of a failed model request (default 5); rejected requests are not retried.",
)
@click.option("--no-report", is_flag=True, help="Print the results table only; write no report.")
@click.option(
    "--display",
    type=click.Choice(["full", "rich", "plain", "log", "none"]),
    help="Inspect's progress display.",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Run in this process, or as shards on a Ray cluster (extra `ray`).",
)
@click.option("--ray-address", help="Ray cluster to join (default: a local one for the run).")
@click.option("--shard-size", type=click.IntRange(min=1), help="Samples per shard (Ray).")
@click.option("--workers", type=click.IntRange(min=1), help="Shards at once on a local Ray.")
@click.option(
    "--rate-limit",
    "rate_limits",
    multiple=True,
    help="Cluster-wide provider limit (Ray), e.g. openai:connections=20,rpm=500,tpm=200000.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Check and print the plan (tasks, arguments, models, roles, log folder); run nothing.",
)
def run(
    targets: tuple[str, ...],
    model: str | None,
    grader: str | None,
    user: str | None,
    task_args: tuple[str, ...],
    model_args: tuple[str, ...],
    limit: int | None,
    log_dir: str | None,
    data_dir: str | None,
    max_samples: int | None,
    max_tokens: int | None,
    timeout: int | None,
    max_retries: int | None,
    no_report: bool,
    display: str | None,
    executor: str,
    ray_address: str | None,
    shard_size: int | None,
    workers: int | None,
    rate_limits: tuple[str, ...],
    dry_run: bool,
) -> None:
    """Run suites and/or tasks (default: the smoke suite on the embedded model).

    Running the same command again resumes an interrupted run. Exits 1 when any task log is not
    `success`.
    """
    from trustbench.catalog import load_catalog
    from trustbench.locations import report_dir
    from trustbench.providers.scripted import STAND_INS
    from trustbench.report import build_report, results, terminal_table
    from trustbench.runner import execute, plan_run

    plan = plan_run(
        load_catalog(),
        list(targets),
        models=_split_models(model),
        grader=grader,
        user=user,
        task_args=_parse_key_values(task_args, "-T"),
        log_dir=log_dir,
        max_tokens=max_tokens,
        timeout=timeout,
        max_retries=max_retries,
    )
    extra: dict[str, Any] = {"model_args": _parse_key_values(model_args, "-M")}
    if max_samples:
        extra["max_samples"] = max_samples
    if executor == "ray":
        from trustbench.scale import ray_executor

        extra["executor"] = ray_executor(ray_address, shard_size, workers, rate_limits)
    elif ray_address or shard_size or workers or rate_limits:
        raise click.UsageError(
            "--ray-address, --shard-size, --workers and --rate-limit need --executor ray."
        )
    if dry_run:
        for line in plan.describe():
            click.echo(line)
        click.echo(f"executor: {executor}" + (f" at {ray_address}" if ray_address else ""))
        return
    outcome = execute(plan, limit=limit, display=display, data_dir=data_dir, **extra)
    html: Path | None = None
    if outcome.logs and no_report:
        rows, warnings = results([plan.log_dir])
        _console().print(terminal_table(rows))
        for warning in warnings:
            click.secho(f"Warning: {warning}", fg="yellow", err=True)
    elif outcome.logs:
        result = build_report([plan.log_dir], out_dir=report_dir([plan.log_dir]))
        _console().print(terminal_table(result.overview))
        html = result.files["html"]
    for kind, meaning in STAND_INS.items():
        if f"scripted/{kind}" in plan.models:
            click.echo(f"scripted/{kind}: {meaning}.")
    click.echo(f"Logs:   {_shown(plan.log_dir)}")
    if html is not None:
        click.echo(f"Report: {html.resolve()}")
    click.echo(f"Each sample, in Inspect's viewer: trustbench view {_shown(plan.log_dir)}")
    if not outcome.success:
        for log in outcome.failed:
            message = log.error.message if log.error else "incomplete"
            click.secho(
                f"FAILED {log.eval.task} on {log.eval.model}: {log.status}: {message}",
                fg="red",
                err=True,
            )
        click.secho("Re-run the same command to resume.", err=True)
        sys.exit(1)


@main.command()
@click.argument("log_dirs", nargs=-1, required=True, type=click.Path())
@click.option("--baseline", help="Model to compare the others against (paired tests).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Report directory (default: results/reports/<log dir name>).",
)
@click.option(
    "--format",
    "formats",
    default="html,md,csv,json",
    show_default=True,
    help="Comma-separated: html, md, csv, json.",
)
def report(
    log_dirs: tuple[str, ...], baseline: str | None, out_dir: str | None, formats: str
) -> None:
    """Compare models across tasks: headline metrics with 95 % CIs, run facts, paired tests
    against --baseline, per-task breakdowns and plots."""
    from trustbench.locations import report_dir
    from trustbench.report import build_report, terminal_table

    target = Path(out_dir) if out_dir else report_dir(log_dirs)
    result = build_report(list(log_dirs), baseline=baseline, out_dir=target, formats=formats)
    _console().print(terminal_table(result.overview))
    for warning in result.warnings:
        click.secho(f"Warning: {warning}", fg="yellow", err=True)
    for name, path in result.files.items():
        click.echo(f"{name + ':':6} {path.resolve()}")


@main.command()
@click.argument("log_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--port", type=int, default=7575, show_default=True)
def view(log_dir: str, port: int) -> None:
    """Open Inspect's log viewer on LOG_DIR (served on 127.0.0.1)."""
    command = [
        sys.executable,
        "-m",
        "inspect_ai",
        "view",
        "--log-dir",
        log_dir,
        "--port",
        str(port),
    ]
    sys.exit(subprocess.call(command))


@main.command()
@click.option("--model", "model", help="Also check that this model is reachable (comma-separated).")
def doctor(model: str | None) -> None:
    """Check what a run needs, and say how to fix each failure."""
    from trustbench.doctor import run_checks

    ok = True
    for check in run_checks(_split_models(model) or []):
        colour = {"ok": "green", "warn": "yellow", "fail": "red"}[check.status]
        click.secho(f"[{check.status:>4}] {check.name}: {check.detail}", fg=colour)
        if check.fix and check.status != "ok":
            click.echo(f"       fix: {check.fix}")
        ok = ok and check.status != "fail"
    sys.exit(0 if ok else 1)


@main.command("new-task")
@click.argument("name")
@click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True),
    default=".",
    show_default=True,
    help="The root of the trustbench checkout to add the task to.",
)
def new_task(name: str, root: str) -> None:
    """Start a built-in task NAME from the template: tasks/NAME/ (task, dataset, solver, scorer,
    metrics, reference models, report view, suite, README), its test in tests/NAME/, and the
    line in pyproject.toml that declares it."""
    from trustbench.catalog import load_catalog
    from trustbench.new_task import create_task

    taken = {entry.short_name for entry in load_catalog().tasks}
    created = create_task(Path(root), name, taken)
    for file in created.files:
        click.echo(f"wrote  {_shown(file)}")
    click.echo(f"added  {created.entry_point}  (pyproject.toml, [project.entry-points])")
    click.echo(
        "Next: reinstall so that the entry point is seen (pip install -e ., or any make "
        f"target), then: trustbench list; trustbench run {name} --model scripted/reference"
    )


@main.command("judge-audit")
@click.option("--grader", help="Grader model for every judge stage (none: heuristic mode).")
@click.option(
    "--set",
    "audit_set",
    type=click.Path(exists=True, file_okay=False),
    help="Audit set folder (items.jsonl + corpus/); default: the authored set we ship.",
)
@click.option(
    "--judge-mode",
    type=click.Choice(["auto", "llm", "heuristic"]),
    default="auto",
    show_default=True,
)
@click.option(
    "--prompts",
    type=click.Choice(["trustbench", "upstream"]),
    default="trustbench",
    show_default=True,
)
@click.option("-T", "task_args", multiple=True, help="halluhard_audit argument key=value.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Where log and tables go.")
@click.option("--bootstrap", "draws", type=click.IntRange(min=100), default=1000, show_default=True)
def judge_audit(
    grader: str | None,
    audit_set: str | None,
    judge_mode: Literal["auto", "llm", "heuristic"],
    prompts: Literal["trustbench", "upstream"],
    task_args: tuple[str, ...],
    out_dir: str | None,
    draws: int,
) -> None:
    """Measure the HalluHard judge (with --grader, or heuristic) against gold labels."""
    from trustbench.judge_audit import rich_table, run_audit
    from trustbench.locations import results_dir

    target = (
        Path(out_dir)
        if out_dir
        else results_dir() / "audits" / (grader or "heuristic").replace("/", "_")
    )
    report = run_audit(
        grader=grader,
        audit_set=audit_set,
        judge_mode=judge_mode,
        prompts=prompts,
        task_args=_parse_key_values(task_args, "-T"),
        out_dir=target,
        draws=draws,
    )
    _console().print(rich_table(report))
    click.echo(
        f"Extra claims: {report.extra_claims}. Unparsed citations: {report.unparsed_citations}."
    )
    click.echo(f"Tables: {(target / 'agreement.md').resolve()}")


main.add_command(evidence)
