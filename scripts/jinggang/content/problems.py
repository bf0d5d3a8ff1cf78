"""Problems found in content, and how they are reported to editors.

Every check collects problems instead of stopping at the first one, so an editor sees
all that is wrong with a change in one run.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


def did_you_mean(written: str, guess: str) -> str:
    """The "did you mean" hint; where the two differ only in look-alike characters, their code points.

    A Cyrillic а beside a Latin a looks the same on screen: without the code points the hint
    seems to suggest exactly what was written.
    """
    hint = f"你是不是想写 {guess}？"
    if len(written) != len(guess):
        return hint
    pairs = [(got, want) for got, want in zip(written, guess, strict=True) if got != want]
    lookalikes = [(got, want) for got, want in pairs if not got.isascii() or not want.isascii()]
    if not pairs or len(lookalikes) != len(pairs):
        return hint
    details = "；".join(f"写的是 {_code_point(got)}，应为 {_code_point(want)}" for got, want in lookalikes[:3])
    return f"{hint}两者看起来一样，但字符不同：{details}。"


def _code_point(character: str) -> str:
    return f"U+{ord(character):04X}（{unicodedata.name(character, '未命名字符')}）"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    hint: str = field(default="", compare=False)
    severity: Severity = field(default=Severity.ERROR, compare=False)

    def location(self) -> str:
        return f"{self.path}:{self.line}"

    def format(self) -> str:
        label = "错误" if self.severity is Severity.ERROR else "警告"
        text = f"{self.location()}: {label}: {self.message}"
        if self.hint:
            text += f"\n    提示：{self.hint}"
        return text

    def github_annotation(self) -> str:
        # Workflow commands need %, CR and LF escaped, or the message is cut.
        def escape(value: str) -> str:
            return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

        def escape_property(value: str) -> str:  # a newline or comma in a file name must not forge fields
            return escape(value).replace(":", "%3A").replace(",", "%2C")

        body = self.message + (f"（{self.hint}）" if self.hint else "")
        return f"::{self.severity.value} file={escape_property(self.path)},line={self.line}::{escape(body)}"


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity is Severity.ERROR]


def warnings(problems: Iterable[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity is Severity.WARNING]


def format_report(problems: Iterable[Problem], *, annotations: bool | None = None) -> str:
    """Render problems sorted by file and line, with a closing count."""
    ordered = sorted(set(problems))
    if annotations is None:
        annotations = bool(os.environ.get("GITHUB_ACTIONS"))
    lines = [problem.format() for problem in ordered]
    if annotations:
        lines += [problem.github_annotation() for problem in ordered]
    error_count = len(errors(ordered))
    warning_count = len(warnings(ordered))
    if ordered:
        lines.append(f"共 {error_count} 个错误，{warning_count} 个警告。")
    return "\n".join(lines)


MAX_OF_ONE_KIND = 50


def cap_per_kind(problems: Iterable[Problem], limit: int = MAX_OF_ONE_KIND) -> list[Problem]:
    """At most `limit` problems of one kind (same file, same hint) per file, then one that counts the rest."""
    ordered = sorted(set(problems))
    kept: list[Problem] = []
    counts: dict[tuple[str, str, str], int] = {}
    last: dict[tuple[str, str, str], Problem] = {}
    for problem in ordered:
        kind = (problem.path, problem.severity.value, problem.hint or problem.message)
        counts[kind] = counts.get(kind, 0) + 1
        if counts[kind] <= limit:
            kept.append(problem)
            last[kind] = problem
    for kind, count in counts.items():
        if count > limit:
            sample = last[kind]
            kept.append(Problem(sample.path, sample.line, f"同类问题还有 {count - limit:,} 个，没有逐条列出",
                                f"先改正上面的 {limit} 个：{sample.hint or sample.message}", sample.severity))
    return kept
