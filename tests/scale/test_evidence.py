"""Evidence fetched by shards on other workers lands in the run's store: each shard keeps a
store of its own (as on a node without a shared disk), exported when it ends and imported by
the driver; the stored evidence then re-judges every shard log with the network gone."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml
from inspect_ai import score
from inspect_ai.log import read_eval_log

from trustbench.catalog import load_catalog
from trustbench.retrieval.store import STORE_VARIABLE, EvidenceStore
from trustbench.runner import plan_run
from trustbench.scale.executor import execute_on_ray
from trustbench.tasks.halluhard import halluhard_judge

PAGE = (
    "<html><head><title>Miranda v. Arizona</title></head><body><article><h1>Miranda v. "
    "Arizona, 384 U.S. 436 (1966)</h1><p>Before custodial interrogation the police must warn "
    "the suspect of the right to remain silent.</p></article></body></html>"
)


class Web:
    """A cited page and a Serper-format search on loopback, counting every request."""

    def __init__(self):
        requests = self.requests = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                requests.append(self.path)
                found = self.path.startswith("/cases/")
                body = (PAGE if found else "<html><body>Not found</body></html>").encode()
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                requests.append("search")
                self.rfile.read(int(self.headers["Content-Length"]))
                body = json.dumps({"organic": []}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.slow
def test_shards_own_stores_merge_into_the_run_store_and_replay_offline(
    ray_cluster, tmp_path, monkeypatch
):
    web = Web()
    store = tmp_path / "evidence.sqlite"
    monkeypatch.setenv(STORE_VARIABLE, str(store))
    ids = ["legal_cases-000", "legal_cases-001"]
    answers = {
        sample: [
            "Police must warn the suspect of the right to remain silent "
            f"[Miranda v. Arizona, 384 U.S. 436 (1966)]({web.url}/cases/{sample})."
        ]
        for sample in ids
    }
    script = tmp_path / "script.yaml"
    script.write_text(yaml.safe_dump({"by_sample": answers}))
    judge = dict(
        judge_mode="heuristic",
        search_options={"base_url": web.url, "retries": 0},
        fetch_options={"allow_networks": ["127.0.0.1/32"], "max_retries": 0},
    )
    plan = plan_run(
        load_catalog(),
        ["trustbench/halluhard"],
        models=["scripted/script"],
        task_args=dict(dataset="sample", domains="legal_cases", n_per_domain=2, turns=1, **judge),
        log_dir=tmp_path / "logs",
    )
    model = {"model_args": {"file": str(script)}}
    outcome = execute_on_ray(plan, shard_size=1, evidence="merge", display="none", **model)
    assert outcome.success and len(outcome.logs) == 2
    fetched = {path for path in web.requests if path.startswith("/cases/")}
    assert fetched == {f"/cases/{sample}" for sample in ids}
    with EvidenceStore(store) as merged:
        for sample in ids:
            assert merged.get_fetch(f"{web.url}/cases/{sample}").status == 200

    web.close()
    seen = len(web.requests)
    replay = halluhard_judge(evidence_mode="replay", evidence_store=str(store), **judge)
    for header in outcome.logs:
        live = read_eval_log(header.location)
        again = score(live, replay, action="overwrite", display="none")
        verdicts = [
            {k: v for k, v in s.scores["halluhard_judge"].metadata.items() if k != "evidence_mode"}
            for s in (live, again)
            for s in s.samples
        ]
        assert verdicts[0] == verdicts[1]
        used = {url for claim in verdicts[0]["claims"] for url in claim["evidence_urls"]}
        assert used and used <= {f"{web.url}/cases/{sample}" for sample in ids}
    assert len(web.requests) == seen

    # each shard's snapshot lies beside its log: a re-run (nothing left to run) merges it again
    assert len(list((tmp_path / "logs").glob("shards/*/*/evidence.sqlite"))) == 2
    store.unlink()
    rerun = execute_on_ray(plan, shard_size=1, evidence="merge", display="none", **model)
    assert rerun.success and len(web.requests) == seen
    with EvidenceStore(store) as merged:
        assert all(merged.get_fetch(f"{web.url}/cases/{sample}") for sample in ids)
