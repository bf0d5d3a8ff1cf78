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
import os
import pickle
import shutil
from pathlib import Path

from ..outputs.fonts import SITE_FONTS_DIR
from .preview import LastBuild

RECORD = Path(".cache/jinggang/site-build.json")
STATE = Path(".cache/jinggang/site-build.pickle")
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


def last_build(root: Path, site_dir: Path, key: str) -> LastBuild | None:
    """The last published build of site_dir, if the site is as it left it and key is the same."""
    try:
        record = json.loads((root / RECORD).read_text(encoding="utf-8"))
        if not isinstance(record, dict) or record.get("key") != key \
                or record.get("site_dir") != str(site_dir.resolve()) or not site_dir.is_dir() \
                or record.get("listing") != published_listing(site_dir):
            return None
        with open(root / STATE, "rb") as stream:
            kept = pickle.load(stream)  # our own cache file, written below for this program digest
    except Exception:  # absent, from another version, cut short: a whole build
        return None
    return kept if isinstance(kept, LastBuild) else None


def save_build(root: Path, site_dir: Path, key: str, kept: LastBuild) -> None:
    """After the site was swapped in: what the next build may resume from."""
    forget_build(root)
    (root / STATE).parent.mkdir(parents=True, exist_ok=True)
    with open(root / STATE, "wb") as stream:
        pickle.dump(kept, stream, protocol=pickle.HIGHEST_PROTOCOL)
    record = {"key": key, "site_dir": str(site_dir.resolve()), "listing": published_listing(site_dir)}
    (root / RECORD).write_text(json.dumps(record), encoding="utf-8")


def forget_build(root: Path) -> None:
    (root / RECORD).unlink(missing_ok=True)
    (root / STATE).unlink(missing_ok=True)


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
