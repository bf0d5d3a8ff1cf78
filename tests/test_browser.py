"""The built starter site in headless Chromium: search, catalog filters, links, offline-safety."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from jinggang.bench.serving import serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def site_url(starter_site: Path) -> Iterator[str]:
    with serve(starter_site) as url:
        yield url


@pytest.fixture
def requests_seen() -> list[str]:
    return []


@pytest.fixture
def page(browser: Any, requests_seen: list[str]) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN")
    context.on("request", lambda request: requests_seen.append(request.url))
    try:
        tab = context.new_page()
        tab.set_default_timeout(10_000)
        yield tab
    finally:
        context.close()


def search(page: Any, site_url: str, query: str) -> list[str]:
    page.goto(site_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.fill(query)
    # Material reacts to key events, not to a value set from outside.
    box.press("End")
    results = page.locator(".md-search-result__list a.md-search-result__link")
    results.first.wait_for()
    return [urlparse(href).path for href in results.evaluate_all("links => links.map(link => link.href)")]


@pytest.mark.parametrize(("query", "expected"), [
    ("黄洋界", "/sites/huangyangjie/"),
    ("三湾", "/sites/sanwan/"),
    ("朱德", "/lessons/zhu-de-carrying-pole/"),
    ("东固", "/sites/donggu/"),
    ("八角楼", "/sites/bajiaolou/"),
    ("井冈山会师", "/lessons/jinggangshan-joining/"),
    ("儿童团", "/lessons/children-corps/"),
])
def test_chinese_search_finds_the_page(page: Any, site_url: str, query: str, expected: str) -> None:
    found = search(page, site_url, query)
    assert expected in found, f"{query}: {found}"


def visible_items(page: Any) -> list[dict[str, str]]:
    return page.locator(".jg-catalog__item:not([hidden])").evaluate_all(
        "items => items.map(item => ({audience: item.dataset.audience, themes: item.dataset.themes,"
        " duration: item.dataset.duration}))")


def test_catalog_filters_narrow_the_list(page: Any, site_url: str) -> None:
    page.goto(site_url + "lessons/")
    everything = visible_items(page)
    assert len(everything) >= 12
    page.get_by_label("少先队员").check()
    pioneers = visible_items(page)
    assert 0 < len(pioneers) < len(everything)
    assert all("pioneers" in item["audience"].split() for item in pioneers)
    assert page.locator("[data-jg-count]").inner_text() == str(len(pioneers))
    assert "audience=pioneers" in page.url

    page.locator("input[name=duration]").nth(1).check()  # the shortest band, from the content
    low, high = map(int, str(page.locator("input[name=duration]").nth(1).get_attribute("value")).split("-"))
    short = visible_items(page)
    assert short and all(low <= int(item["duration"]) <= high for item in short)
    assert len(short) <= len(pioneers)

    # A shared link opens with the same filters applied.
    page.goto(site_url + "lessons/?themes=long-march-spirit")
    long_march = visible_items(page)
    assert long_march and all("long-march-spirit" in item["themes"].split() for item in long_march)
    assert len(long_march) < len(everything)
    page.get_by_role("button", name="清除筛选").click()
    page.wait_for_function(f"document.querySelectorAll('.jg-catalog__item:not([hidden])').length == {len(everything)}")


def test_cross_links_resolve_both_ways(page: Any, site_url: str) -> None:
    page.goto(site_url + "lessons/huangyangjie-defense/")
    page.locator(".jg-card a[href*='sites/huangyangjie/']").click()
    page.wait_for_url("**/sites/huangyangjie/")
    assert "黄洋界" in page.locator("h1").inner_text()
    page.locator(".jg-footer a[href*='lessons/huangyangjie-defense/']").click()
    page.wait_for_url("**/lessons/huangyangjie-defense/")
    page.locator(".jg-card a[href*='timeline/#event-']").first.click()
    # The click starts a navigation to another page: wait until it has loaded (the URL alone
    # can change before the new page's elements are there).
    page.wait_for_url("**/timeline/#event-*")
    assert "/timeline/" in page.url
    anchor = urlparse(page.url).fragment
    assert page.locator(f"[id='{anchor}']").is_visible()


def test_lecturer_and_learner_views(page: Any, site_url: str) -> None:
    page.goto(site_url + "lecturers/sanwan-to-jinggang/")
    notes = page.locator(".jg-notes").first
    assert notes.is_visible()
    page.get_by_role("button", name="学员视图（仅幻灯片）").click()
    assert notes.is_hidden()
    assert page.locator(".jg-slide").first.is_visible()
    page.reload()
    assert page.locator(".jg-notes").first.is_hidden()  # remembered in the browser
    page.get_by_role("button", name="讲师视图（含讲稿）").click()
    assert page.locator(".jg-notes").first.is_visible()


def test_glossary_terms_have_hover_definitions(page: Any, site_url: str) -> None:
    page.goto(site_url + "lessons/sanwan-branch-in-company/")
    terms = page.locator("article abbr[title]")
    assert terms.count() >= 1
    assert terms.first.get_attribute("title")


def test_no_request_leaves_the_machine(page: Any, site_url: str, requests_seen: list[str]) -> None:
    # A tab per page, each left to go quiet (no request for 500 ms) while the next loads: one
    # tab after another, the quiet half-seconds added up to 5 s of waiting.
    tabs = []
    for path in ("", "lessons/", "sites/", "sites/ciping/", "lecturers/", "timeline/", "glossary/",
                 "lessons/zhu-de-carrying-pole/", "browse/themes/", "editors/fields/"):
        tabs.append(page.context.new_page())
        tabs[-1].goto(site_url + path)
    for tab in tabs:
        tab.wait_for_load_state("networkidle")
        tab.close()
    search(page, site_url, "井冈山")
    hosts = {urlparse(url).hostname for url in requests_seen if not url.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, sorted(url for url in requests_seen if "127.0.0.1" not in url)
