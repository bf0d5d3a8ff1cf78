"""Does `jinggang changes` name every file an edit changes, and how many more?

    .venv/bin/python -m jinggang.bench.dependencies [--edits 30] [--seed 1]

On a copy of the content in a scratch git repository, each round makes one random
single-field edit (a summary, a title or name, a date, a list, a body), builds the site and
prepares every download before and after, and compares: an HTML page changed if its bytes
did, a PDF if the HTML it is printed from (with its other inputs, the cache's digest) did.
`changes` must name every changed page and PDF; what it names beyond them is its
over-approximation. tests/test_dependencies.py runs a few rounds; `make bench` reports more.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import hashlib
import io
import logging
import random
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..content.loader import Settings, load_content
from ..content.problems import errors
from .generate import REPO

if TYPE_CHECKING:
    from ..editing.changes import Impact

CONTENT = ("mkdocs.yml", "site_overrides", "curriculum", "docs", "pyproject.toml")
REGISTRY_FIELDS = {"events.yml": ("name", "summary", "date", "place"), "people.yml": ("name", "summary"),
                   "sites.yml": ("name",), "glossary.yml": ("definition",), "sources.yml": ("title", "publisher")}
ITEM_FIELDS = ("title", "summary", "audience", "themes", "objectives", "discussion", "duration", "sites", "events",
               "updated", "body", "safety", "lessons")
PACKET_FIELDS = ("title", "occasion", "issuer", "contents", "date")
ROUTE_FIELDS = ("title", "summary", "safety", "audience")


@dataclass
class Round:
    edit: str
    changed: set[str] = field(default_factory=set)  # pages and PDFs whose bytes changed
    named: set[str] = field(default_factory=set)  # what `changes` named of pages and PDFs
    missed: set[str] = field(default_factory=set)

    @property
    def extra(self) -> set[str]:
        return self.named - self.changed


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@example.org", *args],
                   check=True, capture_output=True)


def copy_project(source: Path, destination: Path) -> Path:
    destination.mkdir(parents=True, exist_ok=True)
    for name in CONTENT:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, destination / name, dirs_exist_ok=True)
        elif path.is_file():
            shutil.copy2(path, destination / name)
    if (source / "node_modules").is_dir() and not (destination / "node_modules").exists():
        (destination / "node_modules").symlink_to(source / "node_modules")
    (destination / ".gitignore").write_text("node_modules\nsite/\n.cache/\n", encoding="utf-8")
    git(destination, "init", "--quiet", "--initial-branch=main")
    git(destination, "add", "--all")
    git(destination, "commit", "--quiet", "--message", "base")
    return destination


def _mutate(value: Any, rng: random.Random) -> Any:
    """One field's new value, of the same type, that the check should still accept."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value + 5 if value < 200 else value - 5
    if isinstance(value, datetime.date):
        return value - datetime.timedelta(days=1)
    if isinstance(value, str):
        if len(value) == 10 and value[4] == "-" and value[7] == "-":  # a date written as a string
            day = datetime.date.fromisoformat(value) - datetime.timedelta(days=1)
            return day.isoformat()
        return value.rstrip("。") + "（改）" + ("。" if value.endswith("。") else "")
    if isinstance(value, list) and value:
        if len(value) > 1 and rng.random() < 0.5:
            return value[:-1]  # one fewer: a lesson stops naming a site
        if len(value) > 1:
            return list(reversed(value))
        return _mutate(value[0], rng) if isinstance(value[0], str) and not value[0].isascii() else None
    return None


def _split_front(text: str) -> tuple[dict[str, Any], str] | None:
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 4)
    return (yaml.safe_load(text[4:end]), text[end + 5:]) if end > 0 else None


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def random_edit(root: Path, rng: random.Random) -> str | None:
    """Apply one edit; a description of it, or None when the chosen field could not be edited."""
    curriculum, docs = root / "curriculum", root / "docs"
    files = [*sorted(docs.glob("lessons/*.md")), *sorted(docs.glob("sites/*.md")), *sorted(docs.glob("lecturers/*.md")),
             *sorted((curriculum / "packets").glob("*.yml")), *sorted((curriculum / "routes").glob("*.yml")),
             *(curriculum / name for name in REGISTRY_FIELDS if (curriculum / name).is_file())]
    files = [file for file in files if file.name != "index.md"]
    target = rng.choice(files)
    text = target.read_text(encoding="utf-8")
    relative = target.relative_to(root).as_posix()
    if target.suffix == ".md":
        split = _split_front(text)
        if split is None:
            return None
        front, body = split
        name = rng.choice([name for name in ITEM_FIELDS if name in front or name == "body"])
        if name == "body":
            paragraphs = [index for index, line in enumerate(body.splitlines()) if line and line[0] > "\u2e80"]
            if not paragraphs:
                return None
            lines = body.splitlines()
            lines[rng.choice(paragraphs)] += "这是改动的一句。"
            target.write_text(f"---\n{_dump(front)}---\n" + "\n".join(lines) + "\n", encoding="utf-8")
            return f"{relative}: 正文"
        new = _mutate(front[name], rng)
        if new is None or new == front[name]:
            return None
        front[name] = new
        target.write_text(f"---\n{_dump(front)}---\n{body}", encoding="utf-8")
        return f"{relative}: {name}"
    document = yaml.safe_load(text)
    if target.name in REGISTRY_FIELDS:
        entries = document if isinstance(document, list) else next(
            (value for value in document.values() if isinstance(value, list)), [])
        if not entries:
            return None
        entry = rng.choice(entries)
        name = rng.choice([name for name in REGISTRY_FIELDS[target.name] if name in entry] or ["-"])
        if name not in entry:
            return None
        new = _mutate(entry[name], rng)
        if new is None:
            return None
        entry[name] = new
        target.write_text(_dump(document), encoding="utf-8")
        return f"{relative}: {entry.get('id')}.{name}"
    names = PACKET_FIELDS if target.parent.name == "packets" else ROUTE_FIELDS
    name = rng.choice([name for name in names if name in document] or ["-"])
    if name not in document:
        return None
    new = _mutate(document[name], rng)
    if new is None:
        return None
    document[name] = new
    target.write_text(_dump(document), encoding="utf-8")
    return f"{relative}: {name}"


def snapshot(root: Path, site_dir: Path) -> dict[str, str]:
    """Digest of every page of a fresh build, and of every download's printed HTML."""
    from mkdocs.commands.build import build

    from ..cli import DOWNLOADS, _download_output, render_context
    from ..outputs.pipeline import prepare_jobs
    from ..outputs.store import RenderStore
    from ..website.config_file import load_mkdocs_config

    shutil.rmtree(site_dir, ignore_errors=True)
    quiet = logging.getLogger("mkdocs")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        build(load_mkdocs_config(root / "mkdocs.yml", site_dir=str(site_dir), strict=False))
    finally:
        quiet.setLevel(level)
    digests = {file.relative_to(site_dir).as_posix(): hashlib.sha256(file.read_bytes()).hexdigest()
               for file in site_dir.rglob("*.html")}
    context, _problems = render_context(root / "mkdocs.yml")
    assert context is not None
    for command, (folder, _label) in DOWNLOADS.items():
        if command == "share":
            continue  # PNG cards: neither a page nor a PDF
        output, items = _download_output(command, context, RenderStore(site_dir / folder, site_dir / ".cache"))
        for job in prepare_jobs(output, items):
            assert job.digest, job.error
            digests[f"{folder}/{job.name}"] = job.digest
    return digests


def named_files(impact: Impact) -> set[str]:
    """The pages and PDFs `jinggang changes --base HEAD` names (its impact), as files of the built site."""
    from ..editing.changes import FIELD_KIT

    named = {_page_file(page.url) for page in (*impact.pages, *impact.indexes)}
    named |= {packet.download for packet in impact.packets}
    named |= {FIELD_KIT.format(id=route.id) for route in impact.routes}
    named |= {path for path in impact.built_files if path.endswith((".html", ".pdf"))}
    return named


def _page_file(url: str) -> str:
    return f"{url}index.html" if url.endswith("/") or not url else url


def _covered(path: str, named: set[str], folders: list[str]) -> bool:
    return path in named or any(path.startswith(folder) for folder in folders)


def run_rounds(root: Path, rounds: int, seed: int, *, log: Callable[[str], None] = print) -> list[Round]:
    from ..editing.changes import compute_impact

    rng = random.Random(seed)
    site_dir = root / "site"
    results: list[Round] = []
    before = snapshot(root, site_dir)
    attempts = 0
    while len(results) < rounds and attempts < rounds * 6:
        attempts += 1
        with contextlib.redirect_stdout(io.StringIO()):
            edit = random_edit(root, rng)
        settings = Settings.for_project(root)
        if edit is None or (result := load_content(settings)).model is None or errors(result.problems):
            git(root, "checkout", "--quiet", "--", ".")
            continue
        after = snapshot(root, site_dir)
        changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
        impact = compute_impact(root, "HEAD", settings)
        folders = [path for path in impact.built_files if path.endswith("/")]
        named = named_files(impact)
        round_ = Round(edit, changed, {path for path in named if path.endswith((".html", ".pdf"))},
                       {path for path in changed if not _covered(path, named, folders)})
        results.append(round_)
        log(f"{edit}：改变 {len(changed)}，列出 {len(round_.named)}，漏掉 {len(round_.missed)} {sorted(round_.missed)}")
        git(root, "checkout", "--quiet", "--", ".")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jinggang-deps-") as scratch:
        results = run_rounds(copy_project(REPO, Path(scratch) / "project"), args.edits, args.seed)
    changed = sum(len(result.changed) for result in results)
    named = sum(len(result.named) for result in results)
    missed = sum(len(result.missed) for result in results)
    print(f"{len(results)} 次改动：改变的页面和 PDF 共 {changed} 个，changes 列出 {named} 个"
          f"（多列 {named - changed + missed} 个，{named / max(changed, 1):.2f} 倍），漏掉 {missed} 个。")


if __name__ == "__main__":
    main()
