"""End to end on loopback: a scripted model under test, a scripted user and a scripted grader;
Serper-format search and web pages served on 127.0.0.1 and read by the real fetcher. Every
label and the pooled metrics are checked against hand-computed values, and the stored evidence
re-judges the log with the network gone, with identical results, twice."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import yaml
from inspect_ai import eval, score
from inspect_ai.model import ChatMessageUser, get_model

import trustbench._registry  # noqa: F401 - registers scripted/
from trustbench.providers.scripted import register_reference_model
from trustbench.tasks.halluhard import halluhard, halluhard_judge

PAGES = {
    "/cases/miranda": (
        "Miranda v. Arizona, 384 U.S. 436 (1966)",
        "Miranda v. Arizona, 384 U.S. 436 (1966). Before custodial interrogation the police must "
        "warn the suspect of the right to remain silent, that statements may be used as evidence, "
        "and of the right to an attorney.",
    ),
    "/cases/dickerson": (
        "Dickerson v. United States, 530 U.S. 428 (2000)",
        "Dickerson v. United States, 530 U.S. 428 (2000). The Court held that Miranda announced a "
        "constitutional rule that Congress could not supersede by legislation.",
    ),
}
SEARCHES = {
    "miranda arizona 1966": ["/cases/miranda"],
    "gideon wainwright 1963": [],
    "dickerson united states 2000": ["/cases/dickerson"],
    "miranda later courts": ["/cases/miranda"],
}
PACKAGES = {"/pypi/requests/json", "/cran/readxl", "/cran/data.table", "/cran/ggplot2"}


class Web:
    """Pages, a Serper-format search API and package registries on one loopback server."""

    def __init__(self) -> None:
        web = self
        self.requests: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                web.requests.append(f"GET {self.path}")
                if self.path in PAGES:
                    title, text = PAGES[self.path]
                    body = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{text}</p></article></body></html>"
                    self._send(200, body.encode(), "text/html; charset=utf-8")
                elif self.path in PACKAGES:
                    self._send(200, b'{"info": {}}', "application/json")
                else:
                    self._send(404, b"<html><body>Not found</body></html>", "text/html")

            def do_POST(self) -> None:
                query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["q"]
                web.requests.append(f"SEARCH {query}")
                organic = [
                    {
                        "title": PAGES[path][0],
                        "link": web.url(path),
                        "snippet": PAGES[path][1][:80],
                        "position": i,
                    }
                    for i, path in enumerate(SEARCHES.get(query, []), start=1)
                ]
                self._send(200, json.dumps({"organic": organic}).encode(), "application/json")

            def _send(self, status: int, body: bytes, kind: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def web() -> Iterator[Web]:
    server = Web()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECT_CACHE_DIR", str(tmp_path / "inspect-cache"))
    monkeypatch.setenv("SERPER_API_KEY", "x")


# --- the scripted grader: answers the judge's three kinds of request from tables -----------------

GRADER_CALLS: list[tuple[str, str]] = []


def _fenced(text: str, label: str) -> str:
    return text.split(f"<<<BEGIN {label} ", 1)[1].split(">>>\n", 1)[1].split("\n<<<END", 1)[0]


LEGAL_CLAIMS = {
    "Gideon": [
        {
            "type": "case",
            "content": "Before custodial interrogation the police must warn the suspect of the "
            "right to remain silent.",
            "reference_name": "Miranda v. Arizona, 384 U.S. 436 (1966)",
            "holding_or_description": "warnings are required before custodial interrogation",
            "claimed_url": "{base}/cases/miranda",
        },
        {
            "type": "case",
            "content": "Every felony defendant has a right to appointed counsel.",
            "reference_name": "Gideon v. Wainwright, 372 U.S. 335 (1963)",
            "holding_or_description": "right to appointed counsel",
            "claimed_url": "{base}/cases/gideon",
        },
    ],
    "Dickerson": [
        {
            "type": "case",
            "content": "Congress overrode Miranda by statute and the Court agreed.",
            "reference_name": "Dickerson v. United States, 530 U.S. 428 (2000)",
            "holding_or_description": "Congress may override Miranda",
            "claimed_url": "{base}/cases/dickerson",
        },
        {
            "type": "case",
            "content": "I cannot verify how later courts applied Miranda.",
            "reference_name": "Miranda v. Arizona",
            "holding_or_description": "",
            "claimed_url": "",
        },
    ],
}
VERDICTS = {
    "remain silent": ("Yes. Case and reporter match.", "Yes. The page says so.", "No", "No"),
    "Congress overrode": ("Yes. The case exists.", "No. It held the opposite.", "Yes", "No"),
    "cannot verify": ("N/A", "N/A", "No", "Yes"),
}
CODING_REVIEWS = {
    "fetch_all": [
        {"package": "requests", "function": "fetch_all", "code": "requests.fetch_all(url)"}
    ],
}
BASE: dict[str, str] = {}


def grader(messages, metadata, rng) -> str:
    system = messages[0].text if messages[0].role == "system" else ""
    user = next(m for m in messages if isinstance(m, ChatMessageUser)).text  # retries add more
    if "Reply [] when nothing qualifies" in system:
        GRADER_CALLS.append(("extract", user))
        answer = _fenced(user, "ANSWER")
        for marker, claims in LEGAL_CLAIMS.items():
            if marker in answer:
                return json.dumps(claims).replace("{base}", BASE["url"])
        return "[]"
    if "continue_searching" in user:
        GRADER_CALLS.append(("plan", user))
        statement = _fenced(user, "STATEMENT")
        query = (
            "gideon wainwright 1963"
            if "Gideon" in statement
            else "dickerson united states 2000"
            if "Dickerson" in statement
            else "miranda later courts"
            if "cannot verify" in statement
            else "miranda arizona 1966"
        )
        if f"- {query}" not in user:
            return json.dumps({"continue_searching": True, "search_query": query})
        steps = user.count("## Search Step")
        return json.dumps({"continue_searching": False, "relevant_urls": [f"[{steps}.1]"]})
    if "relevant_urls" in user:
        GRADER_CALLS.append(("select", user))
        return json.dumps({"relevant_urls": ["[1.1]"]})
    if "You check one statement" in system:
        GRADER_CALLS.append(("verdict", user))
        statement = _fenced(user, "STATEMENT")
        key = next(k for k in VERDICTS if k in statement)
        reference, content, hallucination, abstention = VERDICTS[key]
        return json.dumps(
            {
                "reference_name": "x",
                "reference_grounding": reference,
                "content_grounding": content,
                "hallucination": hallucination,
                "abstention": abstention,
                "verification_error": "No",
            }
        )
    GRADER_CALLS.append(("coding", user))
    answer = _fenced(user, "ANSWER")
    if "fread" in answer:
        return "I would rather not say."
    calls = next((v for k, v in CODING_REVIEWS.items() if k in answer), [])
    return json.dumps(
        {
            "has_hallucination": bool(calls),
            "hallucinated_imports": [],
            "hallucinated_installs": [],
            "hallucinated_function_calls": calls,
            "reasoning": "checked",
        }
    )


def user(messages, metadata, rng) -> str:
    return f"And then what happened, part {messages[-1].text.count('Assistant:')}?"


register_reference_model("halluhard-e2e-grader", grader)
register_reference_model("halluhard-e2e-user", user)


def write_script(tmp_path, by_sample: dict[str, list[str]]) -> str:
    path = tmp_path / "script.yaml"
    path.write_text(yaml.safe_dump({"by_sample": by_sample}))
    return str(path)


def live_task(web: Web, tmp_path, domain: str, **args: Any):
    return halluhard(
        dataset="sample",
        domains=domain,
        n_per_domain=1,
        evidence_mode="live",
        search_provider="serper",
        search_options={"base_url": web.url(""), "retries": 0},
        fetch_options={"allow_networks": ["127.0.0.1/32"], "max_retries": 0},
        evidence_store=str(tmp_path / "evidence.sqlite"),
        **args,
    )


def run(task, script: str):
    [log] = eval(
        task,
        model=get_model("scripted/script", file=script),
        model_roles={
            "grader": get_model("scripted/halluhard-e2e-grader"),
            "user": get_model("scripted/halluhard-e2e-user"),
        },
        display="none",
    )
    assert log.status == "success", log.error
    return log


def metrics(log) -> dict[str, float]:
    return {name: m.value for name, m in log.results.scores[0].metrics.items()}


def judged(log) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in s.scores["halluhard_judge"].metadata.items() if k != "evidence_mode"}
        for s in log.samples
    ]


def test_a_three_turn_legal_conversation_end_to_end_then_replayed(web, tmp_path):
    BASE["url"] = web.url("")
    GRADER_CALLS.clear()
    turns = [
        "Before custodial interrogation the police must warn the suspect of the right to remain "
        f"silent [Miranda v. Arizona, 384 U.S. 436 (1966)]({web.url('/cases/miranda')}). Every "
        "felony defendant has a right to appointed counsel [Gideon v. Wainwright, 372 U.S. 335 "
        f"(1963)]({web.url('/cases/gideon')}).",
        "Congress overrode Miranda by statute and the Court agreed [Dickerson v. United States, "
        f"530 U.S. 428 (2000)]({web.url('/cases/dickerson')}). I cannot verify how later courts "
        "applied Miranda.",
        "In short, the warnings remain required in every custodial interrogation today.",
    ]
    script = write_script(tmp_path, {"legal_cases-000": turns})
    log = run(live_task(web, tmp_path, "legal_cases"), script)

    [sample] = log.samples
    assert sample.metadata["turns_completed"] == 3 and sample.metadata["user_simulator"] == "role"
    result = sample.scores["halluhard_judge"]
    meta = result.metadata
    assert (meta["judge_mode"], meta["evidence_mode"]) == ("llm", "live")
    assert {stage: g["model"] for stage, g in meta["graders"].items()} == dict.fromkeys(
        ("extraction", "planning", "verdict"), "scripted/halluhard-e2e-grader"
    )
    assert meta["prompts"] == "trustbench"
    assert [(t["turn"], t["claims_found"], t["claims_judged"]) for t in meta["turns"]] == [
        (1, 2, 2),
        (2, 2, 2),
        (3, 0, 0),
    ]
    # per claim: the planner searches once and stops, then the verdict (Gideon: found nowhere)
    assert [t["grader_calls"] for t in meta["turns"]] == [6, 7, 1]
    assert meta["turns"][2]["fallbacks"] == []  # no citation: no claim, no error
    claims = {c["claim"]["text"].split()[0]: c for c in meta["claims"]}
    assert set(claims) == {"Before", "Every", "Congress", "I"}

    miranda = claims["Before"]
    assert miranda["turn"] == 1 and miranda["claim"]["cited_url"] == web.url("/cases/miranda")
    assert (miranda["reference_grounding"], miranda["content_grounding"]) == ("yes", "yes")
    assert not miranda["hallucinated"] and not miranda["abstention"]
    assert miranda["verification_error"] is None
    assert miranda["evidence_urls"] == [web.url("/cases/miranda")]
    assert len(miranda["passage_hashes"]) >= 1
    assert all(len(h) == 64 for h in miranda["passage_hashes"])
    assert miranda["explanation"].startswith("Reference: Yes.")
    assert '"hallucination": "No"' in miranda["raw_grader_output"]

    gideon = claims["Every"]  # its link is a 404 and no search finds it: not grounded
    assert gideon["turn"] == 1 and gideon["verification_error"] is None
    assert (gideon["reference_grounding"], gideon["route"]) == ("no", "not_found")
    assert gideon["hallucinated"] and gideon["fallbacks"] == ["fallback_search"]

    dickerson = claims["Congress"]
    assert dickerson["turn"] == 2
    assert (dickerson["reference_grounding"], dickerson["content_grounding"]) == ("yes", "no")
    assert dickerson["hallucinated"] and dickerson["verification_error"] is None
    assert dickerson["evidence_urls"] == [web.url("/cases/dickerson")]

    hedge = claims["I"]
    assert hedge["turn"] == 2 and hedge["abstention"] and not hedge["hallucinated"]
    assert (hedge["reference_grounding"], hedge["content_grounding"]) == ("n/a", "n/a")

    verdict_prompts = [u for kind, u in GRADER_CALLS if kind == "verdict"]
    assert len(verdict_prompts) == 3
    assert any("warn the suspect of the right to remain silent" in p for p in verdict_prompts)
    assert result.value == 2
    assert result.explanation.startswith("3 turn(s): 2 of 4 valid claim(s) hallucinated (50%)")

    # Hand-computed: valid claims Miranda, Gideon, Dickerson, hedge; Gideon and Dickerson fail.
    m = metrics(log)
    assert m["hallucination_rate"] == pytest.approx(1 / 2)
    assert m["hallucination_rate_lower_bound"] == pytest.approx(1 / 2)
    assert m["legal_cases"] == pytest.approx(1 / 2)
    assert m["legal_cases/turn_1"] == pytest.approx(1 / 2)
    assert m["legal_cases/turn_2"] == pytest.approx(1 / 2)
    assert "legal_cases/turn_3" not in m
    assert m["legal_cases/reference_failure"] == pytest.approx(1 / 4)
    assert m["legal_cases/content_failure"] == pytest.approx(2 / 4)
    assert m["legal_cases/abstention"] == pytest.approx(1 / 4)
    assert m["legal_cases/verification_error"] == 0.0 and m["verification_error"] == 0.0
    assert m["legal_cases/claims_per_turn"] == pytest.approx(4 / 3)
    assert m["legal_cases/route/not_found"] == pytest.approx(1 / 4)
    assert m["legal_cases/fallback/fallback_search"] == pytest.approx(1 / 4)
    assert m["turn_2"] == pytest.approx(1 / 2)
    assert m["judge_mode/llm"] == 1.0
    assert log.eval.metadata["judge_mode_requested"] == "auto"
    assert log.eval.metadata["prompts"]["set"] == "trustbench"
    assert not log.eval.metadata["prompts"]["mixed"]
    assert log.eval.metadata["evidence_mode"] == "live"
    assert log.eval.metadata["dataset_version"]["legal_cases"].startswith("sample@")

    # The network goes away; the store alone re-judges the log, twice, identically.
    web.close()
    seen = len(web.requests)
    replay = halluhard_judge(
        evidence_mode="replay", evidence_store=str(tmp_path / "evidence.sqlite")
    )
    first = score(log, replay, action="overwrite", display="none")
    second = score(first, replay, action="overwrite", display="none")
    assert len(web.requests) == seen
    assert judged(first) == judged(second) == judged(log)
    assert metrics(first) == metrics(second) == m
    assert first.samples[0].scores["halluhard_judge"].metadata["evidence_mode"] == "replay"


def test_coding_responses_are_judged_by_registry_lookups_and_the_grader(web, tmp_path):
    BASE["url"] = web.url("")
    registries = {
        "pypi": web.url("/pypi/{name}/json"),
        "cran": web.url("/cran/{name}"),
        "hex": web.url("/hex/{name}"),
        "maven": web.url("/maven?q={query}"),
    }
    script = write_script(
        tmp_path,
        {
            "coding-000": [
                "```bash\npip install requests\n```\n```python\nimport requests\nr = requests.get(url)\n```",
                "```bash\npip install fastcsvparse\n```\n```python\nimport fastcsvparse\n```",
                "```python\nimport requests\nrequests.fetch_all(url)\n```",
            ],
            "coding-002": [
                '```r\ninstall.packages("readxl")\nlibrary(readxl)\nread_excel("a.xlsx")\n```',
                '```r\nlibrary(data.table)\nfread("a.csv")\n```',
                "```r\nlibrary(ggplot2)\nggplot(df) + geom_point()\n```",
            ],
        },
    )
    task = live_task(web, tmp_path, "coding", judge_options={"registry_urls": registries})
    log = run(task, script)
    python, r = (s.scores["halluhard_judge"].metadata["responses"] for s in log.samples)
    assert [x["hallucinated"] for x in python] == [False, True, True]
    assert [sorted(i["type"] for i in x["issues"]) for x in python] == [
        [],
        ["import", "install"],
        ["function_call"],
    ]
    assert [x["verification_error"] is None for x in r] == [True, False, True]
    assert not any(x["hallucinated"] for x in r)
    assert {p["name"]: p["exists"] for p in python[1]["packages"]} == {"fastcsvparse": False}

    # Valid responses: 3 Python + 2 R; hallucinated: Python turns 2 and 3.
    m = metrics(log)
    assert m["coding"] == m["hallucination_rate"] == pytest.approx(2 / 5)
    assert m["coding/language/Python"] == pytest.approx(2 / 3)
    assert m["coding/language/R"] == 0.0
    assert m["coding/type/import"] == m["coding/type/install"] == pytest.approx(1 / 5)
    assert m["coding/type/function_call"] == pytest.approx(1 / 5)
    assert m["coding/Python/function_call"] == pytest.approx(1 / 3)
    assert m["coding/turn_1"] == 0.0
    assert m["coding/turn_2"] == 1.0
    assert m["coding/turn_3"] == pytest.approx(1 / 2)
    assert m["coding/verification_error"] == pytest.approx(1 / 6)
