"""Stories marked as stories: a textbook story, a legend or a recollection is set apart from
history in an admonition of its own type, which pages and print label and style.

    !!! textbook-story "教材故事：朱德的扁担"
        正文……

Words put in a historical figure's mouth belong in such a block, with its source in the
title; the check suggests the block where a body quotes a person of curriculum/people.yml
speaking (name, a verb of saying, an opening quotation mark) outside one, in a paragraph that
names no published work (《…》), unless the quoted words are in the quotation register.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .problems import Problem, Severity
from .source import SourceFile

# Admonition type -> the label every reader sees first (the title starts with it).
STORY_LABELS = {"textbook-story": "教材故事", "legend": "传说", "recollection": "回忆录"}

_STORY_START = re.compile(r"^(\s*)!!!\s+(" + "|".join(STORY_LABELS) + r")\b")
_FENCE = re.compile(r"^\s*(```|~~~)")
# Verbs of speaking; 道 only when not 写道 (words written down are a text, not dialogue).
_SAYING = "说|问|(?<!写)道|答|喊|讲|嘱咐|叮嘱|回答|命令"
_OPENING = "“「‘"
_CLOSING = "”」’"


def story_title(kind: str, title: str) -> str:
    """The title a story block shows: its label first, whatever the editor wrote after it.

    Python-Markdown gives an untitled block its type, capitalised ("Legend"): that becomes the label."""
    label = STORY_LABELS[kind]
    written = title.strip()
    if not written or written.lower() == kind:
        return label
    return written if label in written else f"{label}：{written}"


def _outside_stories(lines: list[str]) -> Iterable[tuple[int, str]]:
    """(index, line) of the lines outside story blocks and code fences."""
    block_indent: int | None = None
    fenced = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        if block_indent is not None:
            depth = len(line) - len(line.lstrip())
            if not line.strip() or depth > block_indent:
                continue
            block_indent = None
        start = _STORY_START.match(line)
        if start:
            block_indent = len(start.group(1))
            continue
        yield index, line


def _paragraphs(lines: list[str]) -> list[list[tuple[int, str]]]:
    """Runs of consecutive non-blank lines outside story blocks."""
    paragraphs: list[list[tuple[int, str]]] = []
    previous = -2
    for index, line in _outside_stories(lines):
        if not line.strip():
            previous = -2
            continue
        if index != previous + 1 or not paragraphs:
            paragraphs.append([])
        paragraphs[-1].append((index, line))
        previous = index
    return paragraphs


def _dialogue_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    alternatives = "|".join(re.escape(name) for name in sorted(set(names), key=len, reverse=True) if name)
    if not alternatives:
        return None
    between = f"[^。！？\n{_OPENING}{_CLOSING}]"  # the same sentence, no quotation yet
    said_then_quote = rf"(?P<a>{alternatives}){between}{{0,12}}?(?:{_SAYING})[：:，,]?\s*[{_OPENING}]"
    quote_then_said = rf"[{_CLOSING}][，,]?\s*(?P<b>{alternatives})[^。！？\n{_OPENING}]{{0,8}}?(?:{_SAYING})"
    return re.compile(f"{said_then_quote}|{quote_then_said}")


_QUOTE_MARKS = re.compile(f"[\\s{_OPENING}{_CLOSING}\"]")


def _quoted_after(line: str, start: int) -> str:
    """The words of the first quotation at or after start, without marks and spaces."""
    opening = next((index for index in range(start, len(line)) if line[index] in _OPENING), None)
    if opening is None:
        return ""
    closing = next((index for index in range(opening + 1, len(line)) if line[index] in _CLOSING), len(line))
    return _QUOTE_MARKS.sub("", line[opening + 1:closing])


def _quoted_before(line: str, end: int) -> str:
    """The words of the last quotation ending before end."""
    closing = next((index for index in range(end - 1, -1, -1) if line[index] in _CLOSING), None)
    if closing is None:
        return ""
    opening = next((index for index in range(closing - 1, -1, -1) if line[index] in _OPENING), -1)
    return _QUOTE_MARKS.sub("", line[opening + 1:closing])


def dialogue_problems(source: SourceFile, names: Iterable[str], registered: Iterable[str] = ()) -> list[Problem]:
    """A warning where a body quotes a historical figure speaking outside a story block, unsourced.

    registered: the passages of the quotation register; words found there have their source."""
    passages = [_QUOTE_MARKS.sub("", text) for text in registered]
    pattern = _dialogue_pattern(names)
    if pattern is None or not source.body:
        return []
    problems = []
    for paragraph in _paragraphs(source.body.split("\n")):
        text = "\n".join(line for _index, line in paragraph)
        if "《" in text:
            continue  # the paragraph names the work the words come from
        for index, line in paragraph:
            match = pattern.search(line)
            if match:
                words = _quoted_after(line, match.start()) if match.group("a") else _quoted_before(line, match.end())
                if words and any(words in passage for passage in passages):
                    continue
                name = match.group("a") or match.group("b")
                problems.append(Problem(
                    source.path, source.body_line + index,
                    f"{name}说的话写成了直接引语，却不在故事块里，也没有注明出处",
                    "课文、传说或回忆录里的对话，放进故事块并在标题里写明出处：!!! textbook-story \"教材故事：篇名\""
                    "（或 legend \"民间传说\"、recollection \"回忆录：作者《篇名》\"），块内每行缩进四个空格；"
                    "有文献可查的原话，在同一段写明出处（《书名》），并登记到引文登记表。", Severity.WARNING))
                break
    return problems
