"""Dates in the built site come from the content, never from the clock.

Two builds of the same commit must give the same bytes (tests/test_reproducible.py). The
only date MkDocs writes is each page's `update_date`: the sitemap's <lastmod>, and through
it the mtime in sitemap.xml.gz's header. MkDocs takes it from the clock (or
SOURCE_DATE_EPOCH). Here a lesson, guide or lecturer page gets the `updated` date its
editors wrote, and every other page (indexes, timeline, home) the newest of those dates:
when the content last changed, which is what a sitemap's lastmod means.
"""

from __future__ import annotations

import weakref

from .model import ContentModel

# The newest date of a model, computed once per build rather than once per page.
_models: weakref.WeakValueDictionary[int, ContentModel] = weakref.WeakValueDictionary()
_newest: dict[int, str] = {}

# For a site with no dated content at all (nothing but hand-written pages).
EPOCH_DATE = "2021-01-01"


def newest_content_date(model: ContentModel) -> str:
    key = id(model)
    if _models.get(key) is not model:
        _models[key] = model
        _newest[key] = max((item.updated for item in model.items()), default=EPOCH_DATE)
    return _newest[key]


def page_update_date(model: ContentModel, src_uri: str) -> str:
    """YYYY-MM-DD for the page at src_uri (relative to docs/)."""
    item = model.item_by_src_uri(src_uri)
    return item.updated if item is not None else newest_content_date(model)
