"""Golden files: what the site and the downloads render from the small fixture's content model,
without a MkDocs build or a browser, compared byte for byte with tests/golden/.

After a deliberate change to a template or a renderer, run
`pytest tests/test_golden.py --update-golden` and review the diff of tests/golden/ like code.
Nothing is normalised: an output that changed from one run to the next would be a bug.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from jinggang.cli import render_context
from jinggang.content.model import LecturerMaterial
from jinggang.content.schemas import SchemaSet
from jinggang.editing.commands import summary_text
from jinggang.outputs.context import RenderContext
from jinggang.outputs.field_kits import kit_html
from jinggang.outputs.packets.document import build_document, render_html
from jinggang.outputs.slides.command import notes_html
from jinggang.website.config_file import load_mkdocs_config
from jinggang.website.page_parts import item_card
from jinggang.website.pages import generated_pages, lecturer_markdown
from jinggang.website.plugin import settings_from
from jinggang.website.render import GeneratedPage, url_for

from .conftest import make_project

GOLDEN = Path(__file__).resolve().parent / "golden"
# The day the PR summary is checked on: warnings that depend on the date stay what they are.
TODAY = date(2026, 11, 27)
# The print fonts' @font-face rules name files by absolute path (the checkout's): an input of
# the PDFs, not something their templates make, so the golden HTML holds this line instead.
FONT_CSS = "/* print fonts: outputs/fonts.py font_face_css */"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("golden") / "project")


@pytest.fixture(scope="module")
def context(project: Path) -> Iterator[RenderContext]:
    found, problems = render_context(project / "mkdocs.yml")
    assert found is not None, problems
    found.font_css = FONT_CSS  # type: ignore[misc]
    yield found


@pytest.fixture(scope="module")
def pages(project: Path, context: RenderContext) -> list[GeneratedPage]:
    """The generated pages; the renderer knows every page's URL, as the plugin's on_files does."""
    found = generated_pages(context.model, SchemaSet(project / "curriculum" / "schema"))
    docs = project / "docs"
    uris = [path.relative_to(docs).as_posix() for path in sorted(docs.rglob("*.md"))]
    context.renderer.urls = {uri: url_for(uri) for uri in [*uris, *(page.src_uri for page in found)]}
    return found


def compare(request: pytest.FixtureRequest, folder: str, rendered: dict[str, str]) -> None:
    """rendered (file name -> text) against tests/golden/<folder>/, or rewrite the folder."""
    target = GOLDEN / folder
    if request.config.getoption("--update-golden"):
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for name, text in rendered.items():
            (target / name).write_text(text, encoding="utf-8")
        return
    expected = {path.name: path.read_text(encoding="utf-8") for path in sorted(target.glob("*"))}
    assert sorted(rendered) == sorted(expected), f"tests/golden/{folder}/ holds other files (--update-golden)"
    differences = []
    for name, text in rendered.items():
        if text != expected[name]:
            diff = difflib.unified_diff(expected[name].splitlines(), text.splitlines(),
                                        f"golden/{folder}/{name}", "rendered", lineterm="", n=1)
            differences.append("\n".join(list(diff)[:40]))
    assert not differences, "\n\n".join(differences)


def file_name(src_uri: str, suffix: str = ".html") -> str:
    return src_uri.removesuffix(".md").replace("/", "__") + suffix


def test_generated_pages(request: pytest.FixtureRequest, context: RenderContext,
                         pages: list[GeneratedPage]) -> None:
    rendered = {file_name(page.src_uri): context.renderer.generated_body(page, url_for(page.src_uri))
                for page in pages}
    assert len(rendered) == len(pages)  # one file each: no two pages share a name
    compare(request, "pages", rendered)


def test_item_cards_and_footers(request: pytest.FixtureRequest, context: RenderContext,
                                pages: list[GeneratedPage]) -> None:
    rendered = {}
    for item in sorted(context.model.items(), key=lambda item: (item.KIND, item.id)):
        card, footer = item_card(context.renderer, url_for(item.src_uri), item, context.verified_max_age_days)
        rendered[f"{item.KIND}-{item.id}.card.html"] = card
        rendered[f"{item.KIND}-{item.id}.footer.html"] = footer
    assert {name.split("-")[0] for name in rendered} >= {"lesson", "lecturer", "site"}
    compare(request, "items", rendered)


def test_lecturer_bodies(request: pytest.FixtureRequest, context: RenderContext) -> None:
    materials = [item for item in context.model.items() if isinstance(item, LecturerMaterial)]
    assert materials
    compare(request, "lecturer-bodies",
            {f"{material.id}.md": lecturer_markdown(material, context.renderer) for material in materials})


def test_packet_html(request: pytest.FixtureRequest, context: RenderContext) -> None:
    rendered = {f"{packet.id}.html": render_html(build_document(packet, context.model, context.site_url),
                                                context.renderer, context.render_markdown, context.font_css,
                                                context.verified_max_age_days)
                for packet in sorted(context.model.packets.values(), key=lambda packet: packet.id)}
    assert rendered
    compare(request, "packets", rendered)


def test_field_kit_html(request: pytest.FixtureRequest, context: RenderContext) -> None:
    rendered = {f"{route.id}.html": kit_html(route, context)
                for route in sorted(context.model.routes.values(), key=lambda route: route.id)}
    assert rendered
    compare(request, "field-kits", rendered)


def test_lecture_notes_html(request: pytest.FixtureRequest, context: RenderContext) -> None:
    rendered = {f"{material.id}.html": notes_html(material, context)
                for material in sorted(context.model.lecturers.values(), key=lambda material: material.id)}
    assert rendered
    compare(request, "notes", rendered)


def git(project: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(project), "-c", "user.name=编者", "-c", "user.email=editor@example.org",
                    *args], check=True, capture_output=True)


def test_pr_summary(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """A change with an error and a warning in changed files: the summary an editor reads."""
    project = make_project(tmp_path / "repo")
    (project / ".gitignore").write_text("node_modules\nsite/\n.cache/\n", encoding="utf-8")  # as the project's
    git(project, "init", "--quiet", "--initial-branch=main")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", "基准")
    lesson = project / "docs/lessons/sanwan-branch.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace(
        "summary: 讲述三湾改编如何把党的支部建在连上。", "summary: 讲述 1927 年三湾改编如何把党的支部建在连上。"),
        encoding="utf-8")
    guide = project / "docs/sites/sanwan.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace('verified: "2026-06-01"', "verified: null"),
                     encoding="utf-8")
    config_file = project / "mkdocs.yml"
    config = load_mkdocs_config(config_file)
    settings = replace(settings_from(config, config.plugins["jinggang"].config), today=TODAY)  # type: ignore[attr-defined]
    clean = summary_text(project, "main", settings)
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("duration: 15", "duration: 50"), encoding="utf-8")
    broken = summary_text(project, "main", settings)
    compare(request, "summary", {"clean-change.md": clean, "change-with-an-error.md": broken})
