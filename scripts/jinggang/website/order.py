"""The order readers see lists in: one home, so list pages and previous/next agree.

Chinese names and titles sort by pinyin (pypinyin, which reads polyphones from its phrase
dictionary: 长征 is chang), character by character, a tone after its syllable;
code point order, which the lists used before, follows no order a reader knows.

pypinyin's dictionaries take 55 MB and 0.2-0.3 s to load, in every build, for a few thousand
titles and names that rarely change. A build saves each text's key (SavedKeys) and the next
one loads pypinyin only for a text it has no key for: a new title, say. A whole build without
saved keys makes them in a process of its own (website/plugin.py), which takes the 55 MB with
it when it ends: held in MkDocs's process until the build ends, they were copied into every
process the build forks later too.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..content.model import ContentModel, LecturerMaterial, Lesson, Route, SiteGuide, Term
from ..outputs.store import CACHE

ReadingKey = tuple[tuple[tuple[str, str], ...], str]
KEY_FORMAT = 1  # of the saved keys: a change of reading_key's making changes it
SAVED_KEYS = CACHE / "reading-keys.json"  # under the project's root

_keys: dict[str, ReadingKey] = {}  # every key this process knows: saved, or made by pypinyin
_used: set[str] = set()  # the texts this process sorted since it loaded keys: the next save's
_loaded: set[Path] = set()
_unsaved = False  # a key made since the last save
# One tuple per (syllable, tone), shared by the keys that hold it: a few hundred, where the keys
# of 2,000 lessons' texts hold about 30,000 (7 MB as tuples and strings of their own).
_shared_pairs: dict[tuple[str, str], tuple[str, str]] = {}


def _shared(key: ReadingKey) -> ReadingKey:
    return tuple(_shared_pairs.setdefault(syllable, syllable) for syllable in key[0]), key[1]


def reading_key(text: str) -> ReadingKey:
    """Character by character, as a dictionary orders words: the syllable, then its tone
    (1–4, 5 for the neutral tone), then the text itself: 工农 < 共产 < 共青团."""
    global _unsaved
    _used.add(text)
    key = _keys.get(text)
    if key is None:
        key = _keys[text] = _pinyin_key(text)
        _unsaved = True
    return key


def _pinyin_key(text: str) -> ReadingKey:
    from pypinyin import Style, lazy_pinyin  # only for a text without a saved key

    syllables = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True, errors="default")
    key = []
    for syllable in syllables:
        lowered = syllable.lower()
        tone = lowered[-1] if lowered[-1:].isdigit() else ""
        key.append((lowered.rstrip("12345"), tone))
    return _shared((tuple(key), text))


def texts_in_order(model: ContentModel) -> set[str]:
    """Every text the orders below key: titles, names and terms."""
    return {*(term.term for term in model.terms.values()), *(lesson.title for lesson in model.lessons.values()),
            *(guide.name for guide in model.site_guides.values()),
            *(material.title for material in model.lecturers.values()),
            *(route.title for route in model.routes.values())}


def keys_missing(texts: Iterable[str]) -> list[str]:
    """The texts this process has no key for, in a stable order."""
    return sorted(text for text in set(texts) if text not in _keys)


def make_keys(texts: Iterable[str]) -> dict[str, ReadingKey]:
    """Each text's key, made by pypinyin: what reading_key makes for a text it has no key for."""
    return {text: _pinyin_key(text) for text in texts}


def add_keys(keys: dict[str, ReadingKey]) -> None:
    """Keys made elsewhere (make_keys in another process): known from now on, and saved."""
    global _unsaved
    for text, key in keys.items():
        if text not in _keys:
            _keys[text] = _shared(key)
            _unsaved = True


def _version() -> str:
    """The pypinyin and key format the saved keys were made with (its metadata, not its import)."""
    return f"{KEY_FORMAT}/{importlib.metadata.version('pypinyin')}"


def load_reading_keys(file: Path) -> None:
    """The keys a build saved in file, if it saved any with this pypinyin: once per process."""
    if file in _loaded:
        return
    _loaded.add(file)
    try:
        saved = json.loads(file.read_text(encoding="utf-8"))
        if saved.get("version") != _version():
            return
        for text, syllables in saved["keys"].items():
            if text not in _keys:
                _keys[text] = _shared((tuple((syllable, tone) for syllable, tone in syllables), text))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return  # none saved, or not readable: made again, and saved by this build


def save_reading_keys(file: Path) -> None:
    """The keys of the texts sorted since the keys were loaded, if one of them was made: the
    next build's. Written whole or not at all (two builds at once each write a complete file)."""
    global _unsaved
    if not _unsaved:
        return
    keys = {text: [list(pair) for pair in _keys[text][0]] for text in sorted(_used)}
    text = json.dumps({"version": _version(), "keys": keys}, ensure_ascii=False, separators=(",", ":"))
    file.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=file.parent, delete=False,
                                     prefix=f".{file.name}.") as stream:
        stream.write(text)
    os.replace(stream.name, file)
    _unsaved = False


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
