"""`jinggang packets`: every packet to site/downloads/packets/<id>.pdf, cached by content hash."""

from __future__ import annotations

import asyncio
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ...content.model import ContentModel, Packet
from ...website.render import Renderer
from ..browser import chromium_executable
from ..fonts import font_face_css
from ..printer import PDF_OPTIONS, Metadata, Printer, page_count, run_coroutine
from ..store import RenderStore
from .document import (
    MarkdownRenderer,
    PacketDocument,
    PacketItemError,
    build_document,
    content_hash,
    render_html,
)

# Bump when the PDF post-processing changes, so cached files are rendered again.
FORMAT_VERSION = "packets-1"


@dataclass
class PacketJob:
    packet: Packet
    document: PacketDocument | None = None
    html: str = ""
    digest: str = ""
    status: str = "pending"  # cached, rendered, failed
    pages: int = 0
    seconds: float = 0.0
    prints: int = 0
    final_html: str = ""
    error: str = ""

    @property
    def file_name(self) -> str:
        return f"{self.packet.id}.pdf"


@dataclass
class RenderContext:
    model: ContentModel
    renderer: Renderer
    render_markdown: MarkdownRenderer
    site_url: str
    verified_max_age_days: int = 365
    fonts_dir: Path = Path("node_modules/@fontsource")

    @property
    def font_css(self) -> str:
        """@font-face rules of the print fonts, for a template's <style> (outputs/fonts.py)."""
        return font_face_css(self.fonts_dir)

    def metadata(self, document: PacketDocument) -> Metadata:
        packet = document.packet
        audiences = [self.model.label("audience", slug) for slug in packet.audience]
        themes = sorted({self.model.label("themes", slug) for section in document.sections
                         for slug in section.item.themes})
        return Metadata(title=packet.title, author=packet.issuer, subject=packet.occasion,
                        keywords="，".join([*audiences, *themes]), date=document.edition)

    def html(self, document: PacketDocument) -> str:
        return render_html(document, self.renderer, self.render_markdown, self.font_css,
                           self.verified_max_age_days)


def prepare(job: PacketJob, context: RenderContext) -> None:
    """Build the document and its hash; any failure is recorded against the packet."""
    try:
        job.document = build_document(job.packet, context.model, context.site_url)
        job.html = context.html(job.document)
        job.digest = content_hash(job.html, FORMAT_VERSION, repr(sorted(PDF_OPTIONS.items())),
                                  chromium_executable() or "playwright-chromium")
    except PacketItemError as error:
        job.status, job.error = "failed", str(error)
    except Exception as error:
        job.status, job.error = "failed", f"{type(error).__name__}: {error}"


async def render_jobs(jobs: list[PacketJob], context: RenderContext, store: RenderStore, printer: Printer,
                      progress: Progress) -> None:
    """Print prepared jobs on an open printer; each failure is recorded against its job."""
    overall = progress.add_task("讲义包", total=len(jobs))

    async def render_one(job: PacketJob) -> None:
        started = time.perf_counter()
        document = job.document
        assert document is not None
        try:
            result = await printer.print_packet(job.html, context.metadata(document))
            pdf, job.prints, job.final_html = result.pdf, result.prints, result.html
            job.pages = page_count(pdf)
            job.seconds = time.perf_counter() - started
            store.save(job.file_name, job.digest, pdf, pages=job.pages, seconds=round(job.seconds, 3))
            job.status = "rendered"
            progress.console.print(f"  生成 {job.packet.id}.pdf：{job.pages} 页，{job.seconds:.2f} 秒"
                                   + ("（目录页码经第二次打印校正）" if job.prints > 1 else ""))
        except PacketItemError as error:
            job.status, job.error = "failed", str(error)
        except Exception as error:
            job.status, job.error = "failed", f"{type(error).__name__}: {error}"
        finally:
            progress.advance(overall)

    await asyncio.gather(*(render_one(job) for job in jobs))


async def _render(jobs: list[PacketJob], context: RenderContext, store: RenderStore, parallel: int,
                  progress: Progress) -> None:
    printer = Printer(parallel)
    try:
        await render_jobs(jobs, context, store, printer, progress)
    finally:
        await printer.close()


def render_packets(context: RenderContext, store: RenderStore, packets: list[Packet], *, parallel: int,
                   prune: bool, console: Console | None = None) -> list[PacketJob]:
    console = console or Console(stderr=True)
    jobs = [PacketJob(packet) for packet in packets]
    for job in jobs:
        prepare(job, context)
    to_render = []
    for job in jobs:
        if job.status != "pending":
            continue
        saved = store.restore(job.file_name, job.digest)
        if saved is None:
            to_render.append(job)
        else:
            job.status, job.pages = "cached", int(saved.get("pages", 0))
    if to_render:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=False) as progress:
            run_coroutine(_render(to_render, context, store, parallel, progress))
    if prune:
        store.prune({f"{packet_id}.pdf" for packet_id in context.model.packets}, "*.pdf")
    return jobs


def summary_table(jobs: list[PacketJob]) -> Table:
    labels = {"cached": "未变化（缓存）", "rendered": "已生成", "failed": "失败"}
    table = Table(title="讲义包")
    for column in ("讲义包", "状态", "页数", "用时（秒）", "说明"):
        table.add_column(column)
    for job in jobs:
        table.add_row(job.packet.id, labels.get(job.status, job.status), str(job.pages or ""),
                      f"{job.seconds:.2f}" if job.status == "rendered" else "", job.error)
    return table


def copy_downloads(previous_site: Path, new_site: Path) -> None:
    """Carry generated downloads (PDFs) into a freshly built site; `jinggang packets` updates them."""
    downloads = previous_site / "downloads"
    if downloads.is_dir() and not (new_site / "downloads").exists():
        shutil.copytree(downloads, new_site / "downloads")
