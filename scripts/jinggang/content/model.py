"""The content model: every output (site, PDF packets, slides, offline kits) reads this.

Items are built only from validated front matter, so the types below can be trusted.
Links between items are ids; the reverse links (a guide's lessons, a lesson's lecturer
materials) are computed here, never written twice by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from .bodies import Slide
from .schemas import Vocabularies
from .source import SourceFile


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str
    year: int
    author: str | None = None
    pages: str | None = None
    url: str | None = None

    @classmethod
    def from_dict(cls, entry: dict[str, Any]) -> Source:
        return cls(**entry)


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    summary: str
    born: int | None = None
    died: int | None = None


@dataclass(frozen=True)
class Event:
    id: str
    name: str
    date: str
    place: str
    summary: str
    sources: tuple[Source, ...]
    site: str | None = None
    people: tuple[str, ...] = ()

    @property
    def year(self) -> int:
        return int(self.date[:4])

    @property
    def date_label(self) -> str:
        parts = self.date.split("-")
        label = f"{parts[0]}年"
        if len(parts) > 1:
            label += f"{int(parts[1])}月"
        if len(parts) > 2:
            label += f"{int(parts[2])}日"
        return label


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    definition: str
    sources: tuple[Source, ...] = ()


@dataclass
class ContentItem:
    """Fields shared by every kind of page: lessons, site guides, lecturer materials."""

    KIND = "item"
    FOLDER = ""

    id: str
    title: str
    summary: str
    audience: tuple[str, ...]
    themes: tuple[str, ...]
    sources: tuple[Source, ...]
    status: str
    authors: tuple[str, ...]
    updated: str
    reviewers: tuple[str, ...]
    reviewed: str | None
    source: SourceFile = field(repr=False, compare=False)

    @property
    def src_uri(self) -> str:
        """Path relative to docs/, as MkDocs names the page."""
        return f"{self.FOLDER}/{self.id}.md"

    @property
    def url(self) -> str:
        return f"{self.FOLDER}/{self.id}/"

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @staticmethod
    def common_fields(front: dict[str, Any], source: SourceFile, title_key: str = "title") -> dict[str, Any]:
        return {
            "id": front["id"],
            "title": front[title_key],
            "summary": front["summary"],
            "audience": tuple(front.get("audience", ())),
            "themes": tuple(front.get("themes", ())),
            "sources": tuple(Source.from_dict(entry) for entry in front["sources"]),
            "status": front["status"],
            "authors": tuple(front["authors"]),
            "updated": front["updated"],
            "reviewers": tuple(front.get("reviewers", ())),
            "reviewed": front.get("reviewed"),
            "source": source,
        }


@dataclass
class Lesson(ContentItem):
    KIND = "lesson"
    FOLDER = "lessons"

    duration: int = 0
    sites: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    discussion: tuple[str, ...] = ()

    @classmethod
    def from_source(cls, source: SourceFile) -> Lesson:
        front = source.data
        return cls(**cls.common_fields(front, source), duration=front["duration"],
                   sites=tuple(front.get("sites", ())), events=tuple(front.get("events", ())),
                   objectives=tuple(front["objectives"]), discussion=tuple(front["discussion"]))


@dataclass
class SiteGuide(ContentItem):
    KIND = "site-guide"
    FOLDER = "sites"

    region: dict[str, str] = field(default_factory=dict)
    address: str = ""
    latitude: float = 0.0
    longitude: float = 0.0
    visitor: dict[str, Any] = field(default_factory=dict)
    events: tuple[str, ...] = ()
    tasks: tuple[str, ...] = ()
    safety: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.title

    @property
    def verified(self) -> str | None:
        return self.visitor.get("verified")

    @property
    def has_coordinates(self) -> bool:
        """False while the coordinates are the placeholder {lat: 0, lon: 0} that `jinggang new`
        writes (no Chinese site lies on the equator at the prime meridian)."""
        return (self.latitude, self.longitude) != (0.0, 0.0)

    def is_stale(self, on: str, max_age_days: int) -> bool:
        """Visitor information verified more than max_age_days before `on` (YYYY-MM-DD)."""
        if self.verified is None:
            return False
        return (date.fromisoformat(on) - date.fromisoformat(self.verified)).days > max_age_days

    @classmethod
    def from_source(cls, source: SourceFile) -> SiteGuide:
        front = source.data
        return cls(**cls.common_fields(front, source, title_key="name"), region=dict(front["region"]),
                   address=front["address"], latitude=front["coordinates"]["lat"],
                   longitude=front["coordinates"]["lon"], visitor=dict(front["visitor"]),
                   events=tuple(front.get("events", ())), tasks=tuple(front["tasks"]),
                   safety=tuple(front["safety"]))


@dataclass
class LecturerMaterial(ContentItem):
    KIND = "lecturer"
    FOLDER = "lecturers"

    group: str = ""
    duration: int = 0
    lessons: tuple[str, ...] = ()
    slides: tuple[Slide, ...] = ()

    @classmethod
    def from_source(cls, source: SourceFile, slides: Iterable[Slide]) -> LecturerMaterial:
        front = source.data
        return cls(**cls.common_fields(front, source), group=front["group"], duration=front["duration"],
                   lessons=tuple(front["lessons"]), slides=tuple(slides))


@dataclass(frozen=True)
class PacketEntry:
    """One item of a packet: kind is lesson, lecturer, site or handout."""

    kind: str
    id: str
    line: int


@dataclass
class Packet:
    id: str
    title: str
    audience: tuple[str, ...]
    occasion: str
    issuer: str
    entries: tuple[PacketEntry, ...]
    speaker_notes: bool
    handouts: bool
    source: SourceFile = field(repr=False, compare=False)

    @property
    def download_path(self) -> str:
        """Path of the PDF inside the built site."""
        return f"downloads/packets/{self.id}.pdf"

    @classmethod
    def from_source(cls, source: SourceFile) -> Packet:
        front = source.data
        entries = tuple(PacketEntry(kind, item_id, source.line_of(("contents", index)))
                        for index, entry in enumerate(front["contents"]) for kind, item_id in entry.items())
        return cls(front["id"], front["title"], tuple(front["audience"]), front["occasion"], front["issuer"],
                   entries, front.get("speaker_notes", True), front.get("handouts", False), source)


@dataclass(frozen=True)
class RouteStop:
    site: str
    travel_minutes: int
    visit_minutes: int
    lessons: tuple[str, ...]
    tasks: tuple[str, ...]
    meeting_point: str | None
    number: int  # counted through the whole route, as on the map


@dataclass(frozen=True)
class RouteDay:
    number: int
    title: str
    start: str
    end: str
    meeting_point: str
    stops: tuple[RouteStop, ...]
    line: int

    @property
    def available_minutes(self) -> int:
        return _minutes(self.end) - _minutes(self.start)

    @property
    def planned_minutes(self) -> int:
        return sum(stop.travel_minutes + stop.visit_minutes for stop in self.stops)

    def times(self) -> list[tuple[str, str]]:
        """(arrival, departure) at each stop, from the start time and the plan."""
        clock, result = _minutes(self.start), []
        for stop in self.stops:
            clock += stop.travel_minutes
            arrival = clock
            clock += stop.visit_minutes
            result.append((_clock(arrival), _clock(clock)))
        return result


def _minutes(hh_mm: str) -> int:
    hours, minutes = hh_mm.split(":")
    return int(hours) * 60 + int(minutes)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass
class Route:
    id: str
    title: str
    summary: str
    audience: tuple[str, ...]
    safety: tuple[str, ...]
    days: tuple[RouteDay, ...]
    source: SourceFile = field(repr=False, compare=False)

    @property
    def url(self) -> str:
        return f"routes/{self.id}/"

    @property
    def src_uri(self) -> str:
        return f"routes/{self.id}.md"

    @property
    def stops(self) -> list[RouteStop]:
        return [stop for day in self.days for stop in day.stops]

    @classmethod
    def from_source(cls, source: SourceFile) -> Route:
        front = source.data
        days, number = [], 0
        for day_index, day in enumerate(front["days"]):
            stops = []
            for stop in day["stops"]:
                number += 1
                stops.append(RouteStop(stop["site"], stop["travel_minutes"], stop["visit_minutes"],
                                       tuple(stop.get("lessons", ())), tuple(stop.get("tasks", ())),
                                       stop.get("meeting_point"), number))
            days.append(RouteDay(day_index + 1, day["title"], day["start"], day["end"], day["meeting_point"],
                                 tuple(stops), source.line_of(("days", day_index))))
        return cls(front["id"], front["title"], front["summary"], tuple(front["audience"]),
                   tuple(front["safety"]), tuple(days), source)


@dataclass
class ContentModel:
    vocabularies: Vocabularies
    sites: dict[str, Site]
    events: dict[str, Event]
    people: dict[str, Person]
    terms: dict[str, Term]
    lessons: dict[str, Lesson]
    site_guides: dict[str, SiteGuide]
    lecturers: dict[str, LecturerMaterial]
    packets: dict[str, Packet] = field(default_factory=dict)
    reading_rotation: tuple[str, ...] = ()
    routes: dict[str, Route] = field(default_factory=dict)

    def items(self) -> list[ContentItem]:
        return [*self.lessons.values(), *self.site_guides.values(), *self.lecturers.values()]

    def item_by_src_uri(self, src_uri: str) -> ContentItem | None:
        folder, _, name = src_uri.partition("/")
        tables: dict[str, dict[str, Any]] = {"lessons": self.lessons, "sites": self.site_guides,
                                             "lecturers": self.lecturers}
        table = tables.get(folder, {})
        return table.get(name.removesuffix(".md")) if name.count("/") == 0 else None

    # Reverse links, computed from the forward ids.
    def lessons_for_site(self, site_id: str) -> list[Lesson]:
        return [lesson for lesson in self.lessons.values() if site_id in lesson.sites]

    def lessons_for_event(self, event_id: str) -> list[Lesson]:
        return [lesson for lesson in self.lessons.values() if event_id in lesson.events]

    def lecturers_for_lesson(self, lesson_id: str) -> list[LecturerMaterial]:
        return [material for material in self.lecturers.values() if lesson_id in material.lessons]

    def packets_for_item(self, item: ContentItem) -> list[Packet]:
        """Packets that print this item (as itself or as its handout)."""
        kinds = {"lesson": ("lesson", "handout"), "lecturer": ("lecturer",), "site-guide": ("site", "handout")}
        wanted = kinds.get(item.KIND, ())
        return [packet for packet in self.packets.values()
                if any(entry.kind in wanted and entry.id == item.id for entry in packet.entries)]

    def routes_for_site(self, site_id: str) -> list[Route]:
        return [route for route in self.routes.values() if any(stop.site == site_id for stop in route.stops)]

    def events_sorted(self) -> list[Event]:
        return sorted(self.events.values(), key=lambda event: (event.date, event.id))

    def label(self, vocabulary: str, slug: str) -> str:
        return self.vocabularies.label(vocabulary, slug)

    def published_view(self) -> ContentModel:
        """The model without drafts: what the published site and packets show."""
        def keep(table: dict[str, Any]) -> dict[str, Any]:
            return {key: item for key, item in table.items() if not item.is_draft}

        return replace(self, lessons=keep(self.lessons), site_guides=keep(self.site_guides),
                       lecturers=keep(self.lecturers))
