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
from ..packets.document import MarkdownRenderer
from ..printer import write_atomically

VENDOR_DIR = "assets/vendor/reveal"
REVEAL_FILES = ("reveal.js", "reveal.css", "theme/white.css", "plugin/notes.js")


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
        shutil.copyfile(reveal_dist / name, target)


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
