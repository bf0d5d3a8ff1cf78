"""What the site places around a page's own content, for the page template to place.

Lesson, guide, lecturer, route and generated pages are written by PAGE_TEMPLATE
(site_overrides/jinggang/page.html, chosen through page.meta["template"]): Material's content
partial with the trail, the 分享 panel, the metadata card and the footer around the page's
content. The parts are Jinja fragments from site_overrides/jinggang/, rendered here (escaped)
and handed to the template through the page context; no Python cuts the page's HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import unescape
from typing import Any

from markdown.extensions.toc import slugify as default_slugify
from markdown.extensions.toc import unique
from markupsafe import Markup
from mkdocs.structure.toc import AnchorLink, TableOfContents

from ..content.model import ContentItem
from .render import Renderer
from .share import ShareMeta, qr_svg
from .trail import Trail

PAGE_TEMPLATE = "jinggang/page.html"


@dataclass(frozen=True)
class Heading:
    """The page's <h1>: what Markdown's toc extension made of `# title` (id and permalink)."""

    title: Markup  # the item's or generated page's own title (a nav entry may be shorter)
    anchor: str
    permalink: str | None  # the permalink sign, when mkdocs.yml's toc asks for one
    permalink_title: str


@dataclass(frozen=True)
class PageParts:
    heading: Heading
    trail_top: Markup
    share_panel: Markup
    card: Markup
    footer: Markup
    trail_bottom: Markup


def item_card(renderer: Renderer, page_url: str, item: ContentItem, max_age: int) -> tuple[str, str]:
    """The metadata card under an item's title and the sections after its body."""
    context = {"item": item, "kind": item.KIND, "is_draft": item.is_draft, "max_age": max_age}
    return (renderer.render("jinggang/card.html", page_url, **context),
            renderer.render("jinggang/footer.html", page_url, **context))


def page_parts(renderer: Renderer, page_url: str, heading: Heading, *, item: ContentItem | None,
               trail: Trail | None, share: ShareMeta | None, max_age: int, qr: str | None = None) -> PageParts:
    """qr: the share panel's code (share.url's qr_svg), when it was drawn ahead."""
    card = footer = share_panel = trail_top = trail_bottom = ""
    if item is not None:
        card, footer = item_card(renderer, page_url, item, max_age)
    if share is not None:
        share_panel = renderer.render("jinggang/share-panel.html", page_url, meta=share,
                                      qr=qr if qr is not None else qr_svg(share.url))
    if trail is not None:
        trail_top = renderer.render("jinggang/trail.html", page_url, trail=trail, part="top")
        trail_bottom = renderer.render("jinggang/trail.html", page_url, trail=trail, part="bottom")
    # Rendered with autoescape by the Renderer: safe to write as they are.
    return PageParts(heading, Markup(trail_top), Markup(share_panel), Markup(card), Markup(footer),
                     Markup(trail_bottom))


def heading(title: str, toc_config: dict[str, Any]) -> Heading:
    """The h1 that Markdown's toc extension gave `# title` when the title was the page's first
    heading, from mkdocs.yml's toc settings: the anchor and permalink stay what they were.
    title is HTML-escaped text (page.meta["title"])."""
    slugify = toc_config.get("slugify") or default_slugify
    anchor = unique(slugify(unescape(title), str(toc_config.get("separator", "-"))), set())
    permalink = toc_config.get("permalink")
    sign = "¶" if permalink is True else (str(permalink) if permalink else None)
    return Heading(Markup(title), anchor, sign, str(toc_config.get("permalink_title", "Permanent link")))


def with_heading(toc: TableOfContents, heading: Heading) -> TableOfContents:
    """The page's contents under its title, as Markdown gave them when the title was `# title`:
    Material's skip link goes to the first entry, and its contents list shows the children."""
    title = AnchorLink(str(heading.title), heading.anchor, 1)
    title.children = list(toc)
    return TableOfContents([title])
