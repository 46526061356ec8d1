"""The twelve injection goal texts, verbatim, checked against their pinned sha256.

Upstream keeps them in a dict literal (`all_injection_goals`) inside `run.py`, so they are read
from the pinned `run.py` with `ast` (never executed). A mirror may instead hold the reference
copy's `injection/injection_goals.json`; either way each text must match its pin.
"""

from __future__ import annotations

import ast
import json

from trustbench.tasks.os_harm.errors import ChecksumError, OsHarmDataError
from trustbench.tasks.os_harm.upstream import UpstreamFiles, pins, sha256

RUN_PY = "run.py"
GOALS_JSON = "injection/injection_goals.json"
GOALS_VARIABLE = "all_injection_goals"


def goals_from_run_py(source: str) -> dict[str, str]:
    """The string-to-string dict assigned to `all_injection_goals`, wherever it is in the file."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Dict):
            continue
        if any(isinstance(t, ast.Name) and t.id == GOALS_VARIABLE for t in node.targets):
            return {
                ast.literal_eval(key): ast.literal_eval(value)
                for key, value in zip(node.value.keys, node.value.values, strict=True)
                if key is not None
            }
    raise OsHarmDataError(f"{RUN_PY}: no `{GOALS_VARIABLE} = {{...}}` literal found.")


def goals_from_json(text: str) -> dict[str, str]:
    records = json.loads(text)["goals"]
    return {record["goal_id"]: record["text"] for record in records}


def check_goals(goals: dict[str, str], origin: str) -> dict[str, str]:
    expected = pins()["goals"]
    missing = sorted(set(expected) - set(goals))
    if missing:
        raise OsHarmDataError(f"{origin}: injection goals missing: {', '.join(missing)}.")
    for goal_id, digest in expected.items():
        if sha256(goals[goal_id].encode("utf-8")) != digest:
            raise ChecksumError(
                f"{origin}: the text of injection goal {goal_id!r} is not upstream's."
            )
    return {goal_id: goals[goal_id] for goal_id in expected}


def load_goals(files: UpstreamFiles) -> dict[str, str]:
    """From the mirror's goal list when it has one and no `run.py`, else from `run.py`."""
    listed = files.in_mirror(GOALS_JSON)
    if listed is not None and files.in_mirror(RUN_PY) is None:
        return check_goals(goals_from_json(listed.read_text(encoding="utf-8")), str(listed))
    return check_goals(goals_from_run_py(files.read(RUN_PY).decode("utf-8")), RUN_PY)
