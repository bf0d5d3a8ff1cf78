"""`jinggang slides`: each lecturer material as .pptx, notes handout PDF and notes Markdown."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from ...content.model import LecturerMaterial
from ..packets.command import RenderContext
from ..packets.document import content_hash
from ..printer import Metadata, Printer, page_count, print_each, run_coroutine, titled, write_atomically
from ..store import RenderStore
from .deck import build_deck
from .notes import notes_markdown

FORMAT_VERSION = "slides-1"


@dataclass
class SlidesJob:
    material: LecturerMaterial
    notes_html: str = ""
    digest: str = ""
    status: str = "pending"  # cached, rendered, failed
    notes_pages: int = 0
    seconds: float = 0.0
    error: str = ""

    def name(self, suffix: str) -> str:
        return f"{self.material.id}{suffix}"


def download_names(material_id: str) -> dict[str, str]:
    """The three downloads of a lecturer material, by what they are."""
    return {"deck": f"{material_id}.pptx", "notes_pdf": f"{material_id}-notes.pdf",
            "notes_md": f"{material_id}-notes.md"}


def _notes_html(job: SlidesJob, context: RenderContext) -> str:
    return context.renderer.env.get_template("jinggang/slides/notes.html").render(
        material=job.material, markdown=context.render_markdown, label=context.model.label,
        font_css=context.font_css)


def render_slides(context: RenderContext, store: RenderStore, docs_dir: Path, materials: list[LecturerMaterial],
                  *, parallel: int, prune: bool) -> list[SlidesJob]:
    """Write the three files of every material; the PDF only where its inputs changed."""
    jobs = [SlidesJob(material) for material in materials]
    to_print: list[SlidesJob] = []
    for job in jobs:
        names = download_names(job.material.id)
        try:
            # The deck and the text are quick to make: written on every run, never cached.
            write_atomically(store.output(names["deck"]), build_deck(job.material, context.model, docs_dir))
            write_atomically(store.output(names["notes_md"]),
                             notes_markdown(job.material, context.model).encode("utf-8"))
            job.notes_html = _notes_html(job, context)
            job.digest = content_hash(job.notes_html, FORMAT_VERSION)
        except Exception as error:
            job.status, job.error = "failed", f"{job.material.source.path}：{type(error).__name__}: {error}"
            continue
        saved = store.restore(names["notes_pdf"], job.digest)
        if saved is None:
            to_print.append(job)
        else:
            job.status, job.notes_pages = "cached", int(saved.get("pages", 0))
    if to_print:
        run_coroutine(_print_notes(to_print, store, parallel))
    if prune:
        keep = {name for material in context.model.lecturers.values()
                for name in download_names(material.id).values()}
        store.prune(keep)
    return jobs


async def _print_notes(jobs: list[SlidesJob], store: RenderStore, parallel: int) -> None:
    async def print_one(printer: Printer, job: SlidesJob) -> None:
        started = time.perf_counter()
        material = job.material
        metadata = Metadata(title=titled(material.title, "讲稿"), author="、".join(material.authors),
                            subject=material.summary, keywords="讲稿，幻灯片", date=material.updated)
        try:
            pdf = await printer.print_document(job.notes_html, metadata)
            job.notes_pages = page_count(pdf)
            job.seconds = time.perf_counter() - started
            store.save(download_names(material.id)["notes_pdf"], job.digest, pdf, pages=job.notes_pages)
            job.status = "rendered"
        except Exception as error:
            job.status, job.error = "failed", f"{material.source.path}：{type(error).__name__}: {error}"

    await print_each(jobs, parallel, print_one)
