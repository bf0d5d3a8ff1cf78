"""Item bodies as HTML for printed and downloaded outputs: the site's own Markdown extensions.

Shared by packets, field kits, lecture notes and the presenter view; the HTML goes through the
same allowlist sanitizer as the site's pages.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import markdown
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from ..content.dependencies import key, note
from ..content.model import ContentItem
from ..content.sanitize import sanitize_html


class ItemError(Exception):
    """Rendering failed inside one item of an output; the message names the item's file."""


class _ImagePaths(Treeprocessor):
    """Image paths are relative to the page's file; the rendered document lives elsewhere."""

    base_dir: Path | None = None
    root: Path | None = None  # the project's: a file read is recorded by its path from there
    rewrite: Callable[[Path], str] = staticmethod(Path.as_uri)  # type: ignore[assignment]

    def run(self, root: etree.Element) -> None:
        if self.base_dir is None:
            return
        for image in root.iter("img"):
            source = image.get("src", "")
            if source and not urlsplit(source).scheme and not source.startswith("/"):
                path = (self.base_dir / source).resolve()
                if not path.is_file():
                    raise FileNotFoundError(f"图片 {source} 不存在")
                if self.root is not None and path.is_relative_to(self.root):
                    note(key("file", path.relative_to(self.root).as_posix(), "bytes"))
                image.set("src", self.rewrite(path))


class MarkdownRenderer:
    """Python-Markdown with the site's own extensions, so bodies print as they read online."""

    def __init__(self, extensions: Iterable[Any], extension_configs: Mapping[str, Any], docs_dir: Path,
                 image_url: Callable[[Path], str] | None = None) -> None:
        """image_url turns an image file into the URL the output uses (default: a file:// URI)."""
        self.md = markdown.Markdown(extensions=list(extensions), extension_configs=dict(extension_configs))
        self.images = _ImagePaths(self.md)
        if image_url is not None:
            self.images.rewrite = image_url
        self.md.treeprocessors.register(self.images, "jinggang_absolute_images", 0)
        self.docs_dir = docs_dir
        self.images.root = docs_dir.resolve().parent
        # The current item's texts as rendered: a lecturer material's slides print in two of its
        # parts (the builder renders both), and a text renders the same within one item.
        self.memo_item: str | None = None
        self.memo: dict[str, Markup] = {}

    def __call__(self, text: str, item: ContentItem | None = None) -> Markup:
        owner = item.src_uri if item else None
        if owner != self.memo_item:
            self.memo_item, self.memo = owner, {}
        found = self.memo.get(text)
        if found is not None:
            return found
        self.md.reset()
        self.images.base_dir = (self.docs_dir / item.src_uri).parent if item else None
        try:
            html = Markup(sanitize_html(self.md.convert(text), images_from_files=self.images.rewrite is Path.as_uri))
        except Exception as error:
            where = item.source.path if item else "?"
            raise ItemError(f"{where}：{error}") from error
        self.memo[text] = html
        return html


def content_hash(html: str, *extra: str) -> str:
    """What an output's cache is keyed on: its HTML and whatever else changes its bytes."""
    digest = hashlib.sha256(html.encode("utf-8"))
    for part in extra:
        digest.update(b"\0" + part.encode("utf-8"))
    return digest.hexdigest()
