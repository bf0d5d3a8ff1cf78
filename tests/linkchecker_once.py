"""`linkchecker` as its own script runs it, except that the same page's bytes are parsed once.

LinkChecker checks `page#anchor` as a URL of its own: it fetches the page again and parses it
again with Beautiful Soup's html.parser for each anchor a link names (the timeline and the
glossary are linked by dozens of anchors each). Its checks are unchanged: each URL is still
fetched, and its anchors are looked for in the parse of exactly the bytes it fetched.
"""

from __future__ import annotations

import functools
import sys
from typing import Any

from linkcheck.command.linkchecker import linkchecker
from linkcheck.htmlutil import htmlsoup

_parse = htmlsoup.make_soup


@functools.cache
def _parsed_once(markup: bytes | str, from_encoding: str | None = None) -> Any:
    return _parse(markup, from_encoding)


htmlsoup.make_soup = _parsed_once

if __name__ == "__main__":
    sys.exit(linkchecker())
