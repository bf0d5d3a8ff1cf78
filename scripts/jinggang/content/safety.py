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

import bisect
import html
import posixpath
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from pymdownx.slugs import slugify

from .problems import Problem
from .source import SourceFile, is_missing

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
_SCRIPT_SCHEME = re.compile(r"^(javascript|vbscript|livescript|data:text/html|data:image/svg)", re.I)
_DATA_OR_FILE = re.compile(r"^(data|file|filesystem|blob):", re.I)
# What a browser skips when it reads a URL's scheme: ASCII whitespace and control characters.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")
# attr_list: `{: onclick=... }` after a heading, a paragraph or a link sets any attribute.
_ATTR_LIST = re.compile(r"\{:?[ \t]*([^{}\n]*=[^{}\n]*)\}")
_OTHER_HOST = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)

# Elements that embed a plugin or another document: never from an editor.
_EMBEDDING = {"object", "embed", "applet", "frame", "frameset", "iframe", "portal", "fencedframe"}
# Elements that change the whole page: its base URL, a redirect, styles or a form that posts away.
_PAGE_LEVEL = {"base", "meta", "link", "style", "form", "template", "noscript"}
# Attributes that load a resource into the page (an image, a video, a stylesheet).
_LOADING = {"src", "srcset", "poster", "data", "background"}

_NO_SCRIPT_HINT = "内容里不能运行脚本（站点给学生离线使用）：删除它；需要交互效果请提 issue，由开发者在模板中实现。"
_DATA_HINT = ("正文不能用 data:、file: 等地址内嵌或读取文件：把图片作为文件放进 docs/，用相对路径引用"
              "（例如 ![说明](../images/sanwan.jpg)）。")
_OFFLINE_HINT = "离线使用时外部内容无法显示：把文件（有使用授权的）放进 docs/ 并用相对路径引用，或改成普通链接。"


def _blank_code(body: str, *, inline: bool = True) -> str:
    """The body with fenced (and inline) code replaced by spaces, so offsets and lines stay put."""
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
        elif inline:
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


def _plain_value(value: str) -> str:
    """An attribute value as the browser reads it: entities decoded, whitespace and controls dropped."""
    return _IGNORED_IN_SCHEME.sub("", html.unescape(value))


def _attribute_problems(source: SourceFile, line: int, name: str, attributes: dict[str, str]) -> list[Problem]:
    """name: the tag's name, or "" for an attr_list block."""
    problems = []
    where = f"<{name}> 的" if name else "属性列表 {: } 里的"
    for key, value in attributes.items():
        plain = _plain_value(value)
        if key.startswith("on"):
            problems.append(Problem(source.path, line, f"{where} {key} 属性会运行脚本", _NO_SCRIPT_HINT))
        elif key == "srcdoc":
            problems.append(Problem(source.path, line, f"{where} srcdoc 属性嵌入了一个文档", _NO_SCRIPT_HINT))
        elif key == "style" and re.search(r"url\s*\(|expression\s*\(|@import", html.unescape(value), re.I):
            problems.append(Problem(source.path, line, f"{where} style 属性加载外部资源",
                                    "样式由站点模板统一提供：删除 style 属性。"))
        elif _SCRIPT_SCHEME.match(plain):
            problems.append(Problem(source.path, line, f"{where} {key} 是脚本链接 {value[:40]}",
                                    _NO_SCRIPT_HINT))
        elif _DATA_OR_FILE.match(plain):
            problems.append(Problem(source.path, line, f"{where} {key} 是 {plain.split(':')[0].lower()}: 地址",
                                    _DATA_HINT))
        elif key in _LOADING and _OTHER_HOST.match(plain):
            problems.append(Problem(source.path, line, f"<{name}> 从其他网站加载 {value}", _OFFLINE_HINT))
    return problems


def _code_spans(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _INLINE_CODE.finditer(text)]


def _inside_code(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    index = bisect.bisect_right(spans, (start, sys.maxsize)) - 1
    return index >= 0 and spans[index][0] <= start and end <= spans[index][1]


def _tag_problems(source: SourceFile, text: str) -> list[Problem]:
    """text: the body with fenced code blanked; a tag wholly inside inline code is only shown."""
    problems = []
    spans = _code_spans(text) if "`" in text else []
    for match in _TAG.finditer(text):
        if spans and _inside_code(spans, *match.span()):
            continue
        name = match.group(1).lower()
        line = _line(source, text, match.start())
        attributes = {key.lower(): _unquote(value) for key, value in _ATTRIBUTE.findall(match.group(2))}
        if name == "script":
            where = attributes.get("src", "")
            detail = f"（来自 {where}）" if where else ""
            problems.append(Problem(source.path, line, f"正文里有 <script> 标签{detail}", _NO_SCRIPT_HINT))
            continue
        source_url = attributes.get("src", "")
        if name == "iframe" and (_OTHER_HOST.match(source_url) or _SCHEME.match(source_url)):
            problems.append(Problem(source.path, line, f"<iframe> 嵌入了其他网站的页面 {source_url}", _OFFLINE_HINT))
            continue
        if name == "iframe":
            problems.append(Problem(source.path, line, "正文里有 <iframe> 标签",
                                    "嵌入页面不能使用（打印讲义时它可能读到本机文件）："
                                    "改成普通链接，例如 [三湾](../sites/sanwan.md)。"))
            continue
        if name in _EMBEDDING:
            problems.append(Problem(source.path, line, f"正文里有 <{name}> 标签",
                                    "嵌入插件或其他文档的标签不能使用：改成图片或普通链接。"))
            continue
        if name in _PAGE_LEVEL:
            problems.append(Problem(source.path, line, f"正文里有 <{name}> 标签",
                                    f"<{name}> 会改变整个页面（地址、跳转、样式或表单）：删除它；"
                                    "需要时请提 issue，由开发者在模板中实现。"))
            continue
        problems += _attribute_problems(source, line, name, attributes)
    for match in _ATTR_LIST.finditer(text):
        if spans and _inside_code(spans, *match.span()):
            continue
        attributes = {key.lower(): _unquote(value) for key, value in _ATTRIBUTE.findall(match.group(1))
                      if not key.startswith((".", "#"))}
        problems += _attribute_problems(source, _line(source, text, match.start()), "", attributes)
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
        plain = _plain_value(raw_target)
        if _SCRIPT_SCHEME.match(plain):
            problems.append(Problem(source.path, line, f"链接 {raw_target[:40]} 会运行脚本", _NO_SCRIPT_HINT))
            continue
        if _DATA_OR_FILE.match(plain):
            problems.append(Problem(source.path, line, f"链接 {raw_target[:40]} 是 {plain.split(':')[0].lower()}: 地址",
                                    _DATA_HINT))
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
        if is_missing(target):
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
    if "<" not in body and "](" not in body and "]:" not in body and "{" not in body:
        return []  # no HTML and no link: most pages, checked without scanning
    text = _blank_code(body)
    return _tag_problems(source, _blank_code(body, inline=False)) + _link_problems(source, text, settings)
