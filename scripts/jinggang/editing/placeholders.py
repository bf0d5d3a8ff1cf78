"""The check's reminder about placeholder text that `jinggang new` wrote and nobody replaced.

A warning while the item is a draft or in review (writing takes time, and the check must
stay green), an error once the item says it is published: placeholder text must never reach
readers as published content.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..content.loader import PAGE_KINDS, Settings
from ..content.problems import Problem, Severity
from ..content.source import ReadError, read_text
from .skeletons import PLACEHOLDER

_PUBLISHED = re.compile(r"^status:\s*published\s*(#.*)?$")


def _content_files(settings: Settings) -> list[Path]:
    files = [file for folder in PAGE_KINDS for file in sorted((settings.docs_dir / folder).glob("*.md"))
             if file.name != "index.md"]
    files += sorted((settings.curriculum_dir / "packets").glob("*.yml"))
    files += sorted((settings.curriculum_dir / "routes").glob("*.yml"))
    files += sorted(settings.curriculum_dir.glob("*.yml"))
    return files


def _is_published(lines: list[str], data_file: bool = False) -> bool:
    """Whether the front matter (a page's, between the first two '---' lines) says published;
    for a data file (a packet or route), its top-level status."""
    if data_file:
        return any(_PUBLISHED.match(line) for line in lines)  # unindented: the top level
    if not lines or lines[0].strip() != "---":
        return False
    for line in lines[1:]:
        if line.strip() == "---":
            return False
        if _PUBLISHED.match(line.strip()):
            return True
    return False


def placeholder_problems(settings: Settings) -> list[Problem]:
    """One problem per file that still holds placeholder text, naming every line."""
    problems = []
    for file in _content_files(settings):
        try:
            lines = read_text(file, settings.relative(file)).splitlines()
        except ReadError:
            continue  # the loader reports unreadable files (and never opens a FIFO or a device)
        numbers = [number for number, line in enumerate(lines, start=1) if PLACEHOLDER in line]
        if not numbers:
            continue
        shown = "、".join(str(number) for number in numbers[:12]) + ("……" if len(numbers) > 12 else "")
        if _is_published(lines, data_file=file.suffix == ".yml"):
            problems.append(Problem(settings.relative(file), numbers[0],
                                    f"已发布的条目还有 {len(numbers)} 处“{PLACEHOLDER}”占位文字（第 {shown} 行）",
                                    f"把每一处“{PLACEHOLDER}”换成正式内容；写完之前把 status 改回 draft 或 review。"))
        else:
            problems.append(Problem(settings.relative(file), numbers[0],
                                    f"还有 {len(numbers)} 处“{PLACEHOLDER}”占位文字（第 {shown} 行）",
                                    f"把每一处“{PLACEHOLDER}”换成正式内容；发布前必须全部写完。",
                                    Severity.WARNING))
    return problems
