"""百年党史天天读 as 历史上的今天: a day with anniversaries reads all of them, oldest first;
the lessons of the rotation take turns on the other days only. The calendar page, the home
page's box (readings.js, today picked by the reader's clock) and the daily reading of the
feed and `jinggang reading` all make the same choice."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from jinggang.bench.serving import serve
from jinggang.cli import render_context
from jinggang.content.daily import daily_reading
from jinggang.content.reading import LEAP_YEAR, reading_calendar

from .conftest import build_site, make_project

# Two events on 4 October (written out of order: the reading puts the older first), one on
# 2 January, and the fixture's 三湾改编 on 29 September.
EXTRA_EVENTS = [
    {"id": "later-event", "name": "后来的事件", "date": "1949-10-04", "place": "北京",
     "summary": "这是后来的那件事。"},
    {"id": "earlier-event", "name": "先前的事件", "date": "1930-10-04", "place": "江西吉安",
     "summary": "红军攻克吉安城。"},
    {"id": "new-year-event", "name": "年初的事件", "date": "1935-01-02", "place": "贵州",
     "summary": "年初的一件事。"},
    {"id": "month-only-event", "name": "只知道月份", "date": "1928-04", "place": "宁冈",
     "summary": "日期只写到月，不进日历。"},
]


def reading_project(destination: Path) -> Path:
    """The minimal fixture plus the events above, a second lesson and a rotation of both."""
    project = make_project(destination)
    events_file = project / "curriculum/events.yml"
    events = yaml.safe_load(events_file.read_text(encoding="utf-8"))
    sources = events[0]["sources"]  # the fixture's own citation form, whichever it is
    events += [{**event, "sources": copy.deepcopy(sources)} for event in EXTRA_EVENTS]  # no YAML aliases
    events_file.write_text(yaml.safe_dump(events, allow_unicode=True, sort_keys=False), encoding="utf-8")
    lesson = (project / "docs/lessons/sanwan-branch.md").read_text(encoding="utf-8")
    second = (lesson.replace("id: sanwan-branch", "id: second-lesson")
              .replace("title: 支部建在连上", "title: 第二课")
              .replace("summary: 讲述三湾改编如何把党的支部建在连上。", "summary: 第二课的简介。")
              .replace("events: [sanwan-reorganization]", "events: []"))
    assert second.count("second-lesson") == 1 and "第二课的简介" in second
    (project / "docs/lessons/second-lesson.md").write_text(second, encoding="utf-8")
    (project / "curriculum/reading.yml").write_text(
        "rotation:\n  - sanwan-branch\n  - second-lesson\n", encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return reading_project(tmp_path_factory.mktemp("reading") / "project")


@pytest.fixture(scope="module")
def model(project: Path) -> Any:
    context = render_context(project / "mkdocs.yml")[0]
    assert context is not None
    return context.model


@pytest.fixture(scope="module")
def site(project: Path) -> Path:
    return build_site(project)


def test_an_anniversary_day_reads_all_its_events_oldest_first(model: Any) -> None:
    calendar = {reading.day: reading for reading in reading_calendar(model)}
    assert len(calendar) == 366
    october = calendar["10-04"]
    assert october.kind == "event" and october.label == "10月4日"
    assert [event.event_id for event in october.events] == ["earlier-event", "later-event"]
    assert [event.line for event in october.events] == ["历史上的今天：1930年10月4日，红军攻克吉安城。",
                                                        "历史上的今天：1949年10月4日，这是后来的那件事。"]
    assert october.events[0].anchor == "event-earlier-event"
    assert [event.event_id for event in calendar["09-29"].events] == ["sanwan-reorganization"]
    # A date without a day has no anniversary: April reads lessons only.
    assert all(reading.kind == "lesson" for day, reading in calendar.items() if day.startswith("04-"))
    assert sum(reading.kind == "event" for reading in calendar.values()) == 3


def test_lessons_take_turns_only_on_days_without_an_anniversary(model: Any) -> None:
    readings = reading_calendar(model)
    lessons = [reading.title for reading in readings if reading.kind == "lesson"]
    assert len(lessons) == 366 - 3
    assert lessons == ["支部建在连上", "第二课"] * (len(lessons) // 2) + ["支部建在连上"] * (len(lessons) % 2)
    by_day = {reading.day: reading for reading in readings}
    # 1 January reads the first lesson, 2 January its anniversary, and 3 January the next
    # lesson: the anniversary did not use up a turn of the rotation.
    assert [by_day[day].title or by_day[day].kind for day in ("01-01", "01-02", "01-03")] \
        == ["支部建在连上", "event", "第二课"]


def test_the_daily_reading_makes_the_calendars_choice_on_every_day(model: Any) -> None:
    calendar = {reading.day: reading for reading in reading_calendar(model)}
    for offset in range(366):
        day = date(LEAP_YEAR, 1, 1) + timedelta(days=offset)
        reading = daily_reading(model, day)
        expected = calendar[day.strftime("%m-%d")]
        assert [event.id for event in reading.events] == [event.event_id for event in expected.events]
        if expected.kind == "lesson":
            assert reading.lesson is not None and reading.lesson.title == expected.title, day
    # On an anniversary the daily reading pairs the event with a lesson about it, if any;
    # it never takes a lesson of the rotation then.
    assert daily_reading(model, date(2027, 9, 29)).lesson.id == "sanwan-branch"
    october = daily_reading(model, date(2027, 10, 4))
    assert [event.id for event in october.events] == ["earlier-event", "later-event"] and october.lesson is None
    assert october.headline == "先前的事件"


class Rows(HTMLParser):
    """The calendar page's rows: day -> (class, text of each cell)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, tuple[str, list[str]]] = {}
        self.day: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr" and found.get("data-jg-day"):
            self.day = found["data-jg-day"]
            self.rows[self.day] = (found.get("class") or "", [])
        elif tag == "td" and self.day:
            self.rows[self.day][1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self.day = None

    def handle_data(self, data: str) -> None:
        if self.day and self.rows[self.day][1]:
            self.rows[self.day][1][-1] += data


def test_the_calendar_page_and_the_years_script(site: Path) -> None:
    parser = Rows()
    parser.feed((site / "reading/index.html").read_text(encoding="utf-8"))
    assert len(parser.rows) == 366
    css, cells = parser.rows["10-04"]
    assert css == "jg-reading--event"
    assert cells[0] == "10月4日" and cells[1] == "先前的事件（1930 年）后来的事件（1949 年）"
    assert cells[2] == "历史上的今天：1930年10月4日，红军攻克吉安城。历史上的今天：1949年10月4日，这是后来的那件事。"
    assert parser.rows["01-03"] == ("", ["1月3日", "第二课", "第二课的简介。"])
    script = (site / "assets/javascripts/readings.js").read_text(encoding="utf-8")
    match = re.fullmatch(r"window\.JINGGANG_READINGS = (.*);\n", script, re.S)
    assert match is not None
    readings = json.loads(match.group(1))
    assert len(readings) == 366
    assert readings["10-04"] == {"kind": "event", "label": "10月4日", "events": [
        {"date": "1930年10月4日", "name": "先前的事件", "summary": "红军攻克吉安城。",
         "url": "timeline/#event-earlier-event", "year": 1930},
        {"date": "1949年10月4日", "name": "后来的事件", "summary": "这是后来的那件事。",
         "url": "timeline/#event-later-event", "year": 1949}]}
    assert readings["01-03"] == {"kind": "lesson", "label": "1月3日", "title": "第二课", "summary": "第二课的简介。",
                                 "url": "lessons/second-lesson/"}
    timeline = (site / "timeline/index.html").read_text(encoding="utf-8")
    assert 'id="event-earlier-event"' in timeline and 'id="event-later-event"' in timeline


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.browser
def test_home_and_calendar_show_the_anniversaries_first_on_the_readers_day(tab: Any, served: str) -> None:
    tab.clock.set_fixed_time(datetime.fromisoformat("2026-10-04T08:00:00"))
    tab.goto(served)
    box = tab.locator("[data-jg-today]")
    tab.wait_for_function("document.querySelector('[data-jg-today]').dataset.jgTodayKey === '10-04'")
    assert box.locator("[data-jg-today-date]").inner_text() == "10月4日 · 历史上的今天"
    assert box.locator("[data-jg-today-summary] p").all_inner_texts() == [
        "历史上的今天：1930年10月4日，红军攻克吉安城。", "历史上的今天：1949年10月4日，这是后来的那件事。"]
    tab.locator("[data-jg-today-summary] a").first.click()
    tab.wait_for_url("**/timeline/#event-earlier-event")

    tab.goto(served + "reading/")
    tab.wait_for_function("document.querySelector('[data-jg-reading-today]').dataset.jgTodayKey === '10-04'")
    today = tab.locator("[data-jg-reading-today]")
    assert today.is_visible()
    assert today.locator("[data-jg-today-summary] p").first.inner_text() \
        == "历史上的今天：1930年10月4日，红军攻克吉安城。"
    row = tab.locator("tr.jg-reading--today")
    assert row.count() == 1 and row.get_attribute("data-jg-day") == "10-04"
    assert row.get_attribute("aria-current") == "date"
    assert row.is_visible()  # its month opened
    assert tab.locator("details.jg-reading-month[open]").evaluate_all("open => open.map(month => month.id)") \
        == ["month-10"]


@pytest.mark.browser
def test_a_day_without_an_anniversary_reads_its_lesson(tab: Any, served: str) -> None:
    tab.clock.set_fixed_time(datetime.fromisoformat("2026-01-03T08:00:00"))
    tab.goto(served)
    tab.wait_for_function("document.querySelector('[data-jg-today]').dataset.jgTodayKey === '01-03'")
    box = tab.locator("[data-jg-today]")
    assert box.locator("[data-jg-today-date]").inner_text() == "1月3日"
    assert box.locator("[data-jg-today-link]").inner_text() == "第二课"
    assert box.locator("[data-jg-today-summary]").inner_text() == "第二课的简介。"
    assert "历史上的今天" not in box.inner_text()
    box.locator("[data-jg-today-link]").click()
    tab.wait_for_url("**/lessons/second-lesson/")
