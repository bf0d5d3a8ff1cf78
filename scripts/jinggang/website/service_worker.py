"""The service worker's build stamp: a version per build and the hash of every asset.

site_overrides/sw.js starts with a placeholder line `var BUILD = {...};`; after the build
it is replaced with the version (a hash of every built file) and the hash of each asset the
worker may cache (not pages, which are always network-first, nor downloads). A new version
makes browsers install the new worker, which moves what the reader saved into its own cache
and deletes the old caches; an asset whose hash changed is fetched network-first.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

SERVICE_WORKER = "sw.js"
PLACEHOLDER = re.compile(r"^var BUILD = \{.*\};$", re.MULTILINE)
# Not in the stamp: the worker itself, the output-folder marker, and downloads written by
# later commands (packets, slides, routes, offline), which the worker caches by size only.
_LEFT_OUT = re.compile(r"^(?:sw\.js|\.jinggang-site|downloads/.*)$")
# In the version but not listed one by one: the search index (one file per page) and the share
# cards would make the worker itself hundreds of KB at 10,000 lessons, and so would the packet
# builder's item scripts and the print fonts (hundreds of woff2 files). Unlisted assets are
# fetched network-first, so they are never stale online and still come from the cache offline.
_UNLISTED = re.compile(r"^(?:search/|assets/share/|packets/builder/items/|assets/fonts/)")


class PlaceholderMissing(Exception):
    """sw.js has no `var BUILD = {...};` line to replace."""


def build_stamp(site_dir: Path) -> dict[str, object]:
    """{"version": hash of every built file, "assets": {path: hash}} of the site as built."""
    total = hashlib.sha256()
    assets: dict[str, str] = {}
    for file in sorted(site_dir.rglob("*")):
        if not file.is_file() or file.is_symlink():
            continue
        relative = file.relative_to(site_dir).as_posix()
        if _LEFT_OUT.match(relative):
            continue
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        total.update(f"{relative}\0{digest}\n".encode())
        if not relative.endswith(".html") and not _UNLISTED.match(relative):
            assets[relative] = digest[:12]
    return {"version": total.hexdigest()[:16], "assets": assets}


def stamp_service_worker(site_dir: Path) -> str | None:
    """Write the build stamp into site_dir/sw.js; return the version (None: no worker in the site)."""
    worker = site_dir / SERVICE_WORKER
    if not worker.is_file():
        return None
    text = worker.read_text(encoding="utf-8")
    if not PLACEHOLDER.search(text):
        raise PlaceholderMissing(f"{SERVICE_WORKER} 里没有 `var BUILD = {{...}};` 这一行")
    stamp = build_stamp(site_dir)
    line = "var BUILD = " + json.dumps(stamp, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + ";"
    worker.write_text(PLACEHOLDER.sub(lambda _match: line, text, count=1), encoding="utf-8")
    return str(stamp["version"])
