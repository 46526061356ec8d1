"""No cited URL can stop a run: a HalluHard eval whose answers cite a 64-character host label, a
4,301-digit numeric host, a broken IPv6 literal and a port past 65535 completes, with those claims
counted as verification errors, beside a claim whose page is read. Search and pages are served on
loopback; the judge runs in heuristic mode (no grader)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import yaml
from inspect_ai import eval
from inspect_ai.model import get_model
from loopback_http import QuietHandler, serve

import trustbench._registry  # noqa: F401 - registers scripted/
from trustbench.tasks.halluhard import halluhard

HOSTILE = {
    "http://" + "a" * 64 + ".example/miranda": "label longer than 63 characters",
    "http://" + "1" * 4301 + "/gideon": "invalid IPv4 address",
    "https://[::1/dickerson": "Invalid IPv6 URL",
    "http://brown.example:99999/": "invalid port '99999'",
}
MIRANDA, GIDEON, DICKERSON, BROWN = HOSTILE
ARTICLE = (
    "<html><head><title>Escobedo v. Illinois, 378 U.S. 478 (1964)</title></head><body><article>"
    "<h1>Escobedo v. Illinois</h1><p>Escobedo v. Illinois, 378 U.S. 478 (1964), held that a "
    "suspect in police custody has a right to consult a lawyer during interrogation, and that "
    "statements taken after that right was denied cannot be used at trial.</p></article></body>"
    "</html>"
)


class Web(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server hook name
        if self.path == "/escobedo":
            self.send(200, ARTICLE.encode(), "text/html; charset=utf-8")
        else:
            self.send(404, b"<html>Not found</html>", "text/html")

    def do_POST(self) -> None:  # noqa: N802 - a Serper-format search that finds nothing
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send(200, json.dumps({"organic": []}).encode())


@pytest.fixture
def web() -> Iterator[str]:
    with serve(Web) as base:
        yield base


def test_a_halluhard_eval_citing_hostile_urls_completes(web, tmp_path, monkeypatch):
    monkeypatch.setenv("SERPER_API_KEY", "x")
    monkeypatch.setenv("INSPECT_CACHE_DIR", str(tmp_path / "cache"))
    turns = [
        f"Police must warn suspects [Miranda v. Arizona, 384 U.S. 436 (1966)]({MIRANDA}). "
        "Every felony defendant has a right to counsel [Gideon v. Wainwright, 372 U.S. 335 "
        f"(1963)]({GIDEON}).",
        "Congress could not overrule Miranda [Dickerson v. United States, 530 U.S. 428 (2000)]"
        f"({DICKERSON}). A suspect in custody may consult a lawyer during interrogation "
        f"[Escobedo v. Illinois, 378 U.S. 478 (1964)]({web}/escobedo).",
        f"Courts apply these rules strictly [Brown v. Mississippi, 297 U.S. 278 (1936)]({BROWN}).",
    ]
    script = tmp_path / "script.yaml"
    script.write_text(yaml.safe_dump({"by_sample": {"legal_cases-000": turns}}))
    task = halluhard(
        dataset="sample",
        domains="legal_cases",
        n_per_domain=1,
        judge_mode="heuristic",
        evidence_mode="live",
        search_options={"base_url": web, "retries": 0},
        fetch_options={"allow_networks": ["127.0.0.1/32"], "max_retries": 0},
        evidence_store=str(tmp_path / "evidence.sqlite"),
    )
    [log] = eval(
        task,
        model=get_model("scripted/script", file=str(script)),
        model_roles={"user": get_model("scripted/echo")},
        display="none",
    )
    assert log.status == "success", log.error
    [sample] = log.samples
    assert sample.error is None
    claims = {
        c["claim"]["cited_url"]: c for c in sample.scores["halluhard_judge"].metadata["claims"]
    }
    for url, reason in HOSTILE.items():
        error = claims[url]["verification_error"]
        assert error is not None and reason in error, (url[:40], error)
    assert claims[f"{web}/escobedo"]["verification_error"] is None
    errors = log.results.scores[0].metrics
    assert any(name.endswith("verification_error") and m.value > 0 for name, m in errors.items())
