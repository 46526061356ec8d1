"""HalluHard's own prompts (`-T prompts=upstream`), loaded verbatim at run time from the pinned
upstream revision and never committed: the targets' system prompts, the citation requirement
appended to every user turn, the simulated user's prompt, and the judge's claim extraction,
search planning, URL selection and verdict prompts, per domain.

Each text is pinned by the sha256 of the text itself, its source at the pinned revision and,
for strings inside Python sources, the symbol (see `trustbench.tasks.upstream_text`). It is read
from the mirror (`data_dir`/`TRUSTBENCH_DATA`, upstream's paths, inline strings extracted as in
the reference copies), else the cache, else a download of the source, checked either way. The
log records every text that ran (name, sha256, origin).

The coding judge has no upstream counterpart here (upstream's is a single web-search call):
it keeps our wording, which the log flags as a mix.
"""

from __future__ import annotations

from dataclasses import replace

from trustbench.judges.groundedness import JudgePrompts
from trustbench.judges.groundedness.prompts import CITATION_DOMAINS
from trustbench.tasks.halluhard.prompts import TargetPrompts
from trustbench.tasks.halluhard.upstream import HINT, MAIN, REPOSITORY, mirror_root
from trustbench.tasks.upstream_text import LoadedText, PinnedText, load_text

PROMPTS_HINT = HINT.replace(
    "or run -T dataset=sample for the bundled sample questions", "or run -T prompts=trustbench"
)


def _pin(name: str, source: str, sha256: str, mirror_path: str, symbol: str | None) -> PinnedText:
    return PinnedText(
        name=f"halluhard/{name}",
        url=f"https://raw.githubusercontent.com/{REPOSITORY}/{MAIN}/{source}",
        sha256=sha256,
        mirror_path=mirror_path,
        symbol=symbol,
    )


PINS: dict[str, PinnedText] = {
    pin.name.removeprefix("halluhard/"): pin
    for pin in [
        _pin(
            "judging/legal_cases/sys-extractor",
            "judging_pipeline/prompts/legal_cases/sys-extractor.txt",
            "4dbc6a0a0d5dd911f54657d6fd04efed4f7fa066ddfa6d80c5a077e3a72beecc",
            "judging_pipeline/prompts/legal_cases/sys-extractor.txt",
            None,
        ),
        _pin(
            "judging/legal_cases/sys-evaluator",
            "judging_pipeline/prompts/legal_cases/sys-evaluator.txt",
            "26efd114e86653d0bd06d3de1373feeb5039fdc1ab0589855e4e25a6f48fc655",
            "judging_pipeline/prompts/legal_cases/sys-evaluator.txt",
            None,
        ),
        _pin(
            "judging/legal_cases/get_extraction_user_prompt",
            "judging_pipeline/strategies/legal_cases.py",
            "1b188a8a19d7b8be1670923f63f7b8a323ea995889f0455145dd14d63ec91f68",
            "extracted_inline_prompts/judging/legal_cases/get_extraction_user_prompt.fmt.txt",
            "get_extraction_user_prompt",
        ),
        _pin(
            "judging/legal_cases/build_judgment_prompt",
            "judging_pipeline/strategies/legal_cases.py",
            "a1ccfb3de505ea4269b93526d6b680d7047c9eff4cffeec7856e2e2cb333ef5f",
            "extracted_inline_prompts/judging/legal_cases/build_judgment_prompt.fmt.txt",
            "build_judgment_prompt",
        ),
        _pin(
            "judging/legal_cases/build_snippets_only_judgment_prompt",
            "judging_pipeline/strategies/legal_cases.py",
            "94f6515bb1c67fab50fa5c73e77706ca7a63f836d1868e001fa6c5dcb2c9bef9",
            "extracted_inline_prompts/judging/legal_cases/build_snippets_only_judgment_prompt.fmt.txt",
            "build_snippets_only_judgment_prompt",
        ),
        _pin(
            "judging/legal_cases/build_fallback_judgment_prompt",
            "judging_pipeline/strategies/legal_cases.py",
            "810c38a3f8df7af940dba96d8a8fb1d58a88c601e58fd54823428347a9646630",
            "extracted_inline_prompts/judging/legal_cases/build_fallback_judgment_prompt.fmt.txt",
            "build_fallback_judgment_prompt",
        ),
        _pin(
            "judging/research_questions/sys-extractor",
            "judging_pipeline/prompts/research_questions/sys-extractor.txt",
            "e1ca7288eced61b6ec10ff50c8ea8997db94c253a161f0c2bd3d6a5f897a7b8d",
            "judging_pipeline/prompts/research_questions/sys-extractor.txt",
            None,
        ),
        _pin(
            "judging/research_questions/sys-evaluator",
            "judging_pipeline/prompts/research_questions/sys-evaluator.txt",
            "256dccbf451da6051dce77d27148a280c3f8bf3213e2c3cdde81e13cf4cf371b",
            "judging_pipeline/prompts/research_questions/sys-evaluator.txt",
            None,
        ),
        _pin(
            "judging/research_questions/get_extraction_user_prompt",
            "judging_pipeline/strategies/research_questions.py",
            "cbb9d48bcaf90fafb998d82fbdc49e3e74e1f7ab0b27e21ad2c6b4c952b58ec1",
            "extracted_inline_prompts/judging/research_questions/get_extraction_user_prompt.fmt.txt",
            "get_extraction_user_prompt",
        ),
        _pin(
            "judging/research_questions/build_judgment_prompt",
            "judging_pipeline/strategies/research_questions.py",
            "e4db36be4cf3799f2adc9dd61970fa0b27b9b3370b3653f9e7121753dc154d3f",
            "extracted_inline_prompts/judging/research_questions/build_judgment_prompt.fmt.txt",
            "build_judgment_prompt",
        ),
        _pin(
            "judging/research_questions/build_snippets_only_judgment_prompt",
            "judging_pipeline/strategies/research_questions.py",
            "5bc822b27e257c9b74c1212591223033884aac1f1437efc141414789fbf25099",
            "extracted_inline_prompts/judging/research_questions/build_snippets_only_judgment_prompt.fmt.txt",
            "build_snippets_only_judgment_prompt",
        ),
        _pin(
            "judging/research_questions/build_fallback_judgment_prompt",
            "judging_pipeline/strategies/research_questions.py",
            "810c38a3f8df7af940dba96d8a8fb1d58a88c601e58fd54823428347a9646630",
            "extracted_inline_prompts/judging/research_questions/build_fallback_judgment_prompt.fmt.txt",
            "build_fallback_judgment_prompt",
        ),
        _pin(
            "judging/medical_guidelines/sys-extractor",
            "judging_pipeline/prompts/medical_guidelines/sys-extractor.txt",
            "309ee697c5328378e85babe9d72822ae144639b67b16161bcde15a2a2a28cce4",
            "judging_pipeline/prompts/medical_guidelines/sys-extractor.txt",
            None,
        ),
        _pin(
            "judging/medical_guidelines/sys-evaluator",
            "judging_pipeline/prompts/medical_guidelines/sys-evaluator.txt",
            "3425859a809bcb691318af23d6b961428e092e0ed07b2532f4be2716529d5a8d",
            "judging_pipeline/prompts/medical_guidelines/sys-evaluator.txt",
            None,
        ),
        _pin(
            "judging/medical_guidelines/get_extraction_user_prompt",
            "judging_pipeline/strategies/medical_guidelines.py",
            "0e1ce1dc6c976eee16e9c5772ef14f9e7577854451210e3486ea368672325d6b",
            "extracted_inline_prompts/judging/medical_guidelines/get_extraction_user_prompt.fmt.txt",
            "get_extraction_user_prompt",
        ),
        _pin(
            "judging/medical_guidelines/build_judgment_prompt",
            "judging_pipeline/strategies/medical_guidelines.py",
            "a1ccfb3de505ea4269b93526d6b680d7047c9eff4cffeec7856e2e2cb333ef5f",
            "extracted_inline_prompts/judging/medical_guidelines/build_judgment_prompt.fmt.txt",
            "build_judgment_prompt",
        ),
        _pin(
            "judging/medical_guidelines/build_snippets_only_judgment_prompt",
            "judging_pipeline/strategies/medical_guidelines.py",
            "94f6515bb1c67fab50fa5c73e77706ca7a63f836d1868e001fa6c5dcb2c9bef9",
            "extracted_inline_prompts/judging/medical_guidelines/build_snippets_only_judgment_prompt.fmt.txt",
            "build_snippets_only_judgment_prompt",
        ),
        _pin(
            "judging/medical_guidelines/build_fallback_judgment_prompt",
            "judging_pipeline/strategies/medical_guidelines.py",
            "810c38a3f8df7af940dba96d8a8fb1d58a88c601e58fd54823428347a9646630",
            "extracted_inline_prompts/judging/medical_guidelines/build_fallback_judgment_prompt.fmt.txt",
            "build_fallback_judgment_prompt",
        ),
        _pin(
            "judging/search/planner",
            "libs/serper/client.py",
            "9b9a0444492d47834e50aafa314ffe8b4b4cbcdb8901b1e943a62ced9f633630",
            "extracted_inline_prompts/judging/search_planner_prompt.txt",
            "_NEXT_SEARCH_PROMPT",
        ),
        _pin(
            "judging/search/final_selection",
            "libs/serper/client.py",
            "12c7a37c384d96e3700cef175961ee9d5ed17294c1fc00b46963d3ef0fe8aed4",
            "extracted_inline_prompts/judging/search_final_url_selection.fmt.txt",
            "_FINAL_SELECTION_PROMPT",
        ),
        _pin(
            "judging/search/url_addendum",
            "libs/serper/client.py",
            "eecdd898fc7389500d8ac692a660f2d3bcb0cf334bc2f5b06bd150ec518c1f32",
            "extracted_inline_prompts/judging/search_planner_url_addendum.fmt.txt",
            "_enhance_prompt_for_url:url_instructions",
        ),
        _pin(
            "generation/legal_cases/system",
            "legal_cases/prompts/default.txt",
            "1a576e23794b48e45e2dbfc9a8c6240d60e351b2432d6ee5e9c5d06c5365c301",
            "legal_cases/prompts/default.txt",
            None,
        ),
        _pin(
            "generation/legal_cases/instruction",
            "legal_cases/generate_responses.py",
            "f2c6b3b6b4987205a39a79bf5632b1ba64c212aa6dab61dcfe665e857510a9e5",
            "extracted_inline_prompts/generation/legal_cases_citation_instruction.txt",
            "DEFAULT_INSTRUCTION",
        ),
        _pin(
            "generation/legal_cases/user_simulator",
            "legal_cases/generate_responses.py",
            "9b54ca19a54d240d87792f0fd8e7b2cb53d36868addbaa2eeb8b302e070b0c12",
            "extracted_inline_prompts/generation/legal_cases_followup_user_simulator.fmt.txt",
            "generate_follow_up_question:prompt",
        ),
        _pin(
            "generation/research_questions/system",
            "research_questions/prompts/default.txt",
            "d5b07347b94430670f766b73d20dcb451aa760a432c118f6bd6275fda6649ca1",
            "research_questions/prompts/default.txt",
            None,
        ),
        _pin(
            "generation/research_questions/instruction",
            "research_questions/generate_responses.py",
            "a881777cddd111e4393347b3dba2946eeae5de57a0e42dd144d5c0c7c43b40b5",
            "extracted_inline_prompts/generation/research_questions_citation_instruction.txt",
            "DEFAULT_INSTRUCTION",
        ),
        _pin(
            "generation/research_questions/user_simulator",
            "research_questions/generate_responses.py",
            "9264a33739816a331b3ab3838046200ac5906c1dfb036bfa70c14f4a2c632d77",
            "extracted_inline_prompts/generation/research_questions_followup_user_simulator.fmt.txt",
            "generate_follow_up_question:prompt",
        ),
        _pin(
            "generation/medical_guidelines/system",
            "medical_guidelines/prompts/default.txt",
            "1a576e23794b48e45e2dbfc9a8c6240d60e351b2432d6ee5e9c5d06c5365c301",
            "medical_guidelines/prompts/default.txt",
            None,
        ),
        _pin(
            "generation/medical_guidelines/instruction",
            "medical_guidelines/generate_responses.py",
            "41feaeeb2cbf4b66e50d46c993db8c5815fb9b1f04b170d347781ea19928e43c",
            "extracted_inline_prompts/generation/medical_guidelines_citation_instruction.txt",
            "get_default_instruction",
        ),
        _pin(
            "generation/medical_guidelines/user_simulator",
            "medical_guidelines/generate_responses.py",
            "b3b660751e3a861be1a5bac890bfa8fd144742defd76210d7c04998bccf169d9",
            "extracted_inline_prompts/generation/medical_guidelines_followup_user_simulator.fmt.txt",
            "generate_follow_up_question:prompt",
        ),
        _pin(
            "generation/coding/system",
            "coding/prompts/default.txt",
            "d5b07347b94430670f766b73d20dcb451aa760a432c118f6bd6275fda6649ca1",
            "coding/prompts/default.txt",
            None,
        ),
        _pin(
            "generation/coding/instruction",
            "coding/generate_responses.py",
            "ce8551929a01e7be37bd874d0dee9eeb5e9a2fa465d4dd44698f5ac8eafe389b",
            "extracted_inline_prompts/generation/coding_instruction.txt",
            "DEFAULT_INSTRUCTION",
        ),
        _pin(
            "generation/coding/user_simulator",
            "coding/generate_responses.py",
            "b505a658200f2208b8b90fa29d50dc04bf8680474842e347b6b8449c9be3fc05",
            "extracted_inline_prompts/generation/coding_followup_user_simulator.fmt.txt",
            "generate_follow_up_question:prompt",
        ),
    ]
}
"""Every upstream text the task can run, by name (`judging/<domain>/<text>`,
`judging/search/<text>`, `generation/<domain>/<text>`)."""

JUDGE_DOMAINS = {
    "legal": "legal_cases",
    "research": "research_questions",
    "medical": "medical_guidelines",
}


def load(name: str, data_dir: str | None) -> LoadedText:
    return load_text(PINS[name], mirror_root(data_dir), hint=PROMPTS_HINT)


def judge_prompts(data_dir: str | None) -> JudgePrompts:
    """The paper's judge prompts, every one checked against its pin."""
    loaded: dict[str, LoadedText] = {}

    def text(name: str) -> str:
        loaded[name] = load(name, data_dir)
        return loaded[name].text

    def per_domain(kind: str) -> dict:
        return {d: text(f"judging/{JUDGE_DOMAINS[d]}/{kind}") for d in CITATION_DOMAINS}

    prompts = JudgePrompts(
        name="upstream",
        extraction_system=per_domain("sys-extractor"),
        extraction_user=per_domain("get_extraction_user_prompt"),
        planner=text("judging/search/planner"),
        url_addendum=text("judging/search/url_addendum"),
        final_selection=text("judging/search/final_selection"),
        verdict_system=per_domain("sys-evaluator"),
        judgment=per_domain("build_judgment_prompt"),
        snippets_only=per_domain("build_snippets_only_judgment_prompt"),
        fallback=per_domain("build_fallback_judgment_prompt"),
        fence_data=False,
    )
    return replace(prompts, texts=[t.record() for t in loaded.values()])


def target_prompts(domains: list[str], data_dir: str | None) -> TargetPrompts:
    loaded = {
        (d, kind): load(f"generation/{d}/{kind}", data_dir)
        for d in domains
        for kind in ("system", "instruction", "user_simulator")
    }
    return TargetPrompts(
        name="upstream",
        system={d: loaded[(d, "system")].text.strip() for d in domains},
        instruction={d: loaded[(d, "instruction")].text for d in domains},
        user_simulator={d: loaded[(d, "user_simulator")].text for d in domains},
        texts=[t.record() for t in loaded.values()],
    )
