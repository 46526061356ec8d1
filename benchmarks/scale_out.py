"""Scale-out: one process vs shards on a local Ray instance, on scripted models.

1. Latency-bound: every model call takes `--delay` seconds (200 ms, a typical API round trip) and
   each process (or shard) runs `--max-samples` samples at once, as a provider's per-process
   connection cap would allow. One process, then Ray with 2 and with 4 workers on this machine,
   in shards of `--shard-size` (default: an eighth of the run, so that 4 workers stay busy).
2. Sharding overhead: a zero-latency model, one process vs the same run cut into shards of the
   default size, run one after another in one process (what sharding itself costs: the tasks
   built on the driver to size them, and per shard an eval set started and its log read back)
   and on Ray with one worker (what Ray adds on this machine; the cluster is already up).

Every run is made in a process that has already made a first small run (the first eval in a
process spends seconds importing Inspect's modules), and a one-process run in a fresh process of
its own, as a Ray worker is, so that the times compare running, not starting; the starting costs
are printed on their own. Wall times and their ratios, all measured in this one run (the machine
is noisy); the overhead runs alternate, best of `--rounds` kept.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from trustbench.catalog import load_catalog
from trustbench.runner import execute, plan_run
from trustbench.scale.executor import LOOPBACK_ONLY, execute_on_ray, sample_counts
from trustbench.scale.shards import DEFAULT_SHARD_SIZE


def plan(log_dir: Path, samples: int) -> Any:
    return plan_run(
        load_catalog(),
        ["trustbench/visual_planning"],
        models=["scripted/gridworld-bfs"],
        task_args={"sizes": [3, 4], "n_per_size": samples // 2},
        log_dir=log_dir,
    )


def timed(run: Any) -> float:
    start = time.perf_counter()
    outcome = run()
    elapsed = time.perf_counter() - start
    assert outcome.success, outcome
    return elapsed


def one_process(log_dir: Path, samples: int, options: dict[str, Any]) -> float:
    """The run in a fresh process; only its `execute` call is timed."""
    command = [
        sys.executable,
        __file__,
        "--one-process",
        json.dumps([str(log_dir), samples, options]),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return float(done.stdout.strip().splitlines()[-1])


def sharded_here(plan: Any, display: str) -> Any:
    """The shards of the plan one after another in this process, without Ray: what sharding
    costs before any distribution."""
    from trustbench.scale.shards import plan_shards
    from trustbench.scale.worker import jobs_for, run_shard

    sizes = sample_counts(plan, None)
    shards = plan_shards(
        plan, str(plan.log_dir), shard_size=DEFAULT_SHARD_SIZE, sizes=sizes, identity={}
    )
    settings = dict(roles={}, generate={}, model_args={}, eval_options={}, facts={})
    jobs = jobs_for(plan, shards, sizes, evidence_store=None, **settings)
    outcomes = [run_shard(job, gate=None, progress=None) for job in jobs]
    return SimpleNamespace(success=all(o.status == "success" for o in outcomes))


def on_ray(log_dir: Path, samples: int, workers: int, **options: Any) -> float:
    """The run on a fresh local cluster whose workers have each run a first shard."""
    import ray

    ray.init(
        num_cpus=workers, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR
    )
    try:
        warm_up = plan(log_dir.with_name(f"{log_dir.name}-warm-up"), 2 * workers)
        timed(
            lambda: execute_on_ray(warm_up, display="none", shard_size=1, model_args={"delay": 1})
        )
        return timed(lambda: execute_on_ray(plan(log_dir, samples), display="none", **options))
    finally:
        ray.shutdown()


def gate_throughput(processes: int, callers: int, seconds: float) -> tuple[float, float]:
    """Calls per second one gate actor admits (and their mean wait) when `callers` coroutines in
    each of `processes` worker processes call it back to back, no limit binding: the gate's own
    ceiling, which a cluster of that many concurrent provider calls would meet."""
    import ray

    from trustbench.scale.actors import GateActor

    gate = GateActor.remote({})

    @ray.remote(num_cpus=0)
    def caller(gate: Any) -> tuple[int, float]:
        import asyncio

        async def one(deadline: float) -> tuple[int, float]:
            count, waited = 0, 0.0
            while time.monotonic() < deadline:
                start = time.monotonic()
                await gate.acquire.remote("p", 10**9)
                waited += time.monotonic() - start
                gate.release.remote("p", 0, False, None)
                count += 1
            return count, waited

        async def run() -> tuple[int, float]:
            deadline = time.monotonic() + seconds
            done = await asyncio.gather(*(one(deadline) for _ in range(callers)))
            return sum(c for c, _ in done), sum(w for _, w in done)

        return asyncio.run(run())

    results = ray.get([caller.remote(gate) for _ in range(processes)])
    calls = sum(c for c, _ in results)
    return calls / seconds, sum(w for _, w in results) / max(calls, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--max-samples", type=int, default=4)
    parser.add_argument("--shard-size", type=int, help="for part 1 (default: samples / 8)")
    parser.add_argument("--overhead-samples", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="overhead runs of each (best kept)")
    parser.add_argument("--one-process", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_process:
        log_dir, samples, options = json.loads(args.one_process)
        run = sharded_here if options.pop("sharded", False) else execute
        timed(lambda: run(plan(Path(f"{log_dir}-warm-up"), 2), display="none"))
        print(timed(lambda: run(plan(Path(log_dir), samples), display="none", **options)))
        return
    os.environ.setdefault(LOOPBACK_ONLY, "0")
    import ray

    latency = {"model_args": {"delay": args.delay}, "max_samples": args.max_samples}
    shard_size = args.shard_size or max(1, args.samples // 8)
    with tempfile.TemporaryDirectory() as root:
        base = Path(root)
        print(
            f"1. {args.samples} samples, {args.delay * 1000:.0f} ms per call, "
            f"{args.max_samples} at once per process/shard, shard size {shard_size}"
        )
        single = one_process(base / "one", args.samples, latency)
        print(f"   one process        {single:7.1f} s")
        for workers in (2, 4):
            sharded = on_ray(
                base / f"ray{workers}", args.samples, workers, shard_size=shard_size, **latency
            )
            print(
                f"   Ray, {workers} workers     {sharded:7.1f} s   speed-up {single / sharded:.2f}x"
            )

        print(f"2. {args.overhead_samples} samples, no latency, shard size {DEFAULT_SHARD_SIZE}")
        started = time.perf_counter()
        ray.init(
            num_cpus=1, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR
        )
        startup = time.perf_counter() - started
        warm = timed(lambda: execute_on_ray(plan(base / "warm-up", 2), display="none"))
        singles, heres, shardeds = [], [], []
        n = args.overhead_samples
        for round_ in range(args.rounds):  # alternated, so that machine noise hits all alike
            singles.append(one_process(base / f"one-{round_}", n, {}))
            heres.append(one_process(base / f"here-{round_}", n, {"sharded": True}))
            shardeds.append(
                timed(lambda r=round_: execute_on_ray(plan(base / f"ray-{r}", n), display="none"))
            )
        ray.shutdown()
        single, here, sharded = min(singles), min(heres), min(shardeds)
        print(f"   one process                 {single:7.1f} s   (best of {args.rounds})")
        print(f"   shards, one process, no Ray {here:7.1f} s   overhead {here / single - 1:+.0%}")
        print(
            f"   shards on Ray, 1 worker     {sharded:7.1f} s   overhead {sharded / single - 1:+.0%}"
        )
        print(
            f"   once per run, not counted above: starting the local Ray instance {startup:.1f} s, "
            f"a first 2-sample shard on a cold worker (imports) {warm:.1f} s"
        )

        processes, callers = 4, 50
        print(f"3. the provider gate: {callers} callers in each of {processes} processes, 5 s")
        ray.init(
            num_cpus=processes,
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.ERROR,
        )
        rate, wait = gate_throughput(processes, callers, 5.0)
        ray.shutdown()
        print(f"   {rate:7.0f} calls/s through one actor, {wait * 1000:.1f} ms mean wait per call")


if __name__ == "__main__":
    main()
