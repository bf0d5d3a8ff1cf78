"""百年党史天天读: one short reading for each day of the year.

An event whose registry date has a day is read on its anniversary; every other day takes
the next lesson of the rotation in curriculum/reading.yml. The whole year is written into
the site, and the browser picks today's reading, so the home page is right on any day
without a rebuild, offline too.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from .model import ContentModel

LEAP_YEAR = 2024  # a year with 29 February, so every day has its reading


@dataclass(frozen=True)
class Reading:
    day: str  # MM-DD
    kind: str  # event or lesson
    title: str
    summary: str
    src_uri: str  # the page to read more, as MkDocs names it
    anchor: str = ""
    year: int | None = None  # the event's year, for an anniversary

    @property
    def month(self) -> int:
        return int(self.day[:2])

    @property
    def label(self) -> str:
        month, day = (int(part) for part in self.day.split("-"))
        return f"{month}月{day}日"


def reading_calendar(model: ContentModel) -> list[Reading]:
    anniversaries: dict[str, list] = {}
    for event in model.events_sorted():
        if len(event.date) == 10:
            anniversaries.setdefault(event.date[5:], []).append(event)
    rotation = [model.lessons[lesson_id] for lesson_id in model.reading_rotation if lesson_id in model.lessons]
    if not rotation:
        rotation = sorted(model.lessons.values(), key=lambda lesson: lesson.id)
    readings = []
    for offset in range(366):
        day = date(LEAP_YEAR, 1, 1) + timedelta(days=offset)
        key = day.strftime("%m-%d")
        if key in anniversaries:
            event = anniversaries[key][0]
            readings.append(Reading(key, "event", event.name, event.summary, "timeline.md",
                                    f"event-{event.id}", event.year))
        elif rotation:
            lesson = rotation[offset % len(rotation)]
            readings.append(Reading(key, "lesson", lesson.title, lesson.summary, lesson.src_uri))
    return readings


def readings_script(readings: list[Reading], urls: dict[str, str]) -> str:
    """A script (not JSON: fetch() cannot read files under file://) defining the calendar."""
    entries = {}
    for reading in readings:
        entry = asdict(reading)
        entry["url"] = urls.get(reading.src_uri, "") + (f"#{reading.anchor}" if reading.anchor else "")
        entry["label"] = reading.label
        del entry["src_uri"], entry["anchor"], entry["day"]
        entries[reading.day] = entry
    return "window.JINGGANG_READINGS = " + json.dumps(entries, ensure_ascii=False, sort_keys=True) + ";\n"
