"""Are repeated renders byte-identical? `make bench` runs this after the scale benchmark.

    .venv/bin/python -m jinggang.bench.repeat [--renders 20] [--jobs 2]

Renders every PDF (packets, field kits, lecture notes) and the offline zips of the starter
content again and again, each time from an empty cache (nothing restored), with the given
number of parallel pages, and compares every file's digest with the first render's. A
difference (a structure tree id from pages printed in parallel, a timestamp) is a defect:
tests/test_reproducible.py compares two whole builds; this repeats the parallel part.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import shutil
import tempfile
import time
from pathlib import Path

from ..outputs.store import CACHE
from .dependencies import copy_project
from .generate import REPO

COMMANDS = ("packets", "routes", "slides")


def render_once(project: Path, site_dir: Path, cache: Path, jobs: int) -> dict[str, str]:
    from ..cli import DOWNLOADS, run_downloads, run_offline

    shutil.rmtree(cache, ignore_errors=True)
    config_file = project / "mkdocs.yml"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for command in COMMANDS:
            if run_downloads(project, config_file, site_dir, command, jobs=jobs, cache_dir=cache / command) != 0:
                raise SystemExit(f"jinggang {command} failed")
        shutil.rmtree(project / CACHE / "offline", ignore_errors=True)
        if run_offline(project, config_file, site_dir) != 0:
            raise SystemExit("jinggang offline failed")
    folders = [DOWNLOADS[command][0] for command in COMMANDS] + ["downloads/offline", "downloads/routes"]
    return {path.relative_to(site_dir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for folder in folders for path in sorted((site_dir / folder).rglob("*"))
            if path.is_file() and path.suffix in (".pdf", ".zip")}


def main() -> None:
    from ..cli import run_build

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jinggang-repeat-") as scratch:
        project = copy_project(REPO, Path(scratch) / "project")
        site_dir = project / "site"
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            if run_build(project, project / "mkdocs.yml", site_dir, strict=False) != 0:
                raise SystemExit("the site did not build")
        first: dict[str, str] = {}
        differing: set[str] = set()
        started = time.perf_counter()
        for number in range(args.renders):
            digests = render_once(project, site_dir, Path(scratch) / "cache", args.jobs)
            if number == 0:
                first = digests
            differing |= {name for name in first.keys() | digests.keys() if first.get(name) != digests.get(name)}
            print(f"第 {number + 1} 次：{len(digests)} 个文件，与第 1 次不同的累计 {len(differing)} 个", flush=True)
    print(f"{args.renders} 次渲染（--jobs {args.jobs}，每次空缓存）：{len(first)} 个 PDF 和 zip，"
          f"{'全部逐字节相同' if not differing else '不同：' + '、'.join(sorted(differing))}；"
          f"共 {time.perf_counter() - started:.0f} 秒。")


if __name__ == "__main__":
    main()
