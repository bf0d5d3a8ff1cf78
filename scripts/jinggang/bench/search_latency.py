"""Time from typing a Chinese query to the first search result, in headless Chromium.

The built site is served on 127.0.0.1 (Material's search worker fetches its index over
HTTP). Material reacts to key events, so each query is typed with fill() and a key press;
the clock stops when the result list has its first entry.
"""

from __future__ import annotations

import functools
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ..outputs.browser import launch_options

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


def _type(page: Any, query: str) -> float:
    box = page.locator("input.md-search__input")
    started = time.perf_counter()
    box.fill(query)
    box.press("End")  # Material listens for key events
    page.locator(FIRST_RESULT).first.wait_for(timeout=120_000)
    return time.perf_counter() - started


def _clear(page: Any) -> None:
    box = page.locator("input.md-search__input")
    box.fill("")
    box.press("End")
    page.wait_for_function(f"document.querySelectorAll('{FIRST_RESULT}').length === 0")


def search_latency(site: Path, queries: list[str]) -> tuple[float, float]:
    """(first query right after opening the page, median of the later ones) in seconds."""
    from playwright.sync_api import sync_playwright

    with serve(site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options())
        try:
            page = browser.new_page(locale="zh-CN")
            page.goto(url)
            page.locator("label.md-search__icon, .md-search__input").first.click()
            cold = _type(page, queries[0])
            warm = []
            for query in [*queries[1:], *queries]:
                _clear(page)
                warm.append(_type(page, query))
            return cold, statistics.median(warm)
        finally:
            browser.close()
