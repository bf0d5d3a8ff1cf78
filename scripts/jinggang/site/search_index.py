"""The search index written as UTF-8 instead of \\uXXXX escapes.

Material writes search_index.json with json.dumps' default ensure_ascii, so every Chinese
character takes six bytes (\\u4e95) instead of three: the index was twice the text it holds,
and every reader downloads it before the first search. Parsed and written back unescaped,
it holds the same data (JSON is Unicode) at about half the size.
"""

from __future__ import annotations

import json
from pathlib import Path


def compact_search_index(site_dir: Path) -> None:
    """Rewrite site_dir/search/search_index.json without escapes; run after Material's search plugin wrote it."""
    index = site_dir / "search" / "search_index.json"
    if not index.is_file():
        return
    data = json.loads(index.read_text(encoding="utf-8"))
    index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
