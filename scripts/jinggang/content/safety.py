"""What a page body may not contain: HTML that runs script or loads from other hosts, broken links.

Editors write Markdown, and Markdown passes raw HTML through to the site. The site is read
by children on school computers and offline from a USB stick, so anything that runs script
(`<script>`, `on*=` attributes, `javascript:` links) or pulls content from another host
(iframes, raw `<img>`, `<object>`) is refused here, before the build, with the line that
holds it. Fenced and inline code are left alone: showing HTML as code is fine.

Links between content pages are checked here too, so that `jinggang check` names the line
of a broken link or anchor. Links to pages the plugin generates (timeline.md, glossary.md,
the indexes) are left to MkDocs' own link validation, which fails the strict build.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from pymdownx.slugs import slugify

from .problems import Problem
from .source import SourceFile

if TYPE_CHECKING:
    from .loader import Settings

# A body longer than this is not a lesson, a guide or a lecture script: most likely a pasted
# document or an image inlined as text. It would also make every page of the site slower.
MAX_BODY_CHARACTERS = 100_000

CONTENT_FOLDERS = ("lessons", "sites", "lecturers")

# Must agree with the toc slugify in mkdocs.yml (pymdownx.slugs.slugify, case: lower).
_SLUGIFY = slugify(case="lower")

_FENCE_OPEN = re.compile(r"^\s*(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:.+?)\1", re.S)
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
_ATTRIBUTE = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_MARKDOWN_LINK = re.compile(
    r"(?<!!)\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?((?:[^()\s>]|\([^()\s]*\))*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_REFERENCE = re.compile(r"^[ ]{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_ATTR_ID = re.compile(r"\{[^}]*#([\w-]+)[^}]*\}")
_HTML_ID = re.compile(r"""\sid=["']([^"']+)["']""")
_SCRIPT_SCHEME = re.compile(r"^\s*(javascript|vbscript|data\s*:\s*text/html)", re.I)
_OTHER_HOST = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)

# Elements that embed a plugin or another document: never from an editor.
_EMBEDDING = {"object", "embed", "applet", "frame", "frameset"}
# Attributes that load a resource into the page (an image, a video, a stylesheet).
_LOADING = {"src", "srcset", "poster", "data", "background"}

_NO_SCRIPT_HINT = "内容里不能运行脚本（站点给学生离线使用）：删除它；需要交互效果请提 issue，由开发者在模板中实现。"
_OFFLINE_HINT = "离线使用时外部内容无法显示：把文件（有使用授权的）放进 docs/ 并用相对路径引用，或改成普通链接。"


def _blank_code(body: str) -> str:
    """The body with fenced and inline code replaced by spaces, so offsets and lines stay put."""
    lines = body.split("\n")
    fence: str | None = None
    for index, line in enumerate(lines):
        opening = _FENCE_OPEN.match(line)
        if fence:
            if line.strip().startswith(fence):
                fence = None
            lines[index] = ""
        elif opening:
            fence = opening.group(1)
            lines[index] = ""
        else:
            # Indented code blocks (four spaces) are rare in our pages and would also match
            # list continuations; they are scanned like text.
            lines[index] = _INLINE_CODE.sub(lambda match: re.sub(r"[^\n]", " ", match.group(0)), line)
    return "\n".join(lines)


def _line(source: SourceFile, text: str, offset: int) -> int:
    return source.body_line + text.count("\n", 0, offset)


def _unquote(value: str | None) -> str:
    if value is None:
        return ""
    return value[1:-1] if value[:1] in "\"'" and value[-1:] == value[:1] else value


def _tag_problems(source: SourceFile, text: str) -> list[Problem]:
    problems = []
    for match in _TAG.finditer(text):
        name = match.group(1).lower()
        line = _line(source, text, match.start())
        attributes = {key.lower(): _unquote(value) for key, value in _ATTRIBUTE.findall(match.group(2))}
        if name == "script":
            where = attributes.get("src", "")
            detail = f"（来自 {where}）" if where else ""
            problems.append(Problem(source.path, line, f"正文里有 <script> 标签{detail}", _NO_SCRIPT_HINT))
            continue
        if name in _EMBEDDING:
            problems.append(Problem(source.path, line, f"正文里有 <{name}> 标签",
                                    "嵌入插件或其他文档的标签不能使用：改成图片或普通链接。"))
            continue
        for key, value in attributes.items():
            if key.startswith("on"):
                problems.append(Problem(source.path, line, f"<{name}> 的 {key} 属性会运行脚本", _NO_SCRIPT_HINT))
            elif key in ("href", "action", "formaction", *_LOADING) and _SCRIPT_SCHEME.match(value):
                problems.append(Problem(source.path, line, f"<{name}> 的 {key} 是脚本链接 {value[:40]}",
                                        _NO_SCRIPT_HINT))
            elif name == "iframe" and key == "src" and (_OTHER_HOST.match(value) or _SCHEME.match(value)):
                problems.append(Problem(source.path, line, f"<iframe> 嵌入了其他网站的页面 {value}", _OFFLINE_HINT))
            elif key in _LOADING and _OTHER_HOST.match(value):
                problems.append(Problem(source.path, line, f"<{name}> 从其他网站加载 {value}", _OFFLINE_HINT))
    return problems


def _link_targets(text: str) -> list[tuple[int, str]]:
    """(offset, target) of every Markdown link, inline or reference definition."""
    found = [(match.start(), match.group(1)) for match in _MARKDOWN_LINK.finditer(text)]
    found += [(match.start(), match.group(1)) for match in _REFERENCE.finditer(text)]
    return sorted(found)


@lru_cache(maxsize=4096)
def _anchors_of(body: str, is_lecturer: bool) -> frozenset[str]:
    """Ids a page's Markdown gives it: headings' slugs (numbered like the toc does), {#id} and id=.

    The ids the theme adds around the body (the footer's #sources ...) are not among them:
    MkDocs validates anchors against the Markdown's own ids, and so does this check."""
    anchors: set[str] = set()
    counts: dict[str, int] = {}
    slides = 0
    for line in _blank_code(body).split("\n"):
        heading = _HEADING.match(line)
        if heading:
            text = _ATTR_ID.sub("", heading.group(2)).strip()
            slug = _SLUGIFY(re.sub(r"<[^>]+>|[*_`]", "", text), "-")
            if slug in counts:
                counts[slug] += 1
                slug = f"{slug}_{counts[slug]}"
            else:
                counts[slug] = 0
            anchors.add(slug)
            slides += heading.group(1) == "##"
        anchors.update(_ATTR_ID.findall(line))
        anchors.update(_HTML_ID.findall(line))
    if is_lecturer:
        anchors.update(f"slide-{number}" for number in range(1, slides + 1))
    return frozenset(anchors)


@lru_cache(maxsize=4096)
def _page_anchors(file: Path, mtime_ns: int, is_item: bool) -> frozenset[str] | None:
    from .source import ReadError, read_page, read_text

    title = ""
    try:
        if is_item:
            page = read_page(file, file.name)[0]
            body, title = page.body, str(page.data.get("title") or page.data.get("name") or "")
        else:
            text = read_text(file, file.name)
            # A hand-written page may have front matter or not.
            body = re.sub(r"\A---\s*\n.*?\n---\s*\n", "", text, count=1, flags=re.S)
    except (ReadError, OSError):
        return None  # the target's own problem is reported where it is read
    # The plugin puts the title on top of an item's body as its level-1 heading.
    body = f"# {title}\n\n{body}" if title else body
    return _anchors_of(body, is_item and file.parent.name == "lecturers")


def _anchor_hint(anchors: frozenset[str]) -> str:
    slides = sum(1 for anchor in anchors if anchor.startswith("slide-"))
    headings = sorted(anchor for anchor in anchors if not anchor.startswith("slide-"))
    hint = "锚点是标题文字（小写，去掉标点和空格）"
    if headings:
        hint += "，这一页的标题有：" + "、".join(headings[:10]) + ("等" if len(headings) > 10 else "")
    if slides:
        hint += f"；幻灯片是 slide-1 到 slide-{slides}"
    return hint + "。"


def _link_problems(source: SourceFile, text: str, settings: Settings) -> list[Problem]:
    problems: list[Problem] = []
    docs = settings.docs_dir.resolve()
    page_file = (settings.root / source.path).resolve()
    for offset, raw_target in _link_targets(text):
        line = _line(source, text, offset)
        if _SCRIPT_SCHEME.match(raw_target):
            problems.append(Problem(source.path, line, f"链接 {raw_target[:40]} 会运行脚本", _NO_SCRIPT_HINT))
            continue
        if not raw_target or _SCHEME.match(raw_target) or raw_target.startswith("//"):
            continue  # an ordinary link to another site (or mailto:): allowed
        path_part, _, anchor = raw_target.partition("#")
        target = (page_file.parent / unquote(path_part)).resolve() if path_part else page_file
        try:
            relative = target.relative_to(docs).as_posix()
        except ValueError:
            problems.append(Problem(source.path, line, f"链接 {raw_target} 指向 docs/ 以外",
                                    "站内链接写成相对于本文件的 .md 路径，例如 ../sites/sanwan.md。"))
            continue
        folder = posixpath.dirname(relative)
        is_item = folder in CONTENT_FOLDERS and posixpath.basename(relative) != "index.md"
        if not target.exists():
            if is_item or not relative.endswith(".md"):
                problems.append(Problem(source.path, line, f"链接 {raw_target} 指向的页面或文件不存在",
                                        "检查文件名和相对路径（相对于这个 Markdown 文件所在的目录），"
                                        "例如 ../sites/sanwan.md。"))
            continue  # other .md targets may be generated pages: MkDocs validates those
        if not anchor or target.suffix != ".md":
            continue
        anchors = _page_anchors(target, target.stat().st_mtime_ns, is_item)
        if anchors is not None and unquote(anchor) not in anchors:
            problems.append(Problem(source.path, line,
                                    f"链接 {raw_target} 的锚点 #{unquote(anchor)} 在目标页面里不存在",
                                    _anchor_hint(anchors)))
    return problems


def check_body_safety(source: SourceFile, settings: Settings) -> list[Problem]:
    """Refuse script, foreign content and oversized bodies; check links between content pages."""
    if len(source.body) > MAX_BODY_CHARACTERS:
        return [Problem(source.path, source.body_line,
                        f"正文太长（{len(source.body):,} 字符，上限 {MAX_BODY_CHARACTERS:,}）",
                        "一课、一篇指南或一份讲稿应当简短：把内容拆成几篇；图片不要以文字形式嵌入。")]
    body = source.body
    if "<" not in body and "](" not in body and "]:" not in body:
        return []  # no HTML and no link: most pages, checked without scanning
    text = _blank_code(body)
    return _tag_problems(source, text) + _link_problems(source, text, settings)
