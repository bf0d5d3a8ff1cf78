"""The reading text of a rendered page, cut into sections that a search result can link to.

A section starts at an <h2> or <h3> with an id, or at an element that carries
`data-search-section` and an id (a timeline event, a glossary term), and is named by the
heading's text or the element's `data-search-title`. Left out: elements marked
`data-search-exclude` (metadata cards, page footers, interface strings), scripts, styles,
SVG drawings, forms and buttons, table headers, and the permalink signs after headings.
A table row is read as one sentence: its cells joined by "，", ended by "。".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

SKIPPED_TAGS = frozenset({"script", "style", "svg", "nav", "form", "button", "select", "textarea",
                          "noscript", "template", "thead", "h1"})
SECTION_HEADINGS = frozenset({"h2", "h3"})
BREAKS = frozenset({"p", "li", "div", "br", "dt", "dd", "section", "blockquote", "pre", "figcaption",
                    "caption", "table", "ul", "ol", "h4", "h5", "h6", "hr", "article", "details", "summary"})
VOID_TAGS = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "source", "col", "area", "embed"})
_SPACE = re.compile(r"\s+")
_CLOSING_PUNCTUATION = "。，、；：！？）」』”.,;:!?"


@dataclass
class Section:
    anchor: str
    heading: str
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return _SPACE.sub(" ", "".join(self.parts)).strip()


class _SectionParser(HTMLParser):
    def __init__(self, title: str) -> None:
        super().__init__(convert_charrefs=True)
        self.sections = [Section("", title)]
        self.open: list[Section] = [self.sections[0]]  # enclosing sections, innermost last
        self.section_ends: list[int] = []  # element depths at which a data-search-section ends
        self.depth = 0
        self.skip_until: int | None = None  # depth at which skipping ends
        self.heading: tuple[str, list[str]] | None = None  # (id, text parts) of an open h2/h3

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            if tag == "br" and self.skip_until is None:
                self._write(" ")
            return
        self.depth += 1
        if self.skip_until is not None:
            return
        attributes = dict(attrs)
        if (tag in SKIPPED_TAGS or "data-search-exclude" in attributes
                or "headerlink" in (attributes.get("class") or "").split()):
            self.skip_until = self.depth
            return
        if tag in BREAKS or tag in SECTION_HEADINGS:
            self._write(" ")
        if tag in SECTION_HEADINGS and attributes.get("id"):
            self.heading = (attributes["id"] or "", [])
        elif "data-search-section" in attributes and attributes.get("id"):
            section = Section(attributes["id"] or "", attributes.get("data-search-title") or "")
            self.sections.append(section)
            self.open.append(section)
            self.section_ends.append(self.depth)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS:
            return
        if self.skip_until is not None:
            if self.depth == self.skip_until:
                self.skip_until = None
            self.depth -= 1
            return
        if tag in SECTION_HEADINGS and self.heading is not None:
            anchor, parts = self.heading
            self.heading = None
            section = Section(anchor, _SPACE.sub(" ", "".join(parts)).strip())
            self.sections.append(section)
            self.open[-1] = section  # a heading ends the section before it, at its own level
        elif tag == "td" or tag == "th":
            self._write("，")
        elif tag == "tr":
            parts = self.open[-1].parts
            while parts and parts[-1].strip() in ("，", ""):
                parts.pop()
            self._write("。")
        if self.section_ends and self.section_ends[-1] == self.depth:
            self.section_ends.pop()
            self.open.pop()
            # Text after the element belongs to the section around it again: a copy, so that
            # it is indexed under that section's anchor and not appended before the element.
            outer = self.open[-1]
            continued = Section(outer.anchor, outer.heading)
            self.sections.append(continued)
            self.open[-1] = continued
        if tag in BREAKS:
            self._write(" ")
        self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.skip_until is None:
            self._write(data)

    def _write(self, text: str) -> None:
        if self.heading is not None:
            self.heading[1].append(text)
            return
        parts = self.open[-1].parts
        if text == "，" and parts and parts[-1].rstrip()[-1:] in tuple(_CLOSING_PUNCTUATION):
            return
        parts.append(text)


_EXCLUDE = "data-search-exclude"
_START_TAG = re.compile(r"""<([a-zA-Z][a-zA-Z0-9-]*)(?:[^>"']|"[^"]*"|'[^']*')*>""")


def _element_end(html: str, tag: str, start: int) -> int | None:
    """Where the element whose start tag ends at start ends (after its end tag), counting the
    same tag nested inside it; None if it does not end."""
    depth = 1
    for match in _tags_named(tag).finditer(html, start):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.end()
    return None


@functools.cache
def _tags_named(tag: str) -> re.Pattern[str]:
    """Start and end tags of one name (group 1: "/" for an end tag)."""
    return re.compile(rf"<(/?){tag}\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")


def without_excluded(html: str) -> str:
    """html without the elements marked data-search-exclude, which the parser would skip: half
    the tags of a lesson page are in them (its card, trail, share panel and pager), and the
    parser, pure Python, went through each. An element is cut where its tag's nesting says it
    ends; where that is not found, the rest is left to the parser."""
    pieces: list[str] = []
    position = found = 0
    while (found := html.find(_EXCLUDE, found)) >= 0:
        opening = html.rfind("<", position, found)
        tag = _START_TAG.match(html, opening) if opening >= 0 else None
        if tag is None or tag.end() <= found or tag.group(1).lower() in VOID_TAGS:  # not in a start tag
            found += len(_EXCLUDE)
            continue
        end = _element_end(html, tag.group(1), tag.end())
        if end is None:
            break
        pieces.append(html[position:opening])
        position = found = end
    pieces.append(html[position:])
    return "".join(pieces)


def page_sections(html: str, title: str) -> list[Section]:
    """The page's sections in order; sections with neither text nor heading are dropped, and
    continuations of one section are merged into it."""
    parser = _SectionParser(title)
    parser.feed(without_excluded(html))
    parser.close()
    merged: dict[tuple[str, str], Section] = {}
    for section in parser.sections:
        key = (section.anchor, section.heading)
        if key in merged:
            merged[key].parts.append(" ")
            merged[key].parts.extend(section.parts)
        else:
            merged[key] = section
    kept = [section for section in merged.values() if section.text or (section.heading and section.anchor)]
    for section in kept:  # one string each: the index holds every page's sections until the build ends
        section.parts = [section.text]
    return kept
