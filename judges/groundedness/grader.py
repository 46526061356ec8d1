"""Where the judge talks to its grader models: one model and generation settings per stage
(claim extraction, search planning, verdict), as the paper runs a cheap extractor and planner and
a stronger judge. Inspect's model cache makes re-judging a log deterministic and free; the final
JSON of a reply is read strictly, an unreadable reply gets one retry that shows the grader what
was wrong, and every call is counted."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar, get_args

from inspect_ai.model import (
    CachePolicy,
    ChatMessage,
    ChatMessageSystem,
    ChatMessageUser,
    GenerateConfig,
    Model,
    ModelOutput,
)
from inspect_ai.tool import Tool
from pydantic import TypeAdapter, ValidationError

from trustbench.judges.asking import Unreadable, ask_again, ask_until_readable
from trustbench.judges.replies import final_json

T = TypeVar("T")

Stage = Literal["extraction", "planning", "verdict"]
STAGES: tuple[Stage, ...] = get_args(Stage)
CACHE = CachePolicy(expiry=None, per_epoch=False)
DEFAULT_CONFIG = GenerateConfig(temperature=0)
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


@dataclass(frozen=True)
class StageModel:
    model: Model
    config: GenerateConfig = field(default_factory=lambda: DEFAULT_CONFIG)

    def describe(self) -> dict[str, object]:
        """What the log keeps: the model and the settings that were not left at their default."""
        return {"model": str(self.model), "config": self.config.model_dump(exclude_none=True)}


@dataclass
class Graders:
    """The grader of each stage, the grader's built-in web search for the not-found fallback
    (None where its provider has none), and a count of every call."""

    extraction: StageModel
    planning: StageModel
    verdict: StageModel
    web_search: Tool | None = None
    calls: dict[Stage, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))

    @classmethod
    def single(cls, model: Model, config: GenerateConfig = DEFAULT_CONFIG) -> Graders:
        one = StageModel(model, config)
        return cls(one, one, one)

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    def describe(self) -> dict[str, dict[str, object]]:
        return {stage: getattr(self, stage).describe() for stage in STAGES}

    async def ask(
        self,
        stage: Stage,
        system: str | None,
        user: str,
        shape: TypeAdapter[T],
        *,
        tools: list[Tool] | None = None,
    ) -> Answer[T]:
        """Asks the stage's model once, and once more if the reply is not valid JSON of `shape`.
        A reply that only repeats the prompt's own example JSON is unreadable."""
        grader = getattr(self, stage)
        prompt = f"{system or ''}\n{user}"

        def read(output: ModelOutput) -> T:
            try:
                return shape.validate_python(final_json(output.completion, prompt=prompt))
            except ValidationError as ex:
                raise Unreadable(_first_error(ex)) from ex

        messages: list[ChatMessage] = [ChatMessageUser(content=user)]
        if system:
            messages.insert(0, ChatMessageSystem(content=system))
        reply = await ask_until_readable(
            grader.model,
            messages,
            read,
            ask_again(RETRY),
            retries=1,
            config=grader.config,
            cache=CACHE,
            tools=tools or [],
        )
        self.calls[stage] += len(reply.raws)
        raw = RAW_SEPARATOR.join(reply.raws)
        if reply.value is None:
            return Answer(None, raw, f"unreadable grader reply: {reply.error}")
        return Answer(reply.value, raw)


def _first_error(ex: ValidationError) -> str:
    first = ex.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "top level"
    return f"the JSON does not have the expected shape ({where}: {first['msg']})"
