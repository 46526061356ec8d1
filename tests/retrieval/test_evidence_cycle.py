"""The README's evidence cycle, as a user runs it: `trustbench run` a HalluHard eval (search and
pages on loopback), `trustbench evidence export --run <the run's log folder>` writes exactly that
run's evidence, `trustbench evidence import` it into another store, and `inspect score ... -S
evidence_mode=replay` re-judges the log from it with the web gone, to the same verdicts."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from citation_web import REQUESTS, CitationWeb
from click.testing import CliRunner
from inspect_ai.log import list_eval_logs, read_eval_log
from loopback_http import serve

from helpers import guarded_env, venv_bin
from trustbench.cli import main
from trustbench.retrieval.store import EvidenceStore
from trustbench.retrieval.types import EvidenceStoreError, FetchResult
from trustbench.tasks.halluhard import halluhard


@pytest.fixture
def web() -> Iterator[str]:
    REQUESTS.clear()
    with serve(CitationWeb) as base:
        yield base


def trustbench(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.output


def judged(log_file: Path) -> list[dict]:
    log = read_eval_log(str(log_file))
    return [
        {k: v for k, v in s.scores["halluhard_judge"].metadata.items() if k != "evidence_mode"}
        for s in log.samples
    ]


def test_run_export_import_rejudge(web, tmp_path, monkeypatch):
    store = tmp_path / "evidence.sqlite"
    monkeypatch.setenv("TRUSTBENCH_EVIDENCE", str(store))
    monkeypatch.setenv("SERPER_API_KEY", "x")
    monkeypatch.setenv("INSPECT_CACHE_DIR", str(tmp_path / "cache"))
    with EvidenceStore(store) as earlier:  # evidence of another run, which must stay behind
        earlier.put_fetch(
            FetchResult(
                url="https://other.example/", status=200, body=b"x", fetched_at=datetime.now(UTC)
            ),
            run="an-earlier-run",
        )
    script = tmp_path / "script.yaml"
    turns = [
        "Police must warn suspects of the right to remain silent [Miranda v. Arizona, 384 U.S. "
        f"436 (1966)]({web}/miranda). Counsel must be appointed [Gideon v. Wainwright, 372 U.S. "
        f"335 (1963)]({web}/gideon).",
        "That is the rule today.",
    ]
    script.write_text(yaml.safe_dump({"by_sample": {"legal_cases-000": turns}}))
    log_dir = tmp_path / "results" / "runs" / "hh-demo"

    trustbench(
        "run", "trustbench/halluhard",
        "-T", "dataset=sample", "-T", "domains=legal_cases", "-T", "n_per_domain=1",
        "-T", "turns=2", "-T", "judge_mode=heuristic",
        "-T", f"search_options={{base_url: '{web}', retries: 0}}",
        "-T", "fetch_options={allow_networks: [127.0.0.1/32], max_retries: 0}",
        "--model", "scripted/script", "-M", f"file={script}", "--user", "scripted/echo",
        "--log-dir", str(log_dir), "--no-report", "--display", "none",
    )  # fmt: skip
    [info] = list_eval_logs(str(log_dir))
    log_file = Path(info.name.removeprefix("file://"))
    header = read_eval_log(str(log_file), header_only=True).eval
    assert header.eval_set_id

    exported = tmp_path / "hh-demo.evidence"
    out = trustbench("evidence", "export", str(exported), "--run", str(log_dir))
    assert f"of run {header.eval_set_id}" in out
    with sqlite3.connect(exported) as db:
        runs = {
            r[0]
            for r in db.execute("SELECT run FROM run_fetches UNION SELECT run FROM run_searches")
        }
        urls = {r[0] for r in db.execute("SELECT url FROM fetches")}
    assert runs == {header.eval_set_id}
    assert urls == {f"{web}/miranda", f"{web}/gideon"}  # the other run's page stayed behind

    seen = len(REQUESTS)
    elsewhere = tmp_path / "elsewhere.sqlite"
    out = trustbench("evidence", "import", str(exported), "--store", str(elsewhere))
    assert "2 fetches" in out
    rescored = tmp_path / "rescored.eval"
    judge_again = [
        venv_bin("inspect"), "score", str(log_file),
        "--scorer", "trustbench/halluhard_judge", "-S", "evidence_mode=replay", "--action", "overwrite",
        "--output-file", str(rescored), "--display", "none",
    ]  # fmt: skip
    env = guarded_env(TRUSTBENCH_EVIDENCE=str(elsewhere), INSPECT_CACHE_DIR=str(tmp_path / "c2"))
    done = subprocess.run(judge_again, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(REQUESTS) == seen  # nothing fetched
    assert judged(rescored) == judged(log_file)
    replayed = read_eval_log(str(rescored)).samples[0].scores["halluhard_judge"].metadata
    assert replayed["evidence_mode"] == "replay"
    assert any(c["verification_error"] is None for c in replayed["claims"])


def test_a_run_on_a_file_that_is_not_a_store_stops_before_any_sample(tmp_path):
    junk = tmp_path / "evidence.sqlite"
    junk.write_bytes(b"not sqlite at all " * 100)
    with pytest.raises(EvidenceStoreError) as info:
        halluhard(
            dataset="sample",
            domains="legal_cases",
            n_per_domain=1,
            evidence_mode="offline",
            evidence_store=str(junk),
        )
    message = str(info.value)
    assert "\n" not in message and str(junk) in message and "evidence import" in message
