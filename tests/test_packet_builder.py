"""The packet builder (packets/builder/): chosen in the browser, printed with page.pdf(), read back.

Printed without print_background, as a print dialog does by default; from a local server and from
the unzipped offline site (file://), and compared page by page with `jinggang packets`.
"""

from __future__ import annotations

import json
import multiprocessing
import re
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from jinggang.bench.serving import serve
from jinggang.cli import run_build
from jinggang.content.loader import Settings, load_content
from jinggang.content.problems import errors
from jinggang.content.source import parse_yaml
from jinggang.website import plugin as plugin_module
from jinggang.website.packet_builder import ITEMS_FOLDER
from jinggang.website.plugin import DEPENDENCY_FOLDER, SITE_DEPENDENCIES

from .conftest import REPO, forking, make_project, plugin_options, run_commands

pytestmark = pytest.mark.browser

FOUR_ITEMS = ("lessons/sanwan-branch-in-company,lessons/bajiaolou-lamp:lesson.handout,sites/sanwan,"
              "lecturers/sanwan-to-jinggang")
FOUR_TITLES = ["三湾改编与“支部建在连上”", "八角楼的灯光", "三湾改编旧址", "从三湾到井冈：党指挥枪的起点",
               "学生活页：八角楼的灯光"]
COVER = {"title": "三湾主题团日讲义包", "audience": "league-members", "date": "2027-05-04",
         "occasion": "五四主题团日", "issuer": "某某中学团委"}
KINDS = "微团课|研学指南|讲师资料|学生活页|讨论题"


def builder_query(items: str, **cover: str) -> str:
    return "?items=" + items + "".join(f"&{name}={quote(value)}" for name, value in cover.items())


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def print_builder(page: Any, url: str, pdf: Path) -> float:
    """Open a builder URL, wait for its layout, print as a browser's print dialog does; seconds to ready."""
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("html[data-packet-ready]", state="attached", timeout=60_000)
    seconds = time.perf_counter() - started
    pdf.write_bytes(page.pdf(prefer_css_page_size=True))
    return seconds


def check_printed_packet(pdf: Path, titles: list[str], cover: dict[str, str]) -> None:
    pages = page_texts(pdf)
    total = len(pages)
    # Cover: the fields, and no running header or footer.
    assert all(squeeze(value) in squeeze(pages[0]) for value in (cover["title"], cover["occasion"], cover["issuer"]))
    assert "2027年5月4日" in pages[0] and "团员青年" in pages[0]
    assert "第 1 页" not in pages[0]
    # Every other page: the running header and 第 X 页 / 共 Y 页.
    for number, text in enumerate(pages[1:], start=2):
        assert f"第 {number} 页 / 共 {total} 页" in text, (number, text[-200:])
        assert cover["title"] in text.strip().splitlines()[0], number
    # The contents: one row per part, and each number is the page its title starts on.
    rows = [(match.group(1), match.group(2).strip(), int(match.group(3)))
            for match in re.finditer(rf"^\s*({KINDS})\s+(.+?)\s+(\d+)\s*$", pages[1], re.M)]
    assert [squeeze(title) for _, title, _ in rows] == [squeeze(title) for title in titles]
    numbers = [number for _, _, number in rows]
    assert numbers[0] == 3 and numbers == sorted(numbers)
    for _, title, number in rows:
        start = squeeze(pages[number - 1])
        assert squeeze(title) in start and start.index(squeeze(title)) < 80, (title, number)
        assert squeeze(title) not in squeeze(pages[number - 2]) or number == 3, (title, number)
    # Print fonts as in the PDFs: TrueType subsets, no Type 3.
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Type 3" not in fonts and "NotoSerifSC" in fonts and "NotoSansSC" in fonts, fonts


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    opened = browser.new_context(locale="zh-CN")
    try:
        yield opened
    finally:
        opened.close()


def test_builder_url_prints_a_packet_from_a_server(starter_site: Path, context: Any, tmp_path: Path) -> None:
    with serve(starter_site) as url:
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        pdf = tmp_path / "builder.pdf"
        print_builder(page, url + "packets/builder/" + builder_query(FOUR_ITEMS, **COVER), pdf)
        check_printed_packet(pdf, FOUR_TITLES, COVER)
        # The review status of each item, and a QR code back to each item's page.
        assert page.locator(".jg-packet .item .review").count() == len(FOUR_TITLES)
        image = tmp_path / "item"
        subprocess.run(["pdftoppm", "-r", "200", "-f", "3", "-l", "3", "-png", "-singlefile", str(pdf), str(image)],
                       check=True)
        decoded = subprocess.run(["zbarimg", "--quiet", "--raw", f"{image}.png"], capture_output=True, text=True).stdout
        assert decoded.strip().endswith("/lessons/sanwan-branch-in-company/"), decoded
    assert {urlparse(request).hostname for request in requests} == {"127.0.0.1"}


def test_builder_prints_from_the_offline_zip(starter_site: Path, file_context: tuple[Any, list[str]],
                                            tmp_path: Path) -> None:
    with zipfile.ZipFile(starter_site / "downloads/offline/jinggang-site.zip") as archive:
        archive.extractall(tmp_path)
    root = tmp_path / "jinggang-site"
    context, requests = file_context
    page = context.new_page()
    pdf = tmp_path / "offline.pdf"
    print_builder(page, (root / "packets/builder/index.html").as_uri() + builder_query(FOUR_ITEMS, **COVER), pdf)
    check_printed_packet(pdf, FOUR_TITLES, COVER)
    assert all(urlparse(request).scheme in ("file", "data", "blob", "about") for request in requests), requests
    # Links from the builder to the items open their files, not a folder listing.
    assert page.locator("[data-jg-builder-list] a").first.get_attribute("href").endswith(".html")


def test_builder_and_packets_print_the_same_pages(starter_site: Path, context: Any, tmp_path: Path) -> None:
    """curriculum/packets/league-sanwan-party-history.yml, chosen in the builder: the same PDF text,
    but for the cover's review statement, which also speaks of the YAML's own review (its status)."""
    items = ("lessons/sanwan-branch-in-company:lesson.handout,sites/sanwan:site-guide.handout,"
             "lessons/jinggangshan-joining,lessons/bajiaolou-lamp,lecturers/sanwan-to-jinggang")
    cover = {"title": "从三湾到井冈：团员青年党史学习讲义包", "audience": "league-members",
             "occasion": "团员青年党史学习：围绕三湾改编的主题团日", "issuer": "井冈传人编写组"}
    with serve(starter_site) as url:
        pdf = tmp_path / "builder.pdf"
        print_builder(context.new_page(), url + "packets/builder/" + builder_query(items, **cover), pdf)
    built = page_texts(starter_site / "downloads/packets/league-sanwan-party-history.pdf")
    chosen = page_texts(pdf)
    assert len(chosen) == len(built)
    mark = "审核中·仅供试用"
    assert mark in built[0] and chosen[0].split(mark)[0] == built[0].split(mark)[0]
    for number, (expected, printed) in enumerate(zip(built[1:], chosen[1:], strict=True), start=2):
        assert printed == expected, f"第 {number} 页不同"


def test_add_buttons_counter_and_choice_kept(starter_site: Path, context: Any) -> None:
    with serve(starter_site) as url:
        page = context.new_page()
        page.goto(url + "lessons/bajiaolou-lamp/")
        counter = page.locator("[data-jg-packet-counter]")
        assert counter.locator("[data-jg-packet-count]").inner_text() == "0"
        button = page.locator(".jg-card [data-jg-packet-item]")
        button.click()
        assert button.get_attribute("aria-pressed") == "true" and "已加入" in button.inner_text()
        assert counter.locator("[data-jg-packet-count]").inner_text() == "1"
        # The catalog's row of the same lesson knows it is chosen; a guide is added from its list.
        page.goto(url + "lessons/")
        row = page.locator("[data-jg-packet-item='lessons/bajiaolou-lamp']")
        assert row.get_attribute("aria-pressed") == "true"
        page.goto(url + "sites/")
        page.locator("[data-jg-packet-item='sites/ciping']").click()
        page.reload()  # kept in the browser
        assert page.locator("[data-jg-packet-count]").inner_text() == "2"
        assert page.locator("[data-jg-packet-item='sites/ciping']").get_attribute("aria-pressed") == "true"
        # The counter opens the builder with the chosen items, in the order chosen.
        page.locator("[data-jg-packet-counter]").click()
        page.wait_for_selector("html[data-packet-ready]", state="attached")
        assert "items=lessons/bajiaolou-lamp,sites/ciping" in page.url
        titles = page.locator("[data-jg-builder-list] .jg-builder__title").all_inner_texts()
        assert titles == ["八角楼的灯光", "茨坪革命旧址群"]
        # Arranged in the builder: moved, another part chosen, one added from the search, one removed.
        page.get_by_role("button", name="上移《茨坪革命旧址群》").click()
        page.wait_for_selector("html[data-packet-ready]", state="attached")
        assert "items=sites/ciping,lessons/bajiaolou-lamp" in page.url
        page.locator("[data-jg-builder-list] li").nth(1).get_by_label("学生活页").check()
        page.wait_for_selector("html[data-packet-ready]", state="attached")
        assert "lessons/bajiaolou-lamp:lesson.handout" in page.url
        page.locator("[data-jg-builder-search]").fill("党指挥枪")
        page.get_by_role("button", name="添加：从三湾到井冈：党指挥枪的起点").click()
        page.wait_for_selector("html[data-packet-ready]", state="attached")
        page.get_by_role("button", name="移出《茨坪革命旧址群》").click()
        page.wait_for_selector("html[data-packet-ready]", state="attached")
        assert "?items=lessons/bajiaolou-lamp:lesson.handout,lecturers/sanwan-to-jinggang" in page.url
        assert page.locator(".jg-packet .toc li").count() == 3
        assert page.locator("[data-jg-packet-count]").inner_text() == "2"
        page.goto(url + "sites/ciping/")
        assert page.locator(".jg-card [data-jg-packet-item]").get_attribute("aria-pressed") == "false"
        assert page.locator("[data-jg-packet-count]").inner_text() == "2"


def test_yaml_export_is_a_packet_the_check_accepts(starter_site: Path, context: Any, tmp_path: Path) -> None:
    with serve(starter_site) as url:
        page = context.new_page()
        page.goto(url + "packets/builder/" + builder_query("lessons/bajiaolou-lamp,sites/sanwan:site-guide.handout"))
        page.wait_for_selector("html[data-packet-ready]", state="attached")
        page.get_by_role("button", name="导出为讲义包 YAML").click()
        status = page.locator("[data-jg-builder-export-status]")
        assert "还不能导出" in status.inner_text() and "标识" in status.inner_text()
        assert page.locator("[data-jg-builder-yaml]").is_hidden()
        page.locator("[data-jg-builder-id]").fill("sanwan-team-day")
        page.get_by_label("标题").fill("三湾主题团日")
        page.get_by_label("团员青年").check()
        page.get_by_label("用途").fill("主题团日：三湾改编")
        page.get_by_label("印发单位").fill("某某中学团委")
        page.get_by_label("日期").fill("2027-05-04")
        page.wait_for_selector("html[data-packet-ready]", state="attached")
        with page.expect_download() as download:
            page.get_by_role("button", name="导出为讲义包 YAML").click()
        assert download.value.suggested_filename == "sanwan-team-day.yml"
        text = Path(download.value.path()).read_text(encoding="utf-8")
        assert text == page.locator("[data-jg-builder-yaml]").input_value()
    data, _, problems = parse_yaml(text, "sanwan-team-day.yml")  # as the check reads it: dates stay text
    assert not problems
    assert data["contents"] == [{"lesson": "bajiaolou-lamp"}, {"site-guide": "sanwan"}, {"handout": "sanwan"}]
    assert data["date"] == "2027-05-04" and data["audience"] == ["league-members"] and data["status"] == "draft"
    # Valid against the packet schema, and accepted by the check beside the real content.
    schemas = {path.name: json.loads(path.read_text(encoding="utf-8"))
               for path in (REPO / "curriculum/schema").glob("*.json")}
    registry = Registry().with_resources((name, Resource.from_contents(schema)) for name, schema in schemas.items())
    validator = Draft202012Validator(schemas["packet.schema.json"], registry=registry,
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert not list(validator.iter_errors(data))
    project = make_project(tmp_path / "project", fixture=None)
    (project / "curriculum/packets/sanwan-team-day.yml").write_text(text, encoding="utf-8")
    result = load_content(Settings.for_project(project))
    assert result.model is not None and not errors(result.problems), errors(result.problems)
    packet = result.model.packets["sanwan-team-day"]
    entries = [(entry.kind, entry.id) for entry in packet.entries]
    assert entries == [("lesson", "bajiaolou-lamp"), ("site-guide", "sanwan"), ("handout", "sanwan")]
    assert packet.date == "2027-05-04"


CACHED_ITEM = """async () => {
  for (const name of await caches.keys()) {
    const urls = (await (await caches.open(name)).keys()).map((request) => request.url);
    const item = urls.some((url) => url.includes("packets/builder/items/lecturers/"));
    if (item && urls.some((url) => url.endsWith(".woff2"))) return true;
  }
  return false;
}"""


def test_service_worker_keeps_an_opened_builder_for_offline(starter_site: Path, context: Any, tmp_path: Path) -> None:
    with serve(starter_site) as url:
        builder = url + "packets/builder/" + builder_query(FOUR_ITEMS, **COVER)
        page = context.new_page()
        page.goto(builder)
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # now controlled: this visit's page, scripts, styles and fonts go into the cache
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        page.wait_for_selector("html[data-packet-ready]", state="attached")
        page.wait_for_function(CACHED_ITEM)
    context.set_offline(True)
    pdf = tmp_path / "cached.pdf"
    print_builder(page, builder, pdf)
    assert page.locator(".jg-offline-badge").is_visible()
    check_printed_packet(pdf, FOUR_TITLES, COVER)


def test_a_whole_build_says_a_builder_failure_as_its_own_and_keeps_the_site(project: Path) -> None:
    """A build that makes everything writes the builder's item scripts in a process of its own
    beside the search's reading of the pages (website/packet_builder.py, ItemScriptWriter): what goes wrong there is
    said as the build's own failure, in Chinese, and the site that was there stays."""
    forking(project)
    assert run_commands(project, "build")["build"][0] == 0
    site = project / "site"
    before = {path: path.read_bytes() for path in site.rglob("*") if path.is_file()}
    assert any(name.startswith(f"{ITEMS_FOLDER}/") for name in (path.relative_to(site).as_posix() for path in before))
    # Another mkdocs.yml: the build cannot resume from the last one, it makes everything.
    plugin_options(project, print_fonts_dir="no-fonts-here")
    code, said = run_commands(project, "build")["build"]
    assert code == 1, said
    assert "缺少打印字体" in said and "no-fonts-here" in said and "自选讲义包用 PDF 的打印字体" in said, said
    assert "Traceback" not in said, said
    assert {path: path.read_bytes() for path in site.rglob("*") if path.is_file()} == before
    assert not list(project.rglob("builder-items-*"))


def test_a_whole_build_forks_its_side_work_only_for_a_site_with_enough_pages(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Forking a process costs more than the builder's scripts, the search's reading and the QR
    codes of a few pages (fork_from_pages, website/config.py): a site one Markdown file short of
    the option is built in one process, a site that has that many forks. Both make the same site
    and the same dependency map (what each file read), and leave no pickled items behind."""
    started: list[str] = []
    real_init = plugin_module.ForkedWork.__init__

    def counted(self: Any, work: Any, label: str, **options: Any) -> None:
        started.append(label)
        real_init(self, work, label, **options)

    monkeypatch.setattr(plugin_module.ForkedWork, "__init__", counted)
    pages = len(list((project / "docs").rglob("*.md")))
    config = project / "mkdocs.yml"
    plain = config.read_text(encoding="utf-8")
    sites, maps = {}, {}
    for from_pages, name in ((pages + 1, "in-process"), (pages, "forked")):
        config.write_text(plain, encoding="utf-8")
        started.clear()
        assert run_build(forking(project, from_pages), config, project / name, strict=True) == 0
        side_work = {label for label in started if label != "拼音排序"}  # keys: see test_order.py
        assert side_work == (set() if name == "in-process" else {"自选讲义包", "搜索", "二维码", "演示模式"}), started
        sites[name] = {path.relative_to(project / name).as_posix(): path.read_bytes()
                       for path in (project / name).rglob("*") if path.is_file()}
        maps[name] = json.loads((project / DEPENDENCY_FOLDER / SITE_DEPENDENCIES).read_text(encoding="utf-8"))
        assert not list(project.rglob("builder-items-*")), name
    assert sites["forked"] == sites["in-process"]
    assert maps["forked"] == maps["in-process"]


def test_an_interrupted_whole_build_leaves_no_process_at_work_and_no_staging_folder(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C is not an error MkDocs tells plugins of: the build's forked processes (the builder's
    scripts, the search's reading) are stopped as run_build leaves, not left writing into the
    staging folder being removed."""
    forking(project)
    real_on_env = plugin_module.JinggangPlugin.on_env

    def interrupted(self: plugin_module.JinggangPlugin, env: Any, **kwargs: Any) -> Any:
        real_on_env(self, env, **kwargs)
        assert self.search_reader is not None and self.builder_items is not None  # they run now
        raise KeyboardInterrupt

    monkeypatch.setattr(plugin_module.JinggangPlugin, "on_env", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_build(project, project / "mkdocs.yml", project / "site", strict=True)
    assert not multiprocessing.active_children()
    time.sleep(1)
    assert not list(project.glob("site.new-*"))
