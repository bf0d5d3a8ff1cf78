"""The packet builder (自选讲义包, packets/builder/): a lecturer picks lessons, guides and lecturer
materials, arranges them and prints a packet from the browser, online or from the offline zip.

At build time every item's parts (a lesson, its discussion questions, its worksheet; a guide and
its worksheet; a lecturer material with or without notes) are rendered with the packets' own
macros (site_overrides/jinggang/packet/parts.html, through outputs/packets/document.py) into
one script per item, `packets/builder/items/<page path>.js`, loaded with <script> like the
search index, so file:// needs no fetch. The page and its script
(site_overrides/assets/javascripts/packet-builder.js) assemble cover, contents and items,
number the contents from a column layout of the page box (as printer.py predicts them) and
print with the PDFs' print styles and fonts (copied into the site: outputs/fonts.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import posixpath
import re
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import jinja2

from ..content.dependencies import compact, file_identity, reading, unrecorded
from ..content.model import ContentItem, ContentModel
from ..content.schemas import SchemaSet, Vocabularies
from ..content.source import SourceFile
from ..outputs.fonts import SITE_FONTS_CSS, PrintFontsMissing, site_font_css, site_font_files
from ..outputs.markdown import ItemError, MarkdownRenderer
from ..outputs.packets.document import QR_SLOT, item_qr, render_parts
from .order import guides_in_order, lecturers_in_order, lessons_in_order
from .render import GeneratedPage, Renderer, template_environment

BUILDER_URI = "packets/builder/index.md"
BUILDER_FOLDER = "packets/builder"
ITEMS_FOLDER = f"{BUILDER_FOLDER}/items"
CATALOG_SCRIPT = f"{BUILDER_FOLDER}/catalog.js"
PACKET_CSS = f"{BUILDER_FOLDER}/packet.css"

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def item_path(item: ContentItem) -> str:
    """The item's page path as the builder's URL names it: lessons/ID, sites/ID, lecturers/ID."""
    return item.src_uri.removesuffix(".md")


def builder_items(model: ContentModel) -> list[ContentItem]:
    """Every item a packet may hold, in the order of the site's lists."""
    return [*lessons_in_order(model.lessons.values()), *guides_in_order(model), *lecturers_in_order(model)]


def builder_page(model: ContentModel, schema_set: SchemaSet) -> GeneratedPage:
    """The builder page: its interface and the empty packet its script fills in."""
    return GeneratedPage(BUILDER_URI, "自选讲义包", "jinggang/packet-builder.html",
                         lambda: {"audiences": model.vocabularies.terms["audience"],
                                  "limits": export_limits(schema_set)},
                         hide=("toc",), searchable=False)


def export_limits(schema_set: SchemaSet) -> dict[str, Any]:
    """What an exported packet YAML must satisfy, read from the packet schema, for the page's own check."""
    packet = schema_set.schemas["packet"]["properties"]
    common = schema_set.schemas["common"]["$defs"]
    return {"id": common["id"]["pattern"],
            **{name: packet[name]["maxLength"] for name in ("title", "occasion", "issuer")}}


def item_record(item: ContentItem, parts: Mapping[str, tuple[str, str]], page_url: str, qr: str) -> dict[str, Any]:
    """What the builder knows of one item: enough for its list, cover and contents, each part's HTML
    and the QR code that the parts hold in its place (QR_SLOT)."""
    return {
        "path": item_path(item), "kind": item.KIND, "id": item.id, "title": item.title,
        "url": page_url, "status": item.status, "reviewed_by": item.reviewed_by, "reviewed_on": item.reviewed_on,
        "updated": item.updated, "minutes": getattr(item, "duration", 0), "qr": qr, "qr_slot": QR_SLOT,
        "parts": {kind: {"section": section, "toc": toc} for kind, (section, toc) in parts.items()},
    }


def script(call: str, value: Any) -> str:
    """A script file that hands value to the builder (jgPacket.<call>), as the search index does."""
    return f"jgPacket.{call}({json.dumps(value, ensure_ascii=False, separators=(',', ':'))});\n"


def catalog_entries(model: ContentModel, urls: Mapping[str, str]) -> list[list[str]]:
    """[path, kind, title, summary] of every item: what the builder's search looks through."""
    return [[item_path(item), item.KIND, item.title, item.summary] for item in builder_items(model)
            if item.src_uri in urls]


def packet_css(renderer: Renderer) -> str:
    """The packets' print styles for the builder: page box and running header as in the PDFs, the
    content rules scoped to the builder's .jg-packet box (parts.html, jinggang/packet/builder.css)."""
    css = renderer.env.get_template("jinggang/packet/builder.css").render()
    return _CSS_COMMENT.sub("", css)


# The templates an item's parts are rendered from: a change to any renders every item again.
PART_TEMPLATES = ("jinggang/packet/parts.html", "jinggang/print/review.html", "jinggang/print/wording.html")


def _fingerprint(renderer: Renderer, site_url: str, max_age: int) -> str:
    """What every item's scripts depend on besides the item itself."""
    digest = hashlib.sha256(f"{site_url}\0{max_age}\0{sorted(renderer.model.vocabularies.terms.items())!r}".encode())
    for name in PART_TEMPLATES:
        source, _, _ = renderer.env.loader.get_source(renderer.env, name)  # type: ignore[union-attr]
        digest.update(source.encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True)
class BuilderScript:
    """An item's script as the preview remembers it, with what it was made from. The source is the
    loader's object, the same one while its file is unchanged (remembering_files): comparing it by
    identity spares hashing every item's text on each build."""

    fingerprint: str
    page_url: str
    source: SourceFile
    text: str

    def text_for(self, fingerprint: str, page_url: str, source: SourceFile) -> str | None:
        same = self.source is source and self.fingerprint == fingerprint and self.page_url == page_url
        return self.text if same else None


@dataclass
class BuilderMemo:
    """What the preview keeps of the builder's files across its builds: each item's script, the
    identity of each items folder as the last build left it (a file created or removed there
    changes it: no look at each of thousands of scripts)."""

    scripts: dict[str, BuilderScript] = field(default_factory=dict)
    folders: dict[Path, tuple[Any, ...] | None] = field(default_factory=dict)

    def holds_all(self, folder: Path) -> bool:
        """Whether folder still holds every script the last build left in it."""
        identity = file_identity(folder)
        return identity is not None and self.folders.get(folder) == identity


BuilderReads = dict[str, tuple[str, ...] | None]


def builder_failure(error: Exception) -> str:
    """What a failure of write_builder_files says."""
    if isinstance(error, PrintFontsMissing):
        return f"{error}。自选讲义包用 PDF 的打印字体。"
    if isinstance(error, ItemError):
        return f"自选讲义包：{error}"
    return f"自选讲义包：{type(error).__name__}: {error}"


def write_builder_files(model: ContentModel, renderer: Renderer, render_markdown: MarkdownRenderer,
                        site_dir: Path, *, site_url: str, max_age: int, fonts_dir: Path,
                        memo: BuilderMemo | None = None, unchanged: Callable[[str], bool] | None = None,
                        ) -> BuilderReads:
    """The item scripts, the catalog, the print styles and the print fonts; returns what each
    script read of the model by its path in the site, None for one not made again.

    unchanged(path): none of what the file read last time changed (the dependency map), so a
    script already in the site is left as it is: after one edit a resumed build (website/resume.py)
    renders one item, not 2,200 (12.7 s at 2,000 lessons). memo keeps each item's script by what it
    was made from, across the rebuilds of `mkdocs serve` (rendering is about 3 ms an item, most of
    it the Markdown); without one, no script is kept (a one-off build would hold every item's HTML
    until it ends)."""
    # Tuples: a process of its own holds 2,200 scripts' reads until it sends them (sets 7 MB).
    reads: BuilderReads = {}
    folders: set[Path] = set()
    intact: dict[Path, bool] = {}  # by folder: memo.holds_all
    parents: set[Path] = set()  # the folders of this build's scripts
    kept: dict[str, BuilderScript] | None = None if memo is None else {}
    fingerprint = _fingerprint(renderer, site_url, max_age) if memo is not None else ""
    items_folder = site_dir / ITEMS_FOLDER
    with unrecorded():  # the order of the items is the catalog's read, not each script's
        items = [(item, item_path(item), renderer.urls.get(item.src_uri)) for item in builder_items(model)]
    for item, path, page_url in items:
        if page_url is None:  # not a page of this build
            continue
        name = f"{ITEMS_FOLDER}/{path}.js"
        target = items_folder / f"{path}.js"
        if unchanged is not None and unchanged(name) and target.is_file():
            reads[name] = None
            if kept is not None and memo is not None and path in memo.scripts:
                kept[path] = memo.scripts[path]
                parents.add(target.parent)
            continue
        with reading() as item_reads:
            text = None
            if memo is not None and path in memo.scripts:
                text = memo.scripts[path].text_for(fingerprint, page_url, item.source)
                if text is not None and target.parent not in intact:
                    intact[target.parent] = memo.holds_all(target.parent)
            made = text is None
            # The preview's folder still holds a remembered script (MkDocs may have emptied the site).
            if text is None or not (intact.get(target.parent) or target.is_file()):
                if text is None:
                    text = item_script(item, page_url, renderer.env, renderer.model.label, render_markdown,
                                       site_url, max_age, keep_codes=True)
                if target.parent not in folders:  # three folders for thousands of items
                    target.parent.mkdir(parents=True, exist_ok=True)
                    folders.add(target.parent)
                target.write_text(text, encoding="utf-8")
        # A script the memo gave back read nothing now: what it read when it was made stands.
        reads[name] = tuple(compact(item_reads)) if made else None
        if kept is not None:
            kept[path] = BuilderScript(fingerprint, page_url, item.source, text)
            parents.add(target.parent)
    if memo is not None and kept is not None:
        memo.scripts = kept  # only what this build used: an edited item's old script goes
        memo.folders = {folder: file_identity(folder) for folder in parents}
    reads |= write_builder_listing(model, renderer, site_dir, unchanged)
    copy_print_fonts(fonts_dir, site_dir)
    return reads


def write_builder_listing(model: ContentModel, renderer: Renderer, site_dir: Path,
                          unchanged: Callable[[str], bool] | None = None) -> BuilderReads:
    """The catalog and the print styles (not the items' scripts); what each read, as write_builder_files'."""
    reads: BuilderReads = {}
    for name, make in ((CATALOG_SCRIPT, lambda: script("catalog", catalog_entries(model, renderer.urls))),
                       (PACKET_CSS, lambda: packet_css(renderer))):
        if unchanged is not None and unchanged(name) and (site_dir / name).is_file():
            reads[name] = None
            continue
        with reading() as file_reads:
            (site_dir / name).write_text(make(), encoding="utf-8")
        reads[name] = tuple(compact(file_reads))
    return reads


def item_script(item: ContentItem, page_url: str, env: jinja2.Environment, label: Callable[[str, str], str],
                render_markdown: MarkdownRenderer, site_url: str, max_age: int, *, keep_codes: bool) -> str:
    """The script of one item: its parts and its QR code (about 3 ms, most of it the Markdown)."""
    parts = render_parts(item, env, label, render_markdown, site_url, max_age)
    code = item_qr(item, site_url, keep_codes=keep_codes)
    return script("item", item_record(item, parts, page_url, code))


# A build that makes everything writes the item scripts in the search's process, which forked
# before the content was read (website/search/pages.py, SideWork), not in a process forked from
# MkDocs's once the model was there: while it wrote, MkDocs's process went on writing into the
# memory pages the two shared, and each page written was copied (2,000 lessons: 46 MB of the
# builder's 64; 10,000: about 200 MB at the build's peak). The items go to it pickled in a file.

@dataclass(frozen=True)
class ItemsToWrite:
    """What the search's process is sent to write the item scripts: the items, pickled one after
    another into items_file by save_builder_items, and where they go."""

    items_file: Path
    site_dir: Path
    site_url: str
    max_age: int
    fonts_dir: Path


def save_builder_items(model: ContentModel, urls: Mapping[str, str], items_file: Path) -> None:
    """The vocabularies (the labels the items' parts show), then (path, page URL, item) for each item
    of this build's pages, in the catalog's order, as ItemScriptWriter reads them. Best in a
    process that ends soon after: pickling an object asks for its __dict__, which CPython 3.11
    makes then and keeps, and a string keeps its UTF-8 (2,000 lessons: 20 MB in all)."""
    items_file.parent.mkdir(parents=True, exist_ok=True)
    with unrecorded(), items_file.open("wb") as stream:
        pickle.dump(model.vocabularies, stream, protocol=pickle.HIGHEST_PROTOCOL)
        for item in builder_items(model):
            page_url = urls.get(item.src_uri)
            if page_url is not None:  # not a page of this build
                pickle.dump((item_path(item), page_url, item), stream, protocol=pickle.HIGHEST_PROTOCOL)


class BuilderFailed(Exception):
    """An item script could not be written: builder_failure's message, said as the build's."""


@contextlib.contextmanager
def said_as_builder_failure() -> Iterator[None]:
    """A failure within is the builder's (BuilderFailed, builder_failure's message): the search's
    process, where ItemScriptWriter works, would say it as its own."""
    try:
        yield
    except Exception as error:
        raise BuilderFailed(builder_failure(error)) from error


class ItemScriptWriter:
    """The item scripts and the print fonts, written one item at a time beside the search's
    reading of the pages (website/search/pages.py, SideWork), in a process that has no model:
    each item is read from the file ItemsToWrite names, rendered, written and let go.

    The Markdown renderer and the templates' bytecode cache are made in MkDocs's process before
    it forks; the templates' environment is made in the search's, once the items are there."""

    def __init__(self, template_dirs: list[str], template_cache: jinja2.BytecodeCache,
                 render_markdown: MarkdownRenderer) -> None:
        self.template_dirs = template_dirs
        self.template_cache = template_cache
        self.render_markdown = render_markdown
        self.order: ItemsToWrite | None = None
        self.env: jinja2.Environment | None = None
        self.vocabularies: Vocabularies | None = None
        self.stream: BinaryIO | None = None
        self.folders: set[Path] = set()
        self.reads: BuilderReads = {}  # tuples: the process holds 2,200 scripts' reads until it sends them

    def receive(self, order: ItemsToWrite) -> None:
        """The items are ready. The file is let go of at once (read through the open stream): a
        build interrupted later leaves none. The fonts are copied first: missing ones end this
        process before any item is rendered, and MkDocs's at its next page (_collect_finished_work)."""
        self.order = order
        with said_as_builder_failure():
            self.stream = order.items_file.open("rb")
            order.items_file.unlink()
            self.vocabularies = pickle.load(self.stream)
            copy_print_fonts(order.fonts_dir, order.site_dir)
            self.env = template_environment(self.template_dirs, self.template_cache, reload=False)

    def step(self) -> bool:
        """The next item's script; False once every item has one."""
        if self.stream is None or self.order is None or self.env is None or self.vocabularies is None:
            return False
        with said_as_builder_failure():
            try:
                record = pickle.load(self.stream)
            except EOFError:  # every item read
                record = None
        if record is None:
            self.stream.close()
            self.stream = None
            return False
        path, page_url, item = record
        name = f"{ITEMS_FOLDER}/{path}.js"
        target = self.order.site_dir / name
        with said_as_builder_failure():
            with reading() as item_reads:
                text = item_script(item, page_url, self.env, self.vocabularies.label, self.render_markdown,
                                   self.order.site_url, self.order.max_age, keep_codes=False)
            if target.parent not in self.folders:  # three folders for thousands of items
                target.parent.mkdir(parents=True, exist_ok=True)
                self.folders.add(target.parent)
            target.write_text(text, encoding="utf-8")
        self.reads[name] = tuple(compact(item_reads))
        return True

    def finish(self) -> BuilderReads:
        """Every item's script written: what each read, by its path in the site."""
        while self.step():
            pass
        return self.reads


def copy_print_fonts(fonts_dir: Path, site_dir: Path) -> None:
    """The print faces' woff2 files and a stylesheet for them (outputs/fonts.py), minified.

    A copy keeps its source's time, and one already there with its source's size and time is
    left unread: copying the ~400 files took seconds of each preview build at 2,000 lessons, and
    a resumed build's site folder links them to the published site's (website/resume.py), whose
    fonts package-lock.json pins. A new copy replaces the old, never writes into it."""
    for name, source in site_font_files(fonts_dir).items():
        target = site_dir / name
        if not _same_size_and_time(source, target):
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.copying")
            shutil.copy2(source, temporary)
            os.replace(temporary, target)
    css = re.sub(r"\s*\n\s*", "", _CSS_COMMENT.sub("", site_font_css(fonts_dir)))
    (site_dir / SITE_FONTS_CSS).write_text(css + "\n", encoding="utf-8")


def _same_size_and_time(source: Path, target: Path) -> bool:
    try:
        mine, theirs = source.stat(), target.stat()
    except OSError:
        return False
    return mine.st_size == theirs.st_size and mine.st_mtime_ns == theirs.st_mtime_ns


def image_url_for_builder(docs_dir: Path) -> Callable[[Path], str]:
    """An image in an item's Markdown as the builder page (packets/builder/) reaches it in the site."""
    def url(path: Path) -> str:
        return posixpath.relpath(path.relative_to(docs_dir.resolve()).as_posix(), BUILDER_FOLDER)

    return url
