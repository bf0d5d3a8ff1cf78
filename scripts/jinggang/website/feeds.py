"""Atom feeds: new and updated items, and the daily reading (百年党史天天读).

feeds/updates.xml lists the newest UPDATES_LIMIT lessons, guides, lecturer materials, routes
and packets, each dated by its content: an item's `updated`; a route by the newest of the
guides and lessons it visits; a packet by the newest of the items it prints. Never by the
clock, so two builds of the same content give the same bytes.

feeds/reading.xml holds the next FEED_DAYS days of the daily reading (content/daily.py),
counted from the newest content date. Both are files of the built site (and so of the
offline zip); every page names them with <link rel="alternate"> (site_overrides/main.html).
Entry ids and links are the online addresses (site_url), in the offline build too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlparse

from ..content.daily import DailyReading, feed_start, readings_from
from ..content.kinds import KINDS
from ..content.model import ContentModel, Event, Lesson, Packet, Route
from .render import Renderer, url_for
from .share import absolute_url

UPDATES_FEED = "feeds/updates.xml"
READING_FEED = "feeds/reading.xml"
FEEDS = (UPDATES_FEED, READING_FEED)  # what feed_documents writes
UPDATES_LIMIT = 50
AUTHOR = "井冈传人编写组"
# Content dates are days; a feed needs an instant. Midnight in China, where the readers are.
TIME_OF_DAY = "T00:00:00+08:00"
LABELS = {**{name: kind.label for name, kind in KINDS.items()}, "reading": "天天读"}


def instant(day: str) -> str:
    return day + TIME_OF_DAY


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    url: str
    updated: str  # RFC 3339
    summary: str
    category: str
    authors: tuple[str, ...] = ()
    content: str = ""  # HTML, escaped by the template
    link_type: str = "text/html"

    @property
    def category_label(self) -> str:
        return LABELS.get(self.category, self.category)


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    subtitle: str
    self_url: str
    site_url: str
    rights: str
    entries: tuple[FeedEntry, ...] = field(default_factory=tuple)
    author: str = AUTHOR

    @property
    def updated(self) -> str:
        return max((entry.updated for entry in self.entries), default=instant("2021-01-01"))


def route_updated(model: ContentModel, route: Route) -> str:
    dates = [model.site_guides[stop.site].updated for stop in route.stops if stop.site in model.site_guides]
    dates += [model.lessons[lesson_id].updated for stop in route.stops for lesson_id in stop.lessons
              if lesson_id in model.lessons]
    return max(dates, default="2021-01-01")


def packet_updated(model: ContentModel, packet: Packet) -> str:
    tables: dict[str, tuple[dict[str, Any], ...]] = {
        "lesson": (model.lessons,), "lecturer": (model.lecturers,), "site": (model.site_guides,),
        "handout": (model.lessons, model.site_guides)}
    dates = [table[entry.id].updated for entry in packet.entries for table in tables.get(entry.kind, ())
             if entry.id in table]
    return max(dates, default="2021-01-01")


def update_entries(model: ContentModel, site_url: str) -> list[FeedEntry]:
    """Every item, route and packet, newest first (then by kind and id: a stable order)."""
    entries = []
    for item in model.items():
        url = absolute_url(site_url, url_for(item.src_uri))
        entries.append(FeedEntry(url, item.title, url, instant(item.updated), item.summary, item.KIND,
                                 item.authors))
    for route in model.routes.values():
        url = absolute_url(site_url, url_for(route.src_uri))
        entries.append(FeedEntry(url, route.title, url, instant(route_updated(model, route)), route.summary,
                                 "route"))
    for packet in model.packets.values():
        url = absolute_url(site_url, packet.download_path)
        entries.append(FeedEntry(url, packet.title, url, instant(packet_updated(model, packet)), packet.occasion,
                                 "packet", (packet.issuer,), link_type="application/pdf"))
    order = list(LABELS)
    entries.sort(key=lambda entry: (order.index(entry.category), entry.id))
    entries.sort(key=lambda entry: entry.updated, reverse=True)
    return entries


def reading_entries(renderer: Renderer, readings: list[DailyReading], site_url: str) -> list[FeedEntry]:
    authority = urlparse(site_url).hostname or "localhost"

    def lesson_url(lesson: Lesson) -> str:
        return absolute_url(site_url, url_for(lesson.src_uri))

    def event_url(event: Event) -> str:
        return absolute_url(site_url, url_for("timeline.md")) + f"#event-{event.id}"

    entries = []
    for reading in readings:
        day = reading.day.isoformat()
        if reading.events:
            url = event_url(reading.events[0])
        elif reading.lesson:
            url = lesson_url(reading.lesson)
        else:
            continue
        content = renderer.env.get_template("jinggang/feeds/reading-entry.html").render(
            reading=reading, lesson_url=lesson_url, event_url=event_url).strip()
        summary = "；".join([*(f"历史上的今天：{event.name}" for event in reading.events),
                            *([f"今日微团课：{reading.lesson.title}"] if reading.lesson else [])])
        entries.append(FeedEntry(f"tag:{authority},2021:reading/{day}",
                                 f"{reading.label} · {reading.headline}", url, instant(day), summary,
                                 "reading", content=content))
    return entries


def feed_documents(model: ContentModel, renderer: Renderer, *, site_name: str, site_url: str,
                   site_description: str, rights: str, start: date | None = None) -> dict[str, str]:
    """Path in the built site -> the Atom document."""
    site_url = absolute_url(site_url, "")
    updates = Feed(absolute_url(site_url, UPDATES_FEED), f"{site_name}：新增和更新", site_description,
                   absolute_url(site_url, UPDATES_FEED), site_url, rights,
                   tuple(update_entries(model, site_url)[:UPDATES_LIMIT]))
    readings = readings_from(model, start or feed_start(model))
    reading = Feed(absolute_url(site_url, READING_FEED), f"{site_name}：百年党史天天读",
                   "每天一篇：历史上的今天和当天的微团课", absolute_url(site_url, READING_FEED), site_url, rights,
                   tuple(reading_entries(renderer, readings, site_url)))
    template = renderer.env.get_template("jinggang/feeds/atom.xml")
    return {UPDATES_FEED: template.render(feed=updates), READING_FEED: template.render(feed=reading)}
