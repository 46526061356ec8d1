"""What the plugin contributes to trustbench: its tasks and an oracle for `scripted/`."""

import random
from typing import Any

from trustbench.plugins import Plugin
from trustbench_example_plugin.tasks import greeting


def parrot(messages: list[Any], metadata: dict[str, Any], rng: random.Random) -> str:
    return "hello"


plugin = Plugin(name="example", tasks=[greeting], oracles={"example-parrot": parrot})
