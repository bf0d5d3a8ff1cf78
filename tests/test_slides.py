"""Lecturer materials in every form: .pptx, notes PDF and Markdown, presenter mode, page views."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation

from jinggang.content.loader import Settings, load_content
from jinggang.outputs.slides.text import plain_text

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def starter_model(starter_project: Path) -> Any:
    result = load_content(Settings.for_project(starter_project))
    assert result.model is not None
    return result.model.published_view()


def test_every_material_yields_all_downloads(starter_site: Path, starter_model: Any) -> None:
    assert len(starter_model.lecturers) >= 3
    for material_id in starter_model.lecturers:
        for name in (f"{material_id}.pptx", f"{material_id}-notes.pdf", f"{material_id}-notes.md"):
            assert (starter_site / "downloads/slides" / name).stat().st_size > 0, name
        assert (starter_site / "lecturers" / material_id / "present/index.html").is_file()


def test_pptx_matches_the_source(starter_site: Path, starter_model: Any) -> None:
    for material in starter_model.lecturers.values():
        deck = Presentation(str(starter_site / "downloads/slides" / f"{material.id}.pptx"))
        slides = list(deck.slides)
        assert len(slides) == len(material.slides) + 1  # a title slide first
        assert slides[0].shapes.title.text == material.title
        for page, slide in zip(slides[1:], material.slides, strict=True):
            assert page.shapes.title.text == slide.title
            assert page.notes_slide.notes_text_frame.text == plain_text(slide.notes)
            body = "".join(shape.text_frame.text for shape in page.placeholders
                           if shape.has_text_frame and shape != page.shapes.title)
            first_bullet = plain_text(slide.content.splitlines()[0].lstrip("-*0123456789. "))
            assert first_bullet in body
        east_asian = deck.slides[1].shapes.title.text_frame.paragraphs[0].runs[0]._r.find(
            ".//{http://schemas.openxmlformats.org/drawingml/2006/main}ea")
        assert east_asian is not None and east_asian.get("typeface") == "Microsoft YaHei"


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice not installed (.ci/run installs it)")
def test_libreoffice_converts_every_deck(starter_site: Path, starter_model: Any, tmp_path: Path) -> None:
    decks = sorted((starter_site / "downloads/slides").glob("*.pptx"))
    profile = (tmp_path / "lo-profile").as_uri()
    completed = subprocess.run(["libreoffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                                "pdf", "--outdir", str(tmp_path), *map(str, decks)],
                               capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stderr
    for deck in decks:
        pdf = tmp_path / f"{deck.stem}.pdf"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        assert pages == len(starter_model.lecturers[deck.stem].slides) + 1


def test_notes_pdf_has_one_box_per_slide(starter_site: Path, starter_model: Any) -> None:
    for material in starter_model.lecturers.values():
        pdf = starter_site / "downloads/slides" / f"{material.id}-notes.pdf"
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        total = len(material.slides)
        assert [number for number in range(1, total + 1) if f"幻灯片 {number} / {total}" in text] == \
            list(range(1, total + 1))
        assert re.search(r"第\s*1\s*页\s*/\s*共", text)


def test_notes_markdown(starter_site: Path, starter_model: Any) -> None:
    material = starter_model.lecturers["sanwan-to-jinggang"]
    notes = (starter_site / "downloads/slides/sanwan-to-jinggang-notes.md").read_text(encoding="utf-8")
    assert notes.startswith(f"# {material.title}：讲稿")
    for slide in material.slides:
        assert f"## {slide.number}. {slide.title}" in notes
        assert plain_text(slide.notes)[:30] in notes


def test_presenter_mode_keys_counter_and_speaker_view(browser: Any, starter_site: Path) -> None:
    requests: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto((starter_site / "lecturers/zhu-de-pole-talk/present/index.html").as_uri())
    counter = page.locator(".slide-number")
    counter.wait_for()
    total = counter.inner_text().split("/")[1].strip()
    assert counter.inner_text().replace(" ", "") == f"1/{total}"
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('.slide-number').innerText.replace(/\\s/g, '').startsWith('2/')")
    page.keyboard.press("Space")
    page.wait_for_function("document.querySelector('.slide-number').innerText.replace(/\\s/g, '').startsWith('3/')")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("document.querySelector('.slide-number').innerText.replace(/\\s/g, '').startsWith('2/')")
    with context.expect_page() as opened:
        page.keyboard.press("s")
    speaker = opened.value
    speaker.locator(".speaker-controls-notes").wait_for()
    speaker.wait_for_function("document.querySelector('.speaker-controls-notes').innerText.includes('分钟')")
    assert speaker.locator(".speaker-controls-time").count() == 1
    assert speaker.locator("#upcoming-slide, .speaker-controls-upcoming, iframe").count() >= 1
    context.close()
    assert all(url.startswith(("file:", "about:", "data:")) for url in requests), requests


def test_lecturer_page_links_all_forms(starter_site: Path) -> None:
    html = (starter_site / "lecturers/zhu-de-pole-talk/index.html").read_text(encoding="utf-8")
    for href in ('href="present/index.html"', 'href="../../downloads/slides/zhu-de-pole-talk.pptx"',
                 'href="../../downloads/slides/zhu-de-pole-talk-notes.pdf"',
                 'href="../../downloads/slides/zhu-de-pole-talk-notes.md"'):
        assert href in html
