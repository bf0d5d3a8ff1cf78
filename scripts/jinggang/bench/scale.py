"""Benchmark (not a test) at scale: `make bench`.

    .venv/bin/python -m jinggang.bench.scale [--sizes 100 500 2000] [--page docs/benchmarks.md] [--no-packets]

On synthetic content (jinggang.bench.generate) it measures, each in a fresh process as a
user would run it: the site build with our plugin against a plain Material build of the
same Markdown (same theme, extensions and search, no plugin, nav of the hand-written
pages), `jinggang check`, the search index against the text it holds, and the time from
typing a Chinese query to the first result in headless Chromium. The packet figures come
from the existing benchmark (jinggang.bench.packets), run as it is. Prints a table and
writes it, with the machine it ran on, to the benchmarks page.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .generate import REPO, generate
from .search_latency import search_latency

BIN = Path(sys.executable).parent
PLAIN_CONFIG = """\
# The same site without the jinggang plugin: what plain Material does with the same Markdown.
INHERIT: mkdocs.yml
strict: false
plugins:
  - search
nav:
  - index.md
  - editors/index.md
"""


@dataclass
class Row:
    measure: str
    value: str
    target: str = ""
    met: bool | None = None


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{completed.stdout[-2000:]}\n{completed.stderr[-2000:]}")
    return elapsed


def build_times(project: Path) -> tuple[float, float]:
    (project / "mkdocs-plain.yml").write_text(PLAIN_CONFIG, encoding="utf-8")
    ours = timed([str(BIN / "jinggang"), "--root", str(project), "build", "--site-dir", str(project / "site")],
                 project)
    plain = timed([str(BIN / "mkdocs"), "build", "--quiet", "--config-file", str(project / "mkdocs-plain.yml"),
                   "--site-dir", str(project / "plain")], project)
    return ours, plain


def index_ratio(site: Path) -> tuple[int, int]:
    """Bytes of search_index.json, and UTF-8 bytes of the titles and texts it indexes."""
    index_file = site / "search/search_index.json"
    docs = json.loads(index_file.read_text(encoding="utf-8"))["docs"]
    text = sum(len(doc["title"].encode()) + len(doc["text"].encode()) for doc in docs)
    return index_file.stat().st_size, text


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    memory = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in ("mkdocs", "mkdocs-material"))
    return (f"{cpu}, {os.cpu_count()} 核, {memory} GiB 内存; {platform.platform()}; "
            f"Python {platform.python_version()}, {versions}")


def render_page(rows: list[Row], packets: str, about: str) -> str:
    lines = ["# 性能基准", "",
             "由 `make bench`（`python -m jinggang.bench.scale`）生成，不要手工修改。合成内容由",
             "`jinggang.bench.generate` 从真实的词表、登记表和入门内容组合而成；每项测量都在新的进程里运行。", "",
             f"机器：{about}", "",
             "| 测量 | 结果 | 目标 | 达标 |", "| --- | --- | --- | --- |"]
    for row in rows:
        met = "" if row.met is None else ("是" if row.met else "否")
        lines.append(f"| {row.measure} | {row.value} | {row.target} | {met} |")
    if packets:
        lines += ["", "## 讲义包渲染（`make bench-packets`，入门内容）", "", "```text", packets.rstrip(), "```"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 2000])
    parser.add_argument("--page", type=Path, default=REPO / "docs/benchmarks.md")
    parser.add_argument("--no-packets", action="store_true", help="leave out the packet benchmark")
    args = parser.parse_args(argv)
    console = Console(width=140, stderr=True)
    rows: list[Row] = []
    times: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="jinggang-bench-") as scratch:
        largest: Path | None = None
        for size in args.sizes:
            console.print(f"生成 {size} 课的合成内容并构建 ……")
            project = generate(Path(scratch) / f"lessons-{size}", lessons=size)
            ours, plain = build_times(project)
            times[size] = ours
            ratio = ours / plain
            rows.append(Row(f"站点构建，{size} 课（插件 / 纯 Material）",
                            f"{ours:.1f} 秒 / {plain:.1f} 秒 = {ratio:.2f} 倍", "≤ 1.3 倍", ratio <= 1.3))
            largest = project
        if 500 in times and 2000 in times:
            growth = times[2000] / times[500]
            rows.append(Row("2000 课与 500 课的构建时间之比", f"{growth:.2f} 倍", "≤ 4.5 倍", growth <= 4.5))
        assert largest is not None
        files = sum(1 for folder in ("lessons", "sites", "lecturers")
                    for file in (largest / "docs" / folder).glob("*.md") if file.name != "index.md")
        check = min(timed([str(BIN / "jinggang"), "--root", str(largest), "check"], largest) for _ in range(3))
        rows.append(Row(f"jinggang check，{files} 个内容文件（3 次取最快）", f"{check:.2f} 秒", "< 3 秒", check < 3))
        index_bytes, text_bytes = index_ratio(largest / "site")
        rows.append(Row(f"搜索索引 / 索引的文字（{max(args.sizes)} 课）",
                        f"{index_bytes / 1e6:.1f} MB / {text_bytes / 1e6:.1f} MB = {index_bytes / text_bytes:.2f} 倍",
                        "≤ 1.5 倍", index_bytes / text_bytes <= 1.5))
        console.print("在无头 Chromium 里测搜索 ……")
        cold, warm = search_latency(largest / "site", ["三湾改编", "井冈山精神", "红军"])
        rows.append(Row(f"输入中文查询到第一条结果（{max(args.sizes)} 课，索引已载入，中位数）",
                        f"{warm * 1000:.0f} 毫秒", "< 500 毫秒", warm < 0.5))
        rows.append(Row("同上，打开页面后第一次搜索（含下载和建立索引）", f"{cold * 1000:.0f} 毫秒", "", None))
    packets = ""
    if not args.no_packets:
        console.print("讲义包基准（jinggang.bench.packets）……")
        completed = subprocess.run([sys.executable, "-m", "jinggang.bench.packets", "--root", str(REPO)],
                                   capture_output=True, text=True, check=False, env={**os.environ, "COLUMNS": "120"})
        packets = completed.stdout if completed.returncode == 0 else f"失败：\n{completed.stderr[-2000:]}"

    table = Table(title="井冈传人 · 性能基准")
    for column in ("测量", "结果", "目标", "达标"):
        table.add_column(column)
    for row in rows:
        table.add_row(row.measure, row.value, row.target, "" if row.met is None else ("是" if row.met else "否"))
    out = Console(width=140)
    out.print(table)
    if packets:
        out.print(packets)
    about = machine()
    out.print(f"机器：{about}")
    args.page.write_text(render_page(rows, packets, about), encoding="utf-8")
    out.print(f"已写入 {args.page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
