"""The small Markdown subset of slides (bullets, paragraphs, images) read into blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...content.stories import STORY_LABELS, story_title

_IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)\s*$")
_BULLET = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
_MARKS = re.compile(r"(\*\*|__|\*|_|`)")
_STORY = re.compile(r'^!!!\s+(' + "|".join(STORY_LABELS) + r')\b\s*(?:"([^"]*)")?\s*$')


@dataclass(frozen=True)
class SlideBlock:
    kind: str  # bullet, paragraph or image
    text: str  # for an image, its alt text
    level: int = 0
    target: str = ""


def plain_text(markdown: str) -> str:
    """Markdown to text a notes pane or a plain file shows: links keep their words, marks go,
    a story block becomes its title line (教材故事：……, as pages print it) over its unindented text."""
    lines = []
    in_story = False
    for line in markdown.split("\n"):
        story = _STORY.match(line.strip())
        if story:
            lines.append(story_title(story.group(1), story.group(2) or ""))
            in_story = True
            continue
        in_story = in_story and (not line.strip() or line.startswith("    "))
        lines.append(line[4:] if in_story else line)
    return _MARKS.sub("", _LINK.sub(r"\1", "\n".join(lines))).strip()


def parse_blocks(markdown: str) -> list[SlideBlock]:
    blocks: list[SlideBlock] = []
    for line in markdown.splitlines():
        if not line.strip():
            continue
        image = _IMAGE.match(line.strip())
        bullet = _BULLET.match(line)
        if image:
            blocks.append(SlideBlock("image", image.group(1), target=image.group(2)))
        elif bullet:
            blocks.append(SlideBlock("bullet", bullet.group(2).strip(), level=min(len(bullet.group(1)) // 2, 4)))
        elif blocks and blocks[-1].kind == "paragraph":
            blocks[-1] = SlideBlock("paragraph", blocks[-1].text + line.strip())
        else:
            blocks.append(SlideBlock("paragraph", line.strip()))
    return blocks
