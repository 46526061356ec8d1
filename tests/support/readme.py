"""The README's shell commands, read the way the tests that run them read them."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
NEW_TASK = "trustbench new-task"
"""The block that starts a task from the template: run in a copy of the checkout by
`tests/core/test_new_task.py`, since it writes into the checkout."""


def blocks(language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(README.read_text()) if lang == language]


def commands(block: str) -> Iterator[list[str]]:
    """Each shell command of a block, continuation lines joined and comments dropped."""
    for line in block.replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        if words:
            yield words


def new_task_block() -> str:
    [block] = [b for b in blocks("bash") if b.lstrip().startswith(NEW_TASK)]
    return block
