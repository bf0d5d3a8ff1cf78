"""`jinggang packets`: every packet to site/downloads/packets/<id>.pdf, cached by content hash."""

from __future__ import annotations

from typing import Any

from ...content.model import Packet
from ..browser import chromium_executable
from ..context import RenderContext
from ..pipeline import Job, Output
from ..printer import Metadata, page_count
from .document import PacketDocument, build_document, render_html


class PacketsOutput(Output[Packet]):
    label = "讲义包"
    format_version = "packets-1"

    def __init__(self, context: RenderContext) -> None:
        self.context = context
        self.documents: dict[str, PacketDocument] = {}

    def name(self, item: Packet) -> str:
        return f"{item.id}.pdf"

    def source(self, item: Packet) -> str:
        return str(item.source.path)

    def keep(self) -> set[str]:
        return {f"{packet_id}.pdf" for packet_id in self.context.model.packets}

    def hash_inputs(self) -> tuple[str, ...]:
        return (*super().hash_inputs(), chromium_executable() or "playwright-chromium")

    def prepare(self, job: Job[Packet]) -> None:
        context = self.context
        document = build_document(job.item, context.model, context.site_url)
        self.documents[job.item.id] = document
        job.html = render_html(document, context.renderer, context.render_markdown, context.font_css,
                               context.verified_max_age_days)
        job.metadata = self.metadata(document)

    def metadata(self, document: PacketDocument) -> Metadata:
        model, packet = self.context.model, document.packet
        audiences = [model.label("audience", slug) for slug in packet.audience]
        themes = sorted({model.label("themes", slug) for section in document.sections for slug in section.item.themes})
        return Metadata(title=packet.title, author=packet.issuer, subject=packet.occasion,
                        keywords="，".join([*audiences, *themes]), date=document.edition)

    async def render(self, engine: Any, job: Job[Packet]) -> bytes:
        assert job.metadata is not None
        result = await engine.print_packet(job.html, job.metadata)
        job.prints, job.final_html, job.pages = result.prints, result.html, page_count(result.pdf)
        pdf: bytes = result.pdf
        return pdf

    def done(self, job: Job[Packet]) -> str:
        corrected = "（目录页码经第二次打印校正）" if job.prints > 1 else ""
        return f"{super().done(job)}{corrected}"


