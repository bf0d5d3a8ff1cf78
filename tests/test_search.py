"""The site's search, read as a reader uses it: names no registry knows, ranking, snippets,
the results page, the header box, offline from file://, and nothing fetched from elsewhere."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

import pytest

from jinggang.bench.serving import serve
from jinggang.cli import run_offline
from jinggang.website.search.extract import page_sections
from jinggang.website.search.index import (
    IndexMemo,
    SearchIndex,
    SearchPage,
    derived_anchor,
    encode_number,
    encode_postings,
    read_page_records,
    read_page_urls,
    read_shard,
)
from jinggang.website.search.tokens import shard_of, token_counts, tokens

from .conftest import build_site, make_project

# The module's own site (the starter content and four lessons) is built once per worker: under
# pytest-xdist its tests go to one worker together.
pytestmark = pytest.mark.xdist_group("search")

# Pages added to the starter content, each with a name that no registry or dictionary knows;
# each must be the first result for its name.
NEW_LESSONS = {
    "zeng-bingchun": ("曾炳春与东固的第一支队伍", "枫林垇"),
    "meipi-village": ("渼陂古村里的红色标语", "段起凤"),
    "donggu-founders": ("东固的创建者们", "桐木坑"),
}


# Titles are kept HTML-escaped in the page's metadata: results must show them as written.
AMPERSAND_TITLE = "东固 & 兴国：交通站的故事"


def _new_lesson(template: str, lesson_id: str, title: str, name: str) -> str:
    front, body = template.split("\n---\n", 1)
    front = re.sub(r"^id: .*$", f"id: {lesson_id}", front, count=1, flags=re.M)
    front = re.sub(r"^title: .*$", f"title: {title}", front, count=1, flags=re.M)
    extra = (f"\n\n### 一段新的讲述\n\n老人们回忆，当年{name}一带的群众连夜给队伍送粮送信，"
             f"{name}这个地名从此留在了许多人的记忆里。\n\n")
    body = body.replace("\n## 互动", extra + "## 互动", 1)
    return front + "\n---\n" + body


@pytest.fixture(scope="module")
def search_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("search") / "project", fixture=None)
    template = (project / "docs/lessons/donggu-east-jinggangshan.md").read_text(encoding="utf-8")
    for lesson_id, (title, name) in NEW_LESSONS.items():
        (project / f"docs/lessons/{lesson_id}.md").write_text(_new_lesson(template, lesson_id, title, name),
                                                              encoding="utf-8")
    (project / "docs/lessons/ampersand.md").write_text(
        _new_lesson(template, "ampersand", AMPERSAND_TITLE, "石背岭"), encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def search_site(search_project: Path) -> Path:
    return build_site(search_project)


@pytest.fixture(scope="module")
def offline_site(search_project: Path, search_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline zip of the same project, unpacked: what a student opens from file://."""
    import zipfile

    assert run_offline(search_project, search_project / "mkdocs.yml", search_site) == 0
    target = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(search_site / "downloads/offline/jinggang-site.zip") as archive:
        archive.extractall(target)
    return target / "jinggang-site"


@pytest.fixture(scope="module")
def search_url(search_site: Path) -> Iterator[str]:
    with serve(search_site) as url:
        yield url


@pytest.fixture
def tab(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    context = browser.new_context(locale="zh-CN", reduced_motion="reduce")
    seen: list[str] = []
    context.on("request", lambda request: seen.append(request.url))
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page, seen
        assert not errors, errors
    finally:
        context.close()


def results_page(page: Any, base: str, query: str, offline: bool = False) -> list[dict[str, Any]]:
    """Open the results page for query; each result's link, title and highlighted passages."""
    address = f"{base}search/{'index.html' if offline else ''}?q={quote(query)}"
    page.goto(address)
    page.wait_for_selector("[data-jg-search-page][data-search-done]")
    found: list[dict[str, Any]] = page.locator("[data-search-result]").evaluate_all("""items => items.map(item => ({
        href: item.querySelector('a').href,
        title: item.querySelector('h2').textContent,
        kind: item.querySelector('.jg-search-result__kind').textContent,
        text: item.textContent,
        marks: Array.from(item.querySelectorAll('mark')).map(mark => mark.textContent)}))""")
    return found


def _path(href: str) -> str:
    return urlparse(href).path


# ---- without a browser -------------------------------------------------------------------

def test_tokens_are_bigrams_of_chinese_and_words_of_latin() -> None:
    assert tokens("曾炳春") == ["曾炳", "炳春"]
    assert tokens("1927年9月，三湾") == ["1927", "年", "9", "月", "三湾"]
    assert tokens("Ｍao Zedong！") == ["mao", "zedong"]  # NFKC folds full-width letters
    assert tokens("党") == ["党"]


def test_sections_are_reading_text_only() -> None:
    html = """<h1 id="t">标题</h1><p>导语<a class="headerlink" href="#t">¶</a></p>
    <div data-search-exclude><h2 id="links">相关链接</h2><p>不应索引</p></div>
    <h2 id="plan">日程<a class="headerlink" href="#plan">¶</a></h2>
    <table><thead><tr><th>时间</th><th>地点</th></tr></thead>
    <tbody><tr><td>09:00</td><td>黄洋界</td></tr><tr><td>14:00</td><td>八角楼</td></tr></tbody></table>
    <svg><text>地图标签</text></svg><button>保存到本机</button>
    <ol><li id="event-a" data-search-section data-search-title="1927年 三湾改编"><p>部队改编。</p></li></ol>
    <p>改编之后。</p>"""
    sections = {section.anchor: (section.heading, section.text) for section in page_sections(html, "页面")}
    assert sections[""] == ("页面", "导语")
    assert sections["plan"][0] == "日程"
    assert "09:00，黄洋界。" in sections["plan"][1] and "14:00，八角楼。" in sections["plan"][1]
    assert "改编之后" in sections["plan"][1]
    assert sections["event-a"] == ("1927年 三湾改编", "部队改编。")
    indexed = " ".join(heading + text for heading, text in sections.values())
    for left_out in ("不应索引", "相关链接", "地图标签", "保存到本机", "时间", "¶"):
        assert left_out not in indexed


def test_index_files_hold_postings_for_every_token(tmp_path: Path) -> None:
    page = SearchPage("a/", "东固", "微团课", tuple(page_sections("<p>赖经邦在东固。</p>", "东固")))
    files = dict(SearchIndex([page]).files())
    manifest = json.loads(files["manifest.js"].split(",", 1)[1][:-3])
    shard = read_shard(files[f"shards/{shard_of('经邦', manifest['shards'])}.js"])
    assert shard["经邦"] == encode_number(0)  # section 0, once in the body
    assert encode_number(31) == "f" and len(encode_number(32)) == 2
    assert encode_postings([(0, 0), (3, 0), (4, 6)]) == "A" + encode_number(6) + encode_number(3) + "G"
    two = SearchIndex([page, SearchPage("b/", "三湾", "微团课", tuple(page_sections(
        "<p>赖经邦。</p><h2 id='x'>东固</h2><p>经邦经邦</p>" * 40, "三湾")))])
    assert two.encoded_postings() == {token: encode_postings(postings) for token, postings in two.postings().items()}


def test_an_index_past_65536_tokens_numbers_them_in_four_bytes_and_writes_the_same_files(tmp_path: Path) -> None:
    """A section holds its tokens' numbers in two bytes each while the memo's TokenTable knows
    fewer than 65,536 tokens, in four after: the files do not change when that happens mid-way."""
    pages = [SearchPage(f"p{number}/", f"页{number}", "微团课", tuple(page_sections(
        f"<p>赖经邦{number}在东固。</p><h2 id='x'>第{number}节</h2><p>曾炳春在茶陵{number}。</p>", f"页{number}")))
        for number in range(3)]
    memo = IndexMemo()
    memo.tokens.numbered([f"filler{number}" for number in range((1 << 16) - 20)])
    SearchIndex(pages, memo).write(tmp_path / "many")
    assert {numbers.typecode for _page, codes in memo.codes.values() for numbers, _ in codes} == {"H", "I"}
    SearchIndex(pages).write(tmp_path / "few")
    for file in (tmp_path / "few/search").rglob("*.js"):
        assert (tmp_path / "many/search" / file.relative_to(tmp_path / "few/search")).read_bytes() == file.read_bytes()


def test_a_memo_that_keeps_no_page_files_makes_them_when_it_writes_the_same_files(tmp_path: Path) -> None:
    """The whole build's reader prepares each page as it arrives but keeps no page file's text
    (IndexMemo.keeps_page_files): it makes each as it writes it, the same as a memo that keeps them."""
    pages = [SearchPage(f"p{number}/", f"页{number}", "微团课",
                        tuple(page_sections(f"<p>赖经邦{number}在东固。</p>", ""))) for number in range(4)]
    written: dict[bool, dict[Path, bytes]] = {}
    for keeps in (True, False):
        memo = IndexMemo(keeps_page_files=keeps)
        for page in pages:
            SearchIndex([], memo).prepare(page)
        assert len(memo.codes) == len(pages) and len(memo.payloads) == (len(pages) if keeps else 0)
        SearchIndex(pages, memo).write(tmp_path / str(keeps))
        assert len(memo.payloads) == (len(pages) if keeps else 0)
        written[keeps] = {file.relative_to(tmp_path / str(keeps)): file.read_bytes()
                          for file in (tmp_path / str(keeps)).rglob("*.js")}
    assert written[True] == written[False]


def test_fast_token_counts_equal_the_reference_tokens() -> None:
    for text in ("曾炳春在1927年9月到三湾村，Mao 说：“支部建在连上”。〇 党", "ＡＢＣ１２３ 井冈山", "", "红"):
        assert token_counts(text) == Counter(tokens(text))


# ---- the built site ----------------------------------------------------------------------

def test_listing_pages_are_not_indexed_and_timeline_entries_are(search_site: Path) -> None:
    urls = read_page_urls(search_site)
    assert "lessons/zeng-bingchun/" in urls and "timeline/" in urls and "glossary/" in urls
    for listing in ("lessons/", "sites/", "lecturers/", "routes/", "browse/audience/", "reading/", "search/"):
        assert listing not in urls
    timeline = urls.index("timeline/")
    record = read_page_records(search_site)[timeline]
    assert record["k"] == "党史时间线"
    assert any(re.fullmatch(r"event-[a-z0-9-]+", anchor) and heading == "1927年9月29日 三湾改编"
               for anchor, heading, _ in record["s"])
    text = json.dumps(record, ensure_ascii=False)
    assert "<svg" not in text and "讲师视图" not in text


def test_every_section_anchor_of_the_index_is_an_id_on_its_page(search_site: Path) -> None:
    """Page files leave out the anchors derived_anchor gives (search.js derives them alike):
    filled in, every one is an id of its page, and most were left out."""
    left_out = 0
    for number, record in enumerate(read_page_records(search_site)):
        html = (search_site / record["u"] / "index.html").read_text(encoding="utf-8")
        file_text = (search_site / f"search/pages/{number}.js").read_text(encoding="utf-8")
        for anchor, _heading, _text in record["s"][1:]:
            assert f'id="{anchor}"' in html, (record["u"], anchor)
            left_out += f'"{anchor}"' not in file_text
    assert left_out > 20


def test_opensearch_description(search_site: Path) -> None:
    home = (search_site / "index.html").read_text(encoding="utf-8")
    assert 'rel="search" type="application/opensearchdescription+xml"' in home
    root = ElementTree.parse(search_site / "search/opensearch.xml").getroot()
    namespace = "{http://a9.com/-/spec/opensearch/1.1/}"
    template = next(url.get("template") for url in root.iter(f"{namespace}Url") if url.get("type") == "text/html")
    assert template is not None and template.endswith("/search/?q={searchTerms}")


# ---- in Chromium -------------------------------------------------------------------------

@pytest.mark.browser
def test_browser_cuts_queries_as_the_index_does(tab: tuple[Any, list[str]], search_url: str) -> None:
    page, _ = tab
    page.goto(search_url)
    samples = ["曾炳春", "三湾改编", "1927年9月，三湾村", "Ｍao Zedong！", "〇", "红军长征 2016 年", "𠀀𠀁字",
               "ÀÉ café", "朱德的扁担", "  空格  ", "井冈山精神：坚定信念"]
    in_browser = page.evaluate("samples => samples.map(text => window.jgSearch.tokens(text))", samples)
    assert in_browser == [tokens(sample) for sample in samples]
    headings = ["精神从哪里来：井冈山斗争概览", "搜索引擎对比（2000 课，同一份内容）", "我也来当“小扁担”",
                "  Mao Zedong & Zhu De  ", "A–Z 〈注〉【附】", "𠀀字·二", "ÀÉ Café", "1927—1928"]
    anchors = page.evaluate("headings => headings.map(text => window.jgSearch.anchorOf(text))", headings)
    assert anchors == [derived_anchor(heading) for heading in headings]


@pytest.mark.browser
@pytest.mark.parametrize("lesson_id", sorted(NEW_LESSONS))
def test_unregistered_names_find_their_page_first(tab: tuple[Any, list[str]], search_url: str,
                                                   lesson_id: str) -> None:
    page, seen = tab
    title, name = NEW_LESSONS[lesson_id]
    for query in (title[:3], name):
        found = results_page(page, search_url, query)
        assert found, query
        assert _path(found[0]["href"]).endswith(f"/lessons/{lesson_id}/"), (query, [r["href"] for r in found])
    assert all(url.startswith(search_url) for url in seen)


@pytest.mark.browser
def test_every_page_that_holds_a_name_is_found(tab: tuple[Any, list[str]], search_url: str,
                                               search_site: Path) -> None:
    page, _ = tab
    page.goto(search_url)
    urls = read_page_urls(search_site)
    for query in ("东固", "井冈山", "赖经邦", "曾炳春"):
        holders = {number for number in range(len(urls))
                   if query in (search_site / f"search/pages/{number}.js").read_text(encoding="utf-8")}
        found = page.evaluate("q => window.jgSearch.search(q, 1000)", query)
        assert holders and {result["page"] for result in found["results"]} >= holders, query


@pytest.mark.browser
@pytest.mark.parametrize(("query", "expected"), [
    ("红军", "/glossary/"),                                # the term itself
    ("朱德的扁担", "/lessons/zhu-de-carrying-pole/"),       # a page of that title
    ("三湾改编", "/lessons/sanwan-branch-in-company/"),
    ("长征", "/lessons/long-march-spirit/"),
])
def test_ranking(tab: tuple[Any, list[str]], search_url: str, query: str, expected: str) -> None:
    page, _ = tab
    found = results_page(page, search_url, query)
    paths = [_path(result["href"]) for result in found]
    # The whole query in the first result's title or in the heading it links to; the page
    # expected for it among the first three.
    assert query in found[0]["title"] or query in found[0]["text"].split(found[0]["title"], 1)[1][:40], found[0]
    assert expected in paths[:3], paths[:5]
    # Each result says what kind of page it is (the manifest's kinds, by page).
    kinds = {"/glossary/": "术语表", "/lessons/": "微团课", "/sites/": "研学指南", "/timeline/": "党史时间线"}
    for path, result in zip(paths, found, strict=True):
        shown = [kind for prefix, kind in kinds.items() if prefix in path]
        if shown:
            assert result["kind"] == shown[0], (path, result["kind"])
    # Pages that hold the whole query come before pages that hold its characters apart; the
    # query is highlighted whole, and no single character of it ever is.
    holds = [query in result["text"] for result in found]
    assert holds == sorted(holds, reverse=True) and holds[0]
    for result, whole in zip(found, holds, strict=True):
        assert all(len(mark) >= 2 for mark in result["marks"]), result["marks"]
        assert not whole or query in result["marks"], (result["href"], result["marks"])
    assert not any(path.endswith(("/lessons/", "/sites/", "/browse/themes/")) for path in paths)


@pytest.mark.browser
def test_result_titles_show_as_written(tab: tuple[Any, list[str]], search_url: str) -> None:
    page, _ = tab
    found = results_page(page, search_url, "石背岭")
    assert found[0]["title"] == AMPERSAND_TITLE


@pytest.mark.browser
def test_results_link_to_the_matching_section(tab: tuple[Any, list[str]], search_url: str) -> None:
    page, _ = tab
    found = results_page(page, search_url, "秋收起义")
    timeline = next(result for result in found if "/timeline/" in result["href"])
    assert urlparse(timeline["href"]).fragment == "event-autumn-harvest-uprising" or \
        urlparse(timeline["href"]).fragment.startswith("event-")
    page.goto(timeline["href"])
    target = page.evaluate("() => document.getElementById(decodeURIComponent(location.hash.slice(1))).textContent")
    assert "秋收起义" in target


@pytest.mark.browser
def test_header_box_shows_results_and_opens_the_results_page(tab: tuple[Any, list[str]], search_url: str,
                                                            search_site: Path) -> None:
    page, seen = tab
    page.goto(search_url + "lessons/")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.fill("渼陂")
    page.wait_for_selector(".md-search-result__list [data-search-result]")
    # The real content now has a guide named after 渼陂 too: both titles hold the query.
    hrefs = page.locator(".md-search-result__list [data-search-result] a").evaluate_all(
        "(links) => links.map((link) => link.href)")
    assert any("/lessons/meipi-village/" in href for href in hrefs), hrefs
    # The benchmarks' first result is the box's (bench/search.py).
    first = page.evaluate("q => window.jgSearch.firstShown(q)", "渼陂")
    assert _path(hrefs[0]).endswith("/" + read_page_urls(search_site)[first]), (hrefs[0], first)
    assert page.evaluate("q => window.jgSearch.firstShown(q)", "没有这个词的查询") == -1
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    page.wait_for_selector("[data-search-done]")
    assert page.locator("[data-search-result]").count() >= 1
    assert all(url.startswith(search_url) for url in seen)


@pytest.mark.browser
def test_search_works_offline_from_files(tab: tuple[Any, list[str]], offline_site: Path) -> None:
    page, seen = tab
    base = offline_site.as_uri() + "/"
    found = results_page(page, base, "枫林垇", offline=True)
    assert found and urlparse(found[0]["href"]).path.endswith("/lessons/zeng-bingchun.html")
    page.goto(found[0]["href"])
    assert "曾炳春" in page.title()
    # The header box from a page in a subfolder.
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").fill("段起凤")
    page.wait_for_selector(".md-search-result__list [data-search-result]")
    assert page.locator(".md-search-result__list a").first.get_attribute("href", timeout=5000)
    assert all(url.startswith("file://") for url in seen), [url for url in seen if not url.startswith("file://")]


def test_excluded_elements_are_cut_before_parsing_as_the_parser_would_skip_them() -> None:
    """without_excluded (search/extract.py) cuts each element marked data-search-exclude where its
    tag's nesting ends it; the attribute named in text or code is text, and an element that never
    ends is left to the parser. The sections are those the parser finds in the whole page."""
    from jinggang.website.search.extract import _SectionParser, without_excluded

    page = ('<div class="jg-card" data-search-exclude title="a > b"><div><div>卡片</div></div>里面</div>'
            "<p>正文提到 data-search-exclude 这个属性，<code>&lt;div data-search-exclude&gt;</code>。</p>"
            '<h2 id="one">第一节</h2><details data-search-exclude><summary>分享</summary><p>二维码</p></details>'
            '<p>第一节的正文</p><nav data-search-exclude="">上一篇</nav>'
            '<div data-search-exclude><div>没有结束的卡片</div>')
    cut = without_excluded(page)
    for gone in ("卡片</div></div>里面", "二维码", "上一篇"):
        assert gone not in cut
    assert "正文提到 data-search-exclude 这个属性" in cut and "&lt;div data-search-exclude&gt;" in cut
    assert cut.endswith('<div data-search-exclude><div>没有结束的卡片</div>')

    parser = _SectionParser("标题")
    parser.feed(page)
    parser.close()
    whole = [(section.anchor, section.heading, section.text) for section in parser.sections
             if section.text or section.heading]
    assert [(section.anchor, section.heading, section.text) for section in page_sections(page, "标题")] == whole
