"""Serving a built site on 127.0.0.1 for the search benchmarks (bench.search, bench.search_compare).

Material's search worker fetches its index over HTTP, and the site's own search is measured
online as well as from file://. FIRST_RESULT is the first entry of a header box's result list,
in Material's markup, which the site's own box keeps.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIRST_RESULT = ".md-search-result__list .md-search-result__item"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
