"""Nothing runs, nothing leaks: titles are text, bodies pass an allowlist, the printer loads only our files.

The check refuses script with file:line (tests/check_cases/); these tests hold the second
wall: a title full of HTML builds into inert text, a body that reaches the renderer past the
check loses everything outside the allowlist, and a printed document cannot read host files
or other hosts. Pages are opened in Chromium with a dialog listener: alert() must never fire.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from jinggang.cli import run_build
from jinggang.content.sanitize import markdown_heading, sanitize_html
from jinggang.outputs.offline import _route_index
from jinggang.outputs.printer import Metadata, Printer, run_coroutine
from jinggang.website.render import Renderer

from .conftest import REPO, make_project

TITLE = '共青团<img src=x onerror=alert(1)>{: onclick="alert(2)"}*强*'

VECTORS = [
    '<img src=x onerror="alert(1)">',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<p onmouseover="alert(1)" tabindex="0" autofocus onfocus="alert(1)">x</p>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0; url=javascript:alert(1)">',
    '<script>alert(1)</script>',
    '<details open ontoggle="alert(1)"><summary>x</summary></details>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<object data="javascript:alert(1)"></object>',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
]


def event_attributes(page: str) -> list[str]:
    """on*= attributes of the parsed page (text that only looks like one inside a value is fine)."""
    found: list[str] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.extend(f"<{tag} {name}>" for name, _ in attrs if name.startswith("on"))

    Parser().feed(page)
    return found


def dialogs_on(browser: Any, url: str) -> list[str]:
    page = browser.new_page()
    seen: list[str] = []
    page.on("dialog", lambda dialog: (seen.append(dialog.message), dialog.dismiss()))
    page.route("http*://**", lambda route: route.abort())  # nothing leaves the machine
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)
    # Attribute handlers that need a reader's action: fire them for every element.
    page.evaluate("""() => document.querySelectorAll("*").forEach((element) => {
        for (const type of ["mouseover", "focus", "click", "toggle"]) element.dispatchEvent(new Event(type));
    })""")
    page.wait_for_timeout(100)
    page.close()
    return seen


def test_markdown_heading_is_inert_text() -> None:
    heading = markdown_heading(TITLE)
    assert "<" not in heading and "{" not in heading and "*" not in heading[2:]


@pytest.mark.browser
def test_sanitized_vectors_run_nothing(browser: Any, tmp_path: Path) -> None:
    cleaned = "\n".join(sanitize_html(vector) for vector in VECTORS)
    for word in ("onerror", "onfocus", "ontoggle", "javascript", "srcdoc", "<base", "<meta", "<script", "<iframe"):
        assert word not in cleaned.lower(), word
    page = tmp_path / "page.html"
    page.write_text(f"<!DOCTYPE html><html><body>{cleaned}</body></html>", encoding="utf-8")
    assert dialogs_on(browser, page.as_uri()) == []


@pytest.mark.browser
def test_html_in_titles_is_shown_not_run(browser: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    lesson = project / "docs/lessons/sanwan-branch.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("title: 支部建在连上", f"title: '{TITLE}'"),
                      encoding="utf-8")
    route = project / "curriculum/routes/sanwan-day.yml"
    route.write_text(route.read_text(encoding="utf-8").replace("title: 三湾一日测试路线",
                                                               "title: '路线<svg onload=alert(3)>'"),
                     encoding="utf-8")
    site = project / "site"
    assert run_build(project, project / "mkdocs.yml", site, strict=True) == 0
    page = (site / "lessons/sanwan-branch/index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in page and event_attributes(page) == []
    assert "共青团&lt;img src=x onerror=alert(1)&gt;" in page
    for url in ("lessons/sanwan-branch/index.html", "lessons/index.html", "routes/sanwan-day/index.html"):
        assert dialogs_on(browser, (site / url).as_uri()) == [], url


def test_route_zip_index_escapes_the_title() -> None:
    class FakeRoute:
        id = "r"
        title = "</title><script>alert(1)</script>"

    index = _route_index(FakeRoute(), Renderer([str(REPO / "site_overrides")], None).env)  # type: ignore[arg-type]
    assert "<script>" not in index and "&lt;script&gt;" in index


@pytest.mark.browser
@pytest.mark.parametrize("fonts_unchecked", [False, True], ids=["every-request-checked", "print-fonts-unchecked"])
def test_printer_loads_no_host_file_and_no_other_host(tmp_path: Path, fonts_unchecked: bool, own_browser: None) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LINE", encoding="utf-8")
    fonts = tmp_path / "fonts"  # the print fonts' folder, whose woff2 files load unchecked
    fonts.mkdir()
    image = tmp_path / "ok.png"
    image.write_bytes(bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                                    "0000000d4944415478da63f8cfc0f01f0005000201a6a8d4f30000000049454e44ae426082"))
    html = ('<!DOCTYPE html><html><body><p>正文</p>'
            f'<iframe src="{secret.as_uri()}"></iframe>'
            '<iframe src="../../../../../../../../etc/passwd"></iframe>'
            f'<iframe src="{fonts.as_uri()}/../secret.txt"></iframe>'
            f'<iframe src="{fonts.as_uri()}/%2e%2e/secret.txt"></iframe>'
            '<link rel="stylesheet" href="https://example.org/x.css">'
            f'<img src="{image.as_uri()}" alt="ok"></body></html>')

    printed: list[bytes] = []

    async def run() -> None:
        printer = Printer(1, fonts_dir=fonts if fonts_unchecked else None)
        try:
            printed.append(await printer.print_document(html, Metadata("t", "a", "s", "k", "2026-01-01")))
        finally:
            await printer.close()

    # own_browser: a Printer's own Chromium, on a thread of its own when the sync Playwright of the
    # worker's browser fixture runs an event loop in this one.
    run_coroutine(run())
    pdf = printed[0]
    text = unicodedata.normalize("NFKC", "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    assert "正文" in text
    assert "TOP-SECRET-LINE" not in text and "root:" not in text


HOSTILE = "<script>alert(1)</script>&\"'"


def hostile_config(project: Path) -> str:
    """mkdocs.yml with markup in every text setting that reaches a page; returns the site name."""
    name = "井冈" + HOSTILE
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    settings = {"site_name": name, "site_description": "吉安" + HOSTILE, "repo_name": "仓库" + HOSTILE,
                # May hold a link or an entity (Material's docs), so it passes the allowlist instead.
                "copyright": "版权 &copy; <img src=x onerror=alert(2)><script>alert(3)</script>"}
    for key, value in settings.items():
        text, found = re.subn(rf"^{key}: .*$", f"{key}: {json.dumps(value, ensure_ascii=False)}", text, flags=re.M)
        assert found == 1, key
    for old, new in (("site_description:", f"site_author: {json.dumps('作者' + HOSTILE)}\nsite_description:"),
                     ("name: 切换到深色模式", f"name: {json.dumps('深色' + HOSTILE)}"),
                     ("  - 党史时间线: timeline.md", f"  - {json.dumps('时间线' + HOSTILE)}: timeline.md"),
                     ("  - 编者指南:", f"  - {json.dumps('编者' + HOSTILE)}:")):
        assert old in text, old
        text = text.replace(old, new, 1)
    config.write_text(text, encoding="utf-8")
    return name


class Page(HTMLParser):
    """What a reader gets from a built page: its title, its text, its script elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.title = ""
        self.text: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1] == "title" and "head" in self.open:
            self.title += data
        elif self.open and self.open[-1] == "script":
            self.scripts.append(data)
        else:
            self.text.append(data)


def read_page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.mark.browser
def test_mkdocs_yml_text_is_shown_not_run(browser: Any, tmp_path: Path) -> None:
    """site_name and the other text of mkdocs.yml is text on every page, in the feeds, OpenSearch and cards."""
    from xml.etree import ElementTree

    from jinggang.cli import render_context
    from jinggang.outputs.pipeline import Job
    from jinggang.outputs.share_images import ShareCardsOutput, share_cards

    project = make_project(tmp_path / "project")
    name = hostile_config(project)
    # A hand-written page whose first heading spells a closing </title> as entities: Material's
    # <title> ran it through striptags, which turned the entities back into markup.
    guide = project / "docs/editors/index.md"
    heading = "# 指南&lt;/title&gt;&lt;script&gt;alert(4)&lt;/script&gt;"
    guide.write_text(guide.read_text(encoding="utf-8").replace("# 编者指南", heading, 1), encoding="utf-8")
    site = project / "site"
    assert run_build(project, project / "mkdocs.yml", site, strict=True) == 0

    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 15
    for path in pages:
        page = read_page(path)
        assert [script for script in page.scripts if "alert" in script] == [], path
        assert event_attributes(path.read_text(encoding="utf-8")) == [], path
        if "present" not in path.parts:
            assert page.title.endswith(name), (path, page.title)
    home = read_page(site / "index.html")
    shown = " ".join(" ".join(home.text).split())
    for text in (name, "仓库" + HOSTILE, "时间线" + HOSTILE, "编者" + HOSTILE, "版权 ©"):
        assert text in shown, text
    assert read_page(site / "editors/index.html").title == f"指南</title><script>alert(4)</script> - {name}"
    for url in ("index.html", "404.html", "timeline/index.html", "editors/index.html",
                "lessons/sanwan-branch/index.html"):
        assert dialogs_on(browser, (site / url).as_uri()) == [], url

    atom = "{http://www.w3.org/2005/Atom}"
    updates = ElementTree.parse(site / "feeds/updates.xml").getroot()
    assert updates.findtext(atom + "title") == f"{name}：新增和更新"
    opensearch = ElementTree.parse(site / "search/opensearch.xml").getroot()
    assert opensearch.findtext("{http://a9.com/-/spec/opensearch/1.1/}ShortName") == name[:16]
    context = render_context(project / "mkdocs.yml")[0]
    assert context is not None
    assert context.site_name == name  # the cards take mkdocs.yml's own text, as written
    output = ShareCardsOutput(context)
    for card in share_cards(context):
        job = Job(card, card.name, output.source(card))
        output.prepare(job)  # the card's HTML, which Chromium draws
        drawn = Page()
        drawn.feed(job.html)
        assert drawn.scripts == [] and name in "".join(drawn.text), card.name
