"""load -> validate -> link: the one place where content files become the model."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .bodies import (
    GUIDE_SECTIONS,
    LESSON_SECTIONS,
    check_images,
    check_sections,
    check_setext_headings,
    check_slide_pictures,
    check_slide_timing,
    parse_slides,
)
from .dependencies import file_identity
from .docs_tree import check_docs_tree
from .kinds import (
    DISCUSSION,
    HANDOUT,
    LECTURER,
    LESSON,
    OPTIONAL_REGISTRIES,
    PACKET,
    PAGE_KINDS,
    REGISTRIES,
    RENAMED_ENTRIES,
    SITE_GUIDE,
    SLIDES,
    Kind,
    label,
)
from .model import (
    ContentModel,
    Event,
    LecturerMaterial,
    Lesson,
    Packet,
    Person,
    Route,
    Site,
    SiteGuide,
    Source,
    Term,
    citations,
)
from .problems import Problem, Severity, cap_per_kind, errors
from .quotes import QuoteMatcher, RegisteredQuote, quotation_problems
from .safety import check_body_safety
from .schemas import SchemaSet, Vocabularies, schema_problems
from .source import ReadError, SourceFile, read_page, read_registry
from .stories import dialogue_problems


@dataclass
class Settings:
    root: Path
    docs_dir: Path
    curriculum_dir: Path
    verified_max_age_days: int = 365
    today: date = field(default_factory=date.today)
    config_file: Path | None = None  # mkdocs.yml, to name its line in a problem of the settings

    @classmethod
    def for_project(cls, root: Path, **overrides: Any) -> Settings:
        return cls(root=root, docs_dir=root / "docs", curriculum_dir=root / "curriculum", **overrides)

    def relative(self, file: Path) -> str:
        # The files the loader globs lie under the root as written: no file system walk needed
        # (resolving every path cost 0.2 s of checking 2,000 lessons).
        if file.is_absolute() and self.root.is_absolute() and ".." not in file.parts \
                and file.is_relative_to(self.root):
            return file.relative_to(self.root).as_posix()
        try:
            return file.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return file.as_posix()


@dataclass
class LoadResult:
    model: ContentModel | None
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return self.model is not None and not errors(self.problems)


# While `remembering_files` is on (`mkdocs serve`): each file's reading and checks, by the
# file's identity and what the checks also looked at, so that a load after one edit reads
# and checks that one file again.
_remembered: dict[tuple[Any, ...], Any] | None = None
_used: set[tuple[Any, ...]] = set()
# The identity each source of the load in progress was read at, by id(source): its checks are
# remembered under the version that was read, without a second look at the file.
_identities: dict[int, tuple[Any, ...]] = {}


@contextlib.contextmanager
def remembering_files(memo: dict[tuple[Any, ...], Any]) -> Iterator[None]:
    """Loads inside the block keep each file's reading and checks in memo; what a load no longer
    used (an edited file's old version) is dropped at the end."""
    global _remembered
    _remembered = memo
    _used.clear()
    try:
        yield
    finally:
        for stale in memo.keys() - _used:
            del memo[stale]
        _remembered = None
        _used.clear()
        _identities.clear()


def _remember(key: tuple[Any, ...] | None, work: Callable[[], Any]) -> Any:
    if _remembered is None or key is None:
        return work()
    _used.add(key)
    if key not in _remembered:
        _remembered[key] = work()
    return _remembered[key]


def _remember_for(settings: Settings, source: SourceFile, label: str, work: Callable[[], Any], *also: Any) -> Any:
    """work's result for this version of source's file (and also: what else it looked at)."""
    if _remembered is None:
        return work()
    identity = _identities.get(id(source)) or file_identity(settings.root / source.path)
    return _remember(None if identity is None else (label, *identity, *also), work)


def _read(reader: Callable[[Path, str], tuple[SourceFile, list[Problem]]], file: Path,
          settings: Settings, problems: list[Problem]) -> SourceFile | None:
    def read() -> tuple[SourceFile | None, list[Problem]]:
        try:
            return reader(file, settings.relative(file))
        except ReadError as error:
            return None, [error.problem]

    identity = file_identity(file)
    source, found = _remember(None if identity is None else ("read", reader.__name__, *identity), read)
    problems.extend(found)
    if _remembered is not None and source is not None and identity is not None:
        _identities[id(source)] = identity
    return source


def _collect_ids(sources: dict[str, Any], pages: dict[str, list[SourceFile]],
                 problems: list[Problem]) -> dict[str, dict[str, SourceFile]]:
    ids: dict[str, dict[str, SourceFile]] = {}
    for name, kind in {**REGISTRIES, **OPTIONAL_REGISTRIES}.items():
        table = ids.setdefault(kind, {})
        source = sources.get(name)
        if source is None or not isinstance(source.data, list):
            continue
        for index, entry in enumerate(source.data):
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                if entry["id"] in table:
                    problems.append(Problem(source.path, source.line_of((index, "id")),
                                            f"标识 {entry['id']} 重复登记", "每个标识只能登记一次。"))
                table[entry["id"]] = source
    for folder, page_kind in PAGE_KINDS.items():
        table = ids.setdefault(page_kind.name, {})
        for source in pages[folder]:
            stem = Path(source.path).stem
            page_id = source.data.get("id")
            if isinstance(page_id, str) and page_id != stem:
                problems.append(Problem(source.path, source.line_of(("id",)),
                                        f"id {page_id!r} 与文件名 {stem}.md 不一致",
                                        f"把 id 改成 {stem}，或把文件改名为 {page_id}.md。"))
            if stem in table:
                problems.append(Problem(source.path, source.line_of(("id",)), f"标识 {stem} 重复",
                                        f"{table[stem].path} 已经用了它。"))
            table[stem] = source
    problems += _shared_page_ids(ids)
    return ids


def _shared_page_ids(ids: dict[str, dict[str, SourceFile]]) -> list[Problem]:
    """One id for a lesson and a guide (or a lecturer material): a packet's handout or a link
    names items by id alone, and would silently pick one of them."""
    problems = []
    kinds = [kind.name for kind in PAGE_KINDS.values()]
    for position, kind in enumerate(kinds):
        for later in kinds[position + 1:]:
            for shared in sorted(set(ids.get(kind, {})) & set(ids.get(later, {}))):
                source = ids[later][shared]
                problems.append(Problem(source.path, source.line_of(("id",)),
                                        f"标识 {shared} 同时用于{label(kind)}和{label(later)}",
                                        f"{ids[kind][shared].path} 已经用了它；讲义包和链接只按标识找条目："
                                        "给其中一个换个标识（文件名和 id 一起改）。"))
    return problems


def _registry_entries(source: SourceFile | None) -> list[dict[str, Any]]:
    if source is None or not isinstance(source.data, list):
        return []
    return [entry for entry in source.data if isinstance(entry, dict)]


def _verified_problems(guide: SiteGuide, settings: Settings) -> list[Problem]:
    line = guide.source.line_of(("visitor", "verified"))
    verified = guide.verified
    if verified is None:
        return [Problem(guide.source.path, line, "参观信息未核实（verified: null）",
                        "向景点核实开放时间和门票后，把 verified 改为核实日期；在此之前页面会标注“未核实”。",
                        Severity.WARNING)]
    age = (settings.today - date.fromisoformat(verified)).days
    if age > settings.verified_max_age_days >= 0:  # a negative limit is an error of its own
        return [Problem(guide.source.path, line,
                        f"参观信息已 {age} 天未核实（上限 {settings.verified_max_age_days} 天）",
                        "重新向景点核实参观信息并更新 verified 日期。", Severity.WARNING)]
    return []


MAX_TITLE_CHARACTERS = 60


def _title_problems(source: SourceFile) -> list[Problem]:
    """A title is a heading, a PDF bookmark and a line in every index: not blank, not a paragraph."""
    title = source.data.get("title") if isinstance(source.data, dict) else None
    if not isinstance(title, str):
        return []
    line = source.line_of(("title",))
    if not title.strip():
        return [Problem(source.path, line, "标题是空白的", "写一个简短的标题，例如 title: 支部建在连上。")]
    if len(title) > MAX_TITLE_CHARACTERS:
        return [Problem(source.path, line, f"标题太长（{len(title):,} 字，上限 {MAX_TITLE_CHARACTERS}）",
                        "标题要简短；更多内容写进 summary 或正文。")]
    return []


def _id_matches_file(source: SourceFile, suffix: str) -> list[Problem]:
    stem = Path(source.path).stem
    if isinstance(source.data, dict) and source.data.get("id") not in (None, stem):
        wrong = source.data["id"]
        return [Problem(source.path, source.line_of(("id",)), f"id {wrong!r} 与文件名 {stem}{suffix} 不一致",
                        f"把 id 改成 {stem}，或把文件改名为 {wrong}{suffix}。")]
    return []


def _route_day_problems(route: Route) -> list[Problem]:
    """A day whose visits and travel do not fit between its start and end cannot be run."""
    problems = []
    for day in route.days:
        if day.available_minutes <= 0:
            problems.append(Problem(route.source.path, day.line,
                                    f"第 {day.number} 天的结束时间 {day.end} 不晚于出发时间 {day.start}",
                                    "把 end 改为当天晚于 start 的时间。"))
        elif day.planned_minutes > day.available_minutes:
            problems.append(Problem(
                route.source.path, day.line,
                f"第 {day.number} 天排不下：路上和参观共 {day.planned_minutes} 分钟，"
                f"而 {day.start}–{day.end} 只有 {day.available_minutes} 分钟",
                "减少站点或停留时间，或把部分站点移到另一天。"))
    return problems


def _route_draft_stops(route: Route, lessons: dict[str, Lesson], guides: dict[str, SiteGuide]) -> list[Problem]:
    """A route past the draft stage is handed to pupils: its stops and lessons must be too."""
    problems: list[Problem] = []
    if route.is_draft:
        return problems
    for day_index, day in enumerate(route.days):
        for stop_index, stop in enumerate(day.stops):
            line = route.source.line_of(("days", day_index, "stops", stop_index))
            used: list[tuple[str, dict[str, Any]]] = [(stop.site, guides)]
            used += [(lesson_id, lessons) for lesson_id in stop.lessons]
            drafts = [item_id for item_id, table in used if item_id in table and table[item_id].is_draft]
            problems += [Problem(route.source.path, line, f"研学路线用到了草稿 {item_id}",
                                 "等这一条目进入 review 或 published 后再用，或先从这一站去掉。")
                         for item_id in drafts]
    return problems


def _duplicate_entries(packet: Packet) -> list[Problem]:
    """The same item twice in one packet prints it twice."""
    seen: dict[tuple[str, str], int] = {}
    problems = []
    for entry in packet.entries:
        first = seen.setdefault((entry.kind, entry.id), entry.line)
        if first != entry.line:
            problems.append(Problem(packet.source.path, entry.line,
                                    f"讲义包两次收录 {entry.kind}: {entry.id}（第一次在第 {first} 行）",
                                    "删除重复的这一项。"))
    return problems


def _duplicate_stops(route: Route) -> list[Problem]:
    """A site twice on one day is a slip (error); on another day it may be a return (warning)."""
    problems = []
    first_seen: dict[str, tuple[int, int]] = {}  # site -> (day number, line)
    for day_index, day in enumerate(route.days):
        for stop_index, stop in enumerate(day.stops):
            line = route.source.line_of(("days", day_index, "stops", stop_index))
            earlier = first_seen.setdefault(stop.site, (day.number, line))
            if earlier[1] == line:
                continue
            if earlier[0] == day.number:
                problems.append(Problem(route.source.path, line,
                                        f"第 {day.number} 天两次停靠 {stop.site}（第一次在第 {earlier[1]} 行）",
                                        "删除重复的这一站，或把两站的停留时间合并。"))
            else:
                problems.append(Problem(route.source.path, line,
                                        f"研学路线再次停靠 {stop.site}（第 {earlier[0]} 天已到过，第 {earlier[1]} 行）",
                                        "如果确实要再去一次，可以忽略这个警告；否则删除这一站。",
                                        Severity.WARNING))
    return problems


def _lecturer_draft_lessons(material: LecturerMaterial, lessons: dict[str, Lesson]) -> list[Problem]:
    """A lecturer material past the draft stage is published: the lessons it names must be too."""
    if material.is_draft:
        return []
    return [Problem(material.source.path, material.source.line_of(("lessons", index)),
                    f"{material.source.data.get('status')} 状态的讲师资料引用了草稿 {lesson_id}",
                    "草稿不会发布，链接会失效：等这课进入 review 或 published，或先从 lessons 中去掉。")
            for index, lesson_id in enumerate(material.lessons)
            if lesson_id in lessons and lessons[lesson_id].is_draft]


_QUOTE_FIELDS = ("id", "text", "work", "source")


def _quotation_problems(settings: Settings, registry_sources: dict[str, Any], pages: list[SourceFile]) -> list[Problem]:
    """Every quotation of the pages, glossary and events against the quotation register."""
    entries = [RegisteredQuote.from_entry(entry) for entry in _registry_entries(registry_sources.get("quotes"))
               if all(isinstance(entry.get(key), str) for key in _QUOTE_FIELDS)]
    speakers = {entry["name"]: entry["id"] for entry in _registry_entries(registry_sources.get("people"))
                if isinstance(entry.get("name"), str) and entry["name"] and isinstance(entry.get("id"), str)}
    sources = {entry["id"]: entry for entry in _registry_entries(registry_sources.get("sources"))
               if isinstance(entry.get("id"), str)}
    files = [source for source in pages if source.data]
    files += [source for name in ("glossary", "events") if (source := registry_sources.get(name)) is not None]
    if _remembered is None:
        return quotation_problems(files, QuoteMatcher(entries), speakers, sources)
    # The preview: each file's quotations checked again only when it or the registers changed.
    registers = hashlib.sha256(repr((entries, speakers, sources)).encode("utf-8")).hexdigest()
    matchers: list[QuoteMatcher] = []  # made on the first file checked: building it compares nothing

    def check(file: SourceFile) -> list[Problem]:
        if not matchers:
            matchers.append(QuoteMatcher(entries))
        return quotation_problems([file], matchers[0], speakers, sources)

    problems: list[Problem] = []
    for file in files:
        problems += _remember_for(settings, file, "quotes", functools.partial(check, file), registers)
    return problems


def _settings_problems(settings: Settings) -> list[Problem]:
    """Plugin settings of mkdocs.yml that MkDocs' type check lets through."""
    if settings.verified_max_age_days >= 0:
        return []
    path, line = "mkdocs.yml", 1
    if settings.config_file is not None:
        path = settings.relative(settings.config_file)
        try:
            text = settings.config_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        line = next((number for number, content in enumerate(text.splitlines(), start=1)
                     if content.strip().startswith("verified_max_age_days")), 1)
    return [Problem(path, line, f"verified_max_age_days 不能是负数（现在是 {settings.verified_max_age_days}）",
                    "写参观信息多少天内必须重新核实，例如 365。")]


def _draft_entries(packet: Packet, lessons: dict[str, Lesson], guides: dict[str, SiteGuide],
                   lecturers: dict[str, LecturerMaterial]) -> list[Problem]:
    """A packet past the draft stage goes to print: every item in it must be past the draft stage too."""
    if packet.is_draft:
        return []
    tables: dict[str, list[dict[str, Any]]] = {LESSON.name: [lessons], LECTURER.name: [lecturers],
                                               SITE_GUIDE.name: [guides], HANDOUT: [lessons, guides],
                                               DISCUSSION: [lessons], SLIDES: [lecturers]}
    return [Problem(packet.source.path, entry.line, f"讲义包收录了草稿 {entry.id}",
                    "等这一条目进入 review 或 published 后再收录，或先从 contents 中去掉。")
            for entry in packet.entries for table in tables[entry.kind]
            if entry.id in table and table[entry.id].is_draft]


def _renamed_entries(source: SourceFile) -> list[Problem]:
    """A packet entry under a kind's old word (site: for a guide) is an error that says the new one."""
    contents = source.data.get("contents") if isinstance(source.data, dict) else None
    found = []
    for index, entry in enumerate(contents if isinstance(contents, list) else []):
        for old, new in RENAMED_ENTRIES.items():
            if isinstance(entry, dict) and old in entry:
                found.append(Problem(source.path, source.line_of(("contents", index)),
                                     f"讲义包条目的键 {old} 已改名为 {new}",
                                     f"把“- {old}: {entry[old]}”改成“- {new}: {entry[old]}”。"))
    return found


def _valid_data_files(kind: str, sources: list[SourceFile], schema_set: SchemaSet, vocabularies: Vocabularies,
                      ids: dict[str, dict[str, SourceFile]]) -> tuple[list[SourceFile], list[Problem]]:
    """The data files of one kind (packets, routes) that match their schema and file name, and
    the problems of all of them."""
    valid: list[SourceFile] = []
    problems: list[Problem] = []
    for source in sources:
        renamed = _renamed_entries(source) if kind == PACKET.name else []
        found = schema_problems(kind, source, source.data, schema_set, vocabularies, ids)
        # The old key's own schema error ("unknown field") says less than the rename does.
        found = [*renamed, *(problem for problem in found
                             if (problem.line, problem.severity) not in {(old.line, old.severity) for old in renamed})]
        found += _id_matches_file(source, ".yml")
        problems += found
        if not errors(found):
            valid.append(source)
    return valid, problems


_reused: dict[tuple[Any, ...], LoadResult] | None = None  # on while `reusing_loads` is


@contextlib.contextmanager
def reusing_loads() -> Iterator[None]:
    """Within the block, loading unchanged content again returns the first result.

    `jinggang site` checks, builds, renders the downloads and builds the offline site: each
    step reads the model, and without this the 2,000-lesson site was read and validated
    five times. A changed file (modification time, size) or other settings load again.
    """
    global _reused
    _reused = {}
    try:
        yield
    finally:
        _reused = None


def _content_key(settings: Settings) -> tuple[Any, ...]:
    files = []
    for folder in (settings.docs_dir, settings.curriculum_dir):
        for path in sorted(folder.rglob("*")):
            status = path.stat()
            files.append((path.as_posix(), status.st_mtime_ns, status.st_size))
    return (settings.root, settings.docs_dir, settings.curriculum_dir, settings.verified_max_age_days,
            settings.today, settings.config_file, tuple(files))


def load_content(settings: Settings) -> LoadResult:
    """Read every content file, validate it, and link the model; collect every problem."""
    if _reused is None:
        return _load_content(settings)
    key = _content_key(settings)
    if key not in _reused:
        _reused.clear()
        _reused[key] = _load_content(settings)
    return _reused[key]


def _load_content(settings: Settings) -> LoadResult:
    _identities.clear()  # this load's sources only: ids of freed objects are used again
    problems: list[Problem] = _settings_problems(settings)
    curriculum = settings.curriculum_dir
    schema_set = SchemaSet(curriculum / "schema")

    vocab_source = _read(read_registry, curriculum / "vocabularies.yml", settings, problems)
    vocabularies = Vocabularies({})
    if vocab_source is not None:
        vocab_problems = schema_problems("vocabularies", vocab_source, vocab_source.data, schema_set,
                                         vocabularies, {})
        problems += vocab_problems
        if not vocab_problems:
            vocabularies = Vocabularies(vocab_source.data)

    registry_sources: dict[str, Any] = {}
    for name in REGISTRIES:
        file = curriculum / f"{name}.yml"
        if not os.path.lexists(file):  # a dangling symlink is there: reading it says why it fails
            problems.append(Problem(settings.relative(file), 1, f"缺少登记表 {name}.yml",
                                    "新建这个文件，内容可以是空列表 []。"))
            continue
        registry_sources[name] = _read(read_registry, file, settings, problems)
    for name in OPTIONAL_REGISTRIES:
        file = curriculum / f"{name}.yml"
        if os.path.lexists(file):
            registry_sources[name] = _read(read_registry, file, settings, problems)

    pages: dict[str, list[SourceFile]] = {}
    for folder in PAGE_KINDS:
        pages[folder] = []
        for file in sorted((settings.docs_dir / folder).glob("*.md")):
            if file.name == "index.md":
                continue
            source = _read(read_page, file, settings, problems)
            # An unreadable page keeps its id (the file name), so references to it do not
            # add a second, misleading error.
            pages[folder].append(source or SourceFile(settings.relative(file), data={}))

    item_files = {file for folder in PAGE_KINDS for file in (settings.docs_dir / folder).glob("*.md")
                  if file.name != "index.md"}
    problems += check_docs_tree(settings, item_files)

    packet_sources = [source for file in sorted((curriculum / "packets").glob("*.yml"))
                      if (source := _read(read_registry, file, settings, problems)) is not None]

    route_sources = [source for file in sorted((curriculum / "routes").glob("*.yml"))
                     if (source := _read(read_registry, file, settings, problems)) is not None]
    reading_file = curriculum / "reading.yml"
    reading_source = _read(read_registry, reading_file, settings, problems) if os.path.lexists(reading_file) else None

    ids = _collect_ids(registry_sources, pages, problems)
    ids["packet"] = {Path(source.path).stem: source for source in packet_sources}
    ids["route"] = {Path(source.path).stem: source for source in route_sources}

    for name, source in registry_sources.items():
        if source is not None:
            problems += schema_problems(name, source, source.data, schema_set, vocabularies, ids)
    valid_pages: dict[str, list[SourceFile]] = {}
    people_names = [str(entry["name"]) for entry in _registry_entries(registry_sources.get("people"))
                    if isinstance(entry.get("name"), str)]
    registered_passages = [str(entry["text"]) for entry in _registry_entries(registry_sources.get("quotes"))
                           if isinstance(entry.get("text"), str)]
    # What a page's checks look at besides the page: which ids and pages exist, the labels, the names.
    surroundings = (tuple((kind, tuple(sorted(table))) for kind, table in sorted(ids.items())),
                    repr(vocabularies.terms), tuple(people_names), tuple(registered_passages),
                    tuple(sorted(str(file) for file in item_files)), settings.root)
    surroundings_key = hashlib.sha256(repr(surroundings).encode("utf-8")).hexdigest() if _remembered is not None else ""
    for folder, kind in PAGE_KINDS.items():
        valid_pages[folder] = []
        for source in pages[folder]:
            if not source.data:
                continue

            def check(source: SourceFile = source, kind: Kind = kind,
                      folder: str = folder) -> tuple[list[Problem], list[Problem]]:
                found = schema_problems(kind.schema, source, source.data, schema_set, vocabularies, ids)
                return found + _title_problems(source), check_setext_headings(source, slides=folder == "lecturers") \
                    + dialogue_problems(source, people_names, registered_passages)

            found, more = _remember_for(settings, source, "check", check, surroundings_key)
            # Never remembered: they look at other files (pictures, link targets and their headings),
            # which an edit elsewhere changes; 0.1 s of a load at 2,000 lessons.
            problems += found + check_images(source, settings.root) + check_body_safety(source, settings) + more
            if not errors(found):
                valid_pages[folder].append(source)

    problems += _quotation_problems(settings, registry_sources,
                                    [source for folder in pages.values() for source in folder])

    # Citations name works of this register; every id was checked above (x-ref "source").
    register = {entry["id"]: Source.from_dict(entry) for entry in _registry_entries(registry_sources.get("sources"))}
    lessons = {}
    for source in valid_pages["lessons"]:
        problems += _remember_for(settings, source, "sections",
                                  functools.partial(check_sections, source, LESSON_SECTIONS, exact=True))
        lessons[source.data["id"]] = Lesson.from_source(source, register)
    guides = {}
    for source in valid_pages["sites"]:
        problems += check_sections(source, GUIDE_SECTIONS, exact=False)
        guide = SiteGuide.from_source(source, register)
        problems += _verified_problems(guide, settings)
        guides[guide.id] = guide
    lecturers = {}
    for source in valid_pages["lecturers"]:
        slides, slide_problems = _remember_for(settings, source, "slides", functools.partial(parse_slides, source))
        problems += slide_problems
        if not errors(slide_problems):
            problems += check_slide_timing(source, slides, source.data.get("duration"))
            problems += check_slide_pictures(source, slides)
        lecturers[source.data["id"]] = LecturerMaterial.from_source(source, register, slides)
        problems += _lecturer_draft_lessons(lecturers[source.data["id"]], lessons)

    valid_packets, found = _valid_data_files("packet", packet_sources, schema_set, vocabularies, ids)
    problems += found
    packets = {}
    for source in valid_packets:
        packet = Packet.from_source(source)
        problems += _draft_entries(packet, lessons, guides, lecturers) + _duplicate_entries(packet)
        packets[packet.id] = packet

    valid_routes, found = _valid_data_files("route", route_sources, schema_set, vocabularies, ids)
    problems += found
    routes = {}
    for source in valid_routes:
        route = Route.from_source(source, register)
        problems += _route_day_problems(route) + _route_draft_stops(route, lessons, guides) \
            + _duplicate_stops(route)
        routes[route.id] = route

    rotation: tuple[str, ...] = ()
    if reading_source is not None:
        found = schema_problems("reading", reading_source, reading_source.data, schema_set, vocabularies, ids)
        problems += found
        if not errors(found):
            rotation = tuple(reading_source.data["rotation"])

    problems = cap_per_kind(problems)
    if errors(problems):
        return LoadResult(None, problems)
    model = ContentModel(
        vocabularies=vocabularies,
        sites={entry["id"]: Site(entry["id"], entry["name"], tuple(entry.get("aliases", ())))
               for entry in _registry_entries(registry_sources.get("sites"))},
        events={entry["id"]: Event(entry["id"], entry["name"], entry["date"], entry["place"],
                                   entry["summary"], citations(entry["sources"], register),
                                   entry.get("site"), tuple(entry.get("people", ())))
                for entry in _registry_entries(registry_sources.get("events"))},
        people={entry["id"]: Person(entry["id"], entry["name"], entry["summary"], entry.get("born"),
                                    entry.get("died"))
                for entry in _registry_entries(registry_sources.get("people"))},
        terms={entry["id"]: Term(entry["id"], entry["term"], entry["definition"],
                                 citations(entry.get("sources", ()), register))
               for entry in _registry_entries(registry_sources.get("glossary"))},
        lessons=lessons, site_guides=guides, lecturers=lecturers, packets=packets, reading_rotation=rotation,
        routes=routes, sources=register,
    )
    return LoadResult(model, problems)
