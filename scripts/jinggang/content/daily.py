"""One day's reading for the feed and for new-media editors: 历史上的今天, then the day's lesson.

The site's calendar (reading.py) shows one reading a day, an anniversary or else a lesson of
the rotation. A column on a new-media account wants both: every event of that month and day
(历史上的今天), and a lesson: the first lesson about the day's event when there is one, else
the lesson the rotation gives that day (the same one the home page shows).

The reading feed covers the 30 days from the newest `updated` date in the content
(FEED_DAYS, feed_start), not from the clock: two builds of the same content give the same
feed. A site rebuilt when its content changes publishes the next month of readings then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .model import ContentModel, Event, Lesson
from .reading import LEAP_YEAR
from .reproducible import newest_content_date

FEED_DAYS = 30


@dataclass(frozen=True)
class DailyReading:
    day: date
    events: tuple[Event, ...]  # 历史上的今天, oldest first
    lesson: Lesson | None

    @property
    def label(self) -> str:
        return f"{self.day.month}月{self.day.day}日"

    @property
    def headline(self) -> str:
        """What the day is about: its first anniversary, else its lesson."""
        if self.events:
            return self.events[0].name
        return self.lesson.title if self.lesson else ""


def _rotation(model: ContentModel) -> list[Lesson]:
    rotation = [model.lessons[lesson_id] for lesson_id in model.reading_rotation if lesson_id in model.lessons]
    return rotation or sorted(model.lessons.values(), key=lambda lesson: lesson.id)


def daily_reading(model: ContentModel, day: date) -> DailyReading:
    key = day.strftime("%m-%d")
    events = tuple(event for event in model.events_sorted() if len(event.date) == 10 and event.date[5:] == key)
    about = sorted((lesson for event in events for lesson in model.lessons_for_event(event.id)),
                   key=lambda lesson: lesson.id)
    rotation = _rotation(model)
    lesson = about[0] if about else None
    if lesson is None and rotation:
        # The day's place in a leap year, as reading_calendar counts it.
        offset = (date(LEAP_YEAR, day.month, day.day) - date(LEAP_YEAR, 1, 1)).days
        lesson = rotation[offset % len(rotation)]
    return DailyReading(day, events, lesson)


def feed_start(model: ContentModel) -> date:
    """The first day of the reading feed: the newest content date, so builds are reproducible."""
    return date.fromisoformat(newest_content_date(model))


def readings_from(model: ContentModel, start: date, days: int = FEED_DAYS) -> list[DailyReading]:
    return [daily_reading(model, start + timedelta(days=offset)) for offset in range(days)]
