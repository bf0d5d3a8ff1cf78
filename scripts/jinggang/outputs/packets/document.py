"""A packet as one printable HTML document, built from the content model.

The HTML comes from Jinja templates in site_overrides/jinggang/packet/, so the print
layout can be changed the same way as the site's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ...content.kinds import DISCUSSION, HANDOUT, HANDOUT_KINDS, LECTURER, LESSON, PACKET_ENTRIES, SITE_GUIDE, SLIDES
from ...content.model import ContentItem, ContentModel, LecturerMaterial, Lesson, Packet, PacketEntry, SiteGuide
from ...website.render import Renderer
from ..markdown import MarkdownRenderer
from ..qr import encoded_code, qr_code, svg_inline

if TYPE_CHECKING:
    import jinja2
    import segno

# Headings of the parts printed on their own from another item's content: 「学生活页：title」.
_PREFIXED = {HANDOUT: "学生活页", DISCUSSION: "讨论题"}


@dataclass(frozen=True)
class Section:
    """One item of the printed packet; each starts on a new page and has one bookmark."""

    kind: str
    item: ContentItem
    anchor: str
    url: str

    @property
    def label(self) -> str:
        return PACKET_ENTRIES[self.kind]

    @property
    def heading(self) -> str:
        prefix = _PREFIXED.get(self.kind)
        return f"{prefix}：{self.item.title}" if prefix else self.item.title


@dataclass
class PacketDocument:
    packet: Packet
    sections: list[Section]
    edition: str
    total_minutes: int
    html_parts: dict[str, Any] = field(default_factory=dict)

    @property
    def edition_label(self) -> str:
        year, month, day = self.edition.split("-")
        return f"{int(year)}年{int(month)}月{int(day)}日"


def packet_sections(packet: Packet, model: ContentModel, site_url: str) -> list[Section]:
    """The packet's items in order, with automatic handouts appended when asked for."""
    entries = list(packet.entries)
    if packet.handouts:
        listed = {entry.id for entry in entries if entry.kind == HANDOUT}
        handout_kinds = {kind.name for kind in HANDOUT_KINDS}
        entries += [PacketEntry(HANDOUT, entry.id, entry.line) for entry in list(entries)
                    if entry.kind in handout_kinds and entry.id not in listed]
    sections = []
    for number, entry in enumerate(entries, start=1):
        item = model.entry_items(entry)[0]
        sections.append(Section(entry.kind, item, f"item-{number}", site_url.rstrip("/") + "/" + item.url))
    return sections


@functools.lru_cache(maxsize=4096)
def qr_svg(url: str) -> Markup:
    return _code_svg(qr_code(url), url)


def _code_svg(code: segno.QRCode, url: str) -> Markup:
    return Markup(svg_inline(code, scale=2, border=1, title=url))


# The parts whose item's duration counts towards the cover's 总时长, and what the cover counts
# them as (a lecturer material printed as slides only is still one lecturer material).
TIMED_KINDS = (LESSON.name, LECTURER.name, SLIDES)
COUNTED_AS = {LESSON.name: LESSON.name, LECTURER.name: LECTURER.name, SLIDES: LECTURER.name,
              SITE_GUIDE.name: SITE_GUIDE.name}


def build_document(packet: Packet, model: ContentModel, site_url: str) -> PacketDocument:
    sections = packet_sections(packet, model, site_url)
    items = [section.item for section in sections]
    edition = max(item.updated for item in items)
    timed = {section.item.id: section.item for section in sections
             if section.kind in TIMED_KINDS and isinstance(section.item, Lesson | LecturerMaterial)}
    total = sum(item.duration for item in timed.values())  # type: ignore[attr-defined]
    return PacketDocument(packet, sections, edition, total)


def render_html(document: PacketDocument, renderer: Renderer, render_markdown: MarkdownRenderer,
                font_css: str, verified_max_age_days: int) -> str:
    """The packet's HTML; the printer fills in the table of contents' page numbers."""
    model = renderer.model
    counts = {kind: len({s.item.id for s in document.sections if COUNTED_AS.get(s.kind) == kind})
              for kind in PACKET_ENTRIES}
    return renderer.env.get_template("jinggang/packet/packet.html").render(
        document=document, packet=document.packet, sections=document.sections,
        counts=counts, markdown=render_markdown, qr=qr_svg, font_css=font_css, model=model,
        max_age=verified_max_age_days,
        label=model.label, LecturerMaterial=LecturerMaterial, Lesson=Lesson, SiteGuide=SiteGuide)


# What the packet builder (packets/builder/, website/packet_builder.py) may take from each item,
# in the order an item's parts print: the same section kinds as a packet's contents.
ITEM_PARTS = {LESSON.name: (LESSON.name, DISCUSSION, HANDOUT), SITE_GUIDE.name: (SITE_GUIDE.name, HANDOUT),
              LECTURER.name: (LECTURER.name, SLIDES)}


@dataclass(frozen=True)
class PartShape:
    """What an item's part needs of the packet around it, before the packet exists (the builder
    fills the rest in the browser): with notes, where a lecturer material prints them."""

    audience: tuple[str, ...] = ()
    speaker_notes: bool = True
    date: str | None = ""


# Where an item's QR code stands in its parts' HTML: the builder puts the code (the same for
# every part of an item, a third of a lesson's parts) back in before it shows a part.
QR_SLOT = "<!--jg-qr-->"


def render_parts(item: ContentItem, env: jinja2.Environment, label: Callable[[str, str], str],
                 render_markdown: MarkdownRenderer, site_url: str, max_age: int) -> dict[str, tuple[str, str]]:
    """{part kind: (its section, its contents row)} for one item, from the packets' own macros
    (site_overrides/jinggang/packet/parts.html), so the builder prints what `jinggang packets` prints.
    Placed at anchor item-0: the builder numbers the sections. The QR code is QR_SLOT: item_qr gives it.
    Only the item and label (the vocabularies') are read: a process that has no model renders them."""
    parts: Any = env.get_template("jinggang/packet/parts.html").make_module(
        {"label": label, "markdown": render_markdown, "qr": lambda _url: Markup(QR_SLOT)})
    rendered = {}
    for kind in ITEM_PARTS[item.KIND]:
        if kind == DISCUSSION and not getattr(item, "discussion", None):
            continue
        section = Section(kind, item, "item-0", site_url.rstrip("/") + "/" + item.url)
        rendered[kind] = (str(parts.section(section, PartShape(), None, max_age, True)).strip(),
                          str(parts.toc_row(section)).strip())
    return rendered


def item_qr(item: ContentItem, site_url: str, *, keep_codes: bool = True) -> str:
    """The QR code that QR_SLOT stands for in an item's parts; kept for the process's next use
    of it (a packet, the share panel), or, keep_codes=False, not: the search's process, which
    writes the builder's scripts, draws each code once, and the caches held the codes of 2,000
    lessons there (13 MB) for nothing."""
    url = site_url.rstrip("/") + "/" + item.url
    return str(qr_svg(url) if keep_codes else _code_svg(encoded_code(url), url))
