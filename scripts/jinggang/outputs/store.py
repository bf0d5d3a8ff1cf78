"""Rendered downloads in the site, with a content-hash cache that survives site rebuilds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .atomic import write_atomically

# Under the project root: every cache and record a run keeps for the next (renders, templates,
# dependencies, resumable builds).
CACHE = Path(".cache/jinggang")


class RenderStore:
    """Files named by `name` in output_dir; a copy and a record of their inputs in cache_dir."""

    def __init__(self, output_dir: Path, cache_dir: Path) -> None:
        self.output_dir = output_dir
        self.cache_dir = cache_dir

    def output(self, name: str) -> Path:
        return self.output_dir / name

    def _cached(self, name: str) -> tuple[Path, Path]:
        return self.cache_dir / name, self.cache_dir / f"{name}.json"

    def restore(self, name: str, digest: str) -> dict[str, Any] | None:
        """Put the cached file with the same inputs in place and return its record; else None."""
        cached, record = self._cached(name)
        if not (cached.exists() and record.exists()):
            return None
        saved: dict[str, Any] = json.loads(record.read_text(encoding="utf-8"))
        if saved.get("hash") != digest:
            return None
        data = cached.read_bytes()
        target = self.output(name)
        if not target.exists() or target.read_bytes() != data:
            write_atomically(target, data)
        return saved

    def save(self, name: str, digest: str, data: bytes, **record: Any) -> None:
        write_atomically(self.output(name), data)
        cached, record_file = self._cached(name)
        write_atomically(cached, data)
        write_atomically(record_file, json.dumps({"hash": digest, **record}).encode("utf-8"))

    def prune(self, keep: set[str], pattern: str = "*") -> list[str]:
        """Remove outputs matching pattern whose names are not in keep (their source is gone)."""
        removed = []
        for path in sorted(self.output_dir.glob(pattern)):
            name = path.relative_to(self.output_dir).as_posix()
            if path.is_file() and name not in keep:
                path.unlink()
                removed.append(name)
        return removed
