"""Serving a built site on 127.0.0.1, for the search benchmarks (bench.search, bench.search_compare)
and the tests that open the site in Chromium.

Material's search worker fetches its index over HTTP, and the site's own search is measured
online as well as from file://. FIRST_RESULT is the first entry of a header box's result list,
in Material's markup, which the site's own box keeps.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIRST_RESULT = ".md-search-result__list .md-search-result__item"


class _QuietHandler(SimpleHTTPRequestHandler):
    def __init__(self, *args: Any, sent_headers: Mapping[str, str], **kwargs: Any) -> None:
        self.sent_headers = sent_headers  # before the base class handles the request
        super().__init__(*args, **kwargs)

    def end_headers(self) -> None:
        for name, value in self.sent_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that leaves a page drops its requests: not an error of the site's.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(site: Path, headers: Mapping[str, str] | None = None) -> Iterator[str]:
    """site's files at the URL given, until the block ends; each response carries headers."""
    handler = functools.partial(_QuietHandler, directory=str(site), sent_headers=dict(headers or {}))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
