"""The order readers see lists in: one home, so list pages and previous/next agree."""

from __future__ import annotations

from collections.abc import Iterable

from ..content.model import ContentModel, LecturerMaterial, Lesson, Route, SiteGuide


def reading_key(text: str) -> tuple[str, str]:
    return (text, text)


def lessons_in_order(lessons: Iterable[Lesson]) -> tuple[Lesson, ...]:
    return tuple(sorted(lessons, key=lambda lesson: (reading_key(lesson.title), lesson.id)))


def guides_in_order(model: ContentModel) -> list[SiteGuide]:
    return sorted(model.site_guides.values(), key=lambda guide: (reading_key(guide.name), guide.id))


def lecturers_in_order(model: ContentModel) -> list[LecturerMaterial]:
    return sorted(model.lecturers.values(), key=lambda material: (reading_key(material.title), material.id))


def routes_in_order(model: ContentModel) -> list[Route]:
    return sorted(model.routes.values(), key=lambda route: (reading_key(route.title), route.id))
