"""Downloads whose inputs did not change since the last run, known without preparing them.

The cache (store.py) is keyed on a job's HTML, so every run rendered every item's HTML
(Markdown, templates, QR codes) only to find most of them unchanged: after one lesson was
edited, preparing the unchanged packets, cards and decks of the starter site took longer
than printing the changed one. A whole run now records each job's digest and what it read of
the model (content/dependencies.py), with the digests of those keys. On the next run a job
none of whose keys changed gets its digest back unprepared, and the cache restores its file;
the reads are the ones `jinggang changes` answers from, tested on random edits.

What the reads do not cover is one digest (`inputs`): the program, mkdocs.yml, packages,
Chromium, today's date, the templates, the fonts and every file beside the content (pictures).
When it differs, every job is prepared again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..content.dependencies import EVERYTHING, meets
from .atomic import write_atomically

FORMAT = 1


@dataclass
class PreparedRecord:
    file: Path  # in the output's cache folder
    inputs: str  # everything a job reads besides the model, as one digest
    digests: Mapping[str, str]  # every key of the model now (model_digests)

    def unchanged(self) -> dict[str, tuple[str, frozenset[str]]]:
        """Jobs of the last whole run whose reads meet no change since: name → (digest, reads)."""
        try:
            saved: Any = json.loads(self.file.read_text(encoding="utf-8"))
            if saved.get("format") != FORMAT or saved.get("inputs") != self.inputs:
                return {}
            jobs = {name: (str(job["digest"]), frozenset(job["reads"])) for name, job in saved["jobs"].items()}
            before: dict[str, str] = dict(saved["digests"])
        except (OSError, ValueError, TypeError, KeyError, AttributeError):  # none, or not ours: prepare all
            return {}
        read = frozenset().union(*(reads for _, reads in jobs.values()))
        changed = {entry for entry in before.keys() | self.digests.keys()
                   if _relevant(entry, read) and before.get(entry) != self.digests.get(entry)}
        return {name: job for name, job in jobs.items() if not meets(job[1], changed)}

    def save(self, jobs: Iterable[tuple[str, str, frozenset[str]]]) -> None:
        """(name, digest, reads) of every job the run made or restored; with the digests of the
        keys they read (only those: 2,000 lessons have ~40,000 keys)."""
        recorded = {name: {"digest": digest, "reads": sorted(reads)} for name, digest, reads in jobs}
        read = frozenset().union(*(frozenset(job["reads"]) for job in recorded.values()))
        digests = {entry: value for entry, value in self.digests.items() if _relevant(entry, read)}
        write_atomically(self.file, json.dumps({"format": FORMAT, "inputs": self.inputs, "digests": digests,
                                                "jobs": recorded}, ensure_ascii=False).encode("utf-8"))


def _relevant(entry: str, read: frozenset[str]) -> bool:
    """Whether a change of this key can meet one of the reads (itself, its field of every item)."""
    return EVERYTHING in read or entry in read or f"{entry.partition('/')[0]}/*/{entry.rpartition('/')[2]}" in read
