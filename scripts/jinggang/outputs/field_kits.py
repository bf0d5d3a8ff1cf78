"""`jinggang routes`: each study route's field kit, an A5 PDF, to site/downloads/routes/<id>.pdf.

A5 pages rather than an imposed booklet: any print dialog puts two A5 pages on an A4 sheet
("2 pages per sheet"), and a single-page-per-sheet A5 file stays readable on a phone.
"""

from __future__ import annotations

from ..content.bodies import section
from ..content.model import Route
from ..website.route_map import route_map, unmapped_sites
from .context import RenderContext
from .pipeline import Job, Output
from .printer import Metadata, titled


class FieldKitsOutput(Output[Route]):
    label = "研学手册"
    format_version = "route-kit-1"

    def __init__(self, context: RenderContext) -> None:
        self.context = context

    def name(self, item: Route) -> str:
        return f"{item.id}.pdf"

    def source(self, item: Route) -> str:
        return str(item.source.path)

    def keep(self) -> set[str]:
        return {f"{route_id}.pdf" for route_id in self.context.model.routes}

    def prepare(self, job: Job[Route]) -> None:
        route, context = job.item, self.context
        edition = kit_edition(route, context)
        job.html = kit_html(route, context)
        job.metadata = Metadata(title=titled(route.title, "研学手册"), author="井冈传人编写组", subject=route.summary,
                                keywords="研学，研学路线，任务单", date=edition)

    def done(self, job: Job[Route]) -> str:
        return f"{super().done(job)}（A5）"


def kit_html(route: Route, context: RenderContext) -> str:
    """The field kit's HTML, as the printer prints it."""
    return context.renderer.env.get_template("jinggang/route/kit.html").render(
        route=route, model=context.model, label=context.model.label, map=route_map(route, context.model),
        unmapped=unmapped_sites(route, context.model), markdown=context.render_markdown, section=section,
        edition=kit_edition(route, context), font_css=context.font_css, max_age=context.verified_max_age_days)


def kit_edition(route: Route, context: RenderContext) -> str:
    """The newest `updated` of the guides and lessons the kit prints: its date, not the clock's."""
    model = context.model
    dates = [model.site_guides[stop.site].updated for stop in route.stops]
    dates += [model.lessons[lesson_id].updated for stop in route.stops for lesson_id in stop.lessons]
    return max(dates)
