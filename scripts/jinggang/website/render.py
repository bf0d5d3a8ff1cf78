"""HTML fragments of the site, rendered from Jinja templates in site_overrides/jinggang/.

The templates are looked up through the theme's directories, so `site_overrides/` (the
Material `custom_dir`) is where they live and where a reader would change them.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from typing import Any

import jinja2
from markupsafe import Markup
from mkdocs.structure.toc import TableOfContents, get_toc
from mkdocs.utils import get_relative_url

from ..content.dependencies import meets, note, reading
from ..content.model import ContentItem, ContentModel
from ..content.sanitize import html_text


@dataclass(frozen=True)
class GeneratedPage:
    src_uri: str
    title: str
    template: str
    # Worked out when the page is rendered, so that the page records what it read (content/dependencies.py).
    context: Callable[[], dict[str, Any]] = dict
    hide: tuple[str, ...] = ()
    # Listing pages only repeat their items: left out of search, where the items themselves are.
    searchable: bool = True


class EntryMemo:
    """The preview's list entries (a lesson in a list page), kept from one build to the next.

    A list page shows every lesson, so a lesson's new title makes it again; at 2,000 lessons the
    four lists that show titles took 1.4 s of that preview build, each entry rendered again.
    An entry (`{% call remembered("slot", item) %}…{% endcall %}` in a template) is kept with
    what it read; the next build gives it back, and notes the same reads, when none of them
    changed. An entry not used by the last build is not kept: `changed` is since that build.
    An entry may show only its item and what the helpers give: it is kept by page, slot and item.
    """

    def __init__(self) -> None:
        self.last: dict[tuple[str, str, str, str], tuple[Markup, frozenset[str]]] = {}
        self.current: dict[tuple[str, str, str, str], tuple[Markup, frozenset[str]]] = {}
        self.changed: set[str] = set()  # since the build that made `last`

    def begin(self, changed: set[str] | None) -> None:
        """A build starts; changed: the keys changed since the last one (None: keep nothing)."""
        self.last = self.current if changed is not None else {}
        self.current = {}
        self.changed = changed or set()

    def entry(self, page_url: str, slot: str, item: ContentItem, caller: Callable[[], Markup]) -> Markup:
        # Keyed by the page too: links in an entry are relative to it.
        key = (page_url, slot, item.KIND, object.__getattribute__(item, "id"))
        kept = self.current.get(key)  # made already in this build (a lesson under two audiences)
        if kept is None:
            kept = self.last.get(key)
            if kept is None or meets(kept[1], self.changed):
                with reading() as reads:
                    html = caller()
                kept = (html, frozenset(reads))
            self.current[key] = kept
        note(*kept[1])
        return kept[0]


def template_environment(template_dirs: Iterable[str], template_cache: jinja2.BytecodeCache | None = None, *,
                         reload: bool = True) -> jinja2.Environment:
    """The environment of the site's own templates, looked up through the theme's directories.
    reload: look at a template's file again each time it is used, for templates that may change
    while the environment lives (the preview's); a build's and a command's do not."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(template_dirs)),
        # Every template is HTML, XML, CSS or JS and escapes what it writes; a Markdown
        # template (.md) writes Markdown that goes through Markdown and the sanitizer.
        autoescape=jinja2.select_autoescape(enabled_extensions=(), disabled_extensions=("md",),
                                            default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=template_cache,
        auto_reload=reload,
    )


class Renderer:
    def __init__(self, template_dirs: Iterable[str], model: ContentModel,
                 urls: Mapping[str, str] | None = None, offline: bool = False,
                 env: jinja2.Environment | None = None, entry_memo: EntryMemo | None = None) -> None:
        self.template_dirs = list(template_dirs)
        self.env = env or template_environment(self.template_dirs)
        self.model = model
        self.urls: dict[str, str] = dict(urls or {})
        # The build zipped for file:// (no server): templates leave out what needs one.
        self.offline = offline
        self.entry_memo = entry_memo

    def url_of(self, src_uri: str) -> str | None:
        return self.urls.get(src_uri)

    def helpers(self, page_url: str) -> dict[str, Any]:
        """What every template of the site may call, for a page at page_url."""
        def link(src_uri: str, anchor: str = "") -> str | None:
            target = self.urls.get(src_uri)
            if target is None:
                return None
            relative = get_relative_url(target, page_url) if target else "."
            return relative + (f"#{anchor}" if anchor else "")

        def item_link(item: ContentItem) -> str | None:
            return link(item.src_uri)

        def site_file(path: str) -> str:
            """A file of the built site that is not a page (a download)."""
            return get_relative_url(path, page_url)

        def label(vocabulary: str, slug: str) -> str:
            return self.model.label(vocabulary, slug)

        def remembered(slot: str, item: ContentItem, caller: Callable[[], Markup]) -> Markup:
            """A list entry: the preview's EntryMemo keeps it between builds; else made each time."""
            if self.entry_memo is None:
                return caller()
            return self.entry_memo.entry(page_url, slot, item, caller)

        return {"model": self.model, "link": link, "item_link": item_link, "site_file": site_file,
                "label": label, "offline": self.offline, "remembered": remembered}

    def render(self, template: str, page_url: str, **context: Any) -> str:
        return self.env.get_template(template).render(**self.helpers(page_url), **context)

    def generated_markdown(self, page: GeneratedPage) -> str:
        """A generated page's file: front matter only. Its body is its template, rendered for the
        page (generated_body) instead of going through Markdown, and placed by PAGE_TEMPLATE."""
        # The title as meta: the page template writes it as the page's heading.
        front = f"title: {json.dumps(html_text(page.title), ensure_ascii=False)}\n"
        if page.hide:
            front += "hide:\n" + "".join(f"  - {name}\n" for name in page.hide)
        if not page.searchable:
            front += "search:\n  exclude: true\n"
        return f"---\n{front}---\n"

    def generated_body(self, page: GeneratedPage, page_url: str) -> str:
        return self.render(page.template, page_url, **page.context())


class _Contents(HTMLParser):
    """Elements marked data-jg-contents (with an id): the entries of a generated page's contents."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[tuple[str, list[str]]] = []
        self.open: list[str] = []  # tags of the entry being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if not self.open and "data-jg-contents" in values and values.get("id"):
            self.entries.append((str(values["id"]), []))
            self.open = [tag]
        elif self.open:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.open:
            self.entries[-1][1].append(data)


# The start tag of an element marked data-jg-contents, and any start or end tag (to find its end).
_CONTENTS_START = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?\sdata-jg-contents(?=[\s=/>])[^>]*>")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*>")


def page_contents(html: str) -> TableOfContents | None:
    """The page contents (Material's right-hand "目录") of a generated page, whose headings are
    HTML from a template rather than Markdown: entries are the elements marked data-jg-contents."""
    if "data-jg-contents" not in html:  # the catalog of 2,000 lessons has none: not parsed
        return None
    parser = _Contents()
    # Only the marked elements are parsed: a list page is megabytes of HTML around a few dozen.
    end = 0
    for start in _contents_starts(html):
        if start.start() < end:
            continue  # inside an entry: not an entry of its own
        found = len(parser.entries)
        end = _element_end(html, start)
        parser.feed(html[start.start():end])
        parser.close()
        parser.reset()
        if len(parser.entries) == found:
            end = start.end()  # not an entry (no id): what it holds may be
    if not parser.entries:
        return None
    return get_toc([{"level": 2, "id": anchor, "name": escape("".join(text).strip()), "children": []}
                    for anchor, text in parser.entries])


def _contents_starts(html: str) -> Iterator[re.Match[str]]:
    """_CONTENTS_START's matches, found from the marker back to its tag: the regular expression
    tried at every tag of a list page took 20 ms a page."""
    at = html.find("data-jg-contents")
    while at != -1:
        start = _CONTENTS_START.match(html, html.rfind("<", 0, at))
        if start is not None and start.end() > at:
            yield start
        at = html.find("data-jg-contents", max(at + 1, start.end() if start is not None else 0))


def _element_end(html: str, start: re.Match[str]) -> int:
    """Where the element that starts at start ends (after its end tag; the end of html if unclosed)."""
    name, depth = start.group(1).lower(), 1
    for tag in _TAG.finditer(html, start.end()):
        if tag.group(2).lower() != name:
            continue
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end()
    return len(html)


def url_for(src_uri: str, use_directory_urls: bool = True) -> str:
    """The URL MkDocs gives a page at src_uri (used where no File object exists yet)."""
    stem, _ = posixpath.splitext(src_uri)
    if not use_directory_urls:
        return stem + ".html"
    if posixpath.basename(stem) == "index":
        directory = posixpath.dirname(stem)
        return directory + "/" if directory else ""
    return stem + "/"
