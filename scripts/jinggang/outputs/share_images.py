"""`jinggang share`: the share cards, 1200×630 PNG, to site/assets/share/<folder>/<id>.png.

Why Chromium and not Material's social plugin: that plugin draws text with Pillow from one
TrueType file per font, fetched from Google Fonts at build time (no such host here), and
needs Cairo through cairosvg. Our fonts are the PDFs' own (@fontsource Noto Sans SC / Noto
Serif SC, outputs/fonts.py): about a hundred woff2 files a weight, split by unicode-range,
which only a browser puts together. Chromium, which the build already has, draws the cards.

One browser a run; each of its pages loads the card page (share/shell.html, with the fonts)
once, then for every card puts the card's text (share/card.html) into it, waits for the
fonts that text needs and takes a screenshot. A card is cached by the hash of its text and
the template, like the packets (outputs/store.py): a card changes only when its item does.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ..website.share import CARD_HEIGHT, CARD_WIDTH, SHARE_FOLDER, SITE_CARD, ShareTarget, share_targets
from .context import RenderContext
from .fonts import FAMILIES, font_face_css
from .pipeline import Job, Output
from .printer import PagePool

# Put one card's text in the page, lay it out and wait for every font file it asks for.
SHOW_CARD = """async (html) => {
  document.body.innerHTML = html;
  void document.body.offsetHeight;
  await document.fonts.ready;
}"""


@dataclass(frozen=True)
class Card:
    name: str  # path under assets/share/, e.g. lessons/sanwan-branch.png
    target: ShareTarget | None  # None: the site's own card


def fonts_version(fonts_dir: Path) -> str:
    """The installed font packages' versions: a new font version draws every card again."""
    versions = []
    for package in FAMILIES.values():
        manifest = fonts_dir / package / "package.json"
        version = json.loads(manifest.read_text(encoding="utf-8")).get("version", "") if manifest.is_file() else ""
        versions.append(f"{package}@{version}")
    return ",".join(versions)


def share_cards(context: RenderContext) -> list[Card]:
    """Every card of the site: its own, then one per share target."""
    targets: list[ShareTarget | None] = [None, *share_targets(context.model)]
    return [Card((target.image_path if target else SITE_CARD).removeprefix(f"{SHARE_FOLDER}/"), target)
            for target in targets]


class ShareCardsOutput(Output[Card]):
    label = "分享图片"
    format_version = "share-card-1"
    prune_pattern = "**/*.png"

    def __init__(self, context: RenderContext) -> None:
        self.context = context
        url = urlparse(context.site_url)
        self.common = {"site_name": context.site_name, "site_description": context.site_description,
                       "host": (url.netloc + url.path).rstrip("/")}

    def name(self, item: Card) -> str:
        return item.name

    def source(self, item: Card) -> str:
        return item.target.src_uri if item.target else "mkdocs.yml"

    def keep(self) -> set[str]:
        return {card.name for card in share_cards(self.context)}

    def shell(self, font_css: str) -> str:
        return self.context.renderer.env.get_template("jinggang/share/shell.html").render(
            font_css=font_css, width=CARD_WIDTH, height=CARD_HEIGHT)

    def hash_inputs(self) -> tuple[str, ...]:
        return (self.shell(""), self.format_version, fonts_version(self.context.fonts_dir))

    def prepare(self, job: Job[Card]) -> None:
        job.html = self.context.renderer.render("jinggang/share/card.html", "", target=job.item.target,
                                                **self.common).strip()

    def engine(self, parallel: int) -> CardCamera:
        return CardCamera(self.shell(font_face_css(self.context.fonts_dir)), parallel)

    async def render(self, engine: Any, job: Job[Card]) -> bytes:
        png: bytes = await engine.shoot(job.html)
        return png

    def record(self, job: Job[Card]) -> dict[str, Any]:
        return {"size": job.size}

    def done(self, job: Job[Card]) -> str:
        return f"  生成 {job.name}：{job.size / 1000:.0f} KB"


class CardCamera(PagePool):
    """Pages with the card page (fonts loaded) open, reused for every card."""

    def __init__(self, shell: str, parallel: int) -> None:
        super().__init__(parallel)
        self._scratch = tempfile.TemporaryDirectory(prefix="jinggang-share-")
        # A file, not set_content: the page must be file:// to load the fonts' file:// URLs.
        self._shell_file = Path(self._scratch.name) / "shell.html"
        self._shell_file.write_text(shell, encoding="utf-8")

    async def _open_page(self, browser: Any) -> Any:
        context = await browser.new_context(viewport={"width": CARD_WIDTH, "height": CARD_HEIGHT},
                                            device_scale_factor=1)
        page = await context.new_page()
        await page.goto(self._shell_file.as_uri(), wait_until="load")
        return page

    async def shoot(self, fragment: str) -> bytes:
        page = await self._page()
        try:
            await page.evaluate(SHOW_CARD, fragment)
            png: bytes = await page.screenshot(type="png", animations="disabled")
            return png
        finally:
            self._pages.put_nowait(page)

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            self._scratch.cleanup()


def carry_share_cards(previous_site: Path, new_site: Path) -> None:
    """Keep the cards of the site being replaced in a fresh build; `jinggang share` updates them."""
    cards = previous_site / SHARE_FOLDER
    if cards.is_dir() and not (new_site / SHARE_FOLDER).exists():
        shutil.copytree(cards, new_site / SHARE_FOLDER)
