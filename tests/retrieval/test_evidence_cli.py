"""`trustbench evidence stats|export|import|prune`, run through click's test runner."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from trustbench.evidence_cli import evidence
from trustbench.retrieval.store import EvidenceStore
from trustbench.retrieval.types import FetchError, FetchErrorKind, FetchResult, SearchResult


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    path = tmp_path / "evidence.sqlite"
    with EvidenceStore(path) as store:
        now = datetime.now(UTC)
        store.put_fetch(
            FetchResult(url="https://a.example/", status=200, body=b"A" * 5000, fetched_at=now)
        )
        store.put_fetch(
            FetchResult(
                url="https://down.example/",
                fetched_at=now,
                error=FetchError(kind=FetchErrorKind.timeout, reason="slow"),
            )
        )
        store.put_search(
            "serper",
            "q",
            1,
            [SearchResult(title="t", url="https://a.example/", rank=1, provider="serper")],
        )
        with store.transaction() as db:  # make the search 40 days old
            db.execute("UPDATE searches SET stored_at = stored_at - 40 * 86400")
    return path


def run(*args: str) -> str:
    result = CliRunner().invoke(evidence, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_stats(filled: Path) -> None:
    text = run("stats", "--store", str(filled))
    assert "searches" in text and "fetch errors" in text and "timeout=1" in text
    numbers = json.loads(run("stats", "--store", str(filled), "--json"))
    assert numbers["fetches"] == 2 and numbers["searches"] == 1
    assert numbers["raw_bytes"] == 5000


def test_store_from_environment(filled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTBENCH_EVIDENCE", str(filled))
    assert json.loads(run("stats", "--json"))["path"] == str(filled)


def test_export_then_import(filled: Path, tmp_path: Path) -> None:
    out = tmp_path / "snapshot.evidence"
    assert "1 blobs, 2 fetches" in run("export", str(out), "--store", str(filled))
    fresh = tmp_path / "fresh" / "evidence.sqlite"
    assert "2 fetches" in run("import", str(out), "--store", str(fresh))
    with EvidenceStore(fresh) as store:
        assert store.get_fetch("https://a.example/").body == b"A" * 5000


def test_prune(filled: Path) -> None:
    assert "1 searches" in run("prune", "--older-than", "30d", "--store", str(filled))
    numbers = json.loads(run("stats", "--store", str(filled), "--json"))
    assert numbers["searches"] == 0 and numbers["fetches"] == 2


def test_bad_duration(filled: Path) -> None:
    result = CliRunner().invoke(evidence, ["prune", "--older-than", "soon", "--store", str(filled)])
    assert result.exit_code == 2 and "30d, 12h" in result.output


def test_missing_store_is_one_clear_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(evidence, ["stats", "--store", str(tmp_path / "none.sqlite")])
    assert result.exit_code == 2
    assert "No evidence store at" in result.output and "Traceback" not in result.output


def test_import_of_junk_is_one_clear_line(filled: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk"
    junk.write_text("hello " * 200)
    result = CliRunner().invoke(evidence, ["import", str(junk), "--store", str(filled)])
    assert result.exit_code == 2 and "not an evidence snapshot" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("command", [[], ["stats"], ["verify"], ["export"], ["import"], ["prune"]])
def test_help(command: list[str]) -> None:
    text = run(*command, "--help")
    assert "Usage:" in text
    if command:
        assert "--store" in text


def test_verify_a_clean_store(filled: Path) -> None:
    assert "every record is intact" in run("verify", "--store", str(filled))


def test_verify_lists_bad_records_then_drops_them(filled: Path) -> None:
    with sqlite3.connect(filled) as db:
        db.execute("UPDATE blobs SET data = x'28b52ffd00'")
        db.execute("UPDATE searches SET results = replace(results, '\"t\"', '\"u\"')")
    result = CliRunner().invoke(evidence, ["verify", "--store", str(filled)])
    assert result.exit_code == 1
    assert "bad: blobs (" in result.output and "bad: searches ('serper', 'q', 1)" in result.output
    assert "2 bad record(s)" in result.output
    dropped = run("verify", "--store", str(filled), "--drop")
    assert "Deleted 2 bad record(s)" in dropped
    assert "every record is intact" in run("verify", "--store", str(filled))


@pytest.mark.parametrize(
    "command",
    [["stats"], ["verify"], ["export", "out.evidence"], ["import", "SNAPSHOT"], ["prune"]],
)
def test_a_store_that_is_not_a_store_is_one_clear_line_in_every_verb(
    command: list[str], filled: Path, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"\x00garbage" * 1000)
    snapshot = tmp_path / "ok.evidence"
    run("export", str(snapshot), "--store", str(filled))
    args = [
        str(snapshot) if a == "SNAPSHOT" else str(tmp_path / a) if "." in a else a for a in command
    ]
    result = CliRunner().invoke(evidence, [*args, "--store", str(junk)])
    assert result.exit_code == 2, result.output
    [line] = result.output.strip().splitlines()
    assert line.startswith("Error: ") and str(junk) in line and "Traceback" not in line


def test_export_of_an_unknown_run_says_where_runs_are_listed(filled: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        evidence, ["export", str(tmp_path / "x.evidence"), "--run", "nope", "--store", str(filled)]
    )
    assert result.exit_code == 2 and "evidence stats" in result.output
