"""`jinggang routes`: each study route's field kit, an A5 PDF, to site/downloads/routes/<id>.pdf.

A5 pages rather than an imposed booklet: any print dialog puts two A5 pages on an A4 sheet
("2 pages per sheet"), and a single-page-per-sheet A5 file stays readable on a phone.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..content.bodies import section
from ..content.model import Route
from ..website.route_map import route_map
from .packets.command import RenderContext
from .packets.document import content_hash
from .printer import Metadata, Printer, page_count, print_each, run_coroutine, titled
from .store import RenderStore

FORMAT_VERSION = "route-kit-1"


@dataclass
class KitJob:
    route: Route
    html: str = ""
    digest: str = ""
    edition: str = ""
    status: str = "pending"
    pages: int = 0
    error: str = ""


def kit_edition(route: Route, context: RenderContext) -> str:
    """The newest `updated` of the guides and lessons the kit prints: its date, not the clock's."""
    model = context.model
    dates = [model.site_guides[stop.site].updated for stop in route.stops]
    dates += [model.lessons[lesson_id].updated for stop in route.stops for lesson_id in stop.lessons]
    return max(dates)


def kit_html(route: Route, context: RenderContext, edition: str) -> str:
    return context.renderer.env.get_template("jinggang/route/kit.html").render(
        route=route, model=context.model, label=context.model.label, map=route_map(route, context.model),
        markdown=context.render_markdown, section=section, edition=edition,
        font_css=context.font_css, max_age=context.verified_max_age_days)


def render_route_kits(context: RenderContext, store: RenderStore, routes: list[Route], *, parallel: int,
                      prune: bool) -> list[KitJob]:
    jobs = [KitJob(route) for route in routes]
    to_print = []
    for job in jobs:
        try:
            job.edition = kit_edition(job.route, context)
            job.html = kit_html(job.route, context, job.edition)
            job.digest = content_hash(job.html, FORMAT_VERSION)
        except Exception as error:
            job.status, job.error = "failed", f"{job.route.source.path}：{type(error).__name__}: {error}"
            continue
        saved = store.restore(f"{job.route.id}.pdf", job.digest)
        if saved is None:
            to_print.append(job)
        else:
            job.status, job.pages = "cached", int(saved.get("pages", 0))
    if to_print:
        run_coroutine(_print(to_print, store, parallel))
    if prune:
        store.prune({f"{route_id}.pdf" for route_id in context.model.routes}, "*.pdf")
    return jobs


async def _print(jobs: list[KitJob], store: RenderStore, parallel: int) -> None:
    async def print_one(printer: Printer, job: KitJob) -> None:
        route = job.route
        metadata = Metadata(title=titled(route.title, "研学手册"), author="井冈传人编写组", subject=route.summary,
                            keywords="研学，研学路线，任务单", date=job.edition)
        try:
            pdf = await printer.print_document(job.html, metadata)
            job.pages = page_count(pdf)
            store.save(f"{route.id}.pdf", job.digest, pdf, pages=job.pages)
            job.status = "rendered"
        except Exception as error:
            job.status, job.error = "failed", f"{route.source.path}：{type(error).__name__}: {error}"

    await print_each(jobs, parallel, print_one)
