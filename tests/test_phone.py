"""The reader on a phone (Chromium at 390 px): a way back from every detail page, schedules
that fit the screen, pages of a readable length. The built site, served over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from jinggang.bench.serving import serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(starter_site: Path) -> Iterator[str]:
    with serve(starter_site) as url:
        yield url

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, locale="zh-CN", reduced_motion="reduce", has_touch=True)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.mark.parametrize(("page", "crumbs", "listed", "tab"), [
    ("lessons/bajiaolou-lamp/", ["首页", "微团课"], "lessons/", "微团课"),
    ("sites/huangyangjie/", ["首页", "研学指南"], "sites/", "研学指南"),
    ("lecturers/zhu-de-pole-talk/", ["首页", "讲师资料"], "lecturers/", "讲师资料"),
    ("routes/jinggangshan-two-days/", ["首页", "研学指南", "研学路线"], "routes/", "研学指南"),
])
def test_a_way_back_from_every_detail_page(phone: Any, site: str, page: str, crumbs: list[str],
                                           listed: str, tab: str) -> None:
    phone.goto(site + page)
    trail = phone.locator(".jg-trail")
    assert trail.is_visible()
    assert trail.locator("a").all_inner_texts() == crumbs
    assert trail.locator("[aria-current=page]").inner_text() in phone.locator("h1").inner_text()
    assert phone.locator(".md-tabs__item--active").first.inner_text().strip() == tab
    pager = phone.locator(".jg-pager")
    assert pager.locator("a[rel=prev], a[rel=next]").count() >= 1
    pager.get_by_role("link", name="返回列表").click()
    phone.wait_for_url(site + listed)


def test_previous_and_next_follow_the_list(phone: Any, site: str) -> None:
    phone.goto(site + "lessons/")
    listed = phone.locator(".jg-catalog__item a").evaluate_all("links => links.map(link => link.href)")
    phone.goto(listed[0])
    assert phone.locator("a[rel=prev]").count() == 0
    # Each click starts a navigation: wait for it to load before reading where it went.
    phone.locator("a[rel=next]").click()
    phone.wait_for_url(listed[1])
    assert phone.url == listed[1]
    phone.locator("a[rel=prev]").click()
    phone.wait_for_url(listed[0])
    assert phone.url == listed[0]


@pytest.mark.parametrize("route", ["jinggangshan-two-days", "sanwan-to-jinggangshan"])
def test_schedules_fit_a_phone(phone: Any, site: str, route: str) -> None:
    phone.goto(f"{site}routes/{route}/")
    tables = phone.locator("article table")
    assert tables.count() >= 1
    widths = tables.evaluate_all("tables => tables.map(table => table.getBoundingClientRect().right)")
    assert max(widths) <= PHONE["width"], widths  # before: 502 px wide, the 集合点 column off screen
    meeting = phone.locator("td[data-label=集合点]:not(.jg-schedule__empty)").first
    box = meeting.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_presenter_mode_projects_only_the_slides(browser: Any, starter_site: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN", reduced_motion="reduce")
    page = context.new_page()
    page.goto((starter_site / "lecturers/zhu-de-pole-talk/present/index.html").as_uri())
    page.locator(".slide-number").wait_for()
    help_bar, back = page.locator(".jg-help--keys"), page.locator(".jg-back")
    # Shown for a moment at the start (3 s), then gone from the projection.
    page.wait_for_function("!document.documentElement.classList.contains('jg-show-chrome')")
    assert help_bar.evaluate("element => getComputedStyle(element).opacity") == "0"
    assert back.evaluate("element => getComputedStyle(element).opacity") == "0"
    page.keyboard.press("h")  # on demand
    page.wait_for_function("document.documentElement.classList.contains('jg-show-chrome')")
    with context.expect_page() as opened:
        page.keyboard.press("s")
    speaker = opened.value
    speaker.locator(".speaker-controls-notes").wait_for()
    speaker.wait_for_function("/^\\d{2}:\\d{2}$/.test(document.querySelector('.clock-value').textContent)")
    text = speaker.locator("body").inner_text()
    assert "下一张" in text and "讲稿" in text and "Upcoming" not in text and "Notes" not in text
    assert speaker.locator("html").get_attribute("lang") == "zh-CN"
    context.close()


def test_presenter_mode_tells_a_phone_to_swipe(browser: Any, starter_site: Path) -> None:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    page.goto((starter_site / "lecturers/zhu-de-pole-talk/present/index.html").as_uri())
    page.wait_for_selector(".reveal.ready")
    assert page.locator(".jg-help--touch").is_visible() and "滑动" in page.locator(".jg-help--touch").inner_text()
    assert page.locator(".jg-help--keys").is_hidden()
    context.close()


def test_reading_calendar_shows_today_first_and_folds_the_months(phone: Any, site: str) -> None:
    phone.clock.set_fixed_time(datetime.fromisoformat("2026-09-29T09:00:00"))
    phone.goto(site + "reading/")
    phone.wait_for_function("document.querySelector('[data-jg-reading-calendar]').dataset.jgTodayKey === '09-29'")
    # Today's box is filled from readings.js, which loads after the page.
    phone.wait_for_function("document.querySelector('[data-jg-reading-today]').dataset.jgTodayKey === '09-29'")
    today = phone.locator("[data-jg-reading-today]")
    assert today.is_visible() and "三湾改编" in today.inner_text()
    assert "历史上的今天：1927年9月29日，" in today.inner_text()
    assert phone.locator("details.jg-reading-month[open]").evaluate_all("open => open.map(month => month.id)") \
        == ["month-9"]
    assert phone.locator("tr.jg-reading--today").inner_text().startswith("9月29日")
    height = phone.evaluate("document.documentElement.scrollHeight")
    assert height < 15_000, height  # before: 72,753 px (75,025 with today's content), every month open


def test_touch_targets_tooltips_and_404(phone: Any, site: str) -> None:
    phone.goto(site + "lessons/")
    box = phone.get_by_label("少先队员").bounding_box()
    assert box is not None and box["width"] >= 16 and box["height"] >= 16  # before: 13 px
    phone.goto(site + "lessons/sanwan-branch-in-company/")
    term = phone.locator("article abbr[title]").first
    term.scroll_into_view_if_needed()
    term.tap()
    sheet = phone.locator(".md-tooltip2--active .md-tooltip2__inner")
    sheet.wait_for()
    assert sheet.evaluate("element => parseFloat(getComputedStyle(element).fontSize)") >= 16  # before: 10 px
    sheet_box = sheet.bounding_box()
    assert sheet_box is not None and sheet_box["y"] + sheet_box["height"] >= PHONE["height"] - 2  # at the bottom
    phone.goto(site + "404.html")  # what a server such as GitHub Pages shows for an unknown address
    assert "找不到这一页" in phone.locator("h1").inner_text()
    assert "生成" in phone.locator(".md-copyright").inner_text()
