"""The site's own Chinese search: one tokenizer for index and query, an index cut into shards.

Index and query are cut by the same rules (tokens.py here, the same rules in
site_overrides/assets/javascripts/search.js, kept equal by a test that runs both on one
list of strings). Runs of Chinese characters become overlapping character bigrams, so a
name that no dictionary knows is found exactly where it stands. The index is written as
small script files (a manifest, posting shards chosen by token hash, one text file per
page) that load with <script> tags: the same files work online, from file:// in the
offline zip and from the service worker's cache.
"""

from .index import Abandoned, IndexMemo, SearchIndex, SearchPage
from .opensearch import write_opensearch
from .pages import ForSideWork, UnreadPage, page_kind, published_content, read_and_write_search, read_page, search_page

__all__ = ["Abandoned", "ForSideWork", "IndexMemo", "SearchIndex", "SearchPage", "UnreadPage", "page_kind",
           "published_content", "read_and_write_search", "read_page", "search_page", "write_opensearch"]
