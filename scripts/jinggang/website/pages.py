"""What the site adds to the authored pages, computed from the model as plain data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..content.model import ContentModel, LecturerMaterial, Lesson, Route
from ..content.reading import Reading, reading_calendar
from ..content.schemas import SchemaSet
from .glossary import TermDefinitions
from .order import guides_in_order, lecturers_in_order, lessons_in_order, routes_in_order, terms_by_initial
from .packet_builder import builder_page
from .render import GeneratedPage, Renderer
from .route_map import route_map, unmapped_sites

LECTURER_BODY = "jinggang/lecturer-body.md"


def duration_bands(durations: Iterable[int], most: int = 3) -> list[tuple[str, str, int, int]]:
    """The catalog's duration filters, from the lessons' own durations: up to `most` bands cut
    at the terciles, each holding lessons and labelled with the durations it holds
    (value "low-high" for the filter script, label, low, high)."""
    ordered = sorted(durations)
    if not ordered:
        return []
    cuts = sorted({ordered[len(ordered) * part // most] for part in range(1, most)} | {ordered[-1]})
    bands, low = [], ordered[0]
    for cut in cuts:
        held = [minutes for minutes in ordered if low <= minutes <= cut]
        if held:
            label = f"{held[0]} 分钟" if held[0] == held[-1] else f"{held[0]}–{held[-1]} 分钟"
            bands.append((f"{low}-{cut}", label, low, cut))
        low = cut + 1
    return bands


@dataclass(frozen=True)
class LessonGroup:
    key: str
    label: str
    lessons: tuple[Lesson, ...]
    src_uri: str | None = None  # the page of the group itself (a site guide)


def _by_title(lessons: Iterable[Lesson]) -> tuple[Lesson, ...]:
    return lessons_in_order(lessons)


def lesson_groups(model: ContentModel, by: str) -> list[LessonGroup]:
    """Lessons grouped by audience, theme or site, in vocabulary or registry order."""
    lessons = model.lessons.values()
    if by == "sites":
        return [LessonGroup(guide.id, guide.name, _by_title(model.lessons_for_site(guide.id)), guide.src_uri)
                for guide in guides_in_order(model)]
    terms = model.vocabularies.terms[{"audience": "audience", "themes": "themes"}[by]]
    # One pass in title order, not a pass and a sort a group: at 2,000 lessons the groups'
    # passes read each lesson's terms once for every term (0.1 s a page in the preview).
    members: dict[str, list[Lesson]] = {slug: [] for slug in terms}
    for lesson in _by_title(lessons):
        for slug in dict.fromkeys(getattr(lesson, by)):
            if slug in members:
                members[slug].append(lesson)
    return [LessonGroup(slug, label, tuple(members[slug])) for slug, label in terms.items()]


@dataclass(frozen=True)
class FieldDoc:
    name: str
    title: str
    kind: str
    required: bool
    description: str
    values: str


def _type_of(schema: dict[str, Any], schema_set: SchemaSet, base: str) -> dict[str, Any]:
    """The schema with its $ref followed; base names the schema file refs are relative to."""
    ref = schema.get("$ref")
    if not ref:
        return schema
    file, _, pointer = ref.partition("#")
    base = file.removesuffix(".schema.json") or base
    target: Any = schema_set.schemas[base]
    for part in pointer.strip("/").split("/"):
        if part:
            target = target[part]
    return {**_type_of(target, schema_set, base), **{k: v for k, v in schema.items() if k != "$ref"}}


_TYPE_LABELS = {"string": "文字", "integer": "整数", "number": "数字", "array": "列表",
                "object": "映射", "boolean": "是/否"}


def field_docs(kind: str, schema_set: SchemaSet, model: ContentModel) -> list[FieldDoc]:
    """One row per field of a kind, nested fields included, read from its JSON Schema."""
    schema = schema_set.schemas[kind]
    if schema.get("type") == "array":
        schema = schema["items"]
    return _object_docs(schema, kind, "", schema_set, model)


def _object_docs(schema: dict[str, Any], base: str, prefix: str, schema_set: SchemaSet,
                 model: ContentModel) -> list[FieldDoc]:
    required = set(schema.get("required", []))
    conditional = set(schema.get("then", {}).get("required", []))
    docs = []
    for name, raw in schema.get("properties", {}).items():
        field_schema = _type_of(raw, schema_set, base)
        items = _type_of(field_schema.get("items", {}), schema_set, "common")
        type_name = field_schema.get("type") or ("日期或 null" if "oneOf" in field_schema else "")
        label = _TYPE_LABELS.get(str(type_name), str(type_name))
        if type_name == "array" and items.get("type"):
            label = f"{_TYPE_LABELS.get(items['type'], items['type'])}列表"
        values = ""
        vocabulary = field_schema.get("x-vocabulary") or items.get("x-vocabulary")
        if vocabulary:
            values = "、".join(f"{slug}（{text}）" for slug, text in model.vocabularies.terms[vocabulary].items())
        reference = field_schema.get("x-ref") or items.get("x-ref")
        if reference:
            values = f"{reference} 的标识"
        if "enum" in field_schema:
            values = "、".join(str(value) for value in field_schema["enum"])
        if field_schema.get("format") == "date":
            label = "日期 YYYY-MM-DD"
        elif field_schema.get("format") == "partial-date":
            label = "日期 YYYY-MM-DD、YYYY-MM 或 YYYY"
        bounds = [f"{word} {field_schema[key]}" for key, word in (("minimum", "最小"), ("maximum", "最大"))
                  if key in field_schema]
        if bounds:
            values = "，".join(bounds)
        docs.append(FieldDoc(prefix + name, str(field_schema.get("title", "")), label,
                             name in required, str(field_schema.get("description", "")),
                             values + ("（发布时必填）" if name in conditional else "")))
        if type_name == "object":
            docs += _object_docs(field_schema, base, f"{prefix}{name}.", schema_set, model)
        elif type_name == "array" and items.get("type") == "object":
            docs += _object_docs(items, "common", f"{prefix}{name}[].", schema_set, model)
    return docs


FIELD_REFERENCE_KINDS = ("lesson", "site-guide", "lecturer", "packet", "route", "sources", "quotes", "sites", "events",
                         "people", "glossary", "reading", "vocabularies")


def _readings_by_month(model: ContentModel) -> list[tuple[int, list[Reading]]]:
    months: dict[int, list[Reading]] = {}
    for reading in reading_calendar(model):
        months.setdefault(reading.month, []).append(reading)
    return sorted(months.items())


def generated_pages(model: ContentModel, schema_set: SchemaSet) -> list[GeneratedPage]:
    def catalog() -> dict[str, Any]:
        lessons = _by_title(model.lessons.values())
        return {"lessons": lessons, "bands": duration_bands(lesson.duration for lesson in lessons),
                "audiences": model.vocabularies.terms["audience"], "themes": model.vocabularies.terms["themes"]}

    def fields() -> dict[str, Any]:
        return {"kinds": [(schema_set.schemas[kind].get("title", kind), schema_set.schemas[kind].get("description", ""),
                           field_docs(kind, schema_set, model)) for kind in FIELD_REFERENCE_KINDS]}

    return [
        GeneratedPage("lessons/index.md", "微团课目录", "jinggang/catalog.html", catalog, searchable=False),
        GeneratedPage("sites/index.md", "红色景点研学指南", "jinggang/site-list.html",
                      lambda: {"guides": guides_in_order(model)}, searchable=False),
        GeneratedPage("lecturers/index.md", "讲师资料", "jinggang/lecturer-list.html",
                      lambda: {"materials": lecturers_in_order(model),
                               "packets": sorted(model.packets.values(), key=lambda packet: packet.id)},
                      searchable=False),
        GeneratedPage("browse/audience.md", "按适用对象浏览", "jinggang/grouped.html",
                      lambda: {"groups": lesson_groups(model, "audience")}, searchable=False),
        GeneratedPage("browse/themes.md", "按主题浏览", "jinggang/grouped.html",
                      lambda: {"groups": lesson_groups(model, "themes")}, searchable=False),
        GeneratedPage("browse/sites.md", "按景点浏览", "jinggang/grouped.html",
                      lambda: {"groups": lesson_groups(model, "sites")}, searchable=False),
        GeneratedPage("timeline.md", "党史时间线", "jinggang/timeline.html", lambda: {"events": model.events_sorted()}),
        GeneratedPage("reading.md", "百年党史天天读", "jinggang/reading.html",
                      lambda: {"months": _readings_by_month(model)}, searchable=False),
        GeneratedPage("glossary.md", "术语表", "jinggang/glossary.html", lambda: {"groups": terms_by_initial(model)}),
        *route_pages(model),
        GeneratedPage("search/index.md", "搜索", "jinggang/search.html", hide=("toc",), searchable=False),
        builder_page(model, schema_set),
        GeneratedPage("editors/fields.md", "字段参考", "jinggang/fields.html", fields),
    ]


def route_pages(model: ContentModel) -> list[GeneratedPage]:
    pages = [GeneratedPage("routes/index.md", "研学路线", "jinggang/route-list.html",
                           lambda: {"routes": routes_in_order(model)}, searchable=False)]
    for route in sorted(model.routes.values(), key=lambda route: route.id):
        def context(route: Route = route) -> dict[str, Any]:
            # What "save for offline" caches: the route page itself, its guides and lessons.
            offline_pages = [route.src_uri, *dict.fromkeys(
                [model.site_guides[stop.site].src_uri for stop in route.stops]
                + [model.lessons[lesson_id].src_uri for stop in route.stops for lesson_id in stop.lessons])]
            return {"route": route, "map": route_map(route, model), "unmapped": unmapped_sites(route, model),
                    "offline_pages": offline_pages}

        pages.append(GeneratedPage(route.src_uri, route.title, "jinggang/route.html", context))
    return pages


def lecturer_markdown(material: LecturerMaterial, renderer: Renderer) -> str:
    """The body of a lecturer page: its introduction, then each slide boxed with its notes in a
    block readers can hide (site_overrides/jinggang/lecturer-body.md)."""
    body_lines = material.source.body.split("\n")
    first_slide = material.slides[0].line - material.source.body_line if material.slides else len(body_lines)
    return renderer.env.get_template(LECTURER_BODY).render(
        intro="\n".join(body_lines[:first_slide]).strip(), slides=material.slides)


def glossary_definitions(model: ContentModel) -> TermDefinitions:
    return TermDefinitions(model.terms)
