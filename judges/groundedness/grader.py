"""One place where the judge talks to its grader model: temperature 0 and Inspect's model cache
(so re-judging a log is deterministic and free), the final JSON of the reply read strictly, one retry that shows
the grader its unreadable reply, and a count of every call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from inspect_ai.model import (
    CachePolicy,
    ChatMessageSystem,
    ChatMessageUser,
    GenerateConfig,
    Model,
    ModelOutput,
)
from pydantic import TypeAdapter, ValidationError

from trustbench.judges.asking import Unreadable, ask_again, ask_until_readable
from trustbench.judges.replies import final_json

T = TypeVar("T")

CACHE = CachePolicy(expiry=None, per_epoch=False)
CONFIG = GenerateConfig(temperature=0)
RETRY = (
    "That reply could not be used: {problem}. Answer again with only the JSON described above, "
    "with no text before or after it."
)
RAW_SEPARATOR = "\n\n----- retry -----\n\n"


@dataclass(frozen=True)
class Answer(Generic[T]):
    """A parsed reply, or the reason there is none; the raw text is kept either way."""

    value: T | None
    raw: str
    error: str | None = None


class Grader:
    def __init__(self, model: Model) -> None:
        self.model = model
        self.calls = 0

    async def ask(self, system: str, user: str, shape: TypeAdapter[T]) -> Answer[T]:
        """Asks once, and once more if the reply is not valid JSON of `shape`."""

        prompt = f"{system}\n{user}"

        def read(output: ModelOutput) -> T:
            try:
                return shape.validate_python(final_json(output.completion, prompt=prompt))
            except ValidationError as ex:
                raise Unreadable(_first_error(ex)) from ex

        reply = await ask_until_readable(
            self.model,
            [ChatMessageSystem(content=system), ChatMessageUser(content=user)],
            read,
            ask_again(RETRY),
            retries=1,
            config=CONFIG,
            cache=CACHE,
        )
        self.calls += len(reply.raws)
        raw = RAW_SEPARATOR.join(reply.raws)
        if reply.value is None:
            return Answer(None, raw, f"unreadable grader reply: {reply.error}")
        return Answer(reply.value, raw)


def _first_error(ex: ValidationError) -> str:
    first = ex.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "top level"
    return f"the JSON does not have the expected shape ({where}: {first['msg']})"
