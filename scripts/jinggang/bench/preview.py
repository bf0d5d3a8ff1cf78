"""The editor's preview at scale: from saving a file to `make serve` serving the changed page.

    .venv/bin/python -m jinggang.bench.preview [--lessons 2000] [--project DIR] [--no-dirty]

Starts `mkdocs serve --dirty` (as `make serve` does) on a generated project, waits for the
first build, then edits files as an editor would (a lesson's summary, title and body, a
guide's name, an event in curriculum/events.yml) and times each save until the page that
shows the edit is served with it. `--no-dirty` measures a plain `mkdocs serve`, which builds
the whole site for each edit.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from .generate import generate

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _page(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, OSError):
        return ""


def wait_for(url: str, marker: str, timeout: float) -> float | None:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if marker in _page(url):
            return time.perf_counter() - started
        time.sleep(0.05)
    return None


def _replace(file: Path, old: str, new: str) -> Callable[[], None]:
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{file}: {old!r} not found"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")

    def restore() -> None:
        file.write_text(text, encoding="utf-8")

    return restore


def measure(project: Path, dirty: bool, rounds: int) -> list[tuple[str, float | None]]:
    port = _free_port()
    command = [str(BIN / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}", *(["--dirty"] if dirty else [])]
    server = subprocess.Popen(command, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "PYTHONUNBUFFERED": "1"})
    results: list[tuple[str, float | None]] = []
    try:
        if wait_for(f"http://127.0.0.1:{port}/", "<html", 900) is None:
            raise SystemExit("mkdocs serve did not answer within 15 minutes")
        # Served under site_url's path (/jinggang/): where the redirect from / leads.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            base = response.geturl()
        lessons = sorted((project / "docs/lessons").glob("*.md"))
        lessons = [lesson for lesson in lessons if lesson.name != "index.md"]
        guide = sorted(path for path in (project / "docs/sites").glob("*.md") if path.name != "index.md")[0]
        for number in range(rounds):
            lesson = lessons[(number * 37) % len(lessons)]
            url = f"{base}lessons/{lesson.stem}/"
            marker = f"预览测量{number}"
            cases = [
                ("微团课摘要", lesson, "summary: ", f"summary: {marker}", url),
                ("微团课标题", lesson, "title: ", f"title: {marker}", url),
                ("微团课正文", lesson, "\n## ", f"\n{marker}。\n\n## ", url),
                ("研学指南名称", guide, "name: ", f"name: {marker}", f"{base}sites/{guide.stem}/"),
            ]
            for label, file, old, new, page in cases:
                time.sleep(1.0)  # the watcher settles; edits far apart, as an editor makes them
                restore = _replace(file, old, new)
                results.append((label, wait_for(page, marker, 120)))
                restore()
                wait_for(page, "<html", 120)
                time.sleep(1.0)
                # Back as it was before the next edit (the reverse edit is built too).
                deadline = time.perf_counter() + 120
                while marker in _page(page) and time.perf_counter() < deadline:
                    time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lessons", type=int, default=2000)
    parser.add_argument("--project", type=Path, default=None, help="a generated project to use as it is")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-dirty", action="store_true", help="plain `mkdocs serve` (whole site each edit)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jinggang-preview-") as scratch:
        project = args.project or generate(Path(scratch) / "project", lessons=args.lessons)
        results = measure(project, not args.no_dirty, args.rounds)
    for label, seconds in results:
        print(f"{label}：{'未在 120 秒内出现' if seconds is None else f'{seconds:.2f} 秒'}")
    measured = sorted(seconds for _label, seconds in results if seconds is not None)
    if measured:
        print(f"中位数 {measured[len(measured) // 2]:.2f} 秒，最长 {measured[-1]:.2f} 秒（{len(measured)} 次）")


if __name__ == "__main__":
    main()
