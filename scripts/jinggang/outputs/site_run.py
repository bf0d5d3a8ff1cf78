"""`jinggang site` with nothing changed: what the last whole run read, and the site it left.

A run that made everything without a failure records a digest of all it read (the content,
pages, templates, mkdocs.yml, the program, the versions of the packages and the Chromium it
runs on, today's date: the check and the pages read it) and a listing of the site folder it
left (every file's name, size and modification time). The next run compares both before it
builds: when they are the same, a new run would write the same bytes, so it only checks.

Any other command that writes into the site (`jinggang build`, `packets` …) changes the
listing, and so does an editor deleting a file there: the next run makes everything again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..content.dependencies import file_digest, file_digests, fingerprint
from .browser import chromium_executable
from .store import CACHE

RECORD = CACHE / "site-run.json"
# Beside the content: what pins the Python packages and the browser code (node_modules).
PINNING_FILES = ("requirements.lock", "package-lock.json", "pyproject.toml")


@dataclass(frozen=True)
class SiteInputs:
    root: Path
    config_file: Path
    folders: tuple[Path, ...]  # docs/, curriculum/, the theme's custom_dir
    site_dir: Path
    today: date


def inputs_digest(inputs: SiteInputs) -> str:
    """Everything a whole run reads besides the site folder itself, as one digest."""
    digest = hashlib.sha256()
    digest.update(environment_digest(inputs.root, inputs.config_file, inputs.today).encode())
    digest.update(f"\0site\0{inputs.site_dir.resolve()}\0".encode())
    digest.update(fingerprint(folder for folder in inputs.folders if folder.is_dir()).encode())
    return digest.hexdigest()


def environment_digest(root: Path, config_file: Path, today: date) -> str:
    """What every run reads besides the content: today's date, mkdocs.yml, the program, the
    Python packages and the Chromium it runs on, as one digest."""
    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        digest.update("\0".join(map(str, parts)).encode() + b"\n")

    add("today", today.isoformat(), "python", sys.version)
    add("program", program_digest())
    for path in (config_file, *(root / name for name in PINNING_FILES)):
        if path.is_file():
            add("file", path.name, file_digest(path))
    # The installed packages by name and version (their folders' names say both): reading each
    # one's metadata costs 0.4 s.
    packages = Path(sysconfig.get_paths()["purelib"])
    add("packages", *sorted(name for name in os.listdir(packages) if name.endswith(".dist-info")))
    browser = chromium_executable()
    if browser:
        status = Path(browser).resolve().stat()
        add("chromium", Path(browser).resolve(), status.st_size, status.st_mtime_ns)
    return digest.hexdigest()


@functools.cache  # the program's files do not change while it runs
def program_digest() -> str:
    """A digest of the program's own files (scripts/jinggang/), by name and bytes."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for entry, value in sorted(file_digests(package, package).items()):
        if "__pycache__" not in entry:
            digest.update(f"{entry}\0{value}\n".encode())
    return digest.hexdigest()


def site_listing(site_dir: Path, left_out: Callable[[str], bool] = lambda name: False) -> str:
    """Every file under site_dir (but those left_out, by name) with its size and modification
    time, as one digest."""
    digest = hashlib.sha256()
    for path in sorted(site_dir.rglob("*")):
        name = path.relative_to(site_dir).as_posix()
        if path.is_file() and not left_out(name):
            status = path.stat()
            digest.update(f"{name}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def unchanged_since_last_run(root: Path, inputs_now: str, site_dir: Path) -> bool:
    """True when the last whole run read the same inputs and its site folder is as it left it."""
    try:
        record = json.loads((root / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(record, dict) or record.get("inputs") != inputs_now or not site_dir.is_dir():
        return False
    return bool(record.get("site") == site_listing(site_dir))


def forget_last_run(root: Path) -> None:
    """Before a run writes anything: a run stopped halfway must not look complete."""
    (root / RECORD).unlink(missing_ok=True)


def record_run(root: Path, inputs_then: str, site_dir: Path) -> None:
    """After a whole run without a failure. inputs_then is the digest taken before it read anything,
    so an edit made while it ran shows as a change next time."""
    file = root / RECORD
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(json.dumps({"inputs": inputs_then, "site": site_listing(site_dir)}), encoding="utf-8")
