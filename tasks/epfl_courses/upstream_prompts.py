"""Upstream's prompts (`-T prompts=upstream`), loaded verbatim at run time from the pinned
revision of NLP4Education, never committed: each text is pinned by its sha256 and read from a
local mirror (`<data_dir>/epfl_courses/prompts/`), the verified cache, or the upstream source
file (strings read with `ast`, see `tasks/upstream_text.py`).

The layout around the texts (how options are listed, which texts are joined with what) follows
upstream's code. What upstream did not release stays ours and is recorded as such: the
self-refine critique and revision, the fallback experts, and the answer format for open
questions under self-refine (upstream's draft covered multiple choice only).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from trustbench.judges.rubric import GradingWording
from trustbench.tasks.epfl_courses.prompt_set import PromptSet, options_block, variant
from trustbench.tasks.epfl_courses.prompts import TRUSTBENCH
from trustbench.tasks.epfl_courses.records import LETTERS, Question
from trustbench.tasks.epfl_courses.upstream import REPOSITORY, REVISION
from trustbench.tasks.upstream_text import LoadedText, PinnedText, fill_template, load_text

_SOURCES = "src/answer_generation"
FEW_SHOT = f"{_SOURCES}/few_shot_prompting/few_shot_prompting.py"
COT = f"{_SOURCES}/chain_of_thought/prompt_utils.py"
TOT = f"{_SOURCES}/tree_of_thought/prompt_utils.py"
TOT_RUN = f"{_SOURCES}/tree_of_thought/tot_prompting.py"
METACOG = f"{_SOURCES}/metacognitive/prompt_utils.py"
REFINE = f"{_SOURCES}/self_refine/prompt_utils.py"
EXPERTS = f"{_SOURCES}/expert_prompting/expert_prompting.py"
VOTE = f"{_SOURCES}/expert_prompting/majority_voting.py"
GRADING = "src/grading/grade_open_answer.py"

# fmt: off
_TABLE = [
    ("base/single", FEW_SHOT, 'main:instructions["mcq"]["single"]',
     "c163a2222ca42bb7888b6236f0c85e4b7c47309c182e034917b128be2e3fdba0"),
    ("base/multi", FEW_SHOT, 'main:instructions["mcq"]["multi"]',
     "703635020f47290cc95d41070a7d1df9c7697bd6508f9bd1706843c540c830da"),
    ("base/open", FEW_SHOT, 'main:instructions["open_answer"]',
     "144ad370110dd62b58dd65cf9fc09abc3c2785ba1318ca79fa7d2f218f920741"),
    ("cot/single", COT, 'PROMPT_INSTRUCTION["English"]["mcq"]["single"]',
     "974a79f1cef098559018e62179205de5b259316fc068f055fca4e2c362486851"),
    ("cot/multi", COT, 'PROMPT_INSTRUCTION["English"]["mcq"]["multi"]',
     "984d1bad0a0c4c97122161c3f79f58d9c3d79473206e1d24ad1ce4d678c527e4"),
    ("cot/open", COT, 'PROMPT_INSTRUCTION["English"]["open_answer"]',
     "f12f4a8230a8f3977a3c380bc38ecb0f02ba39a987655e7ac7408dfb602ea0ae"),
    ("cot/system", COT, 'PROMPT_INSTRUCTION["English"]["system"]',
     "20f9a02e47013927a922ec9dd2c371af59222a6e875186ceaf5708f707ce1ee2"),
    ("cot/label-question", COT, 'PROMPT_INSTRUCTION["English"]["question_labels"][0]',
     "289aff12b04274cb04b8f7dbf486ba8b3528c6fd16b60b9a31d31ce23b339236"),
    ("cot/label-answer", COT, 'PROMPT_INSTRUCTION["English"]["question_labels"][1]',
     "b2a3aa602762a782e47a4f8e93bb5ae1b8819d1b92b7e6ceb3ef46a3c7077eb0"),
    ("cot/label-options", COT, 'PROMPT_INSTRUCTION["English"]["question_labels"][2]',
     "f3f32cc3f49b447f30e94b51e752ba1f7e64c4159444acce9ca406606c625655"),
    ("cot/label-explanation", COT, 'PROMPT_INSTRUCTION["English"]["question_labels"][3]',
     "16ee4625bce919a2ec1a3ac9e3168a9e2c5d04a3159fd30539788f175e44b3ba"),
    ("tot/single", TOT, 'mcq_with_one_correct:prompt',
     "0843855a2e537623d6dae6d264d3dc0fdd7291ab9c6b738ac1304bfec672b4b2"),
    ("tot/multi", TOT, 'mcq_with_multi_correct:prompt',
     "104ef926eaa00a686850ebeb793419b461318fbf62b16f0d171184b4b6dd63cd"),
    ("tot/open", TOT, 'open_ended_answer:prompt',
     "d1e48b38236fe61a52fa5ee9336630a3188c5551c622c5d0165be1ba910b8de6"),
    ("tot/choose-single", TOT, 'mcq_with_one_correct:options_txt',
     "cbddf99f9cd0a7911461bfa37dc33cf561ffed6bfc1ff8710143f7fbd7e2f865"),
    ("tot/choose-multi", TOT, 'mcq_with_multi_correct:options_txt',
     "3fd31bd10bd57728dbc8110df650e691192da9869f380611f49577dcd38aaac4"),
    ("tot/options-header", TOT, 'mcq_with_one_correct:options_txt@1',
     "0e9c537faeedd78df99613d20c019904218f828f4a6e0edc5a6d896d6656a9a0"),
    ("tot/system", TOT_RUN, 'chat:system_instruction',
     "60e5d4d37b331a468bf8bad401d5fcda011943787a3fd4e64d3834af9e982582"),
    ("metacog/choose", METACOG, 'PROMPTS["english"][0]',
     "126b2113ac03075536c6c21f86ed2ff69a1f450e09c1198916d634c90201a9bb"),
    ("metacog/task-mcq", METACOG, 'PROMPTS["english"][1]',
     "7edb412962bf8c09454aa3d323b15babaeba1f3175f22babee24a203072a8bd1"),
    ("metacog/only-one", METACOG, 'PROMPTS["english"][2]',
     "559c432ec36c06b4d4791c1fddd491cc7acf90190ecdf2395b7575b43bede408"),
    ("metacog/question-is", METACOG, 'PROMPTS["english"][3]',
     "d9be9c420907c6dfc276ba9907e669739d185248dfd8499dacf88f039db96dca"),
    ("metacog/more-than-one", METACOG, 'PROMPTS["english"][4]',
     "1e0ab6a38e2242992f68dd7cbe819c74326009392e8af6ad625b67e006a3e545"),
    ("metacog/options-header", METACOG, 'PROMPTS["english"][5]',
     "79c6d9d2b640761f6f2bf661bca04456255c70e2c98fb688c33bb7ef62cfca0c"),
    ("metacog/task-open", METACOG, 'PROMPTS["english"][6]',
     "9bbe55e84ff167f14d5e20efeaa0761eb60fc259c6855f43b2cf9b4a7d942127"),
    ("metacog/steps", METACOG, 'PROMPTS["english"][7]',
     "e611af8a515816eedfb9bc68171a6975951089662e3118a9fedb3f4411d760dc"),
    ("metacog/final-single", METACOG, 'PROMPTS["english"][8]',
     "d0903d3e8859630d8c9b8653a42c54fbc1b3a6b9c0fdaa6b8848f104738aec50"),
    ("metacog/final-multi", METACOG, 'PROMPTS["english"][9]',
     "acb208b12b9fd27c68639154b85777ffcea0e8b69c112235c595daadd41b13e9"),
    ("metacog/final-open", METACOG, 'PROMPTS["english"][10]',
     "08d309dc6895acb4a46ddf48df0960ce0cc6fb5c5d15fb219bb871cb37e9fb63"),
    ("metacog/system", METACOG, 'PROMPTS["english"][12]',
     "0ea0679cb650fd5b6d1b3ecb428c239be79bcfa30dd3c55abde9766a5b396c10"),
    ("refine/single", REFINE, 'INSTRUCTIONS["mcq"]["single"]',
     "0d2532a00b87bb7326def4a0d6f396f4f581fd1f354ce19e4611e1e72ef9ad3d"),
    ("refine/multi", REFINE, 'INSTRUCTIONS["mcq"]["multi"]',
     "7cbd7eff40512817458100a3ef6f106220e20d82e7cef2936b890363d3670162"),
    ("refine/open", REFINE, 'INSTRUCTIONS["open_answer"]',
     "144ad370110dd62b58dd65cf9fc09abc3c2785ba1318ca79fa7d2f218f920741"),
    ("refine/system", REFINE, 'get_system_message:sys_message["content"]',
     "cbfad0a109bf7c710ba072b2f3d3d076ee0acb38d64fd82b7bc80e939ad42b92"),
    ("experts/name", EXPERTS, 'main:instructions["expert"]',
     "b3f5607f94666a793467669390bedc6d9668b0b4495d40774a5fcb001cd37f1d"),
    ("experts/professor", EXPERTS, 'chat:system_content',
     "41ffff8d16cc2cf55e0b070dd2c9bd92fab11d261cbe6076ce1f6f35983c8362"),
    ("experts/persona", EXPERTS, 'create_expert_prompting_input:messages[0]["content"]',
     "db555afca15978ddf11a12f0246e4748cf3c908a7da0a47e8a81c79a02f2025d"),
    ("experts/pick-intro", VOTE, 'create_prompt_content:question_prompt@0',
     "a2bd3f4a101c6f03d1756968a66fd6071a6419d43636aee343f0918cdca81c40"),
    ("experts/pick-expert", VOTE, 'create_prompt_content:question_prompt@2',
     "98260c99bb0935a2507e7112789f2d2b47e3bf5d4c7bd2cebeaf06b313766bd5"),
    ("experts/pick-ask", VOTE, 'create_prompt_content:question_prompt@3',
     "1077f6445ff50b20510adfcddcf754409bc3f47d990c5868352221358459aae1"),
    ("grading/system", GRADING, 'get_system_message:message@1',
     "d7a728b41a4b099bf02fe7d0f8362c1cd66e4cf26a9bb97718002f2ebb4f06dd"),
    ("grading/system-no-course", GRADING, 'get_system_message:message',
     "4b98089531f894bcbc1c6b1b1b20b5dbbaf3f8fe15a94b2e3f4591d9e21f8896"),
    ("grading/request", GRADING, 'get_prompt:prompt',
     "8ab06b202e76deebf8aff6965d58096e2c6b7cb4beb651b656c629e1e6240f90"),
    ("grading/format", GRADING, 'get_prompt:prompt@1',
     "753fd1316b8a0a60bf4443c3e46f35a953b2a801db8c8e66c0eea368a98774e1"),
    ("grading/feedback", GRADING, 'grade:feedback',
     "b7a73dd95f0cad593dc4910b2c8d78776ea0af78daa491efe0c12be0e52e3a4e"),
]
# fmt: on
"""(key, source file, symbol, sha256 of the text) for every upstream text the task uses."""
TEMPLATES = frozenset(
    {
        "tot/single",
        "tot/multi",
        "tot/open",
        "tot/system",
        "refine/system",
        "experts/professor",
        "experts/persona",
        "experts/pick-expert",
        "grading/system",
        "grading/request",
    }
)
"""Texts that are f-strings upstream: `str.format` templates, stored as `*.fmt.txt`."""
MIRROR_FOLDER = "epfl_courses/prompts"
HINT = (
    f"Put the texts in <dir>/{MIRROR_FOLDER}/ and pass --data-dir <dir> (or set "
    "TRUSTBENCH_DATA), allow the download from raw.githubusercontent.com, or run "
    "-T prompts=trustbench for our own wording."
)


def _pin(key: str, path: str, symbol: str, sha256: str) -> PinnedText:
    suffix = ".fmt.txt" if key in TEMPLATES else ".txt"
    return PinnedText(
        name=f"epfl_courses/{key}",
        url=f"https://raw.githubusercontent.com/{REPOSITORY}/{REVISION}/{path}",
        sha256=sha256,
        mirror_path=f"{MIRROR_FOLDER}/{key}{suffix}",
        symbol=symbol,
    )


PINS: dict[str, PinnedText] = {row[0]: _pin(*row) for row in _TABLE}
OURS_IN_UPSTREAM = [
    "self_refine: critique and revision prompts (upstream released only the draft)",
    "self_refine: the draft instruction for open questions is upstream's, its use ours",
    "expert_prompting: fallback experts when the model's list cannot be read",
]


class UpstreamPrompts(PromptSet):
    """Upstream's wording, from texts loaded and checked at run time."""

    name = "upstream"

    def __init__(self, texts: dict[str, LoadedText]) -> None:
        missing = set(PINS) - set(texts)
        if missing:
            raise ValueError(f"upstream prompt texts missing: {', '.join(sorted(missing))}")
        self.texts = texts

    def _(self, key: str) -> str:
        return self.texts[key].text

    def record(self) -> dict[str, Any]:
        return {
            "prompts": self.name,
            "revision": f"{REPOSITORY}@{REVISION}",
            "texts": [loaded.record() for loaded in self.texts.values()],
            "ours": OURS_IN_UPSTREAM,
        }

    def base(self, question: Question) -> str:
        text = f"{self._(f'base/{variant(question)}')}\n{question.body}"
        return text + "".join(f"\n{i + 1}. {o}" for i, o in enumerate(question.options))

    def cot_system(self, course: str) -> str:
        return f"{self._('cot/system')} {course}."

    def cot(self, question: Question) -> str:
        text = (
            f"{self._(f'cot/{variant(question)}')}\n{self._('cot/label-question')}: {question.body}"
        )
        if question.kind == "mcq":
            text += f"\n{self._('cot/label-options')}:{options_block(question.options, 'lettered')}"
        return text

    def cot_demo_answer(self, question: Question) -> str:
        if question.kind == "open_answer":
            answer = question.reference
        else:
            answer = "".join(
                f"{LETTERS[i]}. {question.options[i]}\n" for i in question.answer_index
            )
        text = f"{self._('cot/label-answer')}: {answer}"
        if question.explanation:
            text = f"{self._('cot/label-explanation')}: {question.explanation}\n{text}"
        return text

    def tot_system(self, course: str) -> str:
        return fill_template(self._("tot/system"), {"course_name": course})

    def tree_of_thought(self, question: Question) -> str:
        kind = variant(question)
        body = question.body + "\n"
        if question.kind == "mcq":
            body += self._(f"tot/choose-{kind}") + self._("tot/options-header")
            body += "".join(f"[{LETTERS[i]}]: {o}\n" for i, o in enumerate(question.options))
        return fill_template(self._(f"tot/{kind}"), {"question_prompt": body}).strip()

    def metacog_system(self, course: str) -> str:
        return f"{self._('metacog/system')}{course}."

    def metacognitive(self, question: Question) -> str:
        kind = variant(question)
        body = question.body + "\n"
        if kind == "open":
            head = [self._("metacog/task-open")]
        else:
            choose = self._("metacog/choose" if kind == "single" else "metacog/more-than-one")
            options = "".join(f"[{LETTERS[i]}]: {o}\n" for i, o in enumerate(question.options))
            body += f"\n{choose}\n{self._('metacog/options-header')}\n{options}"
            rule = "metacog/only-one" if kind == "single" else "metacog/more-than-one"
            head = [self._("metacog/task-mcq"), self._(rule)]
        parts = [*head, self._("metacog/question-is"), body, self._("metacog/steps")]
        return "\n".join([*parts, self._(f"metacog/final-{kind}")]).strip()

    def refine_system(self, course: str) -> str:
        return fill_template(self._("refine/system"), {"course_name": course})

    def draft(self, question: Question) -> str:
        if question.kind == "open_answer":
            return f"{self._('refine/open')}\nQuestion: {question.body}"
        kind = "single" if len(question.answer_index) == 1 else "multi"
        choices = options_block(question.options, "lettered")
        return f"{self._(f'refine/{kind}')}\nQuestion: {question.body}\n{choices}"

    def critique(self) -> str:
        return TRUSTBENCH.critique()

    def revise(self, question: Question) -> str:
        return TRUSTBENCH.revise(question)

    def professor_system(self, course: str) -> str:
        field = "prompt['problem']['course_name']"
        return fill_template(self._("experts/professor"), {field: course})

    def name_experts(self, question: Question) -> str:
        text = f"{self._('experts/name')}\nQuestion: {question.body}"
        return text + "".join(f"\n{i + 1}. {o}" for i, o in enumerate(question.options))

    def expert_system(self, expert: str) -> str:
        return fill_template(self._("experts/persona"), {"expert_names[exp]": expert})

    def fallback_experts(self, course: str) -> list[str]:
        return TRUSTBENCH.fallback_experts(course)

    def pick_best(self, question: Question, answers: Sequence[str]) -> str:
        template = self._("experts/pick-expert")
        listed = "".join(
            fill_template(template, {"i + 1": str(i + 1), "answer": answer})
            for i, answer in enumerate(answers)
        )
        return f"{self._('experts/pick-intro')}Question: {question.body}{listed}{self._('experts/pick-ask')}"

    @property
    def grading(self) -> GradingWording:
        def system(subject: str | None) -> str:
            if subject is None:
                return self._("grading/system-no-course")
            return fill_template(self._("grading/system"), {"course_name": subject})

        def request(question: str, reference: str, answer: str) -> str:
            values = {"question": question, "correct_answer": reference, "given_answer": answer}
            return fill_template(self._("grading/request"), values) + self._("grading/format")

        retry = self._("grading/feedback").replace("{", "{{").replace("}", "}}")
        return GradingWording(self.name, system, request, retry, bare_label_retry=True)


def load_upstream_prompts(
    mirror: Path | None, transport: httpx.BaseTransport | None = None
) -> UpstreamPrompts:
    """Every pinned text, from `mirror`, the cache or a checked download; raises the typed
    errors of `upstream_text.load_text` (each names the text and the fix)."""
    return UpstreamPrompts(
        {key: load_text(pin, mirror, transport, hint=HINT) for key, pin in PINS.items()}
    )
