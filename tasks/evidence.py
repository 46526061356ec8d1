"""What a judged task needs from Inspect to use `retrieval`'s evidence: the run a sample's
evidence is tagged with, so that `trustbench evidence export --run` ships exactly that run's."""

from __future__ import annotations

from inspect_ai.log._samples import sample_active


def eval_run_tag() -> str | None:
    """The running sample's eval set id (one `trustbench run`, the same when it is resumed),
    else its eval's run id (`inspect eval`); None outside a sample. The log header holds both
    (`eval.eval_set_id`, `eval.run_id`)."""
    active = sample_active()
    if active is None:
        return None
    return active.eval_set_id or active.run_id
