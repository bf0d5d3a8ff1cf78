"""The quotation register (curriculum/quotes.yml) and the check of every quotation against it.

A quoted span (“…”, ‘…’, 「…」) of MIN_CHARACTERS or more in a page's body or front matter,
or in a glossary or event entry, is compared with the register after normalizing what
is not wording (whitespace, line breaks, Markdown emphasis, the style of quotation marks,
half-width punctuation). Equal to an entry, or a contiguous part of one (a quotation
usually quotes a sentence of a longer registered passage), is fine; a span cut with an
ellipsis (……) is fine when its pieces are parts of one entry, in order. A span that aligns
with an entry at SIMILARITY or more without being part of it is a misquotation: an error
that marks each inserted, missing or changed character. A span matching nothing, written
next to the name of a person in people.yml, is probably an unregistered quotation: a warning.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .problems import Problem, Severity
from .source import SourceFile

MIN_CHARACTERS = 10
SIMILARITY = 0.8
# How far from a quotation a speaker's name may stand: "毛泽东在《井冈山的斗争》中写道：“…”"
# puts it before; "“…”，毛泽东说。" after. Within the same paragraph only.
NAME_BEFORE, NAME_AFTER = 30, 15
SHOWN_CHARACTERS = 80

_SPAN = re.compile(r"“([^“”]*)”|‘([^‘’]*)’|「([^「」]*)」")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t>]*\n")
_NOT_WORDING = re.compile(r"[\s*`]+")
_PUNCTUATION = str.maketrans({"‘": "“", "’": "”", "「": "“", "」": "”", "『": "“", "』": "”", '"': "“",
                              ",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"})
_EDGE_PUNCTUATION = "。，、；：！？.,;:!? "
_ELLIPSIS = re.compile(r"…+|\.{3,}")


def normalize(text: str) -> str:
    """The wording of a text: what a quotation must reproduce exactly."""
    return _NOT_WORDING.sub("", text).translate(_PUNCTUATION)


@dataclass(frozen=True)
class RegisteredQuote:
    id: str
    text: str
    work: str
    source: str
    speaker: str | None = None
    page: str | None = None
    edition: str | None = None

    @classmethod
    def from_entry(cls, entry: Mapping[str, Any]) -> RegisteredQuote:
        return cls(entry["id"], entry["text"], entry["work"], entry["source"], entry.get("speaker"),
                   entry.get("page") or None, entry.get("edition"))


@dataclass(frozen=True)
class QuotedSpan:
    """One quotation as written in a content file: its text, and where it stands in the text
    it was found in (for the words around it, computed only when a warning needs them)."""

    path: str
    line: int
    text: str
    container: str
    start: int
    end: int

    @property
    def before(self) -> str:
        """Up to NAME_BEFORE characters before the opening mark, in the same paragraph."""
        return _PARAGRAPH_BREAK.split(self.container[max(0, self.start - NAME_BEFORE):self.start])[-1]

    @property
    def after(self) -> str:
        return _PARAGRAPH_BREAK.split(self.container[self.end:self.end + NAME_AFTER])[0]


def _has_opener(text: str) -> bool:
    return "“" in text or "‘" in text or "「" in text


def quoted_spans(text: str, path: str, first_line: int) -> Iterator[QuotedSpan]:
    """The quoted spans of MIN_CHARACTERS or more of a text whose first line is first_line of the
    file; a span does not run over a blank line (an unclosed mark is not paired with the next
    paragraph's)."""
    if not _has_opener(text):
        return  # most values and many files: no regular expression at all
    line, counted = first_line, 0
    for match in _SPAN.finditer(text):
        inner = match.group(match.lastindex or 1)
        # Normalizing never lengthens a text: a span short as written is short after it.
        if len(inner) < MIN_CHARACTERS or _PARAGRAPH_BREAK.search(inner):
            continue
        start, end = match.span()
        line += text.count("\n", counted, start)
        counted = start
        yield QuotedSpan(path, line, inner, text, start, end)


def _quoted_values(value: Any, key_path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """The text values holding a quotation mark, with their key paths (built only for those)."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(item, str):
            if _has_opener(item):
                yield (*key_path, key), item
        elif isinstance(item, dict | list):
            yield from _quoted_values(item, (*key_path, key))


def spans_in_file(source: SourceFile) -> Iterator[QuotedSpan]:
    """Every quoted span of a page (front matter and body) or a data file (every text value)."""
    for key_path, value in _quoted_values(source.data, ()):
        yield from quoted_spans(value, source.path, source.line_of(key_path))
    if source.body:
        yield from quoted_spans(source.body, source.path, source.body_line)


@dataclass(frozen=True)
class Verdict:
    """How one quotation compares with the register: found (equal or part), similar to an
    entry (a misquotation, with the marked difference), or not registered at all."""

    found: bool
    entry: RegisteredQuote | None = None
    similarity: float = 0.0
    difference: str = ""


class QuoteMatcher:
    """Compares normalized quotations with the register; one verdict per distinct wording, since
    the same quotation recurs on many pages."""

    def __init__(self, entries: Iterable[RegisteredQuote]) -> None:
        self.entries = list(entries)
        self._texts = [normalize(entry.text) for entry in self.entries]
        self._characters = [frozenset(text) for text in self._texts]
        self._joined = "\0".join(self._texts)
        self._verdicts: dict[str, Verdict] = {}

    def verdict(self, wording: str) -> Verdict:
        cached = self._verdicts.get(wording)
        if cached is None:
            cached = self._verdicts[wording] = self._compare(wording)
        return cached

    def _compare(self, wording: str) -> Verdict:
        core = wording.strip(_EDGE_PUNCTUATION)
        if core and core in self._joined:
            return Verdict(True)
        pieces = [piece.strip(_EDGE_PUNCTUATION) for piece in _ELLIPSIS.split(core)]
        if len(pieces) > 1 and any(_in_order(pieces, text) for text in self._texts):
            return Verdict(True)
        best = Verdict(False)
        for index, text in enumerate(self._texts):
            if not _could_reach(core, self._characters[index]):
                continue
            similarity, difference = _alignment(core, text)
            if similarity > best.similarity:
                best = Verdict(False, self.entries[index], similarity, difference)
        return best


def _in_order(pieces: list[str], text: str) -> bool:
    position = 0
    for piece in pieces:
        if not piece:
            continue
        found = text.find(piece, position)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def _could_reach(wording: str, characters: frozenset[str]) -> bool:
    """Cheap upper bound: matched characters M are at most the span's characters found in the
    entry, and 2M / (len + M) >= SIMILARITY needs M >= len * SIMILARITY / (2 - SIMILARITY)."""
    counts = Counter(wording)
    shared = sum(count for character, count in counts.items() if character in characters)
    return shared >= len(wording) * SIMILARITY / (2 - SIMILARITY)


def _alignment(wording: str, text: str) -> tuple[float, str]:
    """Similarity of the wording to the stretch of the entry it aligns with, and the difference.

    The stretch is found around the longest run the two share, then cut to the first and last
    character matched there: a quotation of one sentence of a long passage is compared with
    that sentence, not with the whole passage or with a character matched far away.
    """
    longest = difflib.SequenceMatcher(None, wording, text, autojunk=False).find_longest_match(
        0, len(wording), 0, len(text))
    if not longest.size:
        return 0.0, ""
    slack = len(wording) // 4 + 2
    start = max(0, longest.b - longest.a - slack)
    window = text[start:longest.b + len(wording) - longest.a + slack]
    blocks = [block for block in difflib.SequenceMatcher(None, wording, window, autojunk=False)
              .get_matching_blocks() if block.size]
    part = window[blocks[0].b:blocks[-1].b + blocks[-1].size]
    matcher = difflib.SequenceMatcher(None, wording, part, autojunk=False)
    return matcher.ratio(), _marked(matcher, wording, part)


def _marked(matcher: difflib.SequenceMatcher[str], written: str, original: str) -> str:
    """The quotation with its differences from the original marked in brackets."""
    pieces = []
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(_shortened(written[a_start:a_end]))
        elif tag == "delete":
            pieces.append(f"〔多：{written[a_start:a_end]}〕")
        elif tag == "insert":
            pieces.append(f"〔缺：{original[b_start:b_end]}〕")
        else:
            pieces.append(f"〔{written[a_start:a_end]}→{original[b_start:b_end]}〕")
    return "".join(pieces)


def _shortened(same: str, keep: int = 12) -> str:
    """Long unchanged stretches shortened, so the marks stay in view."""
    return same if len(same) <= 2 * keep + 1 else f"{same[:keep]}…{same[-keep:]}"


def _excerpt(wording: str) -> str:
    return wording if len(wording) <= 20 else wording[:18] + "……"


def describe_source(entry: RegisteredQuote, sources: Mapping[str, Mapping[str, Any]]) -> str:
    """"毛泽东《井冈山的斗争》，见 毛泽东选集·第一卷（人民出版社，1991，1991年第二版）" for a hint."""
    registered = sources.get(entry.source, {})
    details = [str(registered[key]) for key in ("publisher", "date", "year") if registered.get(key)]
    if entry.edition:
        details.append(entry.edition)
    if entry.page:
        details.append(f"第 {entry.page} 页")
    title = registered.get("title", entry.source)
    return f"《{entry.work}》，见 {title}（{'，'.join(details)}；出处 {entry.source}）" if details \
        else f"《{entry.work}》，见 {title}（出处 {entry.source}）"


def quotation_problems(files: Iterable[SourceFile], matcher: QuoteMatcher, speakers: Mapping[str, str],
                       sources: Mapping[str, Mapping[str, Any]]) -> list[Problem]:
    """Misquotations (errors) and probable unregistered quotations (warnings) in the files.

    speakers maps a person's name to display to the name as written (people.yml names).
    """
    names = re.compile("|".join(sorted(map(re.escape, speakers), key=len, reverse=True))) if speakers else None
    problems = []
    for file in files:
        for span in spans_in_file(file):
            wording = normalize(span.text)
            if len(wording) < MIN_CHARACTERS:
                continue
            verdict = matcher.verdict(wording)
            if verdict.found:
                continue
            if verdict.entry is not None and verdict.similarity >= SIMILARITY:
                problems.append(_misquotation(span, wording, verdict, speakers, sources))
            elif names is not None:
                problems += _unregistered(span, wording, names)
    return problems


def _misquotation(span: QuotedSpan, wording: str, verdict: Verdict, speakers: Mapping[str, str],
                  sources: Mapping[str, Mapping[str, Any]]) -> Problem:
    assert verdict.entry is not None
    entry = verdict.entry
    speaker = next((name for name, person_id in speakers.items() if person_id == entry.speaker), "")
    difference = verdict.difference if len(verdict.difference) <= SHOWN_CHARACTERS * 2 \
        else verdict.difference[:SHOWN_CHARACTERS * 2] + "……"
    return Problem(
        span.path, span.line,
        f"引文与登记的原文不一致（相似度 {verdict.similarity:.0%}，引文登记 {entry.id}）：{difference}",
        f"原文是{speaker}{describe_source(entry, sources)}。照原文改正：〔多：…〕是原文没有的字，"
        "〔缺：…〕是漏掉的字，〔甲→乙〕是把原文的乙写成了甲。如果引的不是这段原文，请去掉引号改为转述。")


def _unregistered(span: QuotedSpan, wording: str, names: re.Pattern[str]) -> list[Problem]:
    near = names.search(span.before) or names.search(span.after)
    if near is None:
        return []
    name = near.group(0)
    return [Problem(span.path, span.line,
                    f"引文“{_excerpt(wording)}”（{len(wording)} 字）旁边提到了{name}，但引文登记表里没有这段话",
                    f"如果这是{name}的原话，请对照公开出版的原文把它逐字登记到 curriculum/quotes.yml"
                    "（写明 source 出处）；如果不是原话，请去掉引号改为转述。", Severity.WARNING)]
