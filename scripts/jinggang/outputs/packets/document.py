"""A packet as one printable HTML document, built from the content model.

The HTML comes from Jinja templates in site_overrides/jinggang/packet/, so the print
layout can be changed the same way as the site's.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import segno
from markupsafe import Markup

from ...content.model import ContentItem, ContentModel, LecturerMaterial, Lesson, Packet, SiteGuide
from ...website.render import Renderer
from ..markdown import MarkdownRenderer

KIND_LABELS = {"lesson": "微团课", "lecturer": "讲师资料", "site": "研学指南", "handout": "学生活页"}


@dataclass(frozen=True)
class Section:
    """One item of the printed packet; each starts on a new page and has one bookmark."""

    kind: str
    item: ContentItem
    anchor: str
    url: str

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def heading(self) -> str:
        return f"学生活页：{self.item.title}" if self.kind == "handout" else self.item.title


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


def _item(model: ContentModel, kind: str, item_id: str) -> ContentItem:
    tables: dict[str, Mapping[str, ContentItem]] = {
        "lesson": model.lessons, "lecturer": model.lecturers, "site": model.site_guides}
    if kind == "handout":
        return model.lessons.get(item_id) or model.site_guides[item_id]
    return tables[kind][item_id]


def packet_sections(packet: Packet, model: ContentModel, site_url: str) -> list[Section]:
    """The packet's items in order, with automatic handouts appended when asked for."""
    entries = [(entry.kind, entry.id) for entry in packet.entries]
    if packet.handouts:
        listed = {item_id for kind, item_id in entries if kind == "handout"}
        entries += [("handout", item_id) for kind, item_id in list(entries)
                    if kind in ("lesson", "site") and item_id not in listed]
    sections = []
    for number, (kind, item_id) in enumerate(entries, start=1):
        item = _item(model, kind, item_id)
        sections.append(Section(kind, item, f"item-{number}", site_url.rstrip("/") + "/" + item.url))
    return sections


@functools.lru_cache(maxsize=4096)
def qr_svg(url: str) -> Markup:
    # A fixed mask: segno's search for the best of eight costs 25 ms a code in pure Python,
    # and any mask decodes (the tests read every code back with zbarimg).
    code = segno.make(url, error="m", mask=0)
    return Markup(code.svg_inline(scale=2, border=1, dark="#000", light="#fff",
                                  title=url))


def build_document(packet: Packet, model: ContentModel, site_url: str) -> PacketDocument:
    sections = packet_sections(packet, model, site_url)
    items = [section.item for section in sections]
    edition = max(item.updated for item in items)
    timed = {section.item.id: section.item for section in sections
             if section.kind in ("lesson", "lecturer") and isinstance(section.item, Lesson | LecturerMaterial)}
    total = sum(item.duration for item in timed.values())  # type: ignore[attr-defined]
    return PacketDocument(packet, sections, edition, total)


def render_html(document: PacketDocument, renderer: Renderer, render_markdown: MarkdownRenderer,
                font_css: str, verified_max_age_days: int = 365) -> str:
    """The packet's HTML; the printer fills in the table of contents' page numbers."""
    model = renderer.model
    counts = {kind: len({s.item.id for s in document.sections if s.kind == kind}) for kind in KIND_LABELS}
    return renderer.env.get_template("jinggang/packet/packet.html").render(
        document=document, packet=document.packet, sections=document.sections,
        counts=counts, markdown=render_markdown, qr=qr_svg, font_css=font_css, model=model,
        max_age=verified_max_age_days,
        label=model.label, LecturerMaterial=LecturerMaterial, Lesson=Lesson, SiteGuide=SiteGuide)
