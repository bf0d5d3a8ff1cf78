"""What each built page gives the search: its sections and the kind shown beside its results."""

from __future__ import annotations

from mkdocs.structure.pages import Page

from ...content.model import ContentItem
from .extract import page_sections
from .index import SearchPage

# Shown beside a result. Items carry their kind; routes and other pages are told by folder.
ITEM_KINDS = {"lesson": "微团课", "site-guide": "研学指南", "lecturer": "讲师资料"}
FOLDER_KINDS = {"routes": "研学路线", "editors": "编者指南", "timeline.md": "党史时间线", "glossary.md": "术语表"}


def page_kind(page: Page, item: ContentItem | None) -> str:
    if item is not None:
        return ITEM_KINDS.get(item.KIND, "页面")
    return FOLDER_KINDS.get(page.file.src_uri.split("/")[0], "页面")


def search_page(html: str, url: str, title: str, kind: str) -> SearchPage:
    return SearchPage(url, title, kind, tuple(page_sections(html, title)))
