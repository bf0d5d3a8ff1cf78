"""Lecturer materials in every form: .pptx, notes PDF and Markdown, presenter mode, page views."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from jinggang.content.loader import Settings, load_content
from jinggang.outputs.slides.deck import build_deck
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


@pytest.mark.judge
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


def test_notes_pdf_gives_each_slide_a_readable_page(starter_site: Path, starter_model: Any) -> None:
    """One slide a page, page n showing slide n with its notes, and slide text a room could read:
    read back with pdftotext -bbox, where a Chinese character is one em wide."""
    for material in starter_model.lecturers.values():
        pdf = starter_site / "downloads/slides" / f"{material.id}-notes.pdf"
        pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                               check=True).stdout.split("\f")[:-1]
        total = len(material.slides)
        assert len(pages) == total, (material.id, len(pages))
        assert re.search(r"第\s*1\s*页\s*/\s*共", pages[0])
        xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        for slide, text, page in zip(material.slides, pages, xml.split("<page ")[1:], strict=True):
            assert [n for n in range(1, total + 1) if f"幻灯片 {n} / {total}" in text] == [slide.number]
            assert plain_text(slide.notes)[:20] in "".join(text.split())
            found = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', page)
            # Words of Chinese characters only (full-width punctuation included): one em each.
            # The slide box comes before the notes: a word's first occurrence is the slide's. Curly
            # quotes count as an em too: if narrower, the size read is a lower bound.
            words: dict[str, float] = {}
            for x0, x1, word in found:
                if len(word) >= 2 and all(ord(char) >= 0x2E80 or char in "“”‘’" for char in word):
                    words.setdefault(word, float(x1) - float(x0))
            title = next(word for word in words if word in slide.title)
            assert words[title] / len(title) >= 18, (material.id, slide.number, title)  # points a character
            content = plain_text(slide.content)
            first = next(word for word in words if word in content and word not in slide.title)
            assert words[first] / len(first) >= 14, (material.id, slide.number, first)


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


def test_deck_has_the_site_colours_and_a_designed_title_slide(starter_site: Path, starter_model: Any) -> None:
    for material in starter_model.lecturers.values():
        path = starter_site / "downloads/slides" / f"{material.id}.pptx"
        with zipfile.ZipFile(path) as package:
            theme = package.read("ppt/theme/theme1.xml").decode("utf-8")
        assert re.search(r'<a:accent1><a:srgbClr val="B71C1C"/>', theme), material.id
        deck = Presentation(str(path))
        cover, first = deck.slides[0], deck.slides[1]
        assert str(cover.background.fill.fore_color.rgb) == "B71C1C"  # not the default white slide
        assert str(cover.shapes.title.text_frame.paragraphs[0].runs[0].font.color.rgb) == "FFFFFF"
        assert str(first.shapes.title.text_frame.paragraphs[0].runs[0].font.color.rgb) == "B71C1C"
        bars = [shape for shape in first.shapes if shape.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE]
        assert bars and str(bars[0].fill.fore_color.rgb) == "B71C1C"
        assert all(page.notes_slide.notes_text_frame.text for page in deck.slides)


def test_slide_image_goes_into_the_deck_and_a_missing_one_is_refused(project: Path) -> None:
    """A slide may carry a Markdown image (a PNG made here): it lands in the deck as a picture
    with its alt text; the same line naming a file that is not there fails the check."""
    from PIL import Image

    talk = project / "docs/lecturers/sanwan-talk.md"
    Image.new("RGB", (320, 180), (183, 28, 28)).save(project / "docs/lecturers/pole.png")
    source = talk.read_text(encoding="utf-8")
    talk.write_text(source.replace("- 永新县三湾村\n", "- 永新县三湾村\n\n![一根竹扁担](pole.png)\n"), encoding="utf-8")
    result = load_content(Settings.for_project(project))
    assert result.ok and result.model is not None, result.problems
    material = result.model.lecturers["sanwan-talk"]
    deck = Presentation(io.BytesIO(build_deck(material, result.model, project / "docs")))
    pictures = [shape for shape in deck.slides[1].shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1 and pictures[0]._element.nvPicPr.cNvPr.get("descr") == "一根竹扁担"
    assert deck.slides[1].notes_slide.notes_text_frame.text == "同学们，今天我们走进三湾。"

    (project / "docs/lecturers/pole.png").unlink()
    problems = load_content(Settings.for_project(project)).problems
    assert any("图片 pole.png 不存在" in problem.message for problem in problems), problems
