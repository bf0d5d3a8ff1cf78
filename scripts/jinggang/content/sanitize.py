"""Allowlist sanitizing of rendered bodies, and plain text made safe for Markdown and HTML.

The editors' check (safety.py) refuses what would run script or load from elsewhere with
the line that holds it; this is the second wall, for whatever the check did not foresee:
every body rendered from Markdown (pages, packets, field kits, notes, presenter) passes
through `sanitize_html`, which keeps only the tags, attributes and URL schemes content
really uses (ammonia, through nh3). Templates escape text themselves (autoescape).
"""

from __future__ import annotations

import html
import re

import nh3

# What Markdown with our extensions (tables, admonition, details, superfences, toc, emoji,
# attr_list, md_in_html, the glossary's <abbr>) produces, and the inline HTML editors use.
TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp",
    "section", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "time", "tr", "u", "ul", "var", "wbr",
    # Twemoji from pymdownx.emoji (Material's to_svg): inline SVG paths, no script possible.
    "svg", "path",
})
ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "download"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "scope", "style"},
    "ol": {"start", "type"},
    "details": {"open"},
    "time": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "svg": {"viewBox", "viewbox", "xmlns", "width", "height"},
    "path": {"d"},
}
# Data attributes our own code reads: the daily reading (jinggang.js), search extraction (website/search/).
ATTRIBUTE_PREFIXES = frozenset({"data-jg-", "data-search-"})
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
STYLE_PROPERTIES = frozenset({"text-align"})  # table column alignment from the tables extension


def _cleaner(schemes: frozenset[str]) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        generic_attribute_prefixes=set(ATTRIBUTE_PREFIXES),
        url_schemes=set(schemes),
        filter_style_properties=set(STYLE_PROPERTIES),
        link_rel=None,
        strip_comments=True,
    )


# Built once: nh3.clean builds ammonia's allowlist again on every call (0.3 s of a 2,000-lesson
# build, whose 6,600 fragments are mostly short).
_CLEANER = _cleaner(URL_SCHEMES)
_FILE_CLEANER = _cleaner(URL_SCHEMES | {"file"})


def sanitize_html(fragment: str, *, images_from_files: bool = False) -> str:
    """The fragment with everything outside the allowlist removed (tags kept as text content).

    images_from_files: a document printed from a temporary file, whose images MarkdownRenderer
    rewrote to file:// URLs; the printer loads only those (printer.own_files)."""
    return (_FILE_CLEANER if images_from_files else _CLEANER).clean(fragment)


# Characters that start Markdown or HTML syntax inside a heading line (emphasis, links,
# code, attr_list braces, raw HTML, entities, the closing hashes).
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]<>&#!|~]")


def markdown_text(text: str) -> str:
    """Plain text (a title) written into Markdown so that it renders as exactly that text."""
    single_line = " ".join(text.split())
    return _MARKDOWN_SPECIAL.sub(lambda match: f"&#{ord(match.group(0))};", single_line)


def markdown_heading(title: str, level: int = 1) -> str:
    return f"{'#' * level} {markdown_text(title)}"


def html_text(text: str) -> str:
    """Plain text for a place that MkDocs or Material writes into HTML without escaping."""
    return html.escape(text, quote=True)
