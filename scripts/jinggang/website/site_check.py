"""What the build would refuse around the content, found by `jinggang check` first.

The content loader sees each file; these problems come from how the files meet the site:
a page written by hand where the plugin generates one (docs/lessons/index.md), a nav entry
in mkdocs.yml naming a page that does not exist, and addresses in mkdocs.yml that are not
web addresses (a `javascript:` repo_url would run on every page's source link). The plugin
raises the same problems when a build meets them, so the two never disagree.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..content.problems import Problem
from .config_file import config_line, config_value_line

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from .render import GeneratedPage


def generated_page_problems(page_uris: Iterable[str], generated: Iterable[GeneratedPage], docs: str) -> list[Problem]:
    """A written page with the path of a generated one: MkDocs cannot hold both."""
    written = set(page_uris)
    return [Problem(f"{docs}/{page.src_uri}", 1, f"这个页面由站点自动生成（{page.title}），不能再手写一个同名文件",
                    f"删除 {docs}/{page.src_uri}；要改这一页，改它的模板 site_overrides/{page.template}。")
            for page in generated if page.src_uri in written]


def nav_problems(config: MkDocsConfig, page_uris: Iterable[str], generated: Iterable[GeneratedPage]) -> list[Problem]:
    """Pages that mkdocs.yml's nav names and that neither docs/ nor the plugin provides."""
    known = set(page_uris) | {page.src_uri for page in generated}
    config_file = Path(config.config_file_path)
    problems = []
    for target in _nav_targets(config.nav or []):
        if target in known or "://" in target or not target.endswith(".md"):
            continue
        problems.append(Problem(config_file.name, config_value_line(config_file, ["nav"], target),
                                f"导航（nav）里的页面 {target} 不存在",
                                f"检查拼写（路径相对于 {Path(config.docs_dir).name}/），或删除这一项。"))
    return problems


def _nav_targets(nav: Any) -> Iterator[str]:
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, list):
        for entry in nav:
            yield from _nav_targets(entry)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _nav_targets(value)


# Characters that end an HTML attribute or start markup: never part of a web address as written.
_UNSAFE = frozenset('"\'<>`\\ \t\r\n{}|^')
ADDRESS_SETTINGS = ("site_url", "repo_url")


def address_problems(config: MkDocsConfig) -> list[Problem]:
    """site_url and repo_url must be http(s) addresses; edit_uri a path without markup characters."""
    config_file = Path(config.config_file_path)
    problems = []
    for name in (*ADDRESS_SETTINGS, "edit_uri"):
        value = config.get(name)
        if not value:
            continue
        scheme = urlsplit(str(value)).scheme.lower()
        unsafe = sorted({character for character in str(value) if character in _UNSAFE})
        if name != "edit_uri" and scheme not in ("http", "https"):
            message = f"{name} 必须是 http:// 或 https:// 开头的网址（这里是 {scheme or '没有协议'}:）"
        elif unsafe:
            shown = "、".join("空格" if character == " " else repr(character).strip("'") for character in unsafe)
            message = f"{name} 里有网址中不能直接出现的字符：{shown}"
        else:
            continue
        problems.append(Problem(config_file.name, config_line(config_file, [name]), message,
                                "写成普通的网址，例如 https://example.org/jinggang/；空格和引号要写成 %20、%22。"))
    return problems


def docs_page_uris(docs_dir: Path) -> set[str]:
    """The Markdown pages under docs/ as MkDocs names them (folders and files starting with "." left out)."""
    pages = set()
    for folder, subfolders, files in os.walk(docs_dir, followlinks=False):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in files:
            if name.endswith(".md") and not name.startswith("."):
                pages.add((Path(folder) / name).relative_to(docs_dir).as_posix())
    return pages


def docs_label(config: MkDocsConfig) -> str:
    """docs_dir as problems name it: relative to mkdocs.yml ("docs")."""
    return Path(os.path.relpath(config.docs_dir, Path(config.config_file_path).parent)).as_posix()


def site_problems(config: MkDocsConfig, generated: list[GeneratedPage]) -> list[Problem]:
    """Everything in this module, for `jinggang check`."""
    pages = docs_page_uris(Path(config.docs_dir))
    return [*generated_page_problems(pages, generated, docs_label(config)),
            *nav_problems(config, pages, generated), *address_problems(config)]
