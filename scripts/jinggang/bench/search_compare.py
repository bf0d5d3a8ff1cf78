"""Search engines side by side on the same synthetic site, measured (issue 10).

    .venv/bin/python -m jinggang.bench.search_compare --lessons 2000 [--work DIR]

Four engines over the same Markdown, each in headless Chromium on a freshly opened page,
served on 127.0.0.1 (one browser context per engine, so no engine starts with a warm cache):

- Material (lunr): Material's own `search` plugin on a plain Material build (the header box,
  or its search worker driven directly when the build's header is not Material's);
- Pagefind 1.6 extended (npm `pagefind`, pinned), run on a copy of the plain build, queried
  through its JS API;
- MiniSearch 7 + our tokenizer (npm `minisearch`, pinned): documents are our index's sections
  (search/pages/*.js), cut by the tokenizer of assets/javascripts/search.js run in Node;
- ours: `window.jgSearch.search` on our build.

Recall: for each test name, the pages whose indexed text (our search/pages/*.js) holds the
name, against every page the engine returns for it. Bytes are the sizes of the engine's files
requested from opening the page until the first result (the server does not compress).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..outputs.browser import launch_options
from ..website.search.index import read_page_records, read_page_urls
from .generate import REPO, generate
from .serving import FIRST_RESULT, serve

BIN = Path(sys.executable).parent
NODE_MODULES = REPO / "node_modules"
SEARCH_JS = REPO / "site_overrides/assets/javascripts/search.js"
QUERIES = ["井冈山", "三湾改编", "红军", "朱德的扁担", "长征"]
RESULTS_SHOWN = 8
WAIT_MS = 120_000  # the longest any one step may take
FILE_WAIT_MS = 20_000  # how long a file:// page gets to show a result
RECALL_DATA_LIMIT = 400  # Pagefind: results whose data() is read for recall

# In every page: bound every promise the benchmark waits for.
WITHIN = f"""
window.__within = (promise, ms) => Promise.race([promise, new Promise((_, reject) =>
  setTimeout(() => reject(new Error('timed out after ' + (ms || {WAIT_MS}) + ' ms')), ms || {WAIT_MS}))]);
"""


@dataclass
class EngineRow:
    """One engine's figures on one site."""

    engine: str
    lessons: int
    recall: str  # "3/5 names: every page found (12/15 pages)"
    first_query_ms: float | None  # first query on a freshly opened page, online
    later_query_ms: float | None  # median of later queries
    first_bytes: int | None  # bytes of the engine's files read before the first result
    index_bytes: int  # whole index on disk
    file_url: str  # "yes" / "no (why)": works when the site is opened from file://
    note: str = ""


# ---- pages that hold a name -------------------------------------------------------------------


def read_pages(site: Path) -> dict[str, str]:
    """URL path (no leading slash) -> indexed text (title, headings, texts) of our index's pages."""
    pages: dict[str, str] = {}
    for record in read_page_records(site):
        text = " ".join(f"{heading} {body}" for _, heading, body in record["s"])  # the first heading is the title
        pages[_path(record["u"])] = text
    return pages


def holders(pages: dict[str, str], names: list[str]) -> dict[str, set[str]]:
    return {name: {url for url, text in pages.items() if name in text} for name in names}


def _path(url: str) -> str:
    """A result's URL reduced to the page's path under the site root: lessons/x/."""
    path = unquote(urlsplit(url).path).lstrip("/")
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return path


def recall_text(expected: dict[str, set[str]], found: dict[str, set[str]]) -> str:
    complete = sum(1 for name, pages in expected.items() if pages <= found.get(name, set()))
    total = sum(len(pages) for pages in expected.values())
    hit = sum(len(pages & found.get(name, set())) for name, pages in expected.items())
    return f"{complete}/{len(expected)} names: every page found ({hit}/{total} pages)"


def pick_names(site: Path, project: Path | None = None, count: int = 5, max_pages: int = 3) -> list[str]:
    """Test names: the generator's unregistered names if it wrote them, else rare 3-character strings."""
    pages = read_pages(site)
    candidates: list[str] = []
    names_file = project / "unregistered-names.txt" if project else None
    if names_file and names_file.exists():
        candidates = [line.strip() for line in names_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    else:
        seen: dict[str, int] = {}
        for text in pages.values():
            for gram in {match.group(0)[i:i + 3] for match in re.finditer(r"[\u4e00-\u9fff]{3,}", text)
                         for i in range(len(match.group(0)) - 2)}:
                seen[gram] = seen.get(gram, 0) + 1
        candidates = sorted(gram for gram, pages_with in seen.items() if 1 < pages_with <= max_pages)
    held = holders(pages, candidates)
    rare = [name for name in candidates if 1 <= len(held[name]) <= max_pages]
    # Spread over the list rather than the first few in sort order; both page counts present.
    step = max(len(rare) // count, 1)
    return rare[::step][:count]


# ---- sizes ---------------------------------------------------------------------------------------


def _tree_bytes(folder: Path, keep: Callable[[Path], bool] = lambda _: True) -> int:
    return sum(file.stat().st_size for file in folder.rglob("*") if file.is_file() and keep(file))


class Requests:
    """Files of one site requested by a page, by path under the site root, from a mark on."""

    def __init__(self, page: Any, base_url: str, root: Path) -> None:
        self.base = base_url
        self.root = root
        self.paths: list[str] = []
        page.on("request", self._seen)

    def _seen(self, request: Any) -> None:
        if request.url.startswith(self.base):
            self.paths.append(unquote(urlsplit(request.url).path).lstrip("/"))

    def mark(self) -> None:
        self.paths.clear()

    def bytes(self, keep: Callable[[str], bool]) -> int:
        total = 0
        for path in dict.fromkeys(self.paths):
            file = self.root / path
            if keep(path) and file.is_file():
                total += file.stat().st_size
        return total


# ---- the engines -----------------------------------------------------------------------------------


def _new_page(browser: Any) -> tuple[Any, Any]:
    context = browser.new_context(locale="zh-CN", reduced_motion="reduce")
    context.add_init_script(WITHIN)
    context.set_default_timeout(WAIT_MS)
    return context, context.new_page()


def _file_error(browser: Any, site: Path, url: str, script: str) -> str:
    """'yes', or 'no (why)' after running script (an async function) on a page opened from file://."""
    context, page = _new_page(browser)
    prefix = site.resolve().as_uri() + "/"
    failed: list[str] = []
    errors: list[str] = []
    page.on("requestfailed", lambda request: failed.append(f"{request.url.replace(prefix, '')}: {request.failure}"))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        page.goto(url, wait_until="load")
        outcome = page.evaluate(script)
    except Exception as error:  # what the page says is the report
        outcome = "no (" + str(error).splitlines()[0].removeprefix("Page.evaluate: ") + ")"
    finally:
        context.close()
    if outcome == "yes":
        return "yes"
    reason = next((text for text in errors if "CORS" in text or "blocked" in text), "") or \
        next((text for text in failed if re.search(r"search|pagefind|index\.json", text)), "")
    reason = re.sub(r"Cross origin requests are only supported for protocol schemes:.*",
                    "(file:// is not a scheme CORS allows)", reason)
    return (outcome + (f"; {reason}" if reason else "")).replace(prefix, "")[:300]


def material(browser: Any, site: Path, queries: list[str], names: list[str], expected: dict[str, set[str]],
             lessons: int) -> EngineRow:
    index_file = site / "search/search_index.json"
    header = 'data-md-component="search-query"' in (site / "index.html").read_text(encoding="utf-8")
    is_search_file = lambda path: path.startswith(("search/", "assets/javascripts/workers/",  # noqa: E731
                                                    "assets/javascripts/lunr/"))
    worker_setup = """async () => {
      const config = JSON.parse(document.getElementById('__config').textContent);
      const base = new URL(config.base.replace(/\\/?$/, '/'), location.href);
      const index = await __within(fetch(new URL('search/search_index.json', base)).then(r => r.json()));
      const worker = new Worker(new URL(config.search, base));
      window.__ask = (message) => __within(new Promise((resolve) => {
        worker.onmessage = (event) => resolve(event.data);
        worker.postMessage(message);
      }));
      const ready = await __ask({type: 0, data: {...index, options: {suggest: false}}});
      if (ready.type !== 1) throw new Error('worker answered ' + JSON.stringify(ready).slice(0, 100));
    }"""
    worker_query = """async (q) => {
      const started = performance.now();
      const answer = await __ask({type: 2, data: q});
      return {ms: performance.now() - started,
              pages: answer.data.items.map(group => group[0].location.split('#')[0])};
    }"""
    note = f"lunr index loaded whole; {index_file.stat().st_size / 1e6:.1f} MB"
    with serve(site) as url:
        context, page = _new_page(browser)
        try:
            requests = Requests(page, url, site)
            page.goto(url, wait_until="load")
            box = page.locator("input.md-search__input")
            if header:
                def typed(query: str) -> float:
                    started = time.perf_counter()
                    box.fill(query)
                    box.press("End")
                    page.locator(FIRST_RESULT).first.wait_for(timeout=WAIT_MS)
                    return (time.perf_counter() - started) * 1000

                page.locator("label.md-search__icon, .md-search__input").first.click()
                first = typed(queries[0])
                first_bytes = requests.bytes(is_search_file)
                later = []
                for query in [*queries[1:], *queries]:
                    box.fill("")
                    box.press("End")
                    page.wait_for_function(f"document.querySelectorAll('{FIRST_RESULT}').length === 0",
                                           timeout=WAIT_MS)
                    later.append(typed(query))
            else:
                note += "; header box is not Material's in this build: its worker driven directly"
                started = time.perf_counter()
                page.evaluate(worker_setup)
                page.evaluate(worker_query, queries[0])
                first = (time.perf_counter() - started) * 1000
                first_bytes = requests.bytes(is_search_file)
                later = [page.evaluate(worker_query, query)["ms"] for query in [*queries[1:], *queries]]
            # Recall: every result the worker returns (the box shows them a screen at a time).
            context.close()
            context, page = _new_page(browser)
            page.goto(url, wait_until="load")
            page.evaluate(worker_setup)
            found = {name: {_path(location) for location in page.evaluate(worker_query, name)["pages"]}
                     for name in names}
        finally:
            context.close()
    file_url = _file_error(browser, site, (site / "index.html").as_uri(), f"""async () => {{
      const box = document.querySelector('input.md-search__input[data-md-component="search-query"]');
      if (!box) return 'no (no Material search box in this build)';
      const toggle = document.getElementById('__search');
      toggle.checked = true;
      toggle.dispatchEvent(new Event('change'));
      box.value = {json.dumps(queries[0])};
      for (const type of ['focus', 'input', 'keyup']) box.dispatchEvent(new Event(type, {{bubbles: true}}));
      const deadline = Date.now() + {FILE_WAIT_MS};
      while (Date.now() < deadline) {{
        if (document.querySelector({json.dumps(FIRST_RESULT)})) return 'yes';
        await new Promise(resolve => setTimeout(resolve, 100));
      }}
      return 'no (no result in {FILE_WAIT_MS // 1000} s)';
    }}""")
    if file_url != "yes" and not (site / "search/search_index.js").exists():
        file_url += "; from file:// Material reads search/search_index.js, which only its offline plugin writes"
    return EngineRow("Material (lunr)", lessons, recall_text(expected, found), first, statistics.median(later),
                     first_bytes, index_file.stat().st_size, file_url, note)


def build_pagefind(plain_site: Path, work: Path) -> tuple[Path, str]:
    """A copy of the plain build with a Pagefind index; (the copy, what Pagefind said of itself)."""
    site = work / "pagefind-site"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(plain_site, site)
    started = time.perf_counter()
    completed = subprocess.run([str(NODE_MODULES / ".bin/pagefind"), "--site", str(site)], capture_output=True,
                               text=True, check=False, timeout=1800)
    seconds = time.perf_counter() - started
    output = completed.stdout + completed.stderr
    if completed.returncode != 0:
        raise RuntimeError(f"pagefind failed:\n{output[-3000:]}")
    version = re.search(r"Running Pagefind v\S+(?: \(Extended\))?", output)
    languages = re.search(r"Discovered \d+ languages?: (.+)", output)
    pages = re.search(r"Indexed (\d+) pages", output)
    whole_body = "whole <body> indexed" if "Indexing all <body> elements" in output else "data-pagefind-body"
    summary = (f"{version.group(0).removeprefix('Running ') if version else 'Pagefind (version not reported)'}, "
               f"language {languages.group(1).strip() if languages else 'not reported'}, "
               f"{pages.group(1) if pages else '?'} pages, {whole_body}; index built in {seconds:.1f} s")
    return site, summary


def pagefind(browser: Any, plain_site: Path, work: Path, queries: list[str], names: list[str],
             expected: dict[str, set[str]], lessons: int) -> EngineRow:
    site, summary = build_pagefind(plain_site, work)
    folder = site / "pagefind"
    index_bytes = _tree_bytes(folder, lambda file: not file.name.startswith("wasm.")
                              and file.suffix not in (".js", ".css"))
    query_js = f"""async (q) => {{
      const started = performance.now();
      if (!window.__pf) {{
        window.__pf = await __within(import('/pagefind/pagefind.js'));
        await __within(window.__pf.init());
      }}
      const found = await __within(window.__pf.search(q));
      const shown = await __within(Promise.all(found.results.slice(0, {RESULTS_SHOWN}).map(r => r.data())));
      return {{ms: performance.now() - started, total: found.results.length, shown: shown.map(d => d.url)}};
    }}"""
    recall_js = f"""async (q) => {{
      const found = await __within(window.__pf.search(q));
      const data = await __within(Promise.all(found.results.slice(0, {RECALL_DATA_LIMIT}).map(r => r.data())));
      return {{total: found.results.length, urls: data.map(d => d.url)}};
    }}"""
    with serve(site) as url:
        context, page = _new_page(browser)
        try:
            requests = Requests(page, url, site)
            page.goto(url, wait_until="load")
            requests.mark()
            first = page.evaluate(query_js, queries[0])["ms"]
            first_bytes = requests.bytes(lambda path: path.startswith("pagefind/"))
            later = [page.evaluate(query_js, query)["ms"] for query in [*queries[1:], *queries]]
            found: dict[str, set[str]] = {}
            capped = []
            for name in names:
                answer = page.evaluate(recall_js, name)
                found[name] = {_path(result) for result in answer["urls"]}
                if answer["total"] > RECALL_DATA_LIMIT:
                    capped.append(f"{name} {answer['total']}")
        finally:
            context.close()
    note = summary + (f"; recall read the first {RECALL_DATA_LIMIT} of: {', '.join(capped)}" if capped else "")
    file_url = _file_error(browser, site, (site / "index.html").as_uri(), """async () => {
      const pf = await __within(import('./pagefind/pagefind.js'));
      await __within(pf.init());
      const found = await __within(pf.search('井冈山'));
      return found.results.length ? 'yes' : 'no (no results)';
    }""")
    return EngineRow("Pagefind 1.6 extended", lessons, recall_text(expected, found), first,
                     statistics.median(later), first_bytes, index_bytes, file_url, note)


# Run by Node: MiniSearch over our index's sections, cut by search.js's own tokenizer.
MINISEARCH_BUILD = r"""
const fs = require('fs');
const vm = require('vm');
const [minisearchPath, searchJs, recordsFile, out] = process.argv.slice(1);
const loaded = require(minisearchPath);
const MiniSearch = loaded.default || loaded;
const window = {};
const document = {readyState: 'complete', querySelector: () => null, getElementById: () => null,
                  addEventListener: () => {}};
const location = {href: 'http://127.0.0.1/', protocol: 'http:', search: ''};
vm.runInContext(fs.readFileSync(searchJs, 'utf8'),
                vm.createContext({window, document, location, URL, URLSearchParams, console}));
const tokens = window.jgSearch.tokens;
const started = process.hrtime.bigint();
const miniSearch = new MiniSearch({fields: ['title', 'heading', 'text'], storeFields: ['page'],
                                   tokenize: (text) => tokens(text), processTerm: (term) => term});
const documents = [];
for (const record of JSON.parse(fs.readFileSync(recordsFile, 'utf8'))) {
  record.s.forEach((section, k) => documents.push({
    id: documents.length, page: record.u, title: k === 0 ? record.t : '', heading: k === 0 ? '' : section[1],
    text: section[2]}));
}
miniSearch.addAll(documents);
const json = JSON.stringify(miniSearch);
fs.writeFileSync(out, json);
console.log(JSON.stringify({documents: documents.length, seconds: Number(process.hrtime.bigint() - started) / 1e9}));
"""

MINISEARCH_PAGE = """<!doctype html>
<html lang="zh"><meta charset="utf-8"><title>MiniSearch</title>
<script src="../assets/javascripts/search.js"></script>
<script src="minisearch.js"></script>
<body><p>MiniSearch + jgSearch.tokens</p></body></html>
"""

MINISEARCH_OPTIONS = """{fields: ['title', 'heading', 'text'], storeFields: ['page'],
  tokenize: (text) => window.jgSearch.tokens(text), processTerm: (term) => term,
  searchOptions: {combineWith: 'AND', prefix: false, fuzzy: false, boost: {title: 8, heading: 5}}}"""


def minisearch(browser: Any, our_site: Path, work: Path, queries: list[str], names: list[str],
               expected: dict[str, set[str]], lessons: int) -> EngineRow:
    site = work / "minisearch-site"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(our_site, site)
    folder = site / "minisearch"
    folder.mkdir()
    shutil.copy2(NODE_MODULES / "minisearch/dist/umd/index.js", folder / "minisearch.js")
    (folder / "index.html").write_text(MINISEARCH_PAGE, encoding="utf-8")
    library = NODE_MODULES / "minisearch/dist/cjs/index.cjs"
    records = work / "minisearch-records.json"  # our index's pages as search.js reads them
    records.write_text(json.dumps(read_page_records(our_site), ensure_ascii=False), encoding="utf-8")
    completed = subprocess.run(["node", "-e", MINISEARCH_BUILD, str(library), str(SEARCH_JS),
                                str(records), str(folder / "index.json")],
                               capture_output=True, text=True, check=False, timeout=1800)
    if completed.returncode != 0:
        raise RuntimeError(f"MiniSearch index failed:\n{completed.stderr[-3000:]}")
    built = json.loads(completed.stdout.strip().splitlines()[-1])
    index_bytes = (folder / "index.json").stat().st_size
    query_js = f"""async (q) => {{
      const started = performance.now();
      if (!window.__ms) {{
        const json = await __within(fetch('index.json').then(r => r.text()));
        window.__ms = MiniSearch.loadJSON(json, {MINISEARCH_OPTIONS});
      }}
      const pages = [];
      for (const result of window.__ms.search(q)) if (!pages.includes(result.page)) pages.push(result.page);
      return {{ms: performance.now() - started, pages}};
    }}"""
    with serve(site) as url:
        context, page = _new_page(browser)
        try:
            requests = Requests(page, url, site)
            page.goto(url + "minisearch/index.html", wait_until="load")
            requests.mark()
            first = page.evaluate(query_js, queries[0])["ms"]
            first_bytes = requests.bytes(lambda path: path.startswith("minisearch/"))
            later = [page.evaluate(query_js, query)["ms"] for query in [*queries[1:], *queries]]
            found = {name: {_path(url + result) for result in page.evaluate(query_js, name)["pages"]}
                     for name in names}
        finally:
            context.close()
    file_url = _file_error(browser, site, (folder / "index.html").as_uri(), """async () => {
      await __within(fetch('index.json'));
      return 'yes';
    }""")
    if file_url != "yes":
        file_url += "; a script-wrapped index (like ours) could load"
    note = (f"{built['documents']} sections, index built by Node in {built['seconds']:.1f} s; "
            f"stores page URLs only (snippets need the page text too); "
            f"library {(folder / 'minisearch.js').stat().st_size / 1e3:.0f} KB not counted in bytes")
    return EngineRow("MiniSearch 7 + our tokenizer", lessons, recall_text(expected, found), first,
                     statistics.median(later), first_bytes, index_bytes, file_url, note)


def ours(browser: Any, site: Path, queries: list[str], names: list[str], expected: dict[str, set[str]],
         lessons: int) -> EngineRow:
    urls = read_page_urls(site)
    search = site / "search"
    index_bytes = _tree_bytes(search, lambda file: file.suffix == ".js")
    query_js = """async ([q, count]) => {
      const started = performance.now();
      const found = await __within(window.jgSearch.search(q, count));
      return {ms: performance.now() - started, total: found.total, pages: found.results.map(r => r.page)};
    }"""
    with serve(site) as url:
        context, page = _new_page(browser)
        try:
            requests = Requests(page, url, site)
            page.goto(url, wait_until="load")
            requests.mark()
            first = page.evaluate(query_js, [queries[0], RESULTS_SHOWN])["ms"]
            first_bytes = requests.bytes(lambda path: path.startswith("search/"))
            later = [page.evaluate(query_js, [query, RESULTS_SHOWN])["ms"] for query in [*queries[1:], *queries]]
            found = {name: {_path(urls[number]) for number in page.evaluate(query_js, [name, 100_000])["pages"]}
                     for name in names}
        finally:
            context.close()
    file_url = _file_error(browser, site, (search / "index.html").as_uri() + "?q=" + queries[0], f"""async () => {{
      await __within(new Promise((resolve) => {{
        const done = () => document.querySelector('[data-search-done]') ? resolve() : setTimeout(done, 50);
        done();
      }}), {FILE_WAIT_MS});
      const shown = document.querySelectorAll('[data-search-result]').length;
      return shown ? 'yes' : 'no (' + document.querySelector('[data-jg-search-page-meta]').textContent + ')';
    }}""")
    return EngineRow("ours (bigrams, sharded scripts)", lessons, recall_text(expected, found), first,
                     statistics.median(later), first_bytes, index_bytes, file_url,
                     "first = manifest, shards and the shown pages' text")


def compare_engines(plain_site: Path, our_site: Path, lessons: int, queries: list[str],
                    names: list[str]) -> list[EngineRow]:
    """Material, Pagefind, MiniSearch and ours on the same content: one row each."""
    from playwright.sync_api import sync_playwright

    expected = holders(read_pages(our_site), names)
    with tempfile.TemporaryDirectory(prefix="jinggang-search-compare-") as scratch, \
            sync_playwright() as playwright:
        work = Path(scratch)
        browser = playwright.chromium.launch(**launch_options())
        try:
            return [material(browser, plain_site, queries, names, expected, lessons),
                    pagefind(browser, plain_site, work, queries, names, expected, lessons),
                    minisearch(browser, our_site, work, queries, names, expected, lessons),
                    ours(browser, our_site, queries, names, expected, lessons)]
        finally:
            browser.close()


# ---- the command ---------------------------------------------------------------------------------


def build(project: Path) -> None:
    """Our site into project/site, plain Material with its own search into project/plain."""
    from .scale import build_runs

    build_runs(project)


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} ms"


def _mb(value: int | None) -> str:
    return "—" if value is None else f"{value / 1e6:.2f} MB"


def print_table(rows: list[EngineRow], queries: list[str], names: list[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Search engines, {rows[0].lessons if rows else '?'} lessons", show_lines=True)
    for column in ("engine", "recall", "first query", "later (median)", "bytes to first result", "index",
                   "file://", "note"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row.engine, row.recall, _ms(row.first_query_ms), _ms(row.later_query_ms),
                      _mb(row.first_bytes), _mb(row.index_bytes), row.file_url, row.note)
    console = Console(width=180)
    console.print(table)
    console.print(f"queries: {' '.join(queries)}; names: {' '.join(names)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lessons", type=int, default=2000)
    parser.add_argument("--work", type=Path, help="keep the generated project here (reused if already built)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="jinggang-search-compare-") as scratch:
        project = (args.work or Path(scratch) / f"lessons-{args.lessons}").resolve()
        if not (project / "site/search/manifest.js").exists() or not (project / "plain/search").exists():
            print(f"generating {args.lessons} lessons and building both sites in {project} …", file=sys.stderr)
            if not (project / "mkdocs.yml").exists():
                generate(project, lessons=args.lessons)
            build(project)
        names = pick_names(project / "site", project)
        rows = compare_engines(project / "plain", project / "site", args.lessons, QUERIES, names)
        print_table(rows, QUERIES, names)
    return 0


if __name__ == "__main__":
    sys.exit(main())
