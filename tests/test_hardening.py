"""Nothing runs, nothing leaks: titles are text, bodies pass an allowlist, the printer loads only our files.

The check refuses script with file:line (tests/check_cases/); these tests hold the second
wall: a title full of HTML builds into inert text, a body that reaches the renderer past the
check loses everything outside the allowlist, and a printed document cannot read host files
or other hosts. Pages are opened in Chromium with a dialog listener: alert() must never fire.
"""

from __future__ import annotations

import io
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

from .conftest import make_project

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

    index = _route_index(FakeRoute())  # type: ignore[arg-type]
    assert "<script>" not in index and "&lt;script&gt;" in index


@pytest.mark.browser
def test_printer_loads_no_host_file_and_no_other_host(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LINE", encoding="utf-8")
    image = tmp_path / "ok.png"
    image.write_bytes(bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                                    "0000000d4944415478da63f8cfc0f01f0005000201a6a8d4f30000000049454e44ae426082"))
    html = ('<!DOCTYPE html><html><body><p>正文</p>'
            f'<iframe src="{secret.as_uri()}"></iframe>'
            '<iframe src="../../../../../../../../etc/passwd"></iframe>'
            '<link rel="stylesheet" href="https://example.org/x.css">'
            f'<img src="{image.as_uri()}" alt="ok"></body></html>')

    printed: list[bytes] = []

    async def run() -> None:
        printer = Printer(1)
        try:
            printed.append(await printer.print_document(html, Metadata("t", "a", "s", "k", "2026-01-01")))
        finally:
            await printer.close()

    run_coroutine(run())  # the session's sync Playwright runs an event loop in this thread
    pdf = printed[0]
    text = unicodedata.normalize("NFKC", "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    assert "正文" in text
    assert "TOP-SECRET-LINE" not in text and "root:" not in text
