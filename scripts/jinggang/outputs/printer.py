"""Printing HTML to PDF with one headless Chromium for a whole run, several pages at once."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import io
import os
import re
import tempfile
import threading
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pikepdf

from .browser import launch_options

# Page size and margins come from the document's own @page rules.
PDF_OPTIONS: dict[str, Any] = {"prefer_css_page_size": True, "print_background": True}
# What finish_pdf does to every printed file, in the cache's key: a change makes every PDF again.
FINISHING = "metadata, structure ids, object streams"


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    keywords: str
    date: str  # YYYY-MM-DD, from the content: the same input gives the same bytes
    language: str = "zh-CN"

    def pdf_date(self) -> str:
        return "D:" + self.date.replace("-", "") + "000000Z"


def titled(title: str, what: str) -> str:
    """「title：what」, or 「title（what）」 when the title has a colon of its own: never two colons."""
    return f"{title}（{what}）" if "：" in title else f"{title}：{what}"


def anchor_pages(pdf: bytes) -> dict[str, int]:
    """Page number (1-based) of every named destination, i.e. every linked-to anchor."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        index = {page.obj.objgen: number for number, page in enumerate(document.pages, start=1)}
        destinations = document.Root.get("/Dests", pikepdf.Dictionary())
        pages = {}
        for name, destination in destinations.items():
            target: Any = destination.get("/D") if isinstance(destination, pikepdf.Dictionary) else destination
            pages[name.lstrip("/")] = index[target[0].objgen]
        return pages


def page_count(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def finish_pdf(pdf: bytes, metadata: Metadata) -> bytes:
    """Set document metadata and pin every date and id, so the file depends on the content only.

    pikepdf (qpdf) rather than pypdf: pypdf needs over a second to rewrite a 20-page CJK
    document with its Type 3 fonts, qpdf a fifth of that.
    """
    with pikepdf.open(io.BytesIO(pdf)) as document:
        info = document.docinfo
        info["/Title"] = metadata.title
        info["/Author"] = metadata.author
        info["/Subject"] = metadata.subject
        info["/Keywords"] = metadata.keywords
        info["/Creator"] = "井冈传人 jinggang packets"
        info["/CreationDate"] = metadata.pdf_date()
        info["/ModDate"] = metadata.pdf_date()
        document.Root.Lang = pikepdf.String(metadata.language)
        renumber_structure_ids(document)
        output = io.BytesIO()
        # Objects packed into compressed object streams (PDF 1.5): Chromium writes the tagged
        # structure and the cross-references uncompressed, a fifth of every file (starter
        # packets 614-1,052 KB -> 490-809 KB), in the same time.
        document.save(output, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return output.getvalue()


def renumber_structure_ids(document: pikepdf.Pdf) -> None:
    """Number the tagged structure's element ids in tree order.

    Chromium names an element (a table header cell that data cells point to) after its DOM
    node id, a counter shared by every page of the browser: two pages printing at once give
    one document different ids from run to run. In tree order the ids depend on the content only.
    """
    tree = document.Root.get("/StructTreeRoot")
    if tree is None:
        return
    elements = _structure_elements(tree)
    named = [element for element in elements if "/ID" in element]
    if not named:
        return
    renamed = {str(element.ID): f"node{number:08d}" for number, element in enumerate(named, start=1)}
    for element in named:
        element.ID = pikepdf.String(renamed[str(element.ID)])
    for element in elements:
        attributes = element.get("/A")
        for attribute in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
            if isinstance(attribute, pikepdf.Dictionary) and "/Headers" in attribute:
                attribute.Headers = pikepdf.Array(
                    [pikepdf.String(renamed.get(str(name), str(name))) for name in attribute.Headers])
    names = pikepdf.Array()
    for element in named:  # tree order is the new ids' order: the name tree stays sorted
        names.extend([pikepdf.String(str(element.ID)), element])
    limits = pikepdf.Array([pikepdf.String(str(named[0].ID)), pikepdf.String(str(named[-1].ID))])
    leaf = document.make_indirect(pikepdf.Dictionary(Names=names, Limits=limits))
    tree.IDTree = document.make_indirect(pikepdf.Dictionary(Kids=pikepdf.Array([leaf])))


def _structure_elements(tree: Any) -> list[pikepdf.Dictionary]:
    """Every structure element below the tree root, each once, in tree order."""
    found: list[pikepdf.Dictionary] = []
    pending: list[Any] = [tree.get("/K")]
    seen: set[tuple[int, int]] = set()
    while pending:
        node = pending.pop()
        if isinstance(node, pikepdf.Array):
            pending.extend(reversed(list(node)))
        elif isinstance(node, pikepdf.Dictionary) and node.get("/Type") != "/MCR":
            if node.is_indirect:
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            found.append(node)
            if "/K" in node:
                pending.append(node.K)
    return found


# Lay the document out in columns the size of the page box (packet.html, html.jg-measure):
# Chromium's fragmentation engine breaks columns as it breaks printed pages, so the column
# an anchor starts in is its page.
MEASURE_PAGES = """() => {
  const root = document.documentElement;
  root.classList.add("jg-measure");
  const box = document.body.getBoundingClientRect();
  const pages = {};
  for (const slot of document.querySelectorAll("[data-page-of]")) {
    const anchor = slot.dataset.pageOf;
    const start = document.getElementById(anchor).getClientRects()[0];
    pages[anchor] = Math.round((start.left - box.left) / box.width) + 1;
  }
  root.classList.remove("jg-measure");
  return pages;
}"""

FILL_PAGES = """(pages) => {
  for (const slot of document.querySelectorAll("[data-page-of]")) {
    slot.textContent = String(pages[slot.dataset.pageOf] ?? "");
  }
}"""


# Lay out, then wait for every font file the layout asked for. The running header and footer
# are laid out only when printing: their characters are loaded here too (data-print-text).
WAIT_FOR_FONTS = """async () => {
  void document.body.offsetHeight;
  const extra = [...document.querySelectorAll("[data-print-text]")].map((node) => node.dataset.printText).join("");
  if (extra) {
    const families = new Set([...document.fonts].map((face) => face.family.replace(/["']/g, "")));
    await Promise.all([...families].map(
      (family) => document.fonts.load(`16px "${family}"`, extra).catch(() => null)));
  }
  await document.fonts.ready;
  if (window.jgFit) await window.jgFit();  // one-page worksheets (site_overrides/jinggang/print/fit.html)
}"""


# Files a printed document may load: images we wrote into it as file:// URLs (MarkdownRenderer's
# image rewrite) and the print fonts of its @font-face rules (fonts.py). Anything else — a
# relative path climbing out of the temporary folder, an iframe, another host — is aborted,
# so no host file and no remote resource reaches a PDF.
_FILE_URL = re.compile(r"""\ssrc=["'](file://[^"'\s]+)["']|url\(["']?(file://[^"')\s]+)["']?\)""")
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif"})
FONT_SUFFIXES = frozenset({".woff2", ".woff", ".ttf", ".otf"})


def own_files(html: str) -> set[str]:
    """file:// URLs of existing regular files: images in src attributes, fonts in CSS url()."""
    found = set()
    for image_url, css_url in _FILE_URL.findall(html):
        url = image_url or css_url
        suffixes = IMAGE_SUFFIXES if image_url else FONT_SUFFIXES
        path = Path(unquote(urlsplit(url).path))
        if path.suffix.lower() in suffixes and path.is_file():
            found.add(unquote(url))  # compared decoded: Chromium may percent-encode differently
    return found


async def _only_allowed(allowed: set[str], route: Any, request: Any) -> None:
    url: str = request.url
    if unquote(url) in allowed or url.startswith("data:") or url == "about:blank":
        await route.continue_()
    else:
        await route.abort("blockedbyclient")


@dataclass(frozen=True)
class PrintResult:
    pdf: bytes
    prints: int  # 1 when the predicted page numbers were right, 2 when they were corrected
    html: str = ""


class PagePool:
    """One browser for the whole run and up to `jobs` pages, each opened once and reused.

    Chromium starts on first use: a run where every output is cached never launches it.
    Inside `one_browser()` the pools share the session's Chromium and close only their own pages.
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)
        self._playwright: Any = None
        self._browser: Any = None
        self._session = _SESSION  # the run's shared Chromium, if one_browser() is on
        self._lock = asyncio.Lock()
        self._pages: asyncio.Queue[Any] = asyncio.Queue()
        self._opened: list[Any] = []

    async def _open_page(self, browser: Any) -> Any:
        context = await browser.new_context()
        return await context.new_page()

    async def _page(self) -> Any:
        async with self._lock:
            if self._browser is None:
                if self._session is not None:
                    self._browser = await self._session.browser()
                else:
                    self._playwright, self._browser = await _launch()
            if self._pages.empty() and len(self._opened) < self.jobs:
                page = await self._open_page(self._browser)
                self._opened.append(page)
                await self._pages.put(page)
        return await self._pages.get()

    async def close(self) -> None:
        if self._session is not None:
            for page in self._opened:
                await page.context.close()
            return
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()


async def _launch() -> tuple[Any, Any]:
    from playwright.async_api import async_playwright

    playwright = await async_playwright().start()
    return playwright, await playwright.chromium.launch(**launch_options())


class BrowserSession:
    """One Chromium for every download of a `jinggang site` run: each kind of download ran on a
    browser of its own, and starting one costs 1.5–2 s. Playwright's objects belong to the event
    loop that made them, so the session's loop runs in a thread and `run_coroutine` runs there."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="jinggang-browser", daemon=True)
        self._thread.start()
        self._launched: asyncio.Future[tuple[Any, Any]] | None = None
        self._closed = False
        self.lent = 0  # inner one_browser()s using it now: their close() leaves it to its owner

    async def browser(self) -> Any:
        if self._launched is None:
            self._launched = asyncio.ensure_future(_launch())
        return (await asyncio.shield(self._launched))[1]

    def launch_soon(self) -> None:
        """Start Chromium now, while the caller goes on (the site builds meanwhile)."""
        async def launch() -> None:
            with contextlib.suppress(Exception):  # the first pool to need it reports the failure
                await self.browser()

        asyncio.run_coroutine_threadsafe(launch(), self._loop)

    def run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def close(self) -> None:
        global _SESSION
        if self._closed or self.lent:
            return
        self._closed = True
        if _SESSION is self:
            _SESSION = None

        async def stop() -> None:
            # A launch under way (launch_soon, when the run needed no render) ends first: cancelling
            # Playwright's own tasks in the middle of it left this waiting for ever, or raised
            # CancelledError out of a `jinggang site` that had nothing to print.
            if self._launched is not None:
                await asyncio.wait([self._launched])
            # Renders still running (the caller was interrupted) end before their browser does.
            others = [task for task in asyncio.all_tasks()
                      if task is not asyncio.current_task() and task is not self._launched]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)
            if self._launched is not None:
                with contextlib.suppress(Exception):  # a launch that failed has nothing to close
                    playwright, browser = await self._launched
                    await browser.close()
                    await playwright.stop()

        try:
            self.run(stop())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()


_SESSION: BrowserSession | None = None


def _forget_session_in_child() -> None:
    """A forked process has no thread running the parent's session loop: a print there would
    wait for it for ever. It launches a Chromium of its own if it prints."""
    global _SESSION
    _SESSION = None


os.register_at_fork(after_in_child=_forget_session_in_child)


@contextlib.contextmanager
def one_browser() -> Iterator[BrowserSession]:
    """Every pool made inside prints on the same Chromium, started on first use (or launch_soon).
    Inside another one_browser(), the outer session's: that one closes it (the tests' workers
    keep one for all the runs they make in their own process)."""
    global _SESSION
    if _SESSION is not None:
        outer = _SESSION
        outer.lent += 1
        try:
            yield outer
        finally:
            outer.lent -= 1
        return
    session = BrowserSession()
    _SESSION = session
    try:
        yield session
    finally:
        session.close()


def _checked_requests(fonts_dir: Path) -> re.Pattern[str]:
    """Every request but one for a woff2 file inside the installed print fonts (fonts.py).

    Each request a route handles crosses from Chromium to Python and back: a packet's hundred
    or so font files took 0.2-0.4 s of its print that way. Chromium resolves `..` in a URL
    before it asks; a URL that still holds `..` or an escape is checked all the same.
    Playwright matches the pattern in its driver, without Python.
    """
    folder = re.escape(fonts_dir.resolve().as_uri() + "/")
    return re.compile(rf"^(?!{folder}(?!.*\.\.)[^?#%]*\.woff2$)")


class Printer(PagePool):
    """Prints HTML on the pool's pages, each allowed to load only the document's own files
    (and, with fonts_dir, any woff2 file of the print fonts, unchecked)."""

    def __init__(self, jobs: int, *, keep_html: bool = False, fonts_dir: Path | None = None) -> None:
        super().__init__(jobs)
        self.keep_html = keep_html  # the benchmark prints the final HTML again, raw
        self._allowed: dict[Any, set[str]] = {}  # page -> the only URLs it may load
        self._checked: str | re.Pattern[str] = "**/*" if fonts_dir is None else _checked_requests(fonts_dir)

    async def _open_page(self, browser: Any) -> Any:
        page = await super()._open_page(browser)
        allowed: set[str] = set()
        self._allowed[page] = allowed
        await page.route(self._checked, functools.partial(_only_allowed, allowed))
        return page

    @contextlib.asynccontextmanager
    async def _loaded(self, html: str) -> AsyncIterator[Any]:
        """A page of the pool with html loaded; back in the pool afterwards."""
        page = await self._page()
        try:
            # Loaded from a file (not set_content) so that file:// images may load.
            with tempfile.NamedTemporaryFile("w", suffix=".html", encoding="utf-8",
                                             prefix="jinggang-print-", delete=True) as document:
                document.write(html)
                document.flush()
                uri = Path(document.name).as_uri()
                allowed = self._allowed[page]
                allowed.clear()
                allowed.update({unquote(uri), *own_files(html)})
                await page.goto(uri, wait_until="load")
                # Web fonts split by unicode-range load once layout asks for them; a print
                # before they arrive falls back to the system's CFF font (Type 3 in the PDF).
                await page.evaluate(WAIT_FOR_FONTS)
                yield page
        finally:
            self._pages.put_nowait(page)

    async def print_document(self, html: str, metadata: Metadata) -> bytes:
        """One print: tagged, bookmarked, with metadata."""
        async with self._loaded(html) as page:
            pdf: bytes = await page.pdf(outline=True, tagged=True, **PDF_OPTIONS)
        return await asyncio.to_thread(finish_pdf, pdf, metadata)

    async def print_packet(self, html: str, metadata: Metadata) -> PrintResult:
        """Print a document whose table of contents needs the page number of each anchor.

        The numbers are predicted in the browser (MEASURE_PAGES) and filled in before the
        one print; the printed PDF's own destinations check them, and only a wrong guess
        costs a second print. The numbers sit in a fixed-width column, so filling them in
        cannot move a page break.
        """
        async with self._loaded(html) as page:
            predicted: dict[str, int] = await page.evaluate(MEASURE_PAGES)
            pages, prints = predicted, 0
            while True:
                await page.evaluate(FILL_PAGES, pages)
                pdf: bytes = await page.pdf(outline=True, tagged=True, **PDF_OPTIONS)
                prints += 1
                printed = await asyncio.to_thread(anchor_pages, pdf)
                actual = {anchor: printed.get(anchor, 0) for anchor in predicted}
                if actual == pages:
                    break
                if prints == 2:
                    raise RuntimeError(f"目录页码与打印结果不一致：{pages} ≠ {actual}")
                pages = actual
            final_html = await page.content() if self.keep_html else ""
        finished = await asyncio.to_thread(finish_pdf, pdf, metadata)
        return PrintResult(finished, prints, final_html)

    async def warm_up(self) -> None:
        """Open every page and print once, so fonts are loaded (the benchmark's warm runs)."""
        pages = [await self._page() for _ in range(self.jobs)]
        for page in pages:
            await page.set_content('<html lang="zh-CN"><body><h1>井冈传人</h1><p>预热</p></body></html>')
            await page.pdf(**PDF_OPTIONS)
            self._pages.put_nowait(page)

def run_coroutine(coroutine: Coroutine[Any, Any, None]) -> None:
    """asyncio.run, also when the caller already runs an event loop (Playwright's sync API does);
    on the session's loop inside `one_browser()`."""
    if _SESSION is not None:
        _SESSION.run(coroutine)
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coroutine)
        return
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, coroutine).result()
