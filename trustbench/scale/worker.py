"""One shard, run where a worker picks it up: build the task, bind the models (each provider call
through the cluster's gate), and run Inspect's eval set in the shard's folder.

Nothing here knows about Ray: the gate and the progress sink are passed in, so that a shard can
also run in this process (the tests do).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import fsspec
from fsspec.core import url_to_fs
from inspect_ai import Task, eval_set
from inspect_ai.log import list_eval_logs, read_eval_log, read_eval_log_sample_summaries
from inspect_ai.model import GenerateConfig, Model, ModelOutput

from trustbench.errors import TrustbenchError
from trustbench.models import provider_of
from trustbench.providers.served import RequestLimits, end_run_once, serve
from trustbench.report.shards import SHARD_METADATA
from trustbench.runner import PlannedTask, RunPlan
from trustbench.scale.limits import IN_PROCESS
from trustbench.scale.progress import reporting_to
from trustbench.scale.shards import Shard, join

EVIDENCE_SNAPSHOT = "evidence.sqlite"
"""A shard's own evidence, exported beside its log when it has no shared store."""


class Gate(Protocol):
    """The cluster's admission control for provider calls (`ProviderGate` behind an actor)."""

    async def acquire(self, provider: str, default_connections: int | None) -> None: ...

    def release(
        self, provider: str, tokens: int, rate_limited: bool, retry_after: float | None
    ) -> None: ...


class ProgressSink(Protocol):
    def samples_done(self, shard: str, samples: int, errors: int) -> None: ...


@dataclass(frozen=True)
class ShardJob:
    """Everything a worker needs to run one shard; plain data, so it travels to any node."""

    shard: Shard
    task: str
    task_args: dict[str, Any]
    task_limit: int | None
    planned_samples: int
    """The sample count the driver planned with: a worker that builds another is refused."""
    roles: dict[str, str]
    generate: dict[str, Any]
    model_args: dict[str, Any]
    eval_options: dict[str, Any]
    facts: dict[str, Any]
    """How the run is executed (executor, cluster, layout), recorded in the log."""
    evidence_store: str | None
    """The evidence store every worker shares, or None: a store of the shard's own, exported
    when it ends so that the driver merges it into the run's store."""
    limits: RequestLimits = field(default_factory=RequestLimits)
    """The run's request timeout and retries (`--timeout`, `--max-retries`)."""
    needs_tools: bool = False
    """The run has an agent task: a model server is probed for native tool calls."""
    limited: tuple[str, ...] = ()
    """Providers with a limit set for the run: gated even when they run in the worker."""
    data_dir: str | None = None
    retry_attempts: int | None = None


def jobs_for(
    plan: RunPlan, shards: list[Shard], sizes: list[int], **settings: Any
) -> list[ShardJob]:
    """A job for each shard: its task as the plan names it, and the run's `settings` (the
    other `ShardJob` fields)."""
    return [
        ShardJob(
            shard=shard,
            task=plan.tasks[shard.task].entry.name,
            task_args=plan.tasks[shard.task].args,
            task_limit=plan.tasks[shard.task].limit,
            planned_samples=sizes[shard.task],
            **settings,
        )
        for shard in shards
    ]


@dataclass(frozen=True)
class ShardOutcome:
    shard: Shard
    status: str
    location: str
    samples: int
    errors: int
    error: str | None = None
    evidence: str | None = None
    """Where the snapshot of the evidence it fetched into a store of its own lies (beside its
    log, so that it is found again by a re-run and travels with the logs)."""


def rate_limit_of(error: BaseException) -> tuple[bool, float | None]:
    """Whether a provider error is a 429, and the wait it asked for (`Retry-After`, seconds)."""
    response = getattr(error, "response", None)
    status = getattr(error, "status_code", None) or getattr(response, "status_code", None)
    if status != 429:
        return False, None
    headers = getattr(response, "headers", None) or {}
    try:
        return True, float(headers.get("retry-after", ""))
    except ValueError:
        return True, None


def gated(model: Model, gate: Gate, limited: tuple[str, ...] = ()) -> Model:
    """Every provider call of `model` waits for the cluster's gate, and reports its tokens and
    any 429 back. Inspect has no public hook around a provider call that also sees failures, so
    the call itself is wrapped; Inspect's retries, cache and process limits stay as they are.
    A model that runs in the worker itself calls no provider: it is gated only when `limited`
    names its provider."""
    api = model.api
    provider = provider_of(str(model))
    if provider in IN_PROCESS and provider not in limited:
        return model
    call = api.generate

    async def generate(input: Any, tools: Any, tool_choice: Any, config: GenerateConfig) -> Any:
        await gate.acquire(provider, config.max_connections or api.max_connections())
        tokens, limited, retry_after = 0, False, None
        try:
            result = await call(input=input, tools=tools, tool_choice=tool_choice, config=config)
        except Exception as ex:
            limited, retry_after = rate_limit_of(ex)
            raise
        else:
            output = result[0] if isinstance(result, tuple) else result
            if isinstance(output, ModelOutput) and output.usage is not None:
                tokens = output.usage.total_tokens
            elif isinstance(output, Exception):
                limited, retry_after = rate_limit_of(output)
            return result
        finally:
            gate.release(provider, tokens, limited, retry_after)

    api.generate = generate  # type: ignore[method-assign]  # wrapped on this instance only, on purpose
    return model


@contextmanager
def _environment(job: ShardJob) -> Iterator[Path | None]:
    """The variables the task reads while it is built and run; yields the shard's own evidence
    store when it has one."""
    from trustbench.retrieval.store import STORE_VARIABLE

    saved = {name: os.environ.get(name) for name in (STORE_VARIABLE, "TRUSTBENCH_DATA")}
    own: Path | None = None
    with tempfile.TemporaryDirectory(prefix="trustbench-shard-") as scratch:
        if job.evidence_store is None:
            own = Path(scratch) / "evidence.sqlite"
        os.environ[STORE_VARIABLE] = str(own or job.evidence_store)
        if job.data_dir is not None:
            os.environ["TRUSTBENCH_DATA"] = job.data_dir
        try:
            yield own
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _export_evidence(store_path: Path, shard: Shard) -> str | None:
    """The shard's own evidence as one snapshot file beside its log (None when it fetched
    nothing)."""
    if not store_path.exists():
        return None
    from trustbench.retrieval.snapshot import export_snapshot
    from trustbench.retrieval.store import EvidenceStore

    local = store_path.with_name("snapshot.sqlite")
    with EvidenceStore(store_path) as store:
        export_snapshot(store, local)
    target = join(shard.log_dir, EVIDENCE_SNAPSHOT)
    with fsspec.open(target, "wb") as out:
        out.write(local.read_bytes())
    return target


_BUILT: dict[tuple[Any, ...], Task] = {}
"""Tasks this worker process built, for its next shards of the same run: building a task builds
its whole dataset. Inspect runs a Task object again as it is (an eval set's retries do)."""
BUILT_KEPT = 4


def build_task(job: ShardJob) -> Task:
    """The shard's task, built as the driver built it (same name, arguments, limit and the
    variables it reads: data and evidence store)."""
    from trustbench.catalog import load_catalog
    from trustbench.retrieval.store import STORE_VARIABLE

    key = (
        job.task,
        json.dumps(job.task_args, sort_keys=True, default=str),
        job.task_limit,
        os.environ.get(STORE_VARIABLE),
        os.environ.get("TRUSTBENCH_DATA"),
    )
    task = _BUILT.get(key)
    if task is None:
        planned = PlannedTask(load_catalog().task(job.task), job.task_args, job.task_limit, "shard")
        task = planned.build()
        if job.evidence_store is not None:  # a shard's own store is gone when the shard ends
            while len(_BUILT) >= BUILT_KEPT:
                _BUILT.pop(next(iter(_BUILT)))
            _BUILT[key] = task
    if len(task.dataset) < job.planned_samples:
        raise TrustbenchError(
            f"{job.task} built {len(task.dataset)} samples on this worker but "
            f"{job.planned_samples} on the driver: its dataset must not depend on the machine "
            "(install the same data, or pass --data-dir)."
        )
    return task


def run_shard(job: ShardJob, gate: Gate | None, progress: ProgressSink | None) -> ShardOutcome:
    """Run (or resume, or skip when finished) one shard with Inspect's eval set."""
    shard = job.shard
    with _environment(job) as own_store:
        task = build_task(job)
        # Bound as `trustbench run` binds them in one process: pinged, their tool protocol
        # chosen, the run's request limits, and the facts the report shows about each.
        end_run = end_run_once()
        under_test = serve(
            shard.model, job.model_args, job.limits, needs_tools=job.needs_tools, on_down=end_run
        )
        served = {shard.model: under_test}
        for name in job.roles.values():
            if name not in served:
                served[name] = serve(name, {}, job.limits, needs_tools=False, on_down=end_run)
        model = under_test.model
        roles = {role: served[name].model for role, name in job.roles.items()}
        facts = {str(s.model): s.facts.record() for s in served.values()}
        if gate is not None:
            model = gated(model, gate, job.limited)
            roles = {role: gated(m, gate, job.limited) for role, m in roles.items()}
        with reporting_to(progress, shard.name):
            _, logs = eval_set(
                tasks=[task],
                model=[model],
                model_roles=roles or None,
                log_dir=shard.log_dir,
                limit=(shard.start, shard.end),
                metadata={SHARD_METADATA: shard.metadata(job.facts), "served_models": facts},
                display="none",
                retry_attempts=job.retry_attempts,
                **job.generate,
                **job.eval_options,
            )
        evidence = _export_evidence(own_store, shard) if own_store is not None else None
    [header] = logs
    return outcome_of(shard, header.location, evidence)


def outcome_of(shard: Shard, location: str, evidence: str | None = None) -> ShardOutcome:
    """A shard's outcome as its log tells it."""
    header = read_eval_log(location, header_only=True)
    samples = read_eval_log_sample_summaries(location)
    return ShardOutcome(
        shard=shard,
        status=header.status,
        location=header.location,
        samples=len(samples),
        errors=sum(1 for s in samples if s.error),
        error=header.error.message if header.error else None,
        evidence=evidence,
    )


def finished(shard: Shard) -> ShardOutcome | None:
    """The shard's outcome when its folder already holds a successful log (a re-run skips it)."""
    try:
        infos = list_eval_logs(shard.log_dir)
    except FileNotFoundError:
        return None
    for info in infos:
        if read_eval_log(info, header_only=True).status == "success":
            snapshot = join(shard.log_dir, EVIDENCE_SNAPSHOT)
            filesystem, path = url_to_fs(snapshot)
            return outcome_of(shard, info.name, snapshot if filesystem.exists(path) else None)
    return None
