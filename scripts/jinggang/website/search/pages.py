"""What each built page gives the search: its sections and the kind shown beside its results."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from mkdocs.structure.pages import Page

from ...content.kinds import KINDS, ROUTE
from ...content.model import ContentItem
from ..memory import PAGES_PER_TRIM, give_back_freed_memory
from .extract import page_sections
from .index import IndexedPage, IndexMemo, PageSpool, SearchIndex, SearchPage

# Shown beside a result. Items carry their kind; routes and other pages are told by folder.
FOLDER_KINDS = {"routes": ROUTE.label, "editors": "编者指南", "timeline.md": "党史时间线", "glossary.md": "术语表"}


def page_kind(page: Page, item: ContentItem | None) -> str:
    if item is not None:
        return KINDS[item.KIND].label if item.KIND in KINDS else "页面"
    return FOLDER_KINDS.get(page.file.src_uri.split("/")[0], "页面")


# Where Material's base template writes the page's content (partials/content.html or the page
# template); the rest of a built page is the site's chrome (header, navigation, footer).
CONTENT_START = '<article class="md-content__inner md-typeset">'
CONTENT_END = "</article>"


def published_content(output: str) -> str:
    """The content of a built page, as the reader sees it: the title, the page's own text and
    what the page template placed around it (the cards and panels marked data-search-exclude
    are left out by the extractor)."""
    start = output.find(CONTENT_START)
    end = output.find(CONTENT_END, start)
    return output[start + len(CONTENT_START):end] if start >= 0 and end >= 0 else ""


def search_page(html: str, url: str, title: str, kind: str) -> SearchPage:
    return SearchPage(url, title, kind, tuple(page_sections(html, title)))


@dataclass(eq=False)
class UnreadPage:
    """A page the preview made, not yet read for the search: its index writer reads it after the
    build (search_page parses the page: about 0.1 s for the 16-94 pages a title or name edit
    makes again at 2,000 lessons, which the editor waited for)."""

    html: str
    url: str
    title: str
    kind: str
    _read: SearchPage | None = None

    def read(self) -> SearchPage:
        """search_page of it, once: the same object each time (the index memo goes by identity)."""
        if self._read is None:
            self._read = search_page(self.html, self.url, self.title, self.kind)
            self.html = ""
        return self._read


def read_page(page: SearchPage | UnreadPage) -> SearchPage:
    return page.read() if isinstance(page, UnreadPage) else page


class SideWork(Protocol):
    """Work done in the search's process between the pages it reads (the packet builder's item
    scripts: website/packet_builder.py, ItemScriptWriter). That process forks before the content
    is read, so work that it is sent costs no copies of the model's memory pages."""

    def receive(self, order: Any) -> None:
        """What the work needs, sent as a ForSideWork."""

    def step(self) -> bool:
        """One small part of it, when no page waits; False once nothing is left."""

    def finish(self) -> Any:
        """What is left, once every page has come; its result."""


@dataclass(frozen=True)
class ForSideWork:
    """A message to the search's process for its SideWork, not a page."""

    order: Any


def read_search_pages(inbox: Connection, index: SearchIndex, side: SideWork | None = None) -> dict[str, IndexedPage]:
    """search_page for each (src_uri, content, url, title, kind) the inbox brings, until it ends:
    a forked process's work while MkDocs builds the pages (website/forked.py). Each page is
    prepared in index's memo as it comes (and spooled, if the memo has a spool). A page that
    waits is read first, side's steps in between: MkDocs's process, which sends the pages,
    waits for a full pipe at most one step (a few milliseconds)."""
    pages: dict[str, IndexedPage] = {}
    busy = False  # whether side has steps left
    while True:
        if busy and side is not None and not inbox.poll():
            busy = side.step()
            continue
        try:
            message = inbox.recv()
        except EOFError:
            return pages
        if isinstance(message, ForSideWork):
            if side is None:
                raise TypeError("this search process has no side work")
            side.receive(message.order)
            busy = True
            continue
        src_uri, html, url, title, kind = message
        pages[src_uri] = index.prepare(search_page(html, url, title, kind), src_uri)
        # Each page's HTML and parse are freed by now; only what the index keeps of it stays.
        if len(pages) % PAGES_PER_TRIM == 0:
            give_back_freed_memory()


def read_and_write_search(site_dir: Path, spool_dir: Path, kept_pages: Path | None = None,
                          side: SideWork | None = None) -> Callable[[Connection], tuple[int, Any]]:
    """read_search_pages, then the index of what it read written into site_dir/search/: the
    whole work of a forked process, which writes while MkDocs's process finishes its build.
    The pages go to a spool as they are read (index.PageSpool): kept_pages if given, which the
    build that resumes from this one reads (index.read_spool; not sent back, MkDocs's process
    would hold their 185,000 objects, 17 MB at 2,000 lessons, only to save them), else a
    temporary file in spool_dir. It returns how many pages it read and side's result (None
    without side), side finished before the index is written."""
    def work(inbox: Connection) -> tuple[int, Any]:
        spool_dir.mkdir(parents=True, exist_ok=True)
        if kept_pages is not None:
            kept_pages.parent.mkdir(parents=True, exist_ok=True)
        with (open(kept_pages, "w+b") if kept_pages is not None
              else tempfile.TemporaryFile(dir=spool_dir, prefix="search-pages-")) as stream:
            spool = PageSpool(stream)
            memo = IndexMemo(keeps_page_files=False, spool=spool)  # used once
            pages = read_search_pages(inbox, SearchIndex([], memo), side)
            spool.end()
            side_result = side.finish() if side is not None else None
            SearchIndex([pages[uri] for uri in sorted(pages)], memo).write(site_dir)
        return len(pages), side_result

    return work
