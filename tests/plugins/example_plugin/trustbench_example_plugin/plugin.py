"""What the plugin contributes to trustbench: its task, a reference model for `scripted/`, and
its own section of the report."""

import random
from typing import Any

from trustbench.plugins import Plugin
from trustbench_example_plugin.tasks import greeting


def parrot(messages: list[Any], metadata: dict[str, Any], rng: random.Random) -> str:
    return "hello"


plugin = Plugin(
    name="example",
    tasks=[greeting],
    reference_models={"example-parrot": parrot},
    views={greeting: "trustbench_example_plugin.report_view:greeting_view"},
)
