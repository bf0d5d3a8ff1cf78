"""Routes: the docent scripts (## 红领巾讲解词) in the field kit, and no map while a stop's guide
still has the placeholder coordinates {lat: 0, lon: 0}."""

from __future__ import annotations

import re
from pathlib import Path

from jinggang.cli import render_context
from jinggang.content.model import Route
from jinggang.outputs.context import RenderContext
from jinggang.outputs.field_kits import FieldKitsOutput
from jinggang.outputs.pipeline import Job
from jinggang.website.route_map import route_map, unmapped_sites

from .conftest import build_site

GUIDE = Path("docs/sites/sanwan.md")
DOCENT = "亲爱的同学们，欢迎来到三湾村。这里是三湾改编的地方。"


def _edit_guide(project: Path, *, docent: bool = False, placeholder: bool = False) -> None:
    path = project / GUIDE
    text = path.read_text(encoding="utf-8")
    if docent:
        text = text.rstrip("\n") + f"\n\n## 红领巾讲解词\n\n{DOCENT}\n"
    if placeholder:
        text, count = re.subn(r"(?m)^coordinates: \{.*\}$", "coordinates: {lat: 0, lon: 0}  # 待填写", text)
        assert count == 1, "the fixture guide has one coordinates line"
    path.write_text(text, encoding="utf-8")


def kit_html(route: Route, context: RenderContext) -> str:
    """The kit's HTML as the field-kits output prepares it for printing."""
    job = Job(route, name=f"{route.id}.pdf", source=str(route.source.path))
    FieldKitsOutput(context).prepare(job)
    return job.html


def _kit(project: Path) -> str:
    context, problems = render_context(project / "mkdocs.yml")
    assert context is not None, problems
    route = context.model.routes["sanwan-day"]
    return kit_html(route, context)


def test_field_kit_prints_the_docent_script_of_each_stop(project: Path) -> None:
    _edit_guide(project, docent=True)
    html = _kit(project)
    start = html.index('<section class="page docent">')
    section = html[start:html.index("</section>", start)]
    assert "<h2>红领巾讲解词</h2>" in section
    assert "1. 三湾改编旧址" in section
    assert DOCENT in section


def test_field_kit_has_no_docent_page_when_no_guide_has_one(project: Path) -> None:
    assert "红领巾讲解词" not in _kit(project)


def test_route_with_placeholder_coordinates_names_the_site_instead_of_a_map(project: Path) -> None:
    _edit_guide(project, placeholder=True)
    context, problems = render_context(project / "mkdocs.yml")
    assert context is not None, problems
    route = context.model.routes["sanwan-day"]
    assert route_map(route, context.model) is None
    assert unmapped_sites(route, context.model) == ["三湾改编旧址"]
    kit = kit_html(route, context)
    assert "<svg" not in kit and "路线示意图暂缺：三湾改编旧址的坐标还没有填写" in kit
    page = (build_site(project) / "routes" / "sanwan-day" / "index.html").read_text(encoding="utf-8")
    assert 'class="jg-route-map"' not in page
    assert "路线示意图暂缺：三湾改编旧址的坐标还没有填写" in page


def test_route_with_coordinates_still_has_its_map(project: Path) -> None:
    context, problems = render_context(project / "mkdocs.yml")
    assert context is not None, problems
    route = context.model.routes["sanwan-day"]
    assert route_map(route, context.model) is not None
    assert unmapped_sites(route, context.model) == []
    assert '<svg class="jg-route-map"' in kit_html(route, context)
