"""A small web on loopback for HalluHard runs: one court opinion page, and a Serper-style search
endpoint that finds it for every query. `REQUESTS` records what was asked, to prove a replay
fetched nothing."""

from __future__ import annotations

import json

from loopback_http import QuietHandler

ARTICLE = (
    "<html><head><title>Miranda v. Arizona, 384 U.S. 436 (1966)</title></head><body><article>"
    "<h1>Miranda v. Arizona</h1><p>Miranda v. Arizona, 384 U.S. 436 (1966). Before custodial "
    "interrogation the police must warn the suspect of the right to remain silent, that "
    "statements may be used as evidence, and of the right to an attorney.</p></article></body>"
    "</html>"
)
REQUESTS: list[str] = []


class CitationWeb(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server hook name
        REQUESTS.append(self.path)
        if self.path == "/miranda":
            self.send(200, ARTICLE.encode(), "text/html; charset=utf-8")
        else:
            self.send(404, b"<html>Not found</html>", "text/html")

    def do_POST(self) -> None:  # noqa: N802 - Serper: every query finds the Miranda page
        self.rfile.read(int(self.headers["Content-Length"]))
        REQUESTS.append("search")
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        hit = {"title": "Miranda v. Arizona", "link": f"{base}/miranda", "position": 1}
        self.send(200, json.dumps({"organic": [hit]}).encode())
