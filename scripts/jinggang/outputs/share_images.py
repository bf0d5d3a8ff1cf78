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

import asyncio
import base64
import io
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from PIL import Image

from ..website.share import CARD_HEIGHT, CARD_WIDTH, SHARE_FOLDER, SITE_CARD, ShareTarget, share_target, share_targets
from .context import RenderContext
from .fonts import FAMILIES, font_face_css
from .pipeline import Job, Output
from .printer import PagePool

# A card is a few flat colours and anti-aliased text: 64 colours hold it with no visible change
# (PSNR 49.5 dB against the full-colour screenshot) in a third of the bytes, 88 KB → 30 KB a
# card at 2,000 lessons. JPEG does not help these cards: at quality 85 it is larger than the
# PNG, at 70 only a quarter smaller, and the red fringes the white text.
CARD_COLOURS = 64

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
    format_version = "share-card-2"  # 2: palette PNG (palette_png)
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
        # The target again from the model, so that the card records what it read of its item.
        target = share_target(self.context.model, job.item.target.src_uri) if job.item.target else None
        job.html = self.context.renderer.render("jinggang/share/card.html", "", target=target,
                                                **self.common).strip()

    def engine(self, parallel: int) -> CardCamera:
        return CardCamera(self.shell(font_face_css(self.context.fonts_dir)), parallel)

    async def render(self, engine: Any, job: Job[Card]) -> bytes:
        screenshot: bytes = await engine.shoot(job.html)
        return await asyncio.to_thread(palette_png, screenshot)  # beside the browser's next card

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
        self._screens: dict[Any, Any] = {}  # page → its DevTools session

    async def _open_page(self, browser: Any) -> Any:
        context = await browser.new_context(viewport={"width": CARD_WIDTH, "height": CARD_HEIGHT},
                                            device_scale_factor=1)
        page = await context.new_page()
        await page.goto(self._shell_file.as_uri(), wait_until="load")
        self._screens[page] = await context.new_cdp_session(page)
        return page

    async def shoot(self, fragment: str) -> bytes:
        page = await self._page()
        try:
            await page.evaluate(SHOW_CARD, fragment)
            # Chromium's own screenshot call, encoding for speed rather than size: palette_png
            # reads it back and writes the small file (at 2,000 lessons a third less browser time).
            shot = await self._screens[page].send("Page.captureScreenshot",
                                                  {"format": "png", "optimizeForSpeed": True})
            return base64.b64decode(shot["data"])
        finally:
            self._pages.put_nowait(page)

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            self._scratch.cleanup()


def palette_png(screenshot: bytes, colours: int = CARD_COLOURS) -> bytes:
    """The screenshot as a PNG of `colours` colours (no dithering: flat areas stay flat)."""
    image = Image.open(io.BytesIO(screenshot)).convert("RGB")
    quantized = image.quantize(colours, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    quantized.save(out, "PNG", compress_level=6)  # 9 saves 8 % more and takes three times as long
    return out.getvalue()


