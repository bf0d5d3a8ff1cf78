"""The order readers see lists in: one home, so list pages and previous/next agree.

Chinese names and titles sort by pinyin (pypinyin, which reads polyphones from its phrase
dictionary: 长征 is chang), character by character, a tone after its syllable;
code point order, which the lists used before, follows no order a reader knows.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from ..content.model import ContentModel, LecturerMaterial, Lesson, Route, SiteGuide, Term


@lru_cache(maxsize=8192)
def reading_key(text: str) -> tuple[tuple[tuple[str, str], ...], str]:
    """Character by character, as a dictionary orders words: the syllable, then its tone
    (1–4, 5 for the neutral tone), then the text itself: 工农 < 共产 < 共青团."""
    syllables = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True, errors="default")
    key = []
    for syllable in syllables:
        lowered = syllable.lower()
        tone = lowered[-1] if lowered[-1:].isdigit() else ""
        key.append((lowered.rstrip("12345"), tone))
    return tuple(key), text


def terms_in_order(model: ContentModel) -> list[Term]:
    return sorted(model.terms.values(), key=lambda term: (reading_key(term.term), term.id))


def lessons_in_order(lessons: Iterable[Lesson]) -> tuple[Lesson, ...]:
    return tuple(sorted(lessons, key=lambda lesson: (reading_key(lesson.title), lesson.id)))


def guides_in_order(model: ContentModel) -> list[SiteGuide]:
    return sorted(model.site_guides.values(), key=lambda guide: (reading_key(guide.name), guide.id))


def lecturers_in_order(model: ContentModel) -> list[LecturerMaterial]:
    return sorted(model.lecturers.values(), key=lambda material: (reading_key(material.title), material.id))


def routes_in_order(model: ContentModel) -> list[Route]:
    return sorted(model.routes.values(), key=lambda route: (reading_key(route.title), route.id))


def terms_by_initial(model: ContentModel) -> list[tuple[str, list[Term]]]:
    """The glossary's sections: terms under the first letter of their pinyin (A, B, C ...)."""
    groups: dict[str, list[Term]] = {}
    for term in terms_in_order(model):
        syllables = reading_key(term.term)[0]
        initial = syllables[0][0][:1].upper() if syllables and syllables[0][0] else "#"
        groups.setdefault(initial if initial.isalpha() else "#", []).append(term)
    return list(groups.items())
