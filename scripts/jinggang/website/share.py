"""What a shared link shows: Open Graph and description metadata, share cards, the 分享 panel.

A link pasted into a WeChat or QQ group is shown by what the page's head says: the plain
`description` meta (WeChat's in-app browser), Open Graph (`og:*`) and schema.org
`itemprop` (QQ). The values are computed here as plain data; site_overrides/main.html
writes them, escaped. Each lesson, guide, lecturer material and route has its own share
image (outputs/share_images.py renders them into assets/share/); every other page shows
the site's card.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..content.kinds import KINDS, ROUTE
from ..content.model import ContentItem, ContentModel, Route

# The folder of the built site that holds the cards; the site's own card for other pages.
SHARE_FOLDER = "assets/share"
SITE_CARD = f"{SHARE_FOLDER}/site.png"
CARD_WIDTH, CARD_HEIGHT = 1200, 630



@dataclass(frozen=True)
class ShareTarget:
    """A page with a share card of its own."""

    kind: str  # a name in kinds.KINDS
    id: str
    title: str
    summary: str
    audience: tuple[str, ...]
    src_uri: str  # the page, relative to docs/
    minutes: int = 0  # how long the lesson or talk takes, when it has a length

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind].label

    @property
    def image_path(self) -> str:
        """Path of the card in the built site: assets/share/<folder>/<id>.png."""
        return f"{SHARE_FOLDER}/{posixpath.dirname(self.src_uri)}/{self.id}.png"


def _item_target(item: ContentItem) -> ShareTarget:
    return ShareTarget(item.KIND, item.id, item.title, item.summary, item.audience, item.src_uri,
                       int(getattr(item, "duration", 0) or 0))


def _route_target(route: Route) -> ShareTarget:
    return ShareTarget(ROUTE.name, route.id, route.title, route.summary, route.audience, route.src_uri)


def share_targets(model: ContentModel) -> list[ShareTarget]:
    """Every page that gets its own card, in a stable order."""
    targets = [_item_target(item) for item in sorted(model.items(), key=lambda item: (item.KIND, item.id))]
    targets += [_route_target(route) for route in sorted(model.routes.values(), key=lambda route: route.id)]
    return targets


def share_target(model: ContentModel, src_uri: str) -> ShareTarget | None:
    """The card of one page, if it has its own: worked out per page, so that a page reads
    (content/dependencies.py) only its own item."""
    item = model.item_by_src_uri(src_uri)
    if item is not None:
        return _item_target(item)
    folder, _, name = src_uri.partition("/")
    route = model.routes.get(name.removesuffix(".md")) if folder == "routes" and name != "index.md" else None
    return _route_target(route) if route is not None else None



@dataclass(frozen=True)
class ShareMeta:
    """The head of one page, as a shared link shows it. Strings are plain text (not escaped)."""

    title: str
    description: str
    type: str  # og:type: article for an item, website for every other page
    url: str
    image: str
    image_alt: str
    site_name: str
    image_width: int = CARD_WIDTH
    image_height: int = CARD_HEIGHT

    @property
    def escaped_description(self) -> Markup:
        """For Material's own `description` meta, which writes page.meta.description unescaped."""
        return escape(self.description)


def absolute_url(site_url: str, path: str) -> str:
    """A path of the built site as the address a shared link needs (site_url's host)."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    return base + path.lstrip("/")


def share_meta(target: ShareTarget | None, *, page_title: str, page_url: str, site_name: str,
               site_url: str, site_description: str) -> ShareMeta:
    """Metadata of a page: its card's when it has one, else the site's."""
    url = absolute_url(site_url, page_url)
    if target is not None:
        return ShareMeta(title=target.title, description=target.summary or site_description, type="article",
                         url=url, image=absolute_url(site_url, target.image_path),
                         image_alt=f"{target.kind_label}：{target.title}", site_name=site_name)
    title = page_title if page_title and page_title != site_name else site_name
    return ShareMeta(title=title, description=site_description, type="website", url=url,
                     image=absolute_url(site_url, SITE_CARD), image_alt=f"{site_name}：{site_description}",
                     site_name=site_name)


def qr_svgs(urls: Iterable[str]) -> dict[str, str]:
    """qr_svg of each address: what a whole build's forked process draws while MkDocs reads the
    pages (2,200 codes took about 2 s of MkDocs's own core at 2,000 lessons)."""
    return {url: qr_svg(url) for url in urls}


def qr_svg(url: str) -> str:
    """The page's address as a QR code, inline SVG (segno; the same url gives the same bytes)."""
    from ..outputs.qr import qr_code, svg_inline  # segno only when a page is drawn, not for `jinggang check`

    return svg_inline(qr_code(url), scale=4, border=2, title="本页二维码")

