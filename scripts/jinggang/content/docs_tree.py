"""Every file under docs/ is published: each must be a Markdown page or an image we allow.

MkDocs copies whatever lies in docs/ into the site: an .html or .svg file with script in
it, a page saved as .markdown (never checked, still built), a symlink to a file or folder
outside the repository (its content copied into the site). The walk below looks at every
entry once, without following symlinks, and every hand-written page (docs/index.md, the
editors' guide, index pages, pages in subfolders) gets the same body checks as content.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .problems import Problem
from .safety import check_body_safety
from .source import ReadError, SourceFile, os_reason, read_text

if TYPE_CHECKING:
    from .loader import Settings

PAGE_SUFFIX = ".md"
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg"})
MAX_DEPTH = 8  # docs/a/b/c/... deeper than this is a mistake (or a symlink loop)
MAX_ENTRIES = 20_000

_SVG_DANGER = re.compile(
    r"<\s*(script|foreignObject|iframe|object|embed|use)\b|\son[a-z]+\s*=|javascript:|"
    r"(?:href|src)\s*=\s*[\"']?\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?:.*?\n)?---[ \t]*(?:\n|\Z)", re.S)


def _entries(docs: Path) -> Iterator[tuple[Path, int, bool]]:
    """(path, depth, is a symlink) of everything under docs, symlinks not followed, folders before
    their content. Whether an entry is a symlink comes with the listing: no look at each file."""
    stack = [(docs, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            children = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            yield folder, -1, False  # unreadable
            continue
        for child in children:
            path = Path(child.path)
            yield path, depth + 1, child.is_symlink()
            if child.is_dir(follow_symlinks=False) and depth + 1 < MAX_DEPTH:
                stack.append((path, depth + 1))


def _symlink_problem(path: Path, shown: str, root: Path) -> Problem | None:
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return Problem(shown, 1, "符号链接指向不存在的文件，或者链接成环",
                       "删除这个符号链接，把真正的文件放进 docs/。")
    if not target.is_relative_to(root.resolve()):
        return Problem(shown, 1, f"符号链接指向仓库以外（{target}）",
                       "docs/ 里的文件都会发布到站点：不能链接仓库外的文件或目录；把需要的文件复制进来。")
    return None


def _file_problem(path: Path, shown: str, mode: int) -> Problem | None:
    name = path.name
    if stat.S_ISDIR(mode):
        if name.endswith(PAGE_SUFFIX):
            return Problem(shown, 1, f"{name} 是一个目录，不是 Markdown 文件",
                           "目录名不要以 .md 结尾：改名，或把它换成同名的 Markdown 文件。")
        return None
    if not stat.S_ISREG(mode):
        return Problem(shown, 1, "这不是普通文件（可能是管道、设备或套接字）",
                       "删除它；docs/ 里只放 Markdown 页面和图片。")
    suffix = path.suffix.lower()
    if suffix == PAGE_SUFFIX or suffix in IMAGE_SUFFIXES or name.startswith("."):
        return None
    hint = "把它改名为 .md。" if suffix in (".markdown", ".mdown", ".mkd") else \
        "docs/ 里只能放 Markdown 页面（.md）和图片（png、jpg、gif、webp、avif、svg）：删除它或移到别处。"
    return Problem(shown, 1, f"不能发布的文件类型 {suffix or '（没有扩展名）'}", hint)


def _svg_problems(path: Path, shown: str) -> list[Problem]:
    try:
        text = read_text(path, shown)
    except ReadError as error:
        return [error.problem]
    match = _SVG_DANGER.search(text)
    if match is None:
        return []
    line = text.count("\n", 0, match.start()) + 1
    return [Problem(shown, line, f"SVG 图片里有脚本或外部引用（{match.group(0).strip()[:30]}）",
                    "SVG 会在读者的浏览器里运行：用图形软件导出不含脚本、链接和外部图片的 SVG，或改用 PNG。")]


def check_docs_tree(settings: Settings, item_files: set[Path]) -> list[Problem]:
    """Problems of the files under docs/; hand-written pages' bodies checked like content."""
    docs, root = settings.docs_dir, settings.root
    problems: list[Problem] = []
    if not os.path.isdir(docs):
        return [Problem(settings.relative(docs), 1, "没有 docs/ 目录", "docs/ 存放站点的全部页面。")]
    for count, (path, depth, is_symlink) in enumerate(_entries(docs)):
        if count >= MAX_ENTRIES:
            problems.append(Problem(settings.relative(path), 1,
                                    f"docs/ 里的文件超过 {MAX_ENTRIES:,} 个，其余的没有检查",
                                    "检查是否误放了整个文件夹（例如 node_modules 或照片库）。"))
            break
        if 0 <= depth < MAX_DEPTH and not is_symlink and path in item_files:
            continue  # read (and reported) by the loader: most entries, so nothing else is worked out
        shown = settings.relative(path)
        if depth < 0:
            problems.append(Problem(shown, 1, "无法读取这个目录（权限不足？）", "检查目录的读取权限。"))
            continue
        if depth >= MAX_DEPTH and os.path.isdir(path):
            problems.append(Problem(shown, 1, f"目录嵌套超过 {MAX_DEPTH} 层，更深的内容没有检查",
                                    "把页面放在较浅的目录里。"))
        if is_symlink:
            problem = _symlink_problem(path, shown, root)
            if problem is not None:
                problems.append(problem)
                continue
        if path in item_files:
            continue  # read (and reported) by the loader
        try:
            mode = path.stat().st_mode
        except OSError as error:
            problems.append(Problem(shown, 1, f"无法读取：{os_reason(error)}", "检查文件权限。"))
            continue
        problem = _file_problem(path, shown, mode)
        if problem is not None:
            problems.append(problem)
        elif stat.S_ISREG(mode) and path.suffix.lower() == ".svg":
            problems += _svg_problems(path, shown)
        elif stat.S_ISREG(mode) and path.suffix.lower() == PAGE_SUFFIX:
            problems += _hand_written_page(path, shown, settings)
    return problems


def _hand_written_page(path: Path, shown: str, settings: Settings) -> list[Problem]:
    try:
        text = read_text(path, shown)
    except ReadError as error:
        return [error.problem]
    front = _FRONT_MATTER.match(text)
    body_line = front.group(0).count("\n") + 1 if front else 1
    body = text[front.end():] if front else text
    return check_body_safety(SourceFile(shown, {}, body, body_line), settings)
