"""One day's reading for the feed and for new-media editors: 历史上的今天, then a lesson.

The same choice as the site's calendar (reading.py): every event of that month and day
(历史上的今天), oldest first; a day without one reads the lesson the rotation gives it (the
one the home page shows). A column on a new-media account also pairs an anniversary with a
lesson about that event when there is one; the rotation itself moves on only on days
without an anniversary.

The reading feed covers the 30 days from the newest `updated` date in the content
(FEED_DAYS, feed_start), not from the clock: two builds of the same content give the same
feed. A site rebuilt when its content changes publishes the next month of readings then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .model import ContentModel, Event, Lesson
from .reading import anniversaries, rotation_days
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


def daily_reading(model: ContentModel, day: date) -> DailyReading:
    return _reading_of(model, day, anniversaries(model), rotation_days(model))


def _reading_of(model: ContentModel, day: date, taken: dict[str, list[Event]],
                rotation_by_day: dict[str, Lesson]) -> DailyReading:
    key = day.strftime("%m-%d")
    events = tuple(taken.get(key, ()))
    if events:
        about = sorted((lesson for event in events for lesson in model.lessons_for_event(event.id)),
                       key=lambda lesson: lesson.id)
        return DailyReading(day, events, about[0] if about else None)
    return DailyReading(day, events, rotation_by_day.get(key))


def feed_start(model: ContentModel) -> date:
    """The first day of the reading feed: the newest content date, so builds are reproducible."""
    return date.fromisoformat(newest_content_date(model))


def readings_from(model: ContentModel, start: date, days: int = FEED_DAYS) -> list[DailyReading]:
    # The calendar once for the feed's days: made again for each day, it was most of a small
    # site's feed (30 times 366 days) and sorted every lesson 30 times at 10,000.
    taken, rotation_by_day = anniversaries(model), rotation_days(model)
    return [_reading_of(model, start + timedelta(days=offset), taken, rotation_by_day) for offset in range(days)]
