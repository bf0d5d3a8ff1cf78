"""Presenter mode: each lecturer material as a reveal.js slide show inside the built site.

reveal.js comes from the npm registry (package.json, package-lock.json, `npm ci`) and is
copied into the site, so the show runs from file:// and from a server with no request out.
Its notes plugin gives the speaker view (current notes, next slide, timer) in a window of
its own; the page needs nothing but these files.
"""

from __future__ import annotations

import posixpath
import shutil
from collections.abc import Mapping
from pathlib import Path

import jinja2

from ...content.model import ContentModel, LecturerMaterial
from ..atomic import write_atomically
from ..packets.document import MarkdownRenderer

VENDOR_DIR = "assets/vendor/reveal"
REVEAL_FILES = ("reveal.js", "reveal.css", "theme/white.css", "plugin/notes.js")
NOTES_PLUGIN = "plugin/notes.js"

# The speaker view is a page the notes plugin writes from a string of its own: its labels in
# Chinese and its clock on 24 hours. Each text must be found, so a new reveal.js that words
# them differently stops the build instead of leaving English behind.
SPEAKER_VIEW_ZH = (
    ('<html lang="en">', '<html lang="zh-CN">'),
    ("<title>reveal.js - Speaker View</title>", "<title>讲者视图</title>"),
    ("Loading speaker view...", "正在打开讲者视图……"),
    ('<span class="overlay-element label">Upcoming</span>', '<span class="overlay-element label">下一张</span>'),
    ('<h4 class="label">Time <span class="reset-button">Click to Reset</span></h4>',
     '<h4 class="label">时间 <span class="reset-button">点击重新计时</span></h4>'),
    ('<span class="clock-value">0:00 AM</span>', '<span class="clock-value">00:00</span>'),
    ("Pacing – Time to finish current slide", "节奏：本张还剩"),
    ('<h4 class="label">Notes</h4>', '<h4 class="label">讲稿</h4>'),
    ("layoutLabel.innerHTML = 'Layout'", "layoutLabel.innerHTML = '布局'"),
    ("'default': 'Default'", "'default': '默认'"),
    ("'wide': 'Wide'", "'wide': '左右'"),
    ("'tall': 'Tall'", "'tall': '上下'"),
    ("'notes-only': 'Notes only'", "'notes-only': '只看讲稿'"),
    ("toLocaleTimeString( 'en-US', { hour12: true, hour: '2-digit', minute:'2-digit' } )",
     "toLocaleTimeString( 'zh-CN', { hour12: false, hour: '2-digit', minute:'2-digit' } )"),
)


def presenter_path(material: LecturerMaterial) -> str:
    """Where the show lives in the site; index.html named, so file:// opens the page itself."""
    return f"{material.url}present/index.html"


class RevealMissing(Exception):
    pass


def copy_reveal(reveal_dist: Path, site_dir: Path) -> None:
    missing = [name for name in REVEAL_FILES if not (reveal_dist / name).is_file()]
    if missing:
        raise RevealMissing(f"{reveal_dist} 中缺少 reveal.js 文件：{', '.join(missing)}")
    for name in REVEAL_FILES:
        target = site_dir / VENDOR_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if name == NOTES_PLUGIN:
            target.write_text(speaker_view_in_chinese((reveal_dist / name).read_text(encoding="utf-8")),
                              encoding="utf-8")
        else:
            shutil.copyfile(reveal_dist / name, target)


def speaker_view_in_chinese(script: str) -> str:
    for english, chinese in SPEAKER_VIEW_ZH:
        if english not in script:
            raise RevealMissing(f"reveal.js 的讲者视图里找不到要翻译的文字：{english}")
        script = script.replace(english, chinese)
    return script


def write_presenters(model: ContentModel, env: jinja2.Environment, site_dir: Path, docs_dir: Path,
                     extensions: list[object], extension_configs: dict[str, object],
                     page_urls: Mapping[str, str] | None = None) -> list[Path]:
    """One show per material; page_urls (src_uri -> URL in this build) gives the way back."""
    written = []
    template = env.get_template("jinggang/slides/present.html")
    for material in model.lecturers.values():
        page = presenter_path(material)
        page_dir = posixpath.dirname(page)

        def site_url(image: Path, page_dir: str = page_dir) -> str:
            # Images are copied into the site at their path under docs/.
            return posixpath.relpath(image.relative_to(docs_dir.resolve()).as_posix(), page_dir)

        render_markdown = MarkdownRenderer(extensions, extension_configs, docs_dir, image_url=site_url)
        back = (page_urls or {}).get(material.src_uri, material.url)
        back = back + "index.html" if back.endswith("/") else back
        html = template.render(material=material, markdown=render_markdown, label=model.label,
                               assets=posixpath.relpath(VENDOR_DIR, page_dir), back=posixpath.relpath(back, page_dir))
        target = site_dir / page
        write_atomically(target, html.encode("utf-8"))
        written.append(target)
    return written
