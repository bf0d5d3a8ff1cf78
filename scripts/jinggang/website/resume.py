"""A published build that resumes from the last one: after an edit `jinggang site` (and
`jinggang build`) make again only the pages that read what changed, as the preview does
(website/preview.py).

The build still goes into a staging folder and replaces the site only on success: the
staging folder starts as a copy of the site (not hard links: MkDocs writes a page in place),
and the plugin leaves every page whose reads did not change as the copy has it. What the last
build kept (`LastBuild`) is saved beside the cache with a digest of what every page reads
besides the content (the program, packages, mkdocs.yml, today's date) and a listing of the
pages it left. A different digest, a site folder changed since (another command, an editor),
or an item or file added or removed (its page would linger) makes everything again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import shutil
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..outputs.fonts import SITE_FONTS_DIR
from .preview import LastBuild

if TYPE_CHECKING:
    from .plugin import JinggangPlugin

CACHE = Path(".cache/jinggang")
SITE_BUILD = "site-build"  # the published site's record; the offline build keeps one of its own
# Written into the site after the build by other steps: carried by run_build (the downloads,
# the share cards), or filled in by the offline step (the home page's zip size), so the copy
# leaves them out and the build makes the home page again.
CARRIED = ("downloads", "assets/share")
REWRITTEN = ("index.html",)


def published_listing(site_dir: Path) -> str:
    """Every page and asset the build wrote, with its size and modification time, as one digest."""
    digest = hashlib.sha256()
    for path in sorted(site_dir.rglob("*")):
        name = path.relative_to(site_dir).as_posix()
        if path.is_file() and not _outside_build(name):
            status = path.stat()
            digest.update(f"{name}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _outside_build(name: str) -> bool:
    return name in REWRITTEN or any(name == folder or name.startswith(f"{folder}/") for folder in CARRIED)


def _files(root: Path, name: str) -> tuple[Path, Path]:
    return root / CACHE / f"{name}.json", root / CACHE / f"{name}.pickle"


def last_build(root: Path, site_dir: Path, key: str, name: str = SITE_BUILD) -> LastBuild | None:
    """The last build into site_dir, if the folder is as it left it and key is the same."""
    record_file, state_file = _files(root, name)
    try:
        record = json.loads(record_file.read_text(encoding="utf-8"))
        if not isinstance(record, dict) or record.get("key") != key \
                or record.get("site_dir") != str(site_dir.resolve()) or not site_dir.is_dir() \
                or record.get("listing") != published_listing(site_dir):
            return None
        with open(state_file, "rb") as stream:
            kept = pickle.load(stream)  # our own cache file, written below for this program digest
    except Exception:  # absent, from another version, cut short: a whole build
        return None
    return kept if isinstance(kept, LastBuild) else None


def save_build(root: Path, site_dir: Path, key: str, kept: LastBuild, name: str = SITE_BUILD) -> None:
    """After the build is in place: what the next build may resume from."""
    forget_build(root, name)
    record_file, state_file = _files(root, name)
    state_file.parent.mkdir(parents=True, exist_ok=True)
    with open(state_file, "wb") as stream:
        pickle.dump(kept, stream, protocol=pickle.HIGHEST_PROTOCOL)
    record = {"key": key, "site_dir": str(site_dir.resolve()), "listing": published_listing(site_dir)}
    record_file.write_text(json.dumps(record), encoding="utf-8")


def forget_build(root: Path, name: str = SITE_BUILD) -> None:
    for file in _files(root, name):
        file.unlink(missing_ok=True)


def copy_site(site_dir: Path, staging: Path) -> None:
    """The pages and assets of the site into the staging folder, as copies with their times
    (MkDocs copies a static file again only when its source is newer). The print fonts' files,
    half the bytes, are hard links: the build replaces a font that changed, never writes into
    one (packet_builder.copy_print_fonts)."""
    def ignored(folder: str, names: list[str]) -> set[str]:
        relative = Path(folder).relative_to(site_dir).as_posix()
        prefix = "" if relative == "." else f"{relative}/"
        return {name for name in names if _outside_build(prefix + name)}

    def copy(source: str, target: str) -> None:
        name = Path(source).relative_to(site_dir).as_posix()
        if name.startswith(f"{SITE_FONTS_DIR}/") and name.endswith(".woff2"):
            try:
                os.link(source, target)
                return
            except OSError:  # a file system without hard links
                pass
        shutil.copy2(source, target)

    shutil.copytree(site_dir, staging, ignore=ignored, copy_function=copy, dirs_exist_ok=True)


def start_from(plugin: JinggangPlugin, previous: LastBuild, site_dir: Path, always_remade: Iterable[str] = ()) -> None:
    """Let the plugin's next build (a dirty one, into site_dir) make again only what changed since previous."""
    from .plugin import exact_dirty_build

    plugin.last_build = replace(previous, site_dir=str(site_dir))
    plugin.resumed, plugin.always_remade = True, set(always_remade)
    build_log = logging.getLogger("mkdocs.commands.build")
    if exact_dirty_build not in build_log.filters:
        build_log.addFilter(exact_dirty_build)


def forget_state(plugin: JinggangPlugin) -> None:
    """MkDocs gives every later config of the process the same plugin object (it has on_startup):
    what one build set on it must not carry into another build of the process (a test's,
    `jinggang changes`', the benchmarks')."""
    plugin.keeps_build = plugin.resumed = False
    plugin.always_remade = set()
    plugin.last_build = None
