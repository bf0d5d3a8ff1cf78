"""When a review record stops holding: the body changed after `reviewed_on`.

A review vouches for the text the reviewer read. An edit to the body afterwards (a lesson's
Markdown, a packet's contents, a route's stops) is unreviewed until someone checks it again
and moves `reviewed_on`; editing only the review fields or the status does not count.
Two places say so: `jinggang check` warns when git has a commit that changed the body after
the review date (nothing is said without git, or outside a repository), and the pull
request summary lists the items whose body changed between base and head while their
`reviewed_on` stayed the same.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..content.loader import Settings
from ..content.model import ContentModel, Review
from ..content.problems import Problem, Severity
from ..content.source import SourceFile

# What a review record is made of: changing these is reviewing, not editing.
REVIEW_FIELDS = frozenset({"status", "reviewed_by", "reviewed_on", "review_notes"})


@dataclass(frozen=True)
class Reviewed:
    """Something with a review date: an item, a packet or a route, and its file."""

    kind: str  # lesson, site-guide, lecturer, packet, route
    id: str
    title: str
    source: SourceFile
    review: Review


def reviewed_things(model: ContentModel) -> list[Reviewed]:
    found = [Reviewed(item.KIND, item.id, item.title, item.source, item.review) for item in model.items()]
    found += [Reviewed("packet", packet.id, packet.title, packet.source, packet.review)
              for packet in model.packets.values()]
    found += [Reviewed("route", route.id, route.title, route.source, route.review) for route in model.routes.values()]
    return [thing for thing in found if thing.review.reviewed_on]


def reviewed_content(text: str, data_file: bool) -> Any:
    """What a review vouches for: a page's body below its front matter, or a data file's
    fields other than the review record. None when the text cannot be read as such."""
    if not data_file:
        if not text.startswith("---"):
            return text
        lines = text.split("\n")
        closing = next((number for number, line in enumerate(lines[1:], start=1) if line.strip() == "---"), None)
        return "\n".join(lines[closing + 1:]).strip() if closing is not None else text
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict):
        return data
    return {key: value for key, value in data.items() if key not in REVIEW_FIELDS}


def reviewed_on_of(text: str, data_file: bool) -> str | None:
    """The reviewed_on a file states (a page's front matter or a data file's top level)."""
    if not data_file:
        if not text.startswith("---"):
            return None
        text = text.split("\n---", 1)[0]
    try:
        data = yaml.load(text.removeprefix("---"), Loader=yaml.BaseLoader)  # dates stay text
    except yaml.YAMLError:
        return None
    value = data.get("reviewed_on") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _git(root: Path, *args: str) -> str | None:
    try:
        completed = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except OSError:  # no git on this machine
        return None
    return completed.stdout.decode("utf-8", "replace") if completed.returncode == 0 else None


def _commits_after(root: Path, paths: list[str], since: str) -> list[tuple[str, str, str]]:
    """(commit, author date, path) of the commits touching these paths on or after `since`.

    The author's date, not the committer's: a rebase or merge after the review re-dates
    commits written before it."""
    output = _git(root, "log", "--format=%x00%H %as", "--name-only", "--relative", f"--since={since}T00:00:00",
                  "--", *paths)
    found = []
    for record in (output or "").split("\0"):
        lines = [line for line in record.strip().split("\n") if line]
        if not lines:
            continue
        commit, _, day = lines[0].partition(" ")
        found += [(commit, day, path) for path in lines[1:]]
    return found


def _body_changed_in(root: Path, commit: str, path: str) -> bool:
    data_file = path.endswith(".yml")
    after = _git(root, "show", f"{commit}:{path}")
    before = _git(root, "show", f"{commit}^:{path}")
    if after is None or before is None:
        # Deleted: nothing left to review. Added: the first text is the one under review (an
        # item can arrive with a review made before it was committed).
        return False
    return reviewed_content(before, data_file) != reviewed_content(after, data_file)


_KIND_LABELS = {"lesson": "微团课", "site-guide": "研学指南", "lecturer": "讲师资料", "packet": "讲义包",
                "route": "研学路线"}


def expired_review_problems(settings: Settings, model: ContentModel | None) -> list[Problem]:
    """A warning for every item whose body git shows changed after its reviewed_on."""
    things = reviewed_things(model) if model is not None else []
    if not things or _git(settings.root, "rev-parse", "--is-inside-work-tree") is None:
        return []
    by_path = {thing.source.path: thing for thing in things}
    oldest = min(str(thing.review.reviewed_on) for thing in things)
    problems = []
    reported: set[str] = set()
    for commit, day, path in _commits_after(settings.root, sorted(by_path), oldest):  # newest first
        thing = by_path.get(path)
        if thing is None or path in reported or day <= str(thing.review.reviewed_on):
            continue
        if not _body_changed_in(settings.root, commit, path):
            continue
        reported.add(path)
        label = _KIND_LABELS.get(thing.kind, "条目")
        problems.append(Problem(
            path, thing.source.line_of(("reviewed_on",)),
            f"审核已过期：{label}的正文在审核日期 {thing.review.reviewed_on} 之后改过（提交 {commit[:10]}，{day}）",
            "请审核人对照出处核对这次改动，再把 reviewed_on 改为新的审核日期（换了审核人也改 reviewed_by）；"
            "来不及复核就把 status 改回 review。", Severity.WARNING))
    return problems


@dataclass(frozen=True)
class ExpiredReview:
    """An item of a pull request whose body changed while its review date stayed."""

    kind: str
    id: str
    path: str
    reviewed_on: str


def expired_in_change(changed: list[tuple[str, str]], base_root: Path, root: Path) -> list[ExpiredReview]:
    """The (path, kind) files modified between base (extracted under base_root) and the working
    tree whose reviewed content differs while reviewed_on is the same on both sides."""
    expired = []
    for path, kind in changed:
        old_file, new_file = base_root / path, root / path
        if not old_file.is_file() or not new_file.is_file():
            continue
        old, new = old_file.read_text(encoding="utf-8", errors="replace"), new_file.read_text(encoding="utf-8",
                                                                                               errors="replace")
        data_file = path.endswith(".yml")
        reviewed_on = reviewed_on_of(new, data_file)
        if reviewed_on is None or reviewed_on != reviewed_on_of(old, data_file):
            continue  # never reviewed, or reviewed again in this change
        if reviewed_content(old, data_file) != reviewed_content(new, data_file):
            expired.append(ExpiredReview(kind, Path(path).stem, path, reviewed_on))
    return expired
