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
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ..content.model import ContentModel
from ..website.render import Renderer
from ..website.share import CARD_HEIGHT, CARD_WIDTH, SHARE_FOLDER, SITE_CARD, ShareTarget, share_targets
from .browser import launch_options
from .fonts import FAMILIES, font_face_css
from .packets.document import content_hash
from .printer import run_coroutine
from .store import RenderStore

FORMAT_VERSION = "share-card-1"

# Put one card's text in the page, lay it out and wait for every font file it asks for.
SHOW_CARD = """async (html) => {
  document.body.innerHTML = html;
  void document.body.offsetHeight;
  await document.fonts.ready;
}"""


@dataclass
class CardJob:
    name: str  # path under assets/share/, e.g. lessons/sanwan-branch.png
    fragment: str
    digest: str = ""
    status: str = "pending"  # cached, rendered or failed
    size: int = 0
    error: str = ""


def fonts_version(fonts_dir: Path) -> str:
    """The installed font packages' versions: a new font version draws every card again."""
    versions = []
    for package in FAMILIES.values():
        manifest = fonts_dir / package / "package.json"
        version = json.loads(manifest.read_text(encoding="utf-8")).get("version", "") if manifest.is_file() else ""
        versions.append(f"{package}@{version}")
    return ",".join(versions)


def card_jobs(model: ContentModel, renderer: Renderer, *, site_name: str, site_description: str,
              site_url: str, fonts: str) -> list[CardJob]:
    """Every card of the site (its own, then one per target) with its text and hash."""
    shell = renderer.env.get_template("jinggang/share/shell.html").render(
        font_css="", width=CARD_WIDTH, height=CARD_HEIGHT)
    host = (urlparse(site_url).netloc + urlparse(site_url).path).rstrip("/")
    common = {"site_name": site_name, "site_description": site_description, "host": host}
    targets: list[ShareTarget | None] = [None, *share_targets(model)]
    jobs = []
    for target in targets:
        fragment = renderer.render("jinggang/share/card.html", "", target=target, **common).strip()
        path = target.image_path if target else SITE_CARD
        name = path.removeprefix(f"{SHARE_FOLDER}/")
        jobs.append(CardJob(name, fragment, content_hash(fragment, shell, FORMAT_VERSION, fonts)))
    return jobs


def render_share_cards(model: ContentModel, renderer: Renderer, fonts_dir: Path, store: RenderStore, *,
                       site_name: str, site_description: str, site_url: str, parallel: int = 2,
                       prune: bool = True) -> list[CardJob]:
    jobs = card_jobs(model, renderer, site_name=site_name, site_description=site_description,
                     site_url=site_url, fonts=fonts_version(fonts_dir))
    to_render = []
    for job in jobs:
        saved = store.restore(job.name, job.digest)
        if saved is None:
            to_render.append(job)
        else:
            job.status, job.size = "cached", int(saved.get("size", 0))
    if to_render:
        shell = renderer.env.get_template("jinggang/share/shell.html").render(
            font_css=font_face_css(fonts_dir), width=CARD_WIDTH, height=CARD_HEIGHT)
        run_coroutine(_render(to_render, shell, store, parallel))
    if prune:
        _prune(store, {job.name for job in jobs})
    return jobs


def _prune(store: RenderStore, keep: set[str]) -> None:
    """Remove cards whose page is gone."""
    for path in sorted(store.output_dir.rglob("*.png")):
        if path.relative_to(store.output_dir).as_posix() not in keep:
            path.unlink()


async def _render(jobs: list[CardJob], shell: str, store: RenderStore, parallel: int) -> None:
    from playwright.async_api import async_playwright

    queue: asyncio.Queue[CardJob] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    with tempfile.TemporaryDirectory(prefix="jinggang-share-") as scratch:
        # A file, not set_content: the page must be file:// to load the fonts' file:// URLs.
        shell_file = Path(scratch) / "shell.html"
        shell_file.write_text(shell, encoding="utf-8")
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(**launch_options())
            try:
                workers = [_worker(browser, shell_file, queue, store) for _ in range(max(1, min(parallel, len(jobs))))]
                await asyncio.gather(*workers)
            finally:
                await browser.close()


async def _worker(browser: Any, shell_file: Path, queue: asyncio.Queue[CardJob], store: RenderStore) -> None:
    context = await browser.new_context(viewport={"width": CARD_WIDTH, "height": CARD_HEIGHT},
                                        device_scale_factor=1)
    page = await context.new_page()
    await page.goto(shell_file.as_uri(), wait_until="load")
    while not queue.empty():
        job = queue.get_nowait()
        try:
            await page.evaluate(SHOW_CARD, job.fragment)
            png: bytes = await page.screenshot(type="png", animations="disabled")
            job.size = len(png)
            store.save(job.name, job.digest, png, size=job.size)
            job.status = "rendered"
        except Exception as error:
            job.status, job.error = "failed", f"{type(error).__name__}: {error}"
    await context.close()


def carry_share_cards(previous_site: Path, new_site: Path) -> None:
    """Keep the cards of the site being replaced in a fresh build; `jinggang share` updates them."""
    cards = previous_site / SHARE_FOLDER
    if cards.is_dir() and not (new_site / SHARE_FOLDER).exists():
        shutil.copytree(cards, new_site / SHARE_FOLDER)
