"""百年党史天天读 as 历史上的今天: one short reading for each day of the year.

A day on which events of the registry happened (dates with a day) reads all of them, oldest
first: 历史上的今天. Every other day reads the next lesson of the rotation in
curriculum/reading.yml; the rotation moves on only on those days, so the lessons take turns
evenly however many anniversaries the year holds. The whole year is written into the site,
and the browser picks today's reading, so the pages are right on any day without a rebuild,
offline too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from .model import ContentModel, Event, Lesson

LEAP_YEAR = 2024  # a year with 29 February, so every day has its reading
TIMELINE = "timeline.md"  # where an event is read in full, at its anchor


@dataclass(frozen=True)
class Anniversary:
    """One event read on its day."""

    event_id: str
    name: str
    date_label: str  # 1930年10月4日
    year: int
    summary: str

    @classmethod
    def of(cls, event: Event) -> Anniversary:
        return cls(event.id, event.name, event.date_label, event.year, event.summary)

    @property
    def anchor(self) -> str:
        return f"event-{self.event_id}"

    @property
    def line(self) -> str:
        return f"历史上的今天：{self.date_label}，{self.summary}"


@dataclass(frozen=True)
class Reading:
    """A day's reading: its anniversaries, or else a lesson (title, summary, page)."""

    day: str  # MM-DD
    events: tuple[Anniversary, ...] = ()
    title: str = ""
    summary: str = ""
    src_uri: str = ""  # the lesson's page, as MkDocs names it

    @property
    def kind(self) -> str:
        return "event" if self.events else "lesson"

    @property
    def month(self) -> int:
        return int(self.day[:2])

    @property
    def label(self) -> str:
        month, day = (int(part) for part in self.day.split("-"))
        return f"{month}月{day}日"


def anniversaries(model: ContentModel) -> dict[str, list[Event]]:
    """MM-DD -> the events of that day, oldest first (only dates with a day count)."""
    days: dict[str, list[Event]] = {}
    for event in model.events_sorted():
        if len(event.date) == 10:
            days.setdefault(event.date[5:], []).append(event)
    return days


def rotation(model: ContentModel) -> list[Lesson]:
    lessons = [model.lessons[lesson_id] for lesson_id in model.reading_rotation if lesson_id in model.lessons]
    return lessons or sorted(model.lessons.values(), key=lambda lesson: lesson.id)


def rotation_days(model: ContentModel) -> dict[str, Lesson]:
    """MM-DD -> the rotation's lesson, for the days of a leap year without an anniversary."""
    taken = anniversaries(model)
    lessons = rotation(model)
    days: dict[str, Lesson] = {}
    if not lessons:
        return days
    for offset in range(366):
        key = (date(LEAP_YEAR, 1, 1) + timedelta(days=offset)).strftime("%m-%d")
        if key not in taken:
            days[key] = lessons[len(days) % len(lessons)]
    return days


def reading_calendar(model: ContentModel) -> list[Reading]:
    taken = anniversaries(model)
    lessons = rotation_days(model)
    readings = []
    for offset in range(366):
        key = (date(LEAP_YEAR, 1, 1) + timedelta(days=offset)).strftime("%m-%d")
        if key in taken:
            readings.append(Reading(key, tuple(Anniversary.of(event) for event in taken[key])))
        elif key in lessons:
            lesson = lessons[key]
            readings.append(Reading(key, title=lesson.title, summary=lesson.summary, src_uri=lesson.src_uri))
    return readings


def readings_script(readings: list[Reading], urls: dict[str, str]) -> str:
    """A script (not JSON: fetch() cannot read files under file://) defining the calendar."""
    timeline = urls.get(TIMELINE, "")
    entries: dict[str, dict[str, object]] = {}
    for reading in readings:
        entry: dict[str, object] = {"kind": reading.kind, "label": reading.label}
        if reading.events:
            entry["events"] = [{"date": event.date_label, "name": event.name, "summary": event.summary,
                                "url": f"{timeline}#{event.anchor}" if timeline else "", "year": event.year}
                               for event in reading.events]
        else:
            entry.update(title=reading.title, summary=reading.summary, url=urls.get(reading.src_uri, ""))
        entries[reading.day] = entry
    return "window.JINGGANG_READINGS = " + json.dumps(entries, ensure_ascii=False, sort_keys=True) + ";\n"
