"""The `trustbench` command line: list, run, report, view, doctor."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import yaml

from trustbench.errors import TrustbenchError
from trustbench.evidence_cli import evidence


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


def _console():  # -> rich.console.Console
    """Rich wraps at 80 columns when output is not a terminal; a results table needs more."""
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=200)


class TrustbenchGroup(click.Group):
    """Prints our typed errors as one clear line and exits 2, without a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TrustbenchError as ex:
            click.secho(f"Error: {ex}", fg="red", err=True)
            sys.exit(2)


@click.group(cls=TrustbenchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="trustbench")
def main() -> None:
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
    no_report: bool,
    display: str | None,
    executor: str,
    ray_address: str | None,
    shard_size: int | None,
    workers: int | None,
    rate_limits: tuple[str, ...],
) -> None:
    """Run suites and/or tasks (default: the smoke suite on the embedded model).

    Running the same command again resumes an interrupted run. Exits 1 when any task log is not
    `success`.
    """
    from trustbench.catalog import load_catalog
    from trustbench.report import build_report, overview_table
    from trustbench.results_table import read_rows, to_rich_table
    from trustbench.runner import execute, plan_run, results_dir

    plan = plan_run(
        load_catalog(),
        list(targets),
        models=_split_models(model),
        grader=grader,
        user=user,
        task_args=_parse_key_values(task_args, "-T"),
        log_dir=log_dir,
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
    outcome = execute(plan, limit=limit, display=display, data_dir=data_dir, **extra)
    if outcome.logs:
        if no_report:
            _console().print(to_rich_table(read_rows([plan.log_dir])))
        else:
            result = build_report([plan.log_dir], out_dir=results_dir() / "reports" / plan.name)
            _console().print(overview_table(result.overview))
            click.echo(f"Report: {result.files['html'].resolve()}")
    logs_at = plan.log_dir.resolve() if isinstance(plan.log_dir, Path) else plan.log_dir
    click.echo(f"Logs:   {logs_at}")
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
    from trustbench.report import build_report, default_report_dir, overview_table
    from trustbench.runner import results_dir

    target = Path(out_dir) if out_dir else default_report_dir(log_dirs, results_dir())
    result = build_report(list(log_dirs), baseline=baseline, out_dir=target, formats=formats)
    _console().print(overview_table(result.overview))
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


main.add_command(evidence)
