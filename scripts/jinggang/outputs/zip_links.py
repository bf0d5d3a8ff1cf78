"""Links inside an offline zip: every href and src opens a file of the zip, or the online site.

A route zip holds only its route's pages. In the zip's copies of them, navigation entries
(header tabs, drawer) whose pages are not in the zip are left out, so the zip's navigation
covers its own pages; any other link to a page outside the zip points at the page on the
online site (`site_url`) and is marked `data-jg-online` (the stylesheet shows it as online
only), so it opens when there is a network instead of leading nowhere. `dead_links` is the
check the tests run on the unpacked zips (what LinkChecker counts).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

LINK_ATTRIBUTES = ("href", "src")
NAV_ITEMS = ("md-tabs__item", "md-nav__item")
# The list items of the header tabs and the drawer, in document order.
_NAV_ITEMS_XPATH = "//li[" + " or ".join(f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"
                                         for name in NAV_ITEMS) + "]"
_LINKING_TAGS = ("a", "link", "img", "script", "source")
ONLINE_TITLE = "这一页不在离线包里：有网络时打开在线版"


def target_of(page: str, link: str) -> str | None:
    """The file a relative link of a page opens, as a path from the zip's root; None when the
    link is not to a file of the zip (another host, a fragment of the same page, data:)."""
    parts = urlsplit(link)
    if parts.scheme or link.startswith("//") or not parts.path:
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    if link.split("#")[0].split("?")[0].endswith("/"):
        path = posixpath.join(path, "index.html")
    return path


def online_url(site_url: str, path: str, link: str) -> str:
    """The online address of a file of the offline build (pages there end in .html)."""
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    elif path.endswith(".html"):
        path = path[: -len(".html")] + "/"
    fragment = urlsplit(link).fragment
    return site_url.rstrip("/") + "/" + path + (f"#{fragment}" if fragment else "")


def _outside(item: lxml.html.HtmlElement, page: str, present: Callable[[str], bool]) -> bool:
    links = [str(link.get("href")) for link in item.iter("a") if link.get("href") is not None]
    targets = [target_of(page, link) for link in links]
    return bool(links) and all(target is not None and not present(target) for target in targets)


def confine(html: str, page: str, present: Callable[[str], bool], site_url: str) -> str:
    """The page with no link to a file that is not in the zip (present() says what is).

    lxml, not html.parser: the route zips' pages link out on every page, and parsing them with
    html.parser (BeautifulSoup) was three quarters of the zips' time. lxml writes the page back
    as it read it, except that it percent-encodes non-ASCII characters in links (`#井冈山` becomes
    `#%E4%BA%95…`), which browsers read as the same address.
    """
    if not html.strip():
        return html
    tree = lxml.html.document_fromstring(html)
    # Most pages of the site's zip link only to its own files: those are left byte for byte.
    if all(target is None or present(target) for target in (target_of(page, link) for link in _links(tree))):
        return html
    for item in tree.xpath(_NAV_ITEMS_XPATH):
        # An item inside one already left out is gone with it.
        if item.getparent() is not None and _outside(item, page, present):
            item.drop_tree()
    for tag in list(tree.iter(*_LINKING_TAGS)):
        for attribute in LINK_ATTRIBUTES:
            value = tag.get(attribute)
            target = target_of(page, value) if value is not None else None
            if target is None or present(target):
                continue
            if tag.tag == "a":
                tag.set(attribute, online_url(site_url, target, value))
                tag.set("data-jg-online", "")
                tag.set("title", ONLINE_TITLE)
                tag.attrib.pop("download", None)
            elif tag.getparent() is not None:
                tag.drop_tree()
            break
    return str(lxml.html.tostring(tree, encoding="unicode", doctype=tree.getroottree().docinfo.doctype))


def links_of(html: str, attributes: tuple[str, ...] = LINK_ATTRIBUTES) -> list[str]:
    """Every value of the attributes in the page, in document order (lxml: a tenth of the time
    of html.parser, which made this scan the larger part of the offline zips)."""
    if not html.strip():
        return []
    return _links(lxml.html.document_fromstring(html), attributes)


def _links(tree: lxml.html.HtmlElement, attributes: tuple[str, ...] = LINK_ATTRIBUTES) -> list[str]:
    return [str(value) for value in tree.xpath(" | ".join(f"//@{name}" for name in attributes)) if value]


def dead_links(root: Path) -> list[tuple[str, str]]:
    """(page, link) for every href and src of an unpacked zip that opens no file in it."""
    dead = []
    for page in sorted(root.rglob("*.html")):
        name = page.relative_to(root).as_posix()
        for link in links_of(page.read_text(encoding="utf-8")):
            target = target_of(name, link)
            if target is not None and not (root / target).is_file():
                dead.append((name, link))
    return dead
