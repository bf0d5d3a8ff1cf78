"""A typography check on built pages: what readers of Chinese notice at once.

Run by the tests over the built site (tests/test_reader_details.py): no space after
full-width punctuation, no doubled colon, no address that repeats its province and city.
Only the text readers see is read: not <title>, attributes, code blocks or scripts.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

FULL_WIDTH = "，。：；！？、）》」』”"
RULES = (
    (re.compile(f"[{FULL_WIDTH}][ \u00a0\u3000]+\\S"), "全角标点后面有空格"),
    (re.compile("[：:][ \u00a0]*[：:]"), "两个冒号"),
    (re.compile("((?:[\u4e00-\u9fff]{1,8}?(?:省|市|县|区|州|旗))+)\\s*·\\s*\\1"), "地址重复了省市"),
)
SKIPPED = {"script", "style", "title", "pre", "svg", "textarea"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)


def typography_problems(html: str) -> list[str]:
    """Each problem as its rule and the text around it."""
    text = visible_text(html)
    problems = []
    for pattern, rule in RULES:
        for match in pattern.finditer(text):
            start = max(match.start() - 8, 0)
            problems.append(f"{rule}：…{text[start:match.end() + 8].strip()}…")
    return problems
