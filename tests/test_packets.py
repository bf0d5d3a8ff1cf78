"""PDF packets rendered through Playwright and read back with pypdf, pdftotext, pdffonts, zbarimg."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import markdown
import pytest
from pypdf import PdfReader

from jinggang.cli import run_downloads

pytestmark = pytest.mark.browser


def pdftotext(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def top_level_outline(reader: PdfReader) -> list[tuple[str, int]]:
    return [(entry.title, reader.get_destination_page_number(entry) + 1)
            for entry in reader.outline if not isinstance(entry, list)]


def toc_pages(pdf: Path) -> list[tuple[str, int]]:
    """(heading, page number) as printed in the table of contents (page 2), in order."""
    toc = pdftotext(pdf, 2)
    return [(match.group(2).strip(), int(match.group(3)))
            for match in re.finditer(r"^\s*(微团课|研学指南|讲师资料|学生活页)\s+(.+?)\s+(\d+)\s*$", toc, re.M)]


def starter_packets(site: Path) -> list[Path]:
    return sorted((site / "downloads/packets").glob("*.pdf"))


def test_three_starter_packets_for_different_audiences(starter_site: Path) -> None:
    packets = starter_packets(starter_site)
    assert len(packets) >= 3
    audiences = {PdfReader(pdf).metadata["/Keywords"].split("，")[0] for pdf in packets}
    assert len(audiences) >= 3


def test_toc_bookmarks_and_headings_agree(starter_site: Path) -> None:
    for pdf in starter_packets(starter_site):
        reader = PdfReader(pdf)
        bookmarks = top_level_outline(reader)
        toc = toc_pages(pdf)
        assert len(toc) >= 3, pdf.name
        assert bookmarks == toc, pdf.name
        for title, page in bookmarks:
            # The item's heading really stands on that page, and the page before is another item's.
            assert title in pdftotext(pdf, page).replace(" ", ""), (pdf.name, title, page)
        assert [page for _, page in bookmarks] == sorted(page for _, page in bookmarks)
        assert bookmarks[0][1] == 3  # cover, table of contents, then the first item


def test_cover_header_footer_and_page_count(starter_site: Path) -> None:
    pdf = starter_site / "downloads/packets/league-sanwan-party-history.pdf"
    reader = PdfReader(pdf)
    total = len(reader.pages)
    cover = pdftotext(pdf, 1)
    # The edition is the latest `updated` among the packet's items: the 三湾 guide's, 2026-11-27.
    for expected in ("从三湾到井冈：团员青年党史学习讲义包", "团员青年", "井冈传人编写组", "分钟", "2026年11月27日"):
        assert expected in cover
    assert "第 1 页" not in cover  # no running header or footer on the cover
    last = pdftotext(pdf, total)
    assert f"第 {total} 页 / 共 {total} 页" in last
    assert "从三湾到井冈：团员青年党史学习讲义包" in last.splitlines()[0]


def test_fonts_embedded_text_extracts_metadata_set(starter_site: Path) -> None:
    for pdf in starter_packets(starter_site):
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows and all(row.split()[-5] == "yes" for row in rows), fonts  # the "emb" column
        reader = PdfReader(pdf)
        metadata = reader.metadata
        assert metadata is not None
        for key in ("/Title", "/Author", "/Subject", "/Keywords"):
            assert metadata[key], key
        assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
        assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged
        text = pdftotext(pdf)
        assert metadata["/Title"] in text
        assert "\ufffd" not in text  # no missing glyphs


def all_pdfs(site: Path) -> list[Path]:
    """Every PDF a teacher can download: packets, route field kits, lecturers' notes."""
    return sorted((site / "downloads").rglob("*.pdf"))


def test_every_pdf_embeds_truetype_subsets_not_type3(starter_site: Path) -> None:
    """Print shops' preflight rejects Type 3 fonts: Chinese must come as CID TrueType subsets."""
    pdfs = all_pdfs(starter_site)
    assert {pdf.parent.name for pdf in pdfs} == {"packets", "routes", "slides"}
    for pdf in pdfs:
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = fonts.splitlines()[2:]
        assert not [row for row in rows if "Type 3" in row], (pdf.name, fonts)
        assert any("CID TrueType" in row and "NotoSansSC" in row for row in rows), (pdf.name, fonts)
        assert any("CID TrueType" in row and "NotoSerifSC" in row for row in rows), (pdf.name, fonts)
        assert all(re.match(r"[A-Z]{6}\+", row) for row in rows), (pdf.name, fonts)  # subset


def test_each_item_has_a_qr_code_to_its_page(starter_site: Path) -> None:
    pdf = starter_site / "downloads/packets/league-sanwan-party-history.pdf"
    image = starter_site.parent / "qr-page"
    subprocess.run(["pdftoppm", "-r", "200", "-f", "3", "-l", "3", "-png", "-singlefile", str(pdf), str(image)],
                   check=True)
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", f"{image}.png"], capture_output=True, text=True,
                             check=True).stdout.split()
    assert decoded == ["https://jinggang-heirs.github.io/jinggang/lessons/sanwan-branch-in-company/"]
    caption = [line.strip() for line in pdftotext(pdf, 3).splitlines() if re.fullmatch(r"\s*[a-z/-]+\s*", line)]
    assert "".join(caption) == "/lessons/sanwan-branch-in-company/", caption  # the path, not the whole URL
    assert all(line.endswith(("/", "-")) for line in caption), caption  # broken only after / or -


def test_lecturer_slides_with_notes_and_handouts(starter_site: Path) -> None:
    pdf = starter_site / "downloads/packets/pioneers-jinggangshan-trip.pdf"
    text = pdftotext(pdf).replace(" ", "")
    assert "讲稿（" in text
    assert "学生活页：黄洋界哨口" in text and "研学任务单" in text
    assert "姓名：" in text


def test_packet_links_on_lesson_and_lecturer_pages(starter_site: Path) -> None:
    lesson = (starter_site / "lessons/sanwan-branch-in-company/index.html").read_text(encoding="utf-8")
    assert '<a href="../../downloads/packets/league-sanwan-party-history.pdf" download>' in lesson
    lecturer = (starter_site / "lecturers/zhu-de-pole-talk/index.html").read_text(encoding="utf-8")
    assert "../../downloads/packets/pioneers-jinggangshan-trip.pdf" in lecturer
    assert "下载讲义包" in lecturer


def page_texts(pdf: Path) -> list[str]:
    return ["".join(page.split()) for page in pdftotext(pdf).split("\f")[:-1]]


def test_no_page_holds_only_run_over_lines(starter_site: Path) -> None:
    """Photocopying a page for two lines doubles the paper: every page but the cover, the
    contents and the last (a form) holds at least 100 characters and a quarter of the median."""
    for pdf in all_pdfs(starter_site):
        texts = page_texts(pdf)
        floor = max(100, statistics.median(len(text) for text in texts) / 4)
        exempt = {0, len(texts) - 1} | ({1} if pdf.parent.name == "packets" else set())
        short = [(number + 1, text) for number, text in enumerate(texts) if number not in exempt and len(text) < floor]
        assert not short, (pdf.name, short)


def test_each_worksheet_fits_one_page_and_asks_for_the_right_unit(starter_site: Path) -> None:
    for pdf, unit in (("pioneers-jinggangshan-trip.pdf", "中队"), ("league-sanwan-party-history.pdf", "团支部")):
        path = starter_site / "downloads/packets" / pdf
        reader = PdfReader(path)
        starts = [page for _, page in top_level_outline(reader)] + [len(reader.pages) + 1]
        handouts = [(title, starts[index + 1] - page) for index, (title, page) in enumerate(top_level_outline(reader))
                    if title.startswith("学生活页")]
        assert handouts and all(pages == 1 for _, pages in handouts), (pdf, handouts)
        text = "".join(pdftotext(path).split())
        assert f"{unit}：＿" in text and "班级／团支部" not in text, pdf
    kit = "".join(pdftotext(starter_site / "downloads/routes/jinggangshan-two-days.pdf", 1).split())
    assert "中队／班级：＿" in kit  # a route for 少先队员 and 中学生


CONTINUED = "（续）"


def test_starter_marks_only_pages_that_continue_a_block(starter_site: Path) -> None:
    """One-page worksheets (every packet's) carry no 「（续）」; the field kits' two-page stop cards
    carry it on the second page, after the stop's number and name, the first page being that stop's."""
    for pdf in all_pdfs(starter_site):
        texts = page_texts(pdf)
        marked = [number for number, text in enumerate(texts, start=1) if CONTINUED in text]
        if pdf.parent.name != "routes":
            assert not marked, (pdf.name, marked)
            continue
        assert marked, pdf.name
        for number in marked:
            title = re.search(r"(\d+)\.(.+?)（续）", texts[number - 1])
            assert title and texts[number - 1].count(CONTINUED) == 1, (pdf.name, number)
            assert texts[number - 2].startswith(title.group(1) + title.group(2)), (pdf.name, number)


def test_long_worksheet_continues_on_a_page_marked_with_its_title(project: Path, minimal_site: Path) -> None:
    """A worksheet too long for one page takes two; the second starts with its title and 「（续）」,
    in the packet (A4) and in the field kit (A5). The one-page worksheet beside it has no mark."""
    guide = project / "docs/sites/sanwan.md"
    tasks = "".join(f"  - 第 {number} 题：在展厅里找到一件与三湾改编有关的展品，写下它的名称、年代，"
                    "以及它说明了改编的哪一项内容。\n" for number in range(1, 17))
    text = guide.read_text(encoding="utf-8")
    assert "tasks:\n  - 找到“支部建在连上”的展陈，记下改编的三项内容。\n" in text
    guide.write_text(text.replace("tasks:\n  - 找到“支部建在连上”的展陈，记下改编的三项内容。\n", "tasks:\n" + tasks),
                     encoding="utf-8")
    config = project / "mkdocs.yml"
    assert run_downloads(project, config, minimal_site, "packets", jobs=1, only=[]) == 0
    assert run_downloads(project, config, minimal_site, "routes", jobs=1) == 0

    packet = minimal_site / "downloads/packets/sanwan-packet.pdf"
    reader = PdfReader(packet)
    outline = top_level_outline(reader)
    starts = [page for _, page in outline] + [len(reader.pages) + 1]
    spans = {title: (page, starts[index + 1] - page) for index, (title, page) in enumerate(outline)}
    texts = page_texts(packet)
    long_start, long_pages = spans["学生活页：三湾改编旧址"]
    short_pages = spans["学生活页：支部建在连上"][1]
    assert (long_pages, short_pages) == (2, 1), spans
    marked = [number for number, text in enumerate(texts, start=1) if CONTINUED in text]
    assert marked == [long_start + 1], marked
    assert "学生活页：三湾改编旧址（续）" in texts[long_start]
    assert "第16题" in texts[long_start] and "第1题" in texts[long_start - 1]
    assert "安全提示" in texts[long_start]  # the box moved with the last tasks, not left alone on a page

    kit = page_texts(minimal_site / "downloads/routes/sanwan-day.pdf")
    marked = [number for number, text in enumerate(kit, start=1) if CONTINUED in text]
    assert marked and "1三湾改编旧址" in kit[marked[0] - 2] and "第1题" in kit[marked[0] - 2], marked
    assert marked == list(range(marked[0], marked[-1] + 1))  # the card's pages follow each other
    assert all("1.三湾改编旧址（续）" in kit[number - 1] for number in marked)
    assert "第16题" in kit[marked[-1] - 1]


def test_titles_carry_one_colon_and_no_lone_character(starter_site: Path) -> None:
    for pdf in all_pdfs(starter_site):
        title = PdfReader(pdf).metadata["/Title"]
        assert title.count("：") <= 1, (pdf.name, title)
        lines = [line.strip() for line in pdftotext(pdf, 1).splitlines() if line.strip()]
        assert not [line for line in lines if len(line) == 1], (pdf.name, lines)  # balanced wrapping


PENDING = "审核中·仅供试用"


def test_every_pdf_says_its_items_await_review(starter_site: Path) -> None:
    """The starter items are all 审核中: each PDF says so on its cover, by headings and in every footer."""
    for pdf in all_pdfs(starter_site):
        pages = PdfReader(pdf).pages
        cover = "".join(pdftotext(pdf, 1).split())
        assert PENDING in cover and "尚在审核" in cover and "勿作为正式教材印发" in cover, pdf.name
        for number in range(2, len(pages) + 1):
            assert PENDING in pdftotext(pdf, number).replace(" ", ""), (pdf.name, number)  # the footer


def test_reviewed_packet_names_its_reviewers(project: Path, minimal_site: Path) -> None:
    record = "status: published\nreviewed_by: 王老师、李馆员\nreviewed_on: \"2026-12-01\"\n"
    for path in ("docs/lessons/sanwan-branch.md", "docs/sites/sanwan.md", "docs/lecturers/sanwan-talk.md"):
        page = project / path
        page.write_text(page.read_text(encoding="utf-8").replace("status: review\n", record), encoding="utf-8")
    lesson = project / "docs/lessons/sanwan-branch.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace(
        "部队在三湾进行改编，把党的支部建在连上。\n",
        "部队在三湾进行改编，把党的支部建在连上。\n\n!!! legend\n    一段民间传说。\n"), encoding="utf-8")
    packet = project / "curriculum/packets/sanwan-packet.yml"
    reviewed_packet = packet.read_text(encoding="utf-8")
    # Every item reviewed, the packet itself still in review: its own status keeps the marks.
    assert run_downloads(project, project / "mkdocs.yml", minimal_site, "packets", jobs=1, only=[]) == 0
    text = "".join(pdftotext(minimal_site / "downloads/packets/sanwan-packet.pdf").split())
    assert "本讲义包的编排尚在审核，史实、引文和参观信息可能仍有错漏" in text and PENDING in text

    packet.write_text(reviewed_packet.replace("status: review\n", "status: published\nreviewed_by: 张编辑\n"
                                              "reviewed_on: \"2026-12-02\"\n"), encoding="utf-8")
    assert run_downloads(project, project / "mkdocs.yml", minimal_site, "packets", jobs=1, only=[]) == 0
    text = "".join(pdftotext(minimal_site / "downloads/packets/sanwan-packet.pdf").split())
    assert "全部内容已审核：张编辑、王老师、李馆员（2026-12-02）" in text
    assert "已审核：王老师、李馆员2026-12-01" in text  # by each item's heading
    assert PENDING not in text and "审核中" not in text
    assert "传说一段民间传说。" in text  # a story block prints its label
    # The citations, read from the sources register.
    assert "中共中央党史研究室：《中国共产党历史（第一卷）》，中共党史出版社，2011年。" in text


@pytest.fixture
def minimal_site(project: Path, shared_minimal_site: Path) -> Path:
    """The site a build of the unchanged project makes: a copy of the run's build of the same
    fixture, as a build does not depend on the folder it runs in (tests/test_reproducible.py); a
    copy costs a twentieth of a build. The project's packet cache starts empty, as after a build."""
    return Path(shutil.copytree(shared_minimal_site, project / "site", symlinks=True))


def test_cache_skips_unchanged_and_rerenders_changed(project: Path, minimal_site: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    config = project / "mkdocs.yml"
    assert run_downloads(project, config, minimal_site, "packets", jobs=1, only=[]) == 0
    pdf = minimal_site / "downloads/packets/sanwan-packet.pdf"
    first = pdf.read_bytes()
    capsys.readouterr()
    assert run_downloads(project, config, minimal_site, "packets", jobs=1, only=[]) == 0
    assert "未变化（缓存）" in capsys.readouterr().err
    assert pdf.read_bytes() == first

    lesson = project / "docs/lessons/sanwan-branch.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("三湾改编是建设新型人民军队的重要开端。",
                                                                 "三湾改编是建军史上的重要一步。"), encoding="utf-8")
    assert run_downloads(project, config, minimal_site, "packets", jobs=1, only=["sanwan-packet"]) == 0
    assert "已生成" in capsys.readouterr().err
    assert "三湾改编是建军史上的重要一步。" in pdftotext(pdf).replace(" ", "")


def test_a_packet_whose_reads_did_not_change_is_not_prepared_again(project: Path, minimal_site: Path,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """outputs/prepared.py: after a whole run, a packet that read nothing changed comes from the
    cache without its HTML being rendered; an edit it read, or a template, prepares it again."""
    from jinggang.outputs.packets.command import PacketsOutput

    config = project / "mkdocs.yml"
    assert run_downloads(project, config, minimal_site, "packets", jobs=1) == 0
    pdf = minimal_site / "downloads/packets/sanwan-packet.pdf"
    first = pdf.read_bytes()
    prepared: list[str] = []
    real_prepare = PacketsOutput.prepare

    def counted(self: PacketsOutput, job: Any) -> None:
        prepared.append(job.name)
        real_prepare(self, job)

    monkeypatch.setattr(PacketsOutput, "prepare", counted)
    # A value the packet does not read (the label of an audience none of its items has): not prepared.
    vocabularies = project / "curriculum/vocabularies.yml"
    text = vocabularies.read_text(encoding="utf-8")
    assert "  university: 大学生\n" in text
    vocabularies.write_text(text.replace("  university: 大学生\n", "  university: 高校学生\n"), encoding="utf-8")
    pdf.unlink()  # restored from the cache
    capsys.readouterr()
    assert run_downloads(project, config, minimal_site, "packets", jobs=1) == 0
    assert prepared == [] and pdf.read_bytes() == first
    assert "未变化（缓存） 1 个" in capsys.readouterr().err

    lesson = project / "docs/lessons/sanwan-branch.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("三湾改编是建设新型人民军队的重要开端。",
                                                                 "三湾改编是建军史上的重要一步。"), encoding="utf-8")
    assert run_downloads(project, config, minimal_site, "packets", jobs=1) == 0
    assert prepared == ["sanwan-packet.pdf"]
    assert "三湾改编是建军史上的重要一步。" in pdftotext(pdf).replace(" ", "")

    # Templates are not in the reads: any change there prepares every packet again.
    template = project / "site_overrides/jinggang/packet/parts.html"
    template.write_text(template.read_text(encoding="utf-8") + "\n{# a comment #}\n", encoding="utf-8")
    assert run_downloads(project, config, minimal_site, "packets", jobs=1) == 0
    assert prepared == ["sanwan-packet.pdf", "sanwan-packet.pdf"]


def test_same_input_gives_the_same_bytes(project: Path, minimal_site: Path, tmp_path: Path) -> None:
    config = project / "mkdocs.yml"
    assert run_downloads(project, config, minimal_site, "packets", jobs=1, only=[]) == 0
    shutil.rmtree(project / ".cache")
    other_site = tmp_path / "other-site"
    assert run_downloads(project, config, other_site, "packets", jobs=1, only=[]) == 0
    assert (minimal_site / "downloads/packets/sanwan-packet.pdf").read_bytes() == \
        (other_site / "downloads/packets/sanwan-packet.pdf").read_bytes()


def test_failed_render_keeps_previous_pdf_and_names_the_item(project: Path, minimal_site: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    config = project / "mkdocs.yml"
    second = project / "curriculum/packets/second-packet.yml"
    second.write_text((project / "curriculum/packets/sanwan-packet.yml").read_text(encoding="utf-8")
                      .replace("id: sanwan-packet", "id: second-packet").replace("  - lesson: sanwan-branch\n", ""),
                      encoding="utf-8")
    assert run_downloads(project, config, minimal_site, "packets", jobs=2, only=[]) == 0
    pdf = minimal_site / "downloads/packets/sanwan-packet.pdf"
    before = pdf.read_bytes()

    # Content the check accepts but rendering cannot (the check catches what it can foresee,
    # such as missing images): Markdown conversion fails inside one lesson.
    original_convert = markdown.Markdown.convert

    def convert(self: markdown.Markdown, text: str) -> str:
        if "渲染会失败的段落" in text:
            raise ValueError("无法转换")
        return original_convert(self, text)

    monkeypatch.setattr(markdown.Markdown, "convert", convert)
    lesson = project / "docs/lessons/sanwan-branch.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("## 讲述\n", "## 讲述\n\n渲染会失败的段落。\n"),
                      encoding="utf-8")
    guide = project / "docs/sites/sanwan.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("参观改编旧址和枫树坪。", "参观改编旧址。"),
                     encoding="utf-8")
    capsys.readouterr()
    assert run_downloads(project, config, minimal_site, "packets", jobs=2, only=[]) == 1
    err = capsys.readouterr().err
    assert "讲义包 sanwan-packet.pdf（curriculum/packets/sanwan-packet.yml）生成失败" in err
    assert "docs/lessons/sanwan-branch.md：无法转换" in err
    assert pdf.read_bytes() == before
    # The other packet was still rendered with the change.
    assert "参观改编旧址。" in pdftotext(minimal_site / "downloads/packets/second-packet.pdf").replace(" ", "")


def test_unknown_packet_id(project: Path, minimal_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_downloads(project, project / "mkdocs.yml", minimal_site, "packets", jobs=1, only=["nope"]) == 2
    assert "没有这些讲义包：nope" in capsys.readouterr().out


FONT_FILE = re.compile(r"\.(woff2?|ttf|otf)(\?|#|$)", re.I)


def test_site_pages_load_no_print_fonts(shared_minimal_site: Path, browser: Any) -> None:
    """The PDFs' Noto fonts stay out of the site: a page adds 0 bytes for them, on screen or printed.

    Measured (README): @font-face rules for the four faces are 397 KB of CSS (31 KB gzipped a
    face) fetched by every first page view even behind media="print" or @import … print, and
    ~17 MB of woff2 in the site and its offline copy; added at beforeprint instead they arrive
    after the print is laid out. So a page printed from the browser uses the reader's system
    fonts, and the PDFs (packets, field kits, notes) are the print-shop path.
    """
    page = browser.new_page()  # type: ignore[attr-defined]
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(request.url))
    lesson = (shared_minimal_site / "lessons/sanwan-branch/index.html").as_uri()
    page.goto(lesson, wait_until="load")
    page.emulate_media(media="print")
    page.evaluate("async () => { void document.body.offsetHeight; await document.fonts.ready; }")
    page.pdf()
    page.close()
    sheets = [Path(unquote(urlsplit(url).path)) for url in loaded if urlsplit(url).path.endswith(".css")]
    assert sheets and not [sheet for sheet in sheets if "@font-face" in sheet.read_text(encoding="utf-8")]
    assert not [url for url in loaded if FONT_FILE.search(url)], loaded


def test_wrong_page_prediction_is_corrected_by_a_second_print(project: Path, minimal_site: Path,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from jinggang.outputs import printer

    # A layout guess that puts every item on page 1: the printed PDF must overrule it.
    wrong = printer.MEASURE_PAGES.replace("Math.round((start.left - box.left) / box.width) + 1", "1")
    assert wrong != printer.MEASURE_PAGES
    monkeypatch.setattr(printer, "MEASURE_PAGES", wrong)
    assert run_downloads(project, project / "mkdocs.yml", minimal_site, "packets", jobs=1, only=[]) == 0
    assert "目录页码经第二次打印校正" in capsys.readouterr().err
    pdf = minimal_site / "downloads/packets/sanwan-packet.pdf"
    assert top_level_outline(PdfReader(pdf)) == toc_pages(pdf)
    assert toc_pages(pdf)[0][1] == 3
