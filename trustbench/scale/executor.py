"""`trustbench run --executor ray`: the run plan as shards on a Ray cluster (a local one that
starts and stops with the run when no address is given), one ordinary Inspect log per shard in
the run's log directory, and the same outcome rules as one process."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import fsspec
from inspect_ai.log import read_eval_log

from trustbench.errors import MissingExtraError, TrustbenchError
from trustbench.runner import RunOutcome, RunPlan
from trustbench.scale.limits import ProviderLimit, parse_limit
from trustbench.scale.progress import ClusterProgress
from trustbench.scale.shards import DEFAULT_SHARD_SIZE, Shard, plan_shards
from trustbench.scale.worker import ShardJob, ShardOutcome, finished, jobs_for

EvidencePlacement = Literal["auto", "shared", "merge"]


@dataclass(frozen=True)
class ShardedOutcome(RunOutcome):
    """A run's shard logs; a shard that left no log at all fails the run too."""

    lost: tuple[str, ...] = ()
    """Shards that never wrote a log, with the reason."""
    gate: dict[str, dict[str, int]] | None = None
    """What the cluster's provider gate admitted, per provider."""

    @property
    def success(self) -> bool:
        return super().success and not self.lost


LOOPBACK_ONLY = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"
"""Set to 0, Ray binds a local instance to loopback (as it does on macOS and Windows): a run on
one machine opens no port to the network. Read when Ray is imported."""


def _ray(local: bool) -> Any:
    if local:
        os.environ.setdefault(LOOPBACK_ONLY, "0")
    try:
        import ray
    except ImportError as ex:
        raise MissingExtraError("ray", "--executor ray", "ray") from ex
    return ray


def sample_counts(plan: RunPlan, limit: int | None) -> list[int]:
    """How many samples each task has with its limits: built once here to cut it into ranges."""
    counts = []
    for planned in plan.tasks:
        total = len(planned.build().dataset)
        counts.append(min(total, limit) if limit is not None else total)
    return counts


def _evidence_store(ray: Any, placement: EvidencePlacement) -> str | None:
    """The store every worker writes to when they all run on this host, else None (each shard
    keeps its own, merged into this host's store when it ends)."""
    from trustbench.retrieval.store import default_store_path

    if placement == "auto":
        here = ray.get_runtime_context().get_node_id()
        nodes = {node["NodeID"] for node in ray.nodes() if node["Alive"]}
        placement = "shared" if nodes <= {here} else "merge"
    return str(default_store_path().resolve()) if placement == "shared" else None


def _merge_evidence(snapshot: str) -> None:
    """Imports a shard's evidence snapshot into this host's store (again on a re-run: records
    the store has are kept as they are)."""
    from trustbench.retrieval.snapshot import import_snapshot
    from trustbench.retrieval.store import EvidenceStore, default_store_path

    with tempfile.TemporaryDirectory(prefix="trustbench-evidence-") as scratch:
        local = Path(scratch) / "snapshot.sqlite"
        with fsspec.open(snapshot, "rb") as source:
            local.write_bytes(source.read())
        with EvidenceStore(default_store_path()) as store:
            import_snapshot(store, local)


def execute_on_ray(
    plan: RunPlan,
    *,
    address: str | None = None,
    workers: int | None = None,
    shard_size: int = DEFAULT_SHARD_SIZE,
    rate_limits: list[str] | tuple[str, ...] = (),
    evidence: EvidencePlacement = "auto",
    limit: int | None = None,
    display: str | None = None,
    retry_attempts: int | None = None,
    data_dir: str | Path | None = None,
    **eval_options: Any,
) -> ShardedOutcome:
    """Run the plan's shards as Ray tasks; re-running the same plan resumes it."""
    ray = _ray(local=address is None)
    limits: dict[str, ProviderLimit] = dict(parse_limit(text) for text in rate_limits)
    if data_dir is not None:
        data_dir = str(Path(data_dir).resolve())
        os.environ["TRUSTBENCH_DATA"] = data_dir
    log_dir = str(plan.log_dir) if "://" in str(plan.log_dir) else str(Path(plan.log_dir).resolve())
    model_args = dict(eval_options.pop("model_args", None) or {})
    sizes = sample_counts(plan, limit)
    identity = {"roles": plan.roles, "generate": plan.generate, "model_args": model_args}
    shards = plan_shards(plan, log_dir, shard_size=shard_size, sizes=sizes, identity=identity)
    done = [outcome for shard in shards if (outcome := finished(shard)) is not None]
    for outcome in done:
        if outcome.evidence:
            _merge_evidence(outcome.evidence)
    todo = [shard for shard in shards if shard not in {o.shard for o in done}]
    gate_stats: dict[str, dict[str, int]] = {}
    if todo:
        outcomes, gate_stats = _on_cluster(
            ray,
            plan,
            todo,
            done,
            address=address,
            workers=workers,
            shard_size=shard_size,
            sizes=sizes,
            limits=limits,
            evidence=evidence,
            display=display,
            job_options=dict(
                roles=plan.roles,
                generate=plan.generate,
                model_args=model_args,
                limits=plan.limits,
                needs_tools=plan.needs_tools,
                eval_options=eval_options,
                data_dir=data_dir,
                retry_attempts=retry_attempts,
            ),
        )
    else:
        outcomes = done
    logs = [read_eval_log(o.location, header_only=True) for o in outcomes if o.location]
    lost = tuple(f"{o.shard.name}: {o.error}" for o in outcomes if not o.location)
    for line in lost:
        print(f"LOST shard {line}", file=sys.stderr, flush=True)
    return ShardedOutcome(logs, lost=lost, gate=gate_stats)


def _on_cluster(
    ray: Any,
    plan: RunPlan,
    todo: list[Shard],
    done: list[ShardOutcome],
    *,
    address: str | None,
    workers: int | None,
    shard_size: int,
    sizes: list[int],
    limits: dict[str, ProviderLimit],
    evidence: EvidencePlacement,
    display: str | None,
    job_options: dict[str, Any],
) -> tuple[list[ShardOutcome], dict[str, dict[str, int]]]:
    """Connects to the cluster (or starts a local one for the run), runs the shards not yet
    finished, and stops the local cluster again."""
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(
            address=address,
            num_cpus=workers if address is None else None,
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.WARNING,
        )
    try:
        cluster = {
            "nodes": sum(1 for node in ray.nodes() if node["Alive"]),
            "cpus": int(ray.cluster_resources().get("CPU", 0)),
        }
        facts = {"executor": "ray", "shard_size": shard_size, **cluster}
        store = _evidence_store(ray, evidence)
        jobs = jobs_for(
            plan,
            todo,
            sizes,
            facts=facts,
            evidence_store=store,
            limited=tuple(limits),
            **job_options,
        )
        return _run(ray, jobs, done, limits, cluster["cpus"], display)
    finally:
        if started_here:
            ray.shutdown()


def _run(
    ray: Any,
    jobs: list[ShardJob],
    done: list[ShardOutcome],
    limits: dict[str, ProviderLimit],
    cpus: int,
    display: str | None,
) -> tuple[list[ShardOutcome], dict[str, dict[str, int]]]:
    from trustbench.scale.actors import GateActor, ProgressActor, shard_task

    gate = GateActor.remote(limits)
    counter = ProgressActor.remote()
    pending = {shard_task.remote(job, gate, counter): job.shard for job in jobs}
    outcomes = list(done)
    progress = ClusterProgress(
        shards=len(jobs) + len(done),
        samples=sum(job.shard.samples for job in jobs) + sum(o.shard.samples for o in done),
        workers=cpus,
        started=time.monotonic(),
    )
    show = _Display(display)
    while pending:
        ready, _ = ray.wait(list(pending), num_returns=1, timeout=1.0)
        for ref in ready:
            outcome = _outcome(ray, ref, pending.pop(ref))
            if outcome.evidence:
                _merge_evidence(outcome.evidence)
            outcomes.append(outcome)
            show.shard_done(outcome)
        running, errors = ray.get(counter.counts.remote())
        done_names = {o.shard.name for o in outcomes}
        samples = sum(o.samples for o in outcomes) + sum(
            n for name, n in running.items() if name not in done_names
        )
        errored = sum(o.errors for o in outcomes) + sum(
            n for name, n in errors.items() if name not in done_names
        )
        failed = sum(1 for o in outcomes if o.status != "success")
        show.update(progress.line(len(outcomes), samples, errored, failed, time.monotonic()))
    show.close()
    return outcomes, ray.get(gate.stats.remote())


def _outcome(ray: Any, ref: Any, shard: Shard) -> ShardOutcome:
    """The shard's outcome; a shard whose task raised (after Ray's retries) is a counted
    failure and the run goes on."""
    try:
        return ray.get(ref)
    except (ray.exceptions.RayError, TrustbenchError) as ex:
        cause = getattr(ex, "cause", None) or ex
        message = str(cause).strip().splitlines()[-1] if str(cause).strip() else repr(cause)
        return ShardOutcome(shard, "error", "", 0, 0, error=message)


class _Display:
    """One status line on a terminal; a line per finished shard otherwise; nothing for `none`."""

    def __init__(self, display: str | None) -> None:
        from rich.console import Console

        self._quiet = display == "none"
        self._console = Console(stderr=True)
        self._status = None
        if not self._quiet and self._console.is_terminal:
            self._status = self._console.status("starting shards…")
            self._status.start()
        self._last = ""

    def update(self, line: str) -> None:
        self._last = line
        if self._status is not None:
            self._status.update(line)

    def shard_done(self, outcome: ShardOutcome) -> None:
        if self._quiet:
            return
        note = "" if outcome.status == "success" else f" ({outcome.error or 'incomplete'})"
        message = f"shard {outcome.shard.name}: {outcome.status}{note}"
        if self._status is not None:
            self._console.log(message)
        else:
            print(message, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._status is not None:
            self._status.stop()
        if not self._quiet and self._last:
            print(self._last, file=sys.stderr, flush=True)
