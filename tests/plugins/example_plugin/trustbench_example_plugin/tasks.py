"""The plugin's task, registered with Inspect by the `inspect_ai` entry point."""

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.scorer import includes
from inspect_ai.solver import generate


@task(needs={"grader": "always"}, renamed={"text": "word"})
def greeting(word: str = "hello", n: int = 3) -> Task:
    """Ask the model to say a word back; `scripted/echo` passes. (`renamed` shows how a
    parameter is renamed: `-T text=...` is an error that names `word`.)"""
    samples = [Sample(id=i, input=f"Please say {word}.", target=word) for i in range(n)]
    return Task(dataset=MemoryDataset(samples), solver=generate(), scorer=includes())
