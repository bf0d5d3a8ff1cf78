"""Benchmark (not a test): the site's search at scale, as a reader meets it in headless Chromium.

    .venv/bin/python -m jinggang.bench.search --lessons 2000

For a built site: the time from typing a query into the header box to the first result on
a freshly opened page and for later queries, online (127.0.0.1) and from file://; the bytes
read before the first result; the index against the text it holds; recall on the names
that the generator wrote and no registry knows (every page that holds a name is found, and
a page that holds it comes first); and the CPU time of building the index within a build.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ..outputs.browser import launch_options
from ..website.search.index import read_page_records
from .generate import NAMES_FILE, generate
from .serving import serve

RESULT = ".md-search-result__list [data-search-result]"
INDEX_FILES = ("manifest.js", "urls.js", "shards", "pages")


@dataclass
class Timing:
    first_ms: float
    later_ms: float
    first_bytes: int


@dataclass
class Recall:
    names: int
    names_complete: int  # names for which every page holding them was found
    holders: int
    found: int
    first_right: int  # names whose first result in the header box holds them


def index_sizes(site: Path) -> tuple[int, int]:
    """(bytes of the index files, UTF-8 bytes of the titles, headings and texts they hold)."""
    folder = site / "search"
    index = sum(path.stat().st_size for name in INDEX_FILES for path in
                ([folder / name] if (folder / name).is_file() else (folder / name).rglob("*.js")))
    text = 0
    for record in read_page_records(site):
        text += len(record["t"].encode()) + sum(len(section[1].encode()) + len(section[2].encode())
                                                for section in record["s"][1:])
        text += len(record["s"][0][2].encode()) if record["s"] else 0
    return index, text


def holders(site: Path, names: list[str]) -> dict[str, set[int]]:
    texts = [" ".join([record["t"], *(section[1] + " " + section[2] for section in record["s"])])
             for record in read_page_records(site)]
    return {name: {number for number, text in enumerate(texts) if name in text} for name in names}


def _bytes_of(urls: list[str], base: str, site: Path) -> int:
    total = 0
    for url in urls:
        if not url.startswith(base):
            continue
        path = site / unquote(urlparse(url).path[len(urlparse(base).path):])
        if path.is_dir():
            path = path / "index.html"
        total += path.stat().st_size if path.is_file() else 0
    return total


def _type(page: Any, query: str) -> float:
    box = page.locator("input.md-search__input")
    started = time.perf_counter()
    box.fill(query)
    page.wait_for_function(
        "query => { const item = document.querySelector('" + RESULT + "');"
        " return item && document.querySelector('input.md-search__input').value === query"
        " && item.textContent.length > 0; }", arg=query, timeout=60_000)
    return time.perf_counter() - started


def _clear(page: Any) -> None:
    page.locator("input.md-search__input").fill("")
    page.wait_for_function(f"!document.querySelector('{RESULT}')", timeout=10_000)


FIRST_LOADS = 3  # fresh browser contexts whose first query is timed: one sample of ~200 ms swung by half


def time_queries(browser: Any, home: str, base: str, site: Path, queries: list[str]) -> Timing:
    """The first query's time (the median of FIRST_LOADS fresh contexts, each with an empty
    cache) and bytes, and the median of the queries after it in the last context."""
    firsts: list[float] = []
    first_bytes = 0
    later: list[float] = []
    for load in range(FIRST_LOADS):
        context = browser.new_context(locale="zh-CN", reduced_motion="reduce")
        requests: list[str] = []
        context.on("request", lambda request, requests=requests: requests.append(request.url))
        try:
            page = context.new_page()
            page.goto(home)
            page.wait_for_load_state("load")
            page.locator("label.md-search__icon, .md-search__input").first.click()
            requests.clear()
            firsts.append(_type(page, queries[0]))
            if load == 0:
                first_bytes = _bytes_of(list(requests), base, site)
            if load == FIRST_LOADS - 1:
                for query in [*queries[1:], *queries]:
                    _clear(page)
                    later.append(_type(page, query))
        finally:
            context.close()
    return Timing(statistics.median(firsts) * 1000, statistics.median(later) * 1000, first_bytes)


def recall(browser: Any, home: str, site: Path, names: list[str]) -> Recall:
    wanted = holders(site, names)
    context = browser.new_context(locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(home)
        ranked: list[list[int]] = page.evaluate(
            "names => Promise.all(names.map(name => window.jgSearch.rankedPages(name)))", names)
        # What the reader sees first: the header box puts pages that hold the name as written
        # before pages that hold its two-character tokens apart (search.js, show).
        first: list[int] = page.evaluate(
            "names => Promise.all(names.map(name => window.jgSearch.firstShown(name)))", names)
    finally:
        context.close()
    result = Recall(len(names), 0, 0, 0, 0)
    for name, pages, shown in zip(names, ranked, first, strict=True):
        found = wanted[name] & set(pages)
        result.holders += len(wanted[name])
        result.found += len(found)
        result.names_complete += found == wanted[name]
        result.first_right += shown in wanted[name]
    return result


def search_cpu(project: Path, rounds: int = 2) -> tuple[float, float]:
    """(CPU seconds spent on the search index, CPU seconds of the whole build), of the build in this
    process that spent the least on the index, of `rounds`: this machine's speed drifts by a third
    within minutes (one build each measured 4.4 and 6.2 s ten minutes apart)."""
    return min(_search_cpu_once(project) for _ in range(rounds))


def _search_cpu_once(project: Path) -> tuple[float, float]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from ..website import plugin

    spent = [0.0]

    def counted(function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[0] += time.process_time() - started
        return wrapper

    original_page, original_write = plugin.search_page, plugin.SearchIndex.write
    original_available = plugin.ForkedWork.available
    plugin.search_page = counted(original_page)  # type: ignore[assignment]
    plugin.SearchIndex.write = counted(original_write)  # type: ignore[method-assign]
    # All in this process, where it is counted: a whole build reads and indexes the pages in a
    # forked process (website/forked.py), whose CPU time this one's does not include.
    plugin.ForkedWork.available = staticmethod(lambda: False)  # type: ignore[method-assign]
    try:
        with tempfile.TemporaryDirectory(prefix="jinggang-bench-cpu-") as site_dir:
            started = time.process_time()
            build(load_config(str(project / "mkdocs.yml"), site_dir=site_dir))
            total = time.process_time() - started
    finally:
        plugin.search_page = original_page  # type: ignore[assignment]
        plugin.SearchIndex.write = original_write  # type: ignore[method-assign]
        plugin.ForkedWork.available = original_available  # type: ignore[method-assign]
    return spent[0], total


def sample_names(project: Path, count: int = 12) -> list[str]:
    names = (project / NAMES_FILE).read_text(encoding="utf-8").split()
    step = max(len(names) // count, 1)
    return names[::step][:count]


@dataclass
class SearchFigures:
    lessons: int
    online: Timing
    offline: Timing
    index_bytes: int
    text_bytes: int
    recall: Recall


def measure(site: Path, lessons: int, queries: list[str], names: list[str]) -> SearchFigures:
    from playwright.sync_api import sync_playwright

    index_bytes, text_bytes = index_sizes(site)
    with serve(site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options())
        try:
            online = time_queries(browser, url, url, site, queries)
            file_base = site.resolve().as_uri() + "/"
            offline = time_queries(browser, file_base + "index.html", file_base, site, queries)
            found = recall(browser, url, site, names)
        finally:
            browser.close()
    return SearchFigures(lessons, online, offline, index_bytes, text_bytes, found)


QUERIES = ["井冈山", "三湾改编", "红军", "朱德的扁担", "长征", "支部建在连上"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lessons", type=int, default=2000)
    args = parser.parse_args(argv)
    import subprocess

    with tempfile.TemporaryDirectory(prefix="jinggang-bench-search-") as scratch:
        project = generate(Path(scratch) / "project", lessons=args.lessons)
        subprocess.run([str(Path(sys.executable).parent / "jinggang"), "--root", str(project), "build"],
                       check=True, capture_output=True)
        figures = measure(project / "site", args.lessons, QUERIES, sample_names(project))
        cpu, total = search_cpu(project)
    print(figures)
    print(f"search index CPU {cpu:.2f} s of {total:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
