"""Scale-out: one run plan as shards on a Ray cluster (`trustbench run --executor ray`).

Ray is an optional extra (`pip install 'trustbench[ray]'`); only `executor.execute_on_ray`
imports it, and it says which extra to install when it is missing."""

from __future__ import annotations

import functools

from trustbench.runner import Executor


def ray_executor(
    address: str | None = None,
    shard_size: int | None = None,
    workers: int | None = None,
    rate_limits: tuple[str, ...] = (),
) -> Executor:
    """The Ray executor with the command line's settings, checked before anything runs."""
    from trustbench.scale.executor import execute_on_ray
    from trustbench.scale.limits import parse_limit
    from trustbench.scale.shards import DEFAULT_SHARD_SIZE

    for text in rate_limits:
        parse_limit(text)
    return functools.partial(
        execute_on_ray,
        address=address,
        workers=workers,
        shard_size=shard_size or DEFAULT_SHARD_SIZE,
        rate_limits=rate_limits,
    )
