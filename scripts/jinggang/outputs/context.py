"""What every download is rendered from: the published model, the site's templates and Markdown."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from ..content.dependencies import model_digests
from ..content.model import ContentModel
from ..website.render import Renderer
from .fonts import font_face_css
from .markdown import MarkdownRenderer


@dataclass
class RenderContext:
    model: ContentModel
    renderer: Renderer
    render_markdown: MarkdownRenderer
    site_url: str
    site_name: str
    site_description: str
    verified_max_age_days: int
    fonts_dir: Path
    docs_dir: Path

    @functools.cached_property
    def model_digests(self) -> dict[str, str]:
        """Every key of the model with a digest of its value, once for all the downloads."""
        return model_digests(self.model)

    @functools.cached_property
    def font_css(self) -> str:
        """@font-face rules of the print fonts, for a template's <style> (outputs/fonts.py)."""
        return font_face_css(self.fonts_dir)
