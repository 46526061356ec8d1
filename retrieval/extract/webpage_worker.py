"""The HTML extraction worker's process (started by `webpage.py` through `workers.WorkerPool`).

Reads requests on stdin, each a JSON header line (url, charset, base_url, sha256, size) and
`size` body bytes, and answers each with one JSON line: `{"document": …}` or `{"failed": reason}`.
Runs under an address-space cap, so a page that blows up in memory ends this process rather
than the machine's memory; the parent replaces it.
"""

from __future__ import annotations

import json
import logging
import sys

from trustbench.retrieval.extract.errors import ExtractionFailed
from trustbench.retrieval.extract.webpage_reader import read_html

MEMORY_LIMIT_BYTES = 3 * 1024**3


def _limit_memory() -> None:
    try:
        import resource
    except ImportError:  # not on POSIX: the time budget still applies
        return
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))


def main() -> None:
    _limit_memory()
    # What trafilatura logs about a page comes back as the Document's warnings, or not at all.
    logging.disable(logging.CRITICAL)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    stdout.write(b'{"ready": true}\n')
    stdout.flush()
    while header := stdin.readline():
        request = json.loads(header)
        body = stdin.read(request["size"])
        try:
            document = read_html(
                request["url"],
                body,
                request["charset"],
                base_url=request["base_url"],
                sha256=request["sha256"],
            )
        except ExtractionFailed as failed:
            stdout.write(json.dumps({"failed": failed.reason}).encode() + b"\n")
        else:
            stdout.write(b'{"document": ' + document.model_dump_json().encode() + b"}\n")
        stdout.flush()


if __name__ == "__main__":
    main()
