"""The coding judge: package finding per language, registry lookups against a fake registry on
loopback (through the real Fetcher and a temp evidence store), and the grader's API review."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from inspect_ai.model import ChatMessage, get_model
from loopback_http import QuietHandler, serve

import trustbench._registry  # noqa: F401  (registers the scripted/ provider)
from trustbench.judges.groundedness import (
    CodingJudgement,
    GroundednessConfig,
    judge_coding_response,
)
from trustbench.judges.groundedness.packages import find_packages, maven_query
from trustbench.providers.scripted import register_reference_model
from trustbench.retrieval.evidence import Evidence
from trustbench.retrieval.fetcher import FetchConfig, Fetcher
from trustbench.retrieval.store import EvidenceStore

KNOWN = {
    "pypi": {"numpy", "scikit-learn", "requests", "opencv-python"},
    "cran": {"dplyr", "ggplot2", "data.table"},
    "hex": {"jason", "req"},
    "maven": {"org.typelevel", "co.fs2"},
}

PYTHON = """\
Install the libraries:

```bash
pip install numpy requests==2.31 fastjsonx[speed] -r requirements.txt
```

```python
import os, sys
import numpy as np
import fastjsonx
from sklearn.linear_model import LinearRegression
from . import local_module
from helpers import tidy  # helpers.py is defined below

model = LinearRegression().fit(np.zeros((2, 2)), [0, 1])
```
"""

R = """\
```r
install.packages(c("dplyr", "tidyfakeR"))
BiocManager::install("limma")
library(dplyr)
library("tidyfakeR")
require(limma)
result <- data.table::fread("x.csv")
fit <- stats::lm(y ~ x)
```
"""


@dataclass
class Registry:
    url: str = ""
    hits: Counter[str] = field(default_factory=Counter)
    failing: set[str] = field(default_factory=set)

    def config(self) -> GroundednessConfig:
        return GroundednessConfig(
            registry_urls={
                "pypi": self.url + "/pypi/{name}/json",
                "cran": self.url + "/cran/{name}",
                "hex": self.url + "/hex/{name}",
                "maven": self.url + "/maven/select?q={query}&rows=1&wt=json",
            }
        )


@pytest.fixture
def registry() -> Iterator[Registry]:
    fake = Registry()

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            fake.hits[self.path] += 1
            parts = urlsplit(self.path)
            segments = [unquote(s) for s in parts.path.strip("/").split("/")]
            name, where = segments[1], segments[0]
            if name in fake.failing:
                return self._send(500, {"error": "internal"})
            if where == "maven":
                query = parse_qs(parts.query)["q"][0]
                found = sum(f'g:"{group}"' in query for group in KNOWN["maven"])
                return self._send(200, {"response": {"numFound": found, "docs": []}})
            if name in KNOWN[where]:
                return self._send(200, {"info": {"name": name, "version": "1.0"}})
            return self._send(404, {"message": "Not Found"})

        def _send(self, status: int, body: dict[str, Any]) -> None:
            self.send(status, json.dumps(body).encode())

    with serve(Handler) as fake.url:
        yield fake


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EvidenceStore]:
    with EvidenceStore(tmp_path / "evidence.sqlite") as opened:
        yield opened


@pytest.fixture
async def evidence(store: EvidenceStore) -> AsyncIterator[Evidence]:
    async with Fetcher(FetchConfig(allow_networks=["127.0.0.1/32"], max_retries=0)) as fetcher:
        yield Evidence(store, "live", fetcher=fetcher)


@pytest.fixture(autouse=True)
def private_model_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECT_CACHE_DIR", str(tmp_path / "inspect-cache"))


@dataclass
class Reviewer:
    reply: dict[str, Any] = field(default_factory=dict)
    prompts: list[str] = field(default_factory=list)

    def __call__(self, messages: list[ChatMessage], metadata: dict[str, Any], rng: Any) -> str:
        assert "You review code" in messages[0].text
        self.prompts.append(messages[1].text)
        return json.dumps(self.reply)


REVIEWER = Reviewer()
register_reference_model("groundedness_coding_reviewer", REVIEWER)


@pytest.fixture
def reviewer() -> Reviewer:
    REVIEWER.reply = {
        "has_hallucination": False,
        "hallucinated_imports": [],
        "hallucinated_installs": [],
        "hallucinated_function_calls": [],
        "reasoning": "ok",
    }
    REVIEWER.prompts = []
    return REVIEWER


async def judge(
    response: str, language: str, evidence: Evidence, registry: Registry, grader: bool = False
) -> CodingJudgement:
    return await judge_coding_response(
        response=response,
        question="Write code.",
        language=language,
        evidence=evidence,
        grader=get_model("scripted/groundedness_coding_reviewer") if grader else None,
        config=registry.config(),
    )


# --- finding packages -------------------------------------------------------------------------------


def names(text: str, language: str) -> list[tuple[str, str]]:
    return [(r.kind, r.name) for r in find_packages(text, language) or []]


def test_python_installs_and_imports() -> None:
    assert names(PYTHON, "Python") == [
        ("install", "numpy"),
        ("install", "requests"),
        ("install", "fastjsonx"),
        ("import", "numpy"),
        ("import", "fastjsonx"),
        ("import", "scikit-learn"),
    ]
    assert names(
        "python -m pip install --upgrade 'Pillow>=10'\nfrom PIL import Image", "python"
    ) == [
        ("install", "pillow"),
        ("import", "pillow"),
    ]


def test_python_imports_come_from_code_not_prose() -> None:
    text = "First import the data, then:\n\n```python\nimport pandas as pd  # tables\n```\n"
    assert names(text, "python") == [("import", "pandas")]


def test_r_installs_loads_and_namespaces() -> None:
    assert names(R, "R") == [
        ("install", "dplyr"),
        ("install", "tidyfakeR"),
        ("import", "dplyr"),
        ("import", "tidyfakeR"),
        ("import", "data.table"),
    ]  # Bioconductor's limma and base stats are not CRAN lookups


def test_elixir_mix_deps_and_mix_install() -> None:
    text = """
defp deps do
  [
    {:jason, "~> 1.4"},
    {:phoenix_magic, ">= 0.0.0"},
    {:local_dep, path: "../local_dep"},
    {:credo, "~> 1.7", only: [:dev, :test], runtime: false}
  ]
end

Mix.install([:req, {:nimble_csv, "~> 1.2"}])
case File.read(path) do
  {:ok, body} -> body
  {:error, reason} -> raise reason
end
"""
    assert names(text, "Elixir") == [
        ("install", "jason"),
        ("install", "phoenix_magic"),
        ("install", "credo"),
        ("install", "nimble_csv"),
        ("install", "req"),
    ]


def test_scala_and_java_coordinates_and_imports() -> None:
    text = """
libraryDependencies += "org.typelevel" %% "cats-core" % "2.10.0"
libraryDependencies += "com.example" % "fake-lib" % "1.0"
import cats.effect.{IO, IOApp}
import fs2.Stream
import scala.util.Try
import com.unknown.Thing
"""
    assert names(text, "Scala") == [
        ("install", "org.typelevel:cats-core_%%"),
        ("install", "com.example:fake-lib"),
        ("import", "co.fs2"),
    ]  # cats is declared already; unknown imports are left to the grader
    assert maven_query("org.typelevel:cats-core_%%") == (
        'g:"org.typelevel" AND (a:"cats-core_2.13" OR a:"cats-core_3" OR a:"cats-core_2.12")'
    )
    gradle = "implementation 'com.google.guava:guava:33.0.0-jre'\n<groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId>"
    assert names(gradle, "java") == [
        ("install", "com.google.guava:guava"),
        ("install", "org.slf4j:slf4j-api"),
    ]


def test_unknown_language_has_no_rules() -> None:
    assert find_packages("npm install left-pad", "JavaScript") is None


# --- judging ------------------------------------------------------------------------------------------


async def test_python_existing_and_missing_packages(registry: Registry, evidence: Evidence) -> None:
    result = await judge(PYTHON, "Python", evidence, registry)
    assert result.mode == "heuristic" and result.hallucinated and result.verification_error is None
    exists = {(c.registry, c.name): c.exists for c in result.packages}
    assert exists == {
        ("pypi", "numpy"): True,
        ("pypi", "requests"): True,
        ("pypi", "fastjsonx"): False,
        ("pypi", "scikit-learn"): True,
    }
    assert sorted(i.type for i in result.issues) == ["import", "install"]
    assert all("fastjsonx is not on PyPI" in i.detail for i in result.issues)
    assert registry.hits["/pypi/numpy/json"] == 1  # installed and imported: looked up once
    assert "not checked without a grader" in result.explanation


async def test_r_existing_and_missing_packages(registry: Registry, evidence: Evidence) -> None:
    result = await judge(R, "R", evidence, registry)
    exists = {c.name: c.exists for c in result.packages}
    assert exists == {"dplyr": True, "tidyfakeR": False, "data.table": True}
    assert result.hallucinated and {i.type for i in result.issues} == {"install", "import"}


async def test_all_packages_exist(registry: Registry, evidence: Evidence) -> None:
    result = await judge(
        "pip install numpy\n\nimport numpy as np\nnp.zeros(3)", "python", evidence, registry
    )
    assert not result.hallucinated and result.issues == [] and result.verification_error is None


async def test_registry_failure_is_unknown_and_a_verification_error(
    registry: Registry, evidence: Evidence
) -> None:
    registry.failing.add("flaky")
    result = await judge("pip install numpy flaky", "python", evidence, registry)
    [flaky] = [c for c in result.packages if c.name == "flaky"]
    assert flaky.exists is None and flaky.error and "HTTP 500" in flaky.error
    assert (
        not result.hallucinated
        and result.verification_error
        and "flaky" in result.verification_error
    )


async def test_a_proven_hallucination_outweighs_an_unknown(
    registry: Registry, evidence: Evidence
) -> None:
    registry.failing.add("flaky")
    result = await judge("pip install flaky fastjsonx", "python", evidence, registry)
    assert result.hallucinated and result.verification_error is None


async def test_elixir_and_scala_lookups(registry: Registry, evidence: Evidence) -> None:
    elixir = await judge(
        'Mix.install([:req, {:phoenix_magic, "~> 0.1"}])', "Elixir", evidence, registry
    )
    assert {c.name: c.exists for c in elixir.packages} == {"req": True, "phoenix_magic": False}
    scala = await judge(
        '"org.typelevel" %% "cats-core" % "2.10.0"\n"com.example" % "fake" % "1"',
        "Scala",
        evidence,
        registry,
    )
    assert [c.exists for c in scala.packages] == [True, False] and scala.hallucinated


async def test_heuristic_mode_cannot_judge_a_language_without_rules(
    registry: Registry, evidence: Evidence
) -> None:
    result = await judge("npm install left-pad", "JavaScript", evidence, registry)
    assert result.verification_error and "no package rules" in result.verification_error


async def test_grader_reports_function_calls(
    registry: Registry, evidence: Evidence, reviewer: Reviewer
) -> None:
    reviewer.reply |= {
        "has_hallucination": True,
        "hallucinated_function_calls": [
            {
                "package": "numpy",
                "function": "np.magic_inverse",
                "code": "np.magic_inverse(m)",
                "reason": "no such function",
            }
        ],
        "hallucinated_installs": [
            {"package": "numpy", "code": "pip install numpy", "reason": "wrongly flagged"}
        ],
    }
    response = "pip install numpy\n\nimport numpy as np\nnp.magic_inverse(m)"
    result = await judge(response, "python", evidence, registry, grader=True)
    assert result.mode == "llm" and result.grader_calls == 1 and result.hallucinated
    assert [i.type for i in result.issues] == ["function_call"]  # the registry found numpy
    assert "np.magic_inverse" in result.issues[0].detail
    [prompt] = reviewer.prompts
    assert "PyPI numpy: exists" in prompt and "<<<BEGIN ANSWER" in prompt


async def test_unreadable_review_twice_is_a_verification_error(
    registry: Registry, evidence: Evidence, reviewer: Reviewer
) -> None:
    reviewer.reply = {"verdict": "looks fine"}
    result = await judge("pip install numpy", "python", evidence, registry, grader=True)
    assert result.grader_calls == 2 and not result.hallucinated
    assert result.verification_error and "unreadable grader reply" in result.verification_error
    assert result.raw_grader_output and result.raw_grader_output.count("looks fine") == 2


async def test_replay_gives_the_same_judgement(
    registry: Registry, evidence: Evidence, store: EvidenceStore
) -> None:
    live = await judge(PYTHON, "python", evidence, registry)
    hits = sum(registry.hits.values())
    replayed = await judge(PYTHON, "python", Evidence(store, "replay"), registry)
    assert replayed == live and sum(registry.hits.values()) == hits
