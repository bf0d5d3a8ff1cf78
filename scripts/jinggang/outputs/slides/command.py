"""`jinggang slides`: each lecturer material as .pptx, notes handout PDF and notes Markdown."""

from __future__ import annotations

from ...content.model import LecturerMaterial
from ..atomic import write_atomically
from ..context import RenderContext
from ..pipeline import Job, Output
from ..printer import Metadata, titled
from ..store import RenderStore
from .deck import build_deck
from .notes import notes_markdown


def download_names(material_id: str) -> dict[str, str]:
    """The three downloads of a lecturer material, by what they are."""
    return {"deck": f"{material_id}.pptx", "notes_pdf": f"{material_id}-notes.pdf",
            "notes_md": f"{material_id}-notes.md"}


def notes_html(material: LecturerMaterial, context: RenderContext) -> str:
    """The notes handout's HTML, as the printer prints it."""
    return context.renderer.env.get_template("jinggang/slides/notes.html").render(
        material=material, markdown=context.render_markdown, label=context.model.label, font_css=context.font_css)


class NotesOutput(Output[LecturerMaterial]):
    """The notes handout PDF; the deck and the notes Markdown are written beside it whenever it is prepared."""

    label = "讲稿"
    format_version = "slides-1"
    prune_pattern = "*"

    def __init__(self, context: RenderContext, store: RenderStore) -> None:
        self.context = context
        self.store = store

    def name(self, item: LecturerMaterial) -> str:
        return download_names(item.id)["notes_pdf"]

    def source(self, item: LecturerMaterial) -> str:
        return str(item.source.path)

    def keep(self) -> set[str]:
        return {name for material_id in self.context.model.lecturers for name in download_names(material_id).values()}

    def beside(self, item: LecturerMaterial) -> list[str]:
        names = download_names(item.id)
        return [names["deck"], names["notes_md"]]

    def prepare(self, job: Job[LecturerMaterial]) -> None:
        material, context = job.item, self.context
        names = download_names(material.id)
        # Not in the cache: made whenever the notes are prepared, which is whenever what the
        # material reads changed (outputs/prepared.py), so a deck from an older run cannot linger.
        write_atomically(self.store.output(names["deck"]), build_deck(material, context.model, context.docs_dir))
        write_atomically(self.store.output(names["notes_md"]), notes_markdown(material, context.model).encode("utf-8"))
        job.html = notes_html(material, context)
        job.metadata = Metadata(title=titled(material.title, "讲稿"), author="、".join(material.authors),
                                subject=material.summary, keywords="讲稿，幻灯片", date=material.updated)
