"""Body conventions: the sections of lessons and guides, and the slides of lecturer materials.

Slide convention (documented for editors in docs/editors/):

    ## 幻灯片标题
    - what the audience sees

    讲稿（3 分钟）：
    What the lecturer says.

Each `## ` heading starts a slide; a line `讲稿：` (timing mark optional) separates the
visible content from the speaker notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .problems import Problem, Severity
from .source import SourceFile, is_missing

LESSON_SECTIONS = ("导入", "讲述", "互动", "小结")
GUIDE_SECTIONS = ("历史背景", "参观要点")

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE_OPEN = re.compile(r"^\s*(`{3,}|~{3,})")
_NOTES_MARK = re.compile(r"^\s*讲稿\s*(?:[（(]\s*(?:约\s*)?(\d+)\s*分钟\s*[)）])?\s*[：:]\s*$")
_NOTES_LIKE = re.compile(r"^\s*\**讲稿")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)")
# Notes that tell the lecturer to show a picture: the slide should carry one.
_SHOW_PICTURE = re.compile(r"展示图片|出示图片|看图")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    index: int  # index into the body's lines


@dataclass(frozen=True)
class Slide:
    number: int
    title: str
    content: str
    notes: str
    minutes: int | None
    line: int  # file line of the slide heading

    @property
    def images(self) -> list[tuple[str, str]]:
        """(alt text, target) of each image on the slide."""
        return _IMAGE.findall(self.content)


def body_lines(body: str) -> list[str]:
    return body.split("\n")


def headings(body: str) -> list[Heading]:
    """ATX headings outside fenced code blocks."""
    found: list[Heading] = []
    for index, line in _lines_outside_code(body):
        match = _HEADING.match(line)
        if match:
            found.append(Heading(len(match.group(1)), match.group(2), index))
    return found


@lru_cache(maxsize=16)  # images, sections and slides each scan the same body
def _lines_outside_code(body: str) -> tuple[tuple[int, str], ...]:
    """(index, line) of the body's lines that are not inside fenced code."""
    found: list[tuple[int, str]] = []
    fence: str | None = None
    for index, line in enumerate(body_lines(body)):
        opening = _FENCE_OPEN.match(line)
        if fence:
            if line.strip().startswith(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        found.append((index, line))
    return tuple(found)


@lru_cache(maxsize=16)
def _outside_code_indexes(body: str) -> frozenset[int]:
    return frozenset(index for index, _line in _lines_outside_code(body))


_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)\s*$")
# Lines after which a row of = or - is not an underline: blank, headings, lists, quotes, tables, HTML.
_NOT_PARAGRAPH = re.compile(r"^\s*$|^\s*(?:#|[-*+]\s|\d+[.)]\s|>|\||<|`{3}|~{3})")


def check_setext_headings(source: SourceFile, *, slides: bool) -> list[Problem]:
    """A row of --- or === right under a line of text makes that line a heading (setext).

    The checks read "## " headings only, so such a heading is a section or a slide they never
    see: for a lecturer material a slide without notes, hidden from the check.
    """
    problems = []
    previous: tuple[int, str] | None = None
    for index, line in _lines_outside_code(source.body):
        underline = _SETEXT_UNDERLINE.match(line)
        if underline and previous is not None and previous[0] == index - 1 and not _NOT_PARAGRAPH.match(previous[1]):
            level = "一级" if underline.group(1).startswith("=") else "二级"
            effect = "会多出一张没有讲稿的幻灯片" if slides else "会多出一节"
            problems.append(Problem(
                source.path, source.body_line + index,
                f"“{previous[1].strip()[:30]}”下面的 {underline.group(1)[:3]} 把它变成了{level}标题，{effect}",
                "要分隔线就在 --- 上面空一行；要标题就写成“## 标题”。"))
        previous = (index, line)
    return problems


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return False


def check_images(source: SourceFile, root: Path) -> list[Problem]:
    """Images must be files of the project, next to the page, each with alt text."""
    if "![" not in source.body:  # most pages: every load of the preview checks every page
        return []
    problems = []
    page_dir = (root / source.path).parent
    for index, line in _lines_outside_code(source.body):
        for alt, target in _IMAGE.findall(line):
            line_number = source.body_line + index
            if re.match(r"^(?:[a-z]+:)?//", target, re.I):
                problems.append(Problem(
                    source.path, line_number, f"图片 {target} 来自外部网站",
                    "离线使用时外部图片无法显示：把图片（有使用授权的）放进 docs/ 并用相对路径引用。"))
            elif re.match(r"^[a-z][a-z0-9+.-]*:", re.sub(r"[\x00-\x20]", "", target), re.I):
                problems.append(Problem(
                    source.path, line_number, f"图片地址 {target[:40]} 是 {target.split(':')[0].strip().lower()}: 地址",
                    "图片要作为文件放进 docs/，用相对路径引用（例如 ../images/sanwan.jpg）。"))
            elif not _inside(page_dir / target.split("#")[0], root / source.path.split("/")[0]):
                problems.append(Problem(source.path, line_number, f"图片 {target} 在 docs/ 以外",
                                        "图片要放进 docs/（例如 docs/images/），用相对路径引用。"))
            elif is_missing(page_dir / target.split("#")[0]):
                problems.append(Problem(source.path, line_number, f"图片 {target} 不存在",
                                        "检查文件名和相对路径（相对于这个 Markdown 文件所在的目录）。"))
            if not alt.strip():
                problems.append(Problem(source.path, line_number, f"图片 {target} 缺少替代文字",
                                        "在 ![ ] 的方括号里写一句话描述图片内容，供读屏软件和图片加载失败时使用。"))
    return problems


def section(body: str, name: str) -> str:
    """The Markdown of the level-2 section `## name`, without its heading ('' if absent)."""
    lines = body_lines(body)
    level_two = [heading for heading in headings(body) if heading.level == 2]
    for position, heading in enumerate(level_two):
        if heading.text == name:
            end = level_two[position + 1].index if position + 1 < len(level_two) else len(lines)
            return _section_text(lines, heading.index, end)
    return ""


def _section_text(lines: list[str], start: int, end: int) -> str:
    return "\n".join(lines[start + 1:end]).strip()


# More headings than any lesson, guide or lecture needs (a lecture of 150 slides is long):
# beyond it the body is a pasted document, and one error says so instead of thousands.
MAX_HEADINGS = 300


def _too_many_headings(source: SourceFile, found: list[Heading]) -> Problem:
    return Problem(source.path, source.body_line + found[MAX_HEADINGS].index,
                   f"正文的标题太多（{len(found):,} 个，上限 {MAX_HEADINGS}）",
                   "一课、一篇指南或一份讲稿应当简短：把内容拆成几篇；幻灯片每张一个“## ”标题。")


def _no_title_heading(source: SourceFile, found: list[Heading]) -> list[Problem]:
    return [Problem(source.path, source.body_line + heading.index,
                    f"正文不要写一级标题“{heading.text}”",
                    "页面标题来自前置元数据；正文从二级标题（## ）开始。")
            for heading in found if heading.level == 1]


def check_sections(source: SourceFile, required: tuple[str, ...], *, exact: bool) -> list[Problem]:
    """Required level-2 sections, in order and not empty; exact forbids other sections."""
    lines = body_lines(source.body)
    found = headings(source.body)
    if len(found) > MAX_HEADINGS:
        return [_too_many_headings(source, found)]
    problems = _no_title_heading(source, found)
    level_two = [heading for heading in found if heading.level == 2]
    names = [heading.text for heading in level_two]
    first_position: dict[str, int] = {}
    for position, name in enumerate(names):
        first_position.setdefault(name, position)
    expected = " → ".join(f"## {name}" for name in required)
    for name in required:
        if name not in names:
            problems.append(Problem(source.path, source.body_line, f"正文缺少“## {name}”一节",
                                    f"正文依次包含：{expected}。"))
    firsts = [heading for position, heading in enumerate(level_two)
              if heading.text in required and first_position[heading.text] == position]
    in_order = sorted(firsts, key=lambda heading: required.index(heading.text))
    misplaced = next((got for got, want in zip(firsts, in_order, strict=True) if got != want), None)
    if misplaced:
        problems.append(Problem(source.path, source.body_line + misplaced.index,
                                f"“## {misplaced.text}”的位置不对", f"各节的顺序是：{expected}。"))
    for position, heading in enumerate(level_two):
        end = level_two[position + 1].index if position + 1 < len(level_two) else len(lines)
        line = source.body_line + heading.index
        if heading.text in required and first_position[heading.text] != position:
            problems.append(Problem(source.path, line, f"“## {heading.text}”出现了不止一次", "把两节合并成一节。"))
        elif heading.text not in required and exact:
            problems.append(Problem(source.path, line, f"多余的一节“## {heading.text}”",
                                    f"微团课正文只有四节：{expected}；小标题请用 ###。"))
        elif heading.text in required and not _section_text(lines, heading.index, end):
            problems.append(Problem(source.path, line, f"“## {heading.text}”一节是空的", "为这一节写上内容。"))
    return problems


def parse_slides(source: SourceFile) -> tuple[list[Slide], list[Problem]]:
    """Split a lecturer material into slides, reporting each malformed slide by its line."""
    lines = body_lines(source.body)
    found = headings(source.body)
    if len(found) > MAX_HEADINGS:
        return [], [_too_many_headings(source, found)]
    problems = _no_title_heading(source, found)
    level_two = [heading for heading in found if heading.level == 2]
    inner_of: dict[int, list[Heading]] = {}  # slide heading index -> its deeper headings, in one pass
    current: Heading | None = None
    for heading in found:
        if heading.level <= 2:
            current = heading if heading.level == 2 else None
        elif current is not None:
            inner_of.setdefault(current.index, []).append(heading)
    if not level_two:
        problems.append(Problem(source.path, source.body_line, "讲师资料里没有幻灯片",
                                "每张幻灯片以“## 标题”开头，其后写投影内容，再写一行“讲稿：”和讲稿。"))
    slides: list[Slide] = []
    for number, heading in enumerate(level_two, start=1):
        end = level_two[number].index if number < len(level_two) else len(lines)
        line = source.body_line + heading.index
        label = f"第 {number} 张幻灯片“{heading.text}”"
        for inner in inner_of.get(heading.index, []):
            if inner.index < end:
                problems.append(Problem(source.path, source.body_line + inner.index,
                                        f"{label}里不要用 {'#' * inner.level} 小标题",
                                        "幻灯片里用列表和加粗；每个“## ”开始一张新幻灯片。"))
        outside = _outside_code_indexes(source.body)
        all_marks = [index for index in range(heading.index + 1, end) if _NOTES_MARK.match(lines[index])]
        marks = [index for index in all_marks if index in outside]
        if not marks and all_marks:
            # In a code block the notes line is code: everything after it would be shown on the slide.
            problems.append(Problem(source.path, source.body_line + all_marks[0],
                                    f"{label}的“讲稿：”写在了代码块里",
                                    "代码块（``` 或 ~~~）没有在“讲稿：”之前结束：在它前面加一行 ``` 结束代码块。"))
            continue
        if not marks:
            near = next((index for index in range(heading.index + 1, end) if _NOTES_LIKE.match(lines[index])), None)
            where = source.body_line + near if near is not None else line
            hint = ("“讲稿”单独成行，以全角冒号结尾，例如“讲稿：”或“讲稿（3 分钟）：”。" if near is not None
                    else "在投影内容之后加一行“讲稿：”，再写讲稿。")
            problems.append(Problem(source.path, where, f"{label}没有讲稿", hint))
            continue
        if len(marks) > 1:
            problems.append(Problem(source.path, source.body_line + marks[1],
                                    f"{label}有不止一行“讲稿：”", "每张幻灯片只写一次“讲稿：”。"))
        mark = marks[0]
        content = "\n".join(lines[heading.index + 1:mark]).strip()
        notes = "\n".join(lines[mark + 1:end]).strip()
        minutes_text = _NOTES_MARK.match(lines[mark]).group(1)  # type: ignore[union-attr]
        if not content:
            problems.append(Problem(source.path, line, f"{label}没有投影内容",
                                    "在标题和“讲稿：”之间写上观众看到的要点。"))
        if not notes:
            problems.append(Problem(source.path, source.body_line + mark, f"{label}的讲稿是空的",
                                    "在“讲稿：”下面写上讲师要说的话。"))
        slides.append(Slide(number, heading.text, content, notes,
                            int(minutes_text) if minutes_text else None, line))
    return slides, problems


def check_slide_timing(source: SourceFile, slides: list[Slide], duration: object) -> list[Problem]:
    """Timing marks, where given on every slide, should add up to the stated duration."""
    if not slides or not isinstance(duration, int) or any(slide.minutes is None for slide in slides):
        return []
    total = sum(slide.minutes or 0 for slide in slides)
    if total == duration:
        return []
    return [Problem(source.path, source.line_of(("duration",)),
                    f"幻灯片的用时合计 {total} 分钟，与 duration: {duration} 不一致",
                    "调整各张幻灯片“讲稿（N 分钟）：”中的分钟数或 duration。", Severity.WARNING)]


def check_slide_pictures(source: SourceFile, slides: list[Slide]) -> list[Problem]:
    """A slide whose notes ask to show a picture (展示图片, 出示图片, 看图) but that has none.

    A warning, not an error: a deck may wait for a licensed picture while the talk is given
    with a real object or a printed picture.
    """
    lines = body_lines(source.body)
    problems = []
    for position, slide in enumerate(slides):
        if slide.images:
            continue
        start = slide.line - source.body_line
        end = slides[position + 1].line - source.body_line if position + 1 < len(slides) else len(lines)
        mark = next((index for index in range(start + 1, end) if _NOTES_MARK.match(lines[index])), end)
        found = next(((index, match.group(0)) for index in range(mark + 1, end)
                      if (match := _SHOW_PICTURE.search(lines[index]))), None)
        if found is None:
            continue
        index, phrase = found
        problems.append(Problem(
            source.path, source.body_line + index,
            f"第 {slide.number} 张幻灯片“{slide.title}”的讲稿要“{phrase}”，但这张幻灯片上没有图片",
            "在这张幻灯片的投影内容里（“讲稿：”一行之前）用 Markdown 插入图片，例如 "
            "![一句话描述图片内容](images/图片文件名.jpg)：方括号里写替代文字，图片文件（须有使用授权）"
            "放在 docs/lecturers/images/ 下。图片会进入网页、讲义包和 .pptx 演示文稿；不用图片就改写讲稿。",
            Severity.WARNING))
    return problems
