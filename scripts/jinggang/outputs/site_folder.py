"""The output folder: never destroy what is not ours, never leave staging folders behind.

A build writes into a staging folder beside the target and swaps it in on success; the
swap deletes the previous target. So before anything is written the target is checked:
it must not be the project, an ancestor of it, or one of its source folders, and a folder
that already holds files must carry the marker a previous build left in it (or be the
project's own `site/`, the configured default, built before the marker existed).

Staging folders are named `<site>.new-<pid>-<random>` and carry a marker too; they are
removed on every exit path (errors, SIGINT, SIGTERM, SIGHUP turned into exceptions by
`handle_signals`), and a folder left by a killed run (SIGKILL, power loss: its process
is gone) is removed by the next run.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import FrameType

from ..content.source import os_reason

# Written into every folder a build produced; its content never changes (reproducible sites).
MARKER = ".jinggang-site"
MARKER_TEXT = "井冈传人 jinggang build output: this folder is replaced by every build.\n"
# Project folders that hold sources: never an output, nor inside one.
SOURCE_FOLDERS = (".git", "docs", "curriculum", "scripts", "site_overrides", "tests", "node_modules", ".venv")

_STAGING = re.compile(r"\.(?:new|old)-(\d+)-[^/]*$")


class OutputFolderError(Exception):
    """The output folder is not one a build may replace; the message says why, in Chinese."""


class Interrupted(BaseException):
    """SIGTERM or SIGHUP, raised like KeyboardInterrupt so every `finally` runs."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.signal_number = signal_number


def _raise_interrupted(signal_number: int, _frame: FrameType | None) -> None:
    raise Interrupted(signal_number)


@contextlib.contextmanager
def handle_signals() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise Interrupted (SIGINT raises KeyboardInterrupt)."""
    previous: dict[int, object] = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is None:
            continue
        with contextlib.suppress(ValueError):  # not the main thread: signals cannot be handled here
            previous[number] = signal.signal(number, _raise_interrupted)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)  # type: ignore[arg-type]


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output_folder(root: Path, site_dir: Path, *, replaces: bool) -> None:
    """Raise OutputFolderError when site_dir may not be written (replaces: the build deletes it)."""
    root = root.resolve()
    target = site_dir.resolve()
    shown = str(site_dir)
    if target == root or _is_within(root, target):
        raise OutputFolderError(
            f"输出目录 {shown} 是项目目录或它的上级目录：构建会替换整个输出目录，这会删除项目本身。"
            "\n    提示：使用默认的 site/，或指定一个新的空目录，例如 --site-dir site。")
    for name in SOURCE_FOLDERS:
        if _is_within(target, root / name):
            raise OutputFolderError(
                f"输出目录 {shown} 在项目的 {name}/ 里：那里是源文件，不能作为输出目录。"
                "\n    提示：使用默认的 site/，或指定项目外的一个新的空目录。")
    if target.exists() and not target.is_dir():
        raise OutputFolderError(f"输出目录 {shown} 已存在，但不是目录。\n    提示：换一个路径，或先移走这个文件。")
    if not replaces or not target.is_dir():
        return
    if (target / MARKER).is_file() or target == root / "site":
        return
    try:
        empty = next(target.iterdir(), None) is None
    except OSError as error:
        raise OutputFolderError(f"无法读取输出目录 {shown}：{os_reason(error)}") from error
    if not empty:
        raise OutputFolderError(
            f"输出目录 {shown} 不是空目录，也不是之前的构建生成的（里面没有 {MARKER} 标记文件）："
            "构建会替换它，里面的文件会丢失。"
            "\n    提示：指定一个新的空目录；确认不再需要其中的文件后，先自己删除这个目录。")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def remove_leftovers(site_dir: Path) -> list[Path]:
    """Remove staging folders of site_dir that a killed run left behind; return them."""
    removed: list[Path] = []
    parent = site_dir.parent
    if not parent.is_dir():
        return removed
    for candidate in parent.glob(f"{glob_escape(site_dir.name)}.*-*"):
        match = _STAGING.search(candidate.name)
        if not match or not candidate.is_dir() or candidate.is_symlink() or not (candidate / MARKER).is_file():
            continue
        if not _alive(int(match.group(1))):
            shutil.rmtree(candidate, ignore_errors=True)
            removed.append(candidate)
    return removed


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def mark(folder: Path) -> None:
    (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


@contextlib.contextmanager
def staging_folder(site_dir: Path, kind: str = "new") -> Iterator[Path]:
    """A marked folder beside site_dir, removed when the block ends unless it was renamed away."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = _beside(site_dir, kind)
    try:
        staging.mkdir(mode=0o700)
        mark(staging)
        yield staging
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _beside(site_dir: Path, kind: str) -> Path:
    """A name for a folder of this run beside site_dir (`site.new-<pid>-<random>`), not made yet.
    The caller makes it inside the block that removes it: made by tempfile.mkdtemp before that
    block, a SIGTERM that came between the two left it behind (2 in 40 builds interrupted as
    their staging folder appeared, on a busy machine)."""
    return site_dir.parent / f"{site_dir.name}.{kind}-{os.getpid()}-{secrets.token_hex(6)}"


def swap_in(staging: Path, site_dir: Path) -> None:
    """Replace site_dir by staging; the previous site_dir is deleted only after the swap."""
    mark(staging)
    if not site_dir.exists():
        staging.rename(site_dir)
        return
    previous = _beside(site_dir, "old")
    try:
        site_dir.rename(previous)
        with contextlib.suppress(OSError):
            mark(previous)  # so that the next run removes it if this one is killed now
        try:
            staging.rename(site_dir)
        except BaseException:
            previous.rename(site_dir)  # put the previous site back
            raise
    finally:
        if previous.exists():
            shutil.rmtree(previous, ignore_errors=True)


def carry_outputs(previous_site: Path, new_site: Path, folders: Iterable[str]) -> None:
    """Keep the folders of the site being replaced that a build does not make (downloads, made by
    `jinggang packets`; share cards, by `jinggang share`), unless the new site has them."""
    for folder in folders:
        if (previous_site / folder).is_dir() and not (new_site / folder).exists():
            shutil.copytree(previous_site / folder, new_site / folder)
