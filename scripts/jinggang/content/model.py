"""The content model: every output (site, PDF packets, slides, offline kits) reads this.

Items are built only from validated front matter, so the types below can be trusted.
Links between items are ids; the reverse links (a guide's lessons, a lesson's lecturer
materials) are computed here, never written twice by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from .bodies import Slide
from .dependencies import Derived, Recorded, Table
from .kinds import KINDS, LECTURER, LESSON, PACKET, PART_ENTRIES, REGISTRIES, ROUTE, SITE_GUIDE, Kind, entry_kinds
from .schemas import Vocabularies
from .source import SourceFile


@dataclass(frozen=True)
class Source(Recorded):
    """One published work of the sources register (curriculum/sources.yml)."""

    KIND = REGISTRIES["sources"]

    id: str
    kind: str  # book, article, speech or web
    title: str
    publisher: str
    author: str | None = None
    year: int | None = None  # books
    date: str | None = None  # articles, speeches, web pages that show one: YYYY-MM-DD, YYYY-MM or YYYY
    url: str | None = None

    @classmethod
    def from_dict(cls, entry: dict[str, Any]) -> Source:
        # Read field by field: the register is built before a wrong entry has stopped the load.
        return cls(str(entry.get("id")), str(entry.get("kind")), str(entry.get("title")), str(entry.get("publisher")),
                   entry.get("author"), entry.get("year"), entry.get("date"), entry.get("url"))

    @property
    def date_label(self) -> str:
        """When it appeared, as the citation prints it: 2011 年, or 2016年10月21日 for a dated piece;
        empty for a web page that shows no date."""
        if self.date is None:
            return f"{self.year} 年" if self.year is not None else ""
        parts = self.date.split("-")
        if len(parts) == 1:
            return f"{parts[0]} 年"
        return f"{parts[0]}年{int(parts[1])}月" + (f"{int(parts[2])}日" if len(parts) > 2 else "")


@dataclass(frozen=True)
class Citation:
    """A work cited from an item, with the page where the item's fact is found."""

    source: Source
    page: str | None = None

    @property
    def page_label(self) -> str:
        """第 245 页 for page numbers; a newspaper's 第1版 (or any wording in Chinese) as written."""
        if self.page is None:
            return ""
        if any("\u4e00" <= character <= "\u9fff" for character in self.page):
            return self.page
        return f"第 {self.page} 页"


def citations(entries: Iterable[dict[str, Any]], register: dict[str, Source]) -> tuple[Citation, ...]:
    return tuple(Citation(register[entry["source"]], entry.get("page")) for entry in entries)


@dataclass(frozen=True)
class Review:
    """Who checked an item (or a packet, or a route) against its sources, and when."""

    status: str  # draft, review or published
    reviewed_by: str | None = None
    reviewed_on: str | None = None  # YYYY-MM-DD
    notes: str | None = None

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @classmethod
    def from_front(cls, front: dict[str, Any]) -> Review:
        return cls(front["status"], front.get("reviewed_by"), front.get("reviewed_on"), front.get("review_notes"))


@dataclass(frozen=True)
class Site(Recorded):
    KIND = REGISTRIES["sites"]

    id: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person(Recorded):
    KIND = REGISTRIES["people"]

    id: str
    name: str
    summary: str
    born: int | None = None
    died: int | None = None


@dataclass(frozen=True)
class Event(Recorded):
    KIND = REGISTRIES["events"]

    id: str
    name: str
    date: str
    place: str
    summary: str
    sources: tuple[Citation, ...]
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
class Term(Recorded):
    KIND = REGISTRIES["glossary"]

    id: str
    term: str
    definition: str
    sources: tuple[Citation, ...] = ()


class Reviewed(Recorded):
    """Anything with a review record (an item, a packet, a route): its status is the record's."""

    review: Review

    @property
    def status(self) -> str:
        return self.review.status

    @property
    def is_draft(self) -> bool:
        return self.review.is_draft

    @property
    def reviewed_by(self) -> str | None:
        return self.review.reviewed_by

    @property
    def reviewed_on(self) -> str | None:
        return self.review.reviewed_on


@dataclass
class ContentItem(Reviewed):
    """Fields shared by every kind of page: lessons, site guides, lecturer materials."""

    KIND = "item"
    FOLDER = ""

    id: str
    title: str
    summary: str
    audience: tuple[str, ...]
    themes: tuple[str, ...]
    sources: tuple[Citation, ...]
    authors: tuple[str, ...]
    updated: str
    review: Review
    source: SourceFile = field(repr=False, compare=False)

    @property
    def src_uri(self) -> str:
        """Path relative to docs/, as MkDocs names the page."""
        return f"{self.FOLDER}/{self.id}.md"

    @property
    def url(self) -> str:
        return f"{self.FOLDER}/{self.id}/"

    @staticmethod
    def common_fields(front: dict[str, Any], source: SourceFile, register: dict[str, Source],
                      title_key: str = "title") -> dict[str, Any]:
        return {
            "id": front["id"],
            "title": front[title_key],
            "summary": front["summary"],
            "audience": tuple(front.get("audience", ())),
            "themes": tuple(front.get("themes", ())),
            "sources": citations(front["sources"], register),
            "authors": tuple(front["authors"]),
            "updated": front["updated"],
            "review": Review.from_front(front),
            "source": source,
        }


@dataclass
class Lesson(ContentItem):
    KIND = LESSON.name
    FOLDER = "lessons"

    duration: int = 0
    sites: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    discussion: tuple[str, ...] = ()

    @classmethod
    def from_source(cls, source: SourceFile, register: dict[str, Source]) -> Lesson:
        front = source.data
        return cls(**cls.common_fields(front, source, register), duration=front["duration"],
                   sites=tuple(front.get("sites", ())), events=tuple(front.get("events", ())),
                   objectives=tuple(front["objectives"]), discussion=tuple(front["discussion"]))


@dataclass
class SiteGuide(ContentItem):
    KIND = SITE_GUIDE.name
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
    def from_source(cls, source: SourceFile, register: dict[str, Source]) -> SiteGuide:
        front = source.data
        return cls(**cls.common_fields(front, source, register, title_key="name"), region=dict(front["region"]),
                   address=front["address"], latitude=front["coordinates"]["lat"],
                   longitude=front["coordinates"]["lon"], visitor=dict(front["visitor"]),
                   events=tuple(front.get("events", ())), tasks=tuple(front["tasks"]),
                   safety=tuple(front["safety"]))


@dataclass
class LecturerMaterial(ContentItem):
    KIND = LECTURER.name
    FOLDER = "lecturers"

    group: str = ""
    duration: int = 0
    lessons: tuple[str, ...] = ()
    slides: tuple[Slide, ...] = ()

    @classmethod
    def from_source(cls, source: SourceFile, register: dict[str, Source], slides: Iterable[Slide]) -> LecturerMaterial:
        front = source.data
        return cls(**cls.common_fields(front, source, register), group=front["group"], duration=front["duration"],
                   lessons=tuple(front["lessons"]), slides=tuple(slides))


@dataclass(frozen=True)
class PacketEntry:
    """One item of a packet: kind is a page kind's name or a part of a page (kinds.PACKET_ENTRIES)."""

    kind: str
    id: str
    line: int


@dataclass
class Packet(Reviewed):
    KIND = PACKET.name

    id: str
    title: str
    audience: tuple[str, ...]
    occasion: str
    issuer: str
    entries: tuple[PacketEntry, ...]
    speaker_notes: bool
    handouts: bool
    review: Review
    source: SourceFile = field(repr=False, compare=False)
    date: str | None = None  # the session's day, printed on the cover (YYYY-MM-DD)

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
                   entries, front.get("speaker_notes", True), front.get("handouts", False), Review.from_front(front),
                   source, front.get("date"))


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
class Route(Reviewed):
    KIND = ROUTE.name

    id: str
    title: str
    summary: str
    audience: tuple[str, ...]
    safety: tuple[str, ...]
    days: tuple[RouteDay, ...]
    review: Review
    source: SourceFile = field(repr=False, compare=False)
    sources: tuple[Citation, ...] = ()

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
    def from_source(cls, source: SourceFile, register: dict[str, Source]) -> Route:
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
                   tuple(front["safety"]), tuple(days), Review.from_front(front), source,
                   citations(front.get("sources", ()), register))


@dataclass
class ContentModel(Recorded):
    KIND = "model"
    id = "-"
    # The tables record their own reads (dependencies.Table); of the rest, the rotation is content.
    _recorded_fields = frozenset({"reading_rotation"})

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
    sources: dict[str, Source] = field(default_factory=dict)

    def __post_init__(self) -> None:
        kinds = {**{kind.table: kind.name for kind in KINDS.values()},
                 **{name: kind for name, kind in REGISTRIES.items() if name != "glossary"}, "terms": "term"}
        for table, kind in kinds.items():
            entries = getattr(self, table)
            if not isinstance(entries, Table):
                setattr(self, table, Table(kind, entries))

    def items(self) -> list[ContentItem]:
        return [*self.lessons.values(), *self.site_guides.values(), *self.lecturers.values()]

    def item_by_src_uri(self, src_uri: str) -> ContentItem | None:
        folder, _, name = src_uri.partition("/")
        tables: dict[str, dict[str, Any]] = {"lessons": self.lessons, "sites": self.site_guides,
                                             "lecturers": self.lecturers}
        table = tables.get(folder, {})
        return table.get(name.removesuffix(".md")) if name.count("/") == 0 else None

    def __getstate__(self) -> dict[str, Any]:
        """Pickled and copied without the reverse-link indexes (built again on first use)."""
        state = dict(self.__dict__)
        state.pop("_reverse_indexes", None)
        return state

    # Reverse links, computed from the forward ids. Each is indexed once, on first use, in the
    # order of the table it reads: every page asks for its own, and a scan of every lesson per
    # page grows with the square of the site (500 guides × 10,000 lessons). The index is Derived:
    # every file that asks is recorded as having read what the scan reads (dependencies.py).
    def _reverse_index(self, name: str, table: Mapping[str, Any],
                       keys: Callable[[Any], Iterable[str]]) -> dict[str, list[Any]]:
        """key -> the table's values that name it, once each, in table order. Built again if
        the table was replaced or changed size since (the model is not edited in place otherwise)."""
        indexes = self.__dict__.setdefault("_reverse_indexes", {})
        size = dict.__len__(table) if isinstance(table, dict) else len(table)  # not a recorded listing
        found = indexes.get(name)
        if found is None or found[0] is not table or found[1] != size:
            def build() -> dict[str, list[Any]]:
                index: dict[str, list[Any]] = {}
                for value in table.values():
                    for key in dict.fromkeys(keys(value)):
                        index.setdefault(key, []).append(value)
                return index

            found = indexes[name] = (table, size, Derived(build))
        return found[2].get()  # type: ignore[no-any-return]

    def lessons_for_site(self, site_id: str) -> list[Lesson]:
        return list(self._reverse_index("lessons_for_site", self.lessons, lambda lesson: lesson.sites)
                    .get(site_id, ()))

    def lessons_for_event(self, event_id: str) -> list[Lesson]:
        return list(self._reverse_index("lessons_for_event", self.lessons, lambda lesson: lesson.events)
                    .get(event_id, ()))

    def lecturers_for_lesson(self, lesson_id: str) -> list[LecturerMaterial]:
        return list(self._reverse_index("lecturers_for_lesson", self.lecturers, lambda material: material.lessons)
                    .get(lesson_id, ()))

    def packets_for_item(self, item: ContentItem) -> list[Packet]:
        """Packets that print this item (as itself or a part of it: worksheet, questions, slides)."""
        names = {item.KIND} | {part for part, kinds in PART_ENTRIES.items()
                               if any(kind.name == item.KIND for kind in kinds)}
        candidates = self._reverse_index("packets_for_item", self.packets,
                                         lambda packet: (entry.id for entry in packet.entries)).get(item.id, ())
        return [packet for packet in candidates
                if any(entry.id == item.id and entry.kind in names for entry in packet.entries)]

    def table(self, kind: Kind) -> Mapping[str, Any]:
        """The items of a kind, by id."""
        table: Mapping[str, Any] = getattr(self, kind.table)
        return table

    def entry_items(self, entry: PacketEntry) -> list[ContentItem]:
        """What a packet entry names: its page, or for a handout the lesson or guide of that id."""
        return [item for kind in entry_kinds(entry.kind) if (item := self.table(kind).get(entry.id)) is not None]

    def routes_for_site(self, site_id: str) -> list[Route]:
        return list(self._reverse_index("routes_for_site", self.routes,
                                        lambda route: (stop.site for stop in route.stops)).get(site_id, ()))

    def events_sorted(self) -> list[Event]:
        return sorted(self.events.values(), key=lambda event: (event.date, event.id))

    def label(self, vocabulary: str, slug: str) -> str:
        return self.vocabularies.label(vocabulary, slug)

    def published_view(self) -> ContentModel:
        """The model without drafts (items, packets and routes): what the published site and
        packets show. A packet or route in review is kept: it is built, marked 审核中·仅供试用."""
        def keep(table: dict[str, Any]) -> dict[str, Any]:
            return {key: item for key, item in table.items() if not item.is_draft}

        return replace(self, lessons=keep(self.lessons), site_guides=keep(self.site_guides),
                       lecturers=keep(self.lecturers), packets=keep(self.packets), routes=keep(self.routes))
