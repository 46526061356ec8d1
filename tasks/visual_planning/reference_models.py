"""Reference policies for `scripted/`: a BFS planner (must score 100 %) and a random walker."""

from __future__ import annotations

import random
from typing import Any

from inspect_ai.model import ChatMessage

from trustbench.environments.gridworld import GridMap, Move, format_answer, shortest_path


def bfs_planner(messages: list[ChatMessage], metadata: dict[str, Any], rng: random.Random) -> str:
    grid = GridMap.from_map_desc(metadata["map_desc"])
    plan = shortest_path(grid)
    return format_answer(plan or [])


def random_walker(messages: list[ChatMessage], metadata: dict[str, Any], rng: random.Random) -> str:
    """As many uniformly random moves as the shortest plan has: knows the distance, not the way."""
    moves = [rng.choice(list(Move)) for _ in range(metadata["optimal_length"])]
    return format_answer(moves)


REFERENCE_MODELS = {"gridworld-bfs": bfs_planner, "gridworld-random": random_walker}
