"""Benchmark (not a test) at scale: `make bench`.

    .venv/bin/python -m jinggang.bench.scale [--sizes 100 500 2000] [--page docs/benchmarks.md] [--no-packets]

On synthetic content (jinggang.bench.generate) it measures, each in a fresh process as a
user would run it: the site build with our plugin against a plain Material build of the
same Markdown (same theme and extensions, Material's search, no plugin, nav of the
hand-written pages), `jinggang check`, and the site's search at 2,000 and 10,000 lessons
(jinggang.bench.search: latency online and from file://, bytes read, index size, recall,
CPU), with the other engines measured beside it (jinggang.bench.search_compare). The packet
figures come from the existing benchmark (jinggang.bench.packets), run as it is. Prints a
table and writes it, with the machine it ran on, to the benchmarks page.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ..outputs.browser import chromium_executable
from . import search
from .generate import REPO, generate

BIN = Path(sys.executable).parent
PLAIN_CONFIG = """\
# The same site without the jinggang plugin: what plain Material does with the same Markdown,
# with Material's own search (its header and search partials, not the site's).
INHERIT: mkdocs.yml
strict: false
theme:
  custom_dir: plain_overrides
plugins:
  - search
extra_javascript:
  - assets/javascripts/jinggang.js
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


@dataclass(frozen=True)
class Run:
    seconds: float
    memory: float  # MB: the peak of the processes' proportional set sizes (PSS) summed
    main_memory: float  # MB: the peak of the first process's own


def _processes(root: int) -> list[int]:
    """root and every process under it (forked work, Chromium), from /proc's children lists."""
    found, index = [root], 0
    while index < len(found):
        for task in Path(f"/proc/{found[index]}/task").glob("*"):
            with contextlib.suppress(OSError):  # ended meanwhile
                found += [int(pid) for pid in (task / "children").read_text().split()]
        index += 1
    return found


def proportional_size(pid: int) -> int:
    """kB of memory the process uses, its shares of pages it shares with others counted in
    part (a forked process shares most of its parent's until either writes them)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


# How often a build's memory is sampled. Reading a process's PSS takes milliseconds (5-20 ms at
# 500-800 MB), so most runs sample every 0.2 s; but plain Material's peak is its search index
# written at the end, which lasts about 0.1 s (2,000 lessons: 224-227 MB for 0.07 s, 177 MB
# after), and 0.2 s samples read it as 183-228 MB. One more run of each samples every 0.02 s.
SAMPLE_SECONDS = 0.2
FINE_SAMPLE_SECONDS = 0.02


def measured(command: list[str], cwd: Path, every: float = SAMPLE_SECONDS) -> Run:
    """The command's time and its peak memory, every process it starts counted (sampled every `every` s)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = main_peak = 0
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.append(process.stdout.read() if process.stdout else ""))
    reader.start()
    while process.poll() is None:
        sizes = [proportional_size(pid) for pid in _processes(process.pid)]
        peak, main_peak = max(peak, sum(sizes)), max(main_peak, sizes[0])
        with contextlib.suppress(subprocess.TimeoutExpired):  # returns as the command ends: the time is exact
            process.wait(timeout=every)
    elapsed = time.perf_counter() - started
    reader.join()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{''.join(output)[-4000:]}")
    return Run(elapsed, peak / 1024, main_peak / 1024)


def write_plain_config(project: Path) -> Path:
    """mkdocs-plain.yml, and the site's overrides without its search box (Material's comes back)."""
    overrides = project / "plain_overrides"
    shutil.rmtree(overrides, ignore_errors=True)
    shutil.copytree(project / "site_overrides", overrides)
    for partial in ("header.html", "search.html"):
        (overrides / "partials" / partial).unlink(missing_ok=True)
    config = project / "mkdocs-plain.yml"
    config.write_text(PLAIN_CONFIG, encoding="utf-8")
    return config


def build_runs(project: Path, rounds: int = 2) -> tuple[Run, Run]:
    """A first whole build with the plugin (nothing kept from an earlier one) and plain Material's,
    of the same content, alternating, `rounds` of each and then one of each for memory only
    (sampled every FINE_SAMPLE_SECONDS, which slows a build that uses both cores): the fastest
    time of each of the rounds, and the highest memory of all. This machine's speed drifts by a
    third within minutes; one run of each measured the drift as often as the builds."""
    # Without jieba, Material leaves Chinese unsegmented: a build 40% faster and a search that
    # misses a third of the names (2,000 lessons), not what a Chinese site would run.
    try:
        metadata.version("jieba")
    except metadata.PackageNotFoundError:
        raise SystemExit("纯 Material 的对照构建需要 jieba（Material 的中文搜索分词）："
                         "运行 make setup 安装。") from None
    write_plain_config(project)
    ours: list[Run] = []
    plain: list[Run] = []
    for number in range(rounds + 1):
        every = FINE_SAMPLE_SECONDS if number == rounds else SAMPLE_SECONDS
        shutil.rmtree(project / ".cache", ignore_errors=True)
        shutil.rmtree(project / "site", ignore_errors=True)
        ours.append(measured([str(BIN / "jinggang"), "--root", str(project), "build", "--site-dir",
                              str(project / "site")], project, every))
        shutil.rmtree(project / "plain", ignore_errors=True)
        plain.append(measured([str(BIN / "mkdocs"), "build", "--quiet", "--config-file",
                               str(project / "mkdocs-plain.yml"), "--site-dir", str(project / "plain")], project,
                              every))

    def combined(runs: list[Run]) -> Run:
        return Run(min(run.seconds for run in runs[:rounds]), max(run.memory for run in runs),
                   max(run.main_memory for run in runs))

    return combined(ours), combined(plain)


def compared_engines(project: Path, size: int) -> str:
    """The engines side by side on one site, as a Markdown section (search_compare)."""
    from .search_compare import compare_engines

    rows = compare_engines(project / "plain", project / "site", size, search.QUERIES, search.sample_names(project))
    lines = [f"## 搜索引擎对比（{size} 课，同一份内容）", "",
             "| 引擎 | 召回 | 查询：第一次 / 之后 | 第一次读取 | 整个索引 | file:// |",
             "| --- | --- | --- | --- | --- | --- |"]

    def ms(value: float | None) -> str:
        return "—" if value is None else f"{value:.0f} 毫秒"

    notes = []
    for row in rows:
        first = "—" if row.first_bytes is None else f"{row.first_bytes / 1e6:.2f} MB"
        works = row.file_url.partition(" ")[0]
        lines.append(f"| {row.engine} | {row.recall.split(':')[0]} | {ms(row.first_query_ms)} / "
                     f"{ms(row.later_query_ms)} | {first} | {row.index_bytes / 1e6:.1f} MB | {works} |")
        notes.append(f"- **{row.engine}**：召回 {row.recall}；file:// {row.file_url}；{row.note}")
    # Notes below the table: long texts, and more columns than fit (Material gives a column 5rem).
    lines += ["", *notes]
    return "\n".join(lines) + "\n"


def site_rows(scratch: Path) -> list[Row]:
    """`make site` on a copy of the starter content: first, with nothing changed, after one lesson's summary."""
    from .dependencies import copy_project

    project = copy_project(REPO, scratch / "starter")
    command = [str(BIN / "jinggang"), "--root", str(project), "site"]
    first = timed(command, project)
    unchanged = min(timed(command, project) for _ in range(2))
    lesson = sorted(path for path in (project / "docs/lessons").glob("*.md") if path.name != "index.md")[0]
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.replace("summary: ", "summary: 改过的摘要，", 1), encoding="utf-8")
    edited = timed(command, project)
    return [Row("make site（jinggang site），初始内容，第一次", f"{first:.1f} 秒"),
            Row("make site，什么都没改", f"{unchanged:.1f} 秒", "≤ 3 秒", unchanged <= 3),
            Row("make site，改了一课的摘要之后", f"{edited:.1f} 秒", "≤ 5 秒", edited <= 5)]


def preview_rows(project: Path, size: int) -> list[Row]:
    """Saves of a lesson (the issue's measure: every one within 2 s) apart from a guide's name,
    which every guide page's neighbours and the routes show."""
    from .preview import measure

    results = measure(project, True, 2)
    rows = []
    for label, wanted in (("一课的摘要、标题或正文", lambda name: name.startswith("微团课")),
                          ("研学指南的名称", lambda name: not name.startswith("微团课"))):
        measured = sorted(seconds if seconds is not None else float("inf")
                          for name, seconds in results if wanted(name))
        median = measured[len(measured) // 2]
        lessons = label.startswith("一课")
        rows.append(Row(f"make serve：保存{label}到页面更新（中位数 / 最长，{len(measured)} 次编辑），{size} 课",
                        f"{median:.1f} 秒 / {measured[-1]:.1f} 秒", "每次 ≤ 2 秒" if lessons else "",
                        measured[-1] <= 2 if lessons else None))
    return rows


def changes_rows(scratch: Path, edits: int) -> list[Row]:
    from .dependencies import copy_project, run_rounds

    rounds = run_rounds(copy_project(REPO, scratch / "changes"), edits, seed=1, log=lambda _line: None)
    changed = sum(len(result.changed) for result in rounds)
    named = sum(len(result.named) for result in rounds)
    missed = sum(len(result.missed) for result in rounds)
    return [Row(f"jinggang changes：{len(rounds)} 次随机单字段修改，漏列的页面和 PDF", str(missed), "0", missed == 0),
            Row("jinggang changes：列出的 / 实际改变的页面和 PDF",
                f"{named} / {changed} = {named / max(changed, 1):.2f} 倍")]


def repeat_rows(renders: int) -> list[Row]:
    completed = subprocess.run([sys.executable, "-m", "jinggang.bench.repeat", "--renders", str(renders)],
                               capture_output=True, text=True, check=False)
    summary = completed.stdout.strip().splitlines()[-1] if completed.stdout.strip() else completed.stderr[-300:]
    return [Row(f"连续 {renders} 次渲染全部 PDF 和 zip（--jobs 2，空缓存）", summary, "逐字节相同",
                completed.returncode == 0 and "全部逐字节相同" in summary)]


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    memory = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in ("mkdocs", "mkdocs-material", "jieba"))
    browser = chromium_executable() or "Playwright 自带的 Chromium"
    return (f"{cpu}, {os.cpu_count()} 核, {memory} GiB 内存; {platform.platform()}; "
            f"Python {platform.python_version()}, {versions}; 浏览器 {Path(browser).name}")


def search_rows(figures: search.SearchFigures, cpu: float | None) -> list[Row]:
    """The search targets of issue 10 at one size: stricter at 2,000 lessons than at 10,000."""
    size = figures.lessons
    small = size <= 2000
    first_target, later_target = (300, 100) if small else (500, 200)
    rows = []
    for where, timing in (("在线", figures.online), ("file://", figures.offline)):
        rows.append(Row(f"搜索：打开页面后第一次查询（{search.FIRST_LOADS} 次新打开的中位数），{size} 课，{where}",
                        f"{timing.first_ms:.0f} 毫秒",
                        f"≤ {first_target} 毫秒", timing.first_ms <= first_target))
        rows.append(Row(f"搜索：之后的查询（中位数），{size} 课，{where}", f"{timing.later_ms:.0f} 毫秒",
                        f"≤ {later_target} 毫秒", timing.later_ms <= later_target))
    first_bytes = figures.online.first_bytes
    rows.append(Row(f"搜索：第一次查询读取的字节，{size} 课", f"{first_bytes / 1e6:.2f} MB",
                    "" if small else "≤ 1 MB", None if small else first_bytes <= 1_000_000))
    ratio = figures.index_bytes / figures.text_bytes
    rows.append(Row(f"搜索索引 / 索引的文字，{size} 课",
                    f"{figures.index_bytes / 1e6:.1f} MB / {figures.text_bytes / 1e6:.1f} MB = {ratio:.2f} 倍",
                    "≤ 1.5 倍", ratio <= 1.5))
    recall = figures.recall
    rows.append(Row(f"搜索召回：登记表里没有的名字，{size} 课",
                    f"{recall.names_complete}/{recall.names} 个名字找全了含它的页面"
                    f"（{recall.found}/{recall.holders} 页）",
                    "全部", recall.names_complete == recall.names))
    rows.append(Row(f"搜索：第一条结果含这个名字，{size} 课", f"{recall.first_right}/{recall.names}",
                    "全部", recall.first_right == recall.names))
    if cpu is not None:
        rows.append(Row(f"建立搜索索引的 CPU 时间，{size} 课（2 次取较少的）", f"{cpu:.1f} 秒",
                        "≤ 5 秒" if small else "",
                        cpu <= 5 if small else None))
    return rows


EARLIER = "〔较早测量〕"
TABLE_HEADER = "| 测量 | 结果 | 目标 | 达标 |"


def earlier_page(page: Path) -> tuple[list[Row], dict[str, str]]:
    """The rows and the sections (by heading) of the page as it stands, for --keep-earlier."""
    if not page.is_file():
        return [], {}
    lines = page.read_text(encoding="utf-8").splitlines()
    rows: list[Row] = []
    if TABLE_HEADER in lines:
        for line in lines[lines.index(TABLE_HEADER) + 2:]:
            if not line.startswith("| "):
                break
            measure, value, target, met = (cell.strip() for cell in line.strip().strip("|").split(" | "))
            rows.append(Row(measure.removesuffix(EARLIER), value, target, {"是": True, "否": False}.get(met)))
    sections: dict[str, str] = {}
    heading = ""
    for line in lines:
        if line.startswith("## "):
            heading = line
        if heading:
            sections[heading] = sections.get(heading, "") + line + "\n"
    return rows, sections


def measure_key(measure: str) -> str:
    """What a row measures, without how: its notes in （） and its counts of runs, edits or
    renders (N 次). A row whose wording changed (“交替各 2 次，取最快” added, 10 edits become 30)
    still replaces its earlier row instead of standing beside it. Sizes written outside the
    notes (2000 课, 2200 个内容文件) stay part of the measure."""
    return re.sub(r"\d+ 次", "N 次", re.sub(r"（[^）]*）", "", measure))


def kept_with(rows: list[Row], earlier: list[Row]) -> list[Row]:
    """The earlier page's rows in their order, each replaced by this run's measurement of the same
    thing (measure_key) where there is one and marked as earlier where there is not; then this
    run's new rows. Two rows of this run that measure_key cannot tell apart are an error: one
    would silently replace the other."""
    measured = {measure_key(row.measure): row for row in rows}
    if len(measured) != len(rows):
        keys = [measure_key(row.measure) for row in rows]
        raise ValueError(f"两行测量无法区分：{sorted({key for key in keys if keys.count(key) > 1})}")
    merged: list[Row] = []
    placed: set[str] = set()
    for row in earlier:
        key = measure_key(row.measure)
        if key not in measured:
            merged.append(Row(row.measure + EARLIER, row.value, row.target, row.met))
        elif key not in placed:  # two earlier rows of one measure (reworded twice) become one
            merged.append(measured[key])
            placed.add(key)
    return merged + [row for key, row in measured.items() if key not in placed]


PACKETS_HEADING = "## 讲义包渲染（`make bench-packets`，入门内容）"


def render_page(rows: list[Row], packets: str, about: str, engines: str = "", earlier: str = "") -> str:
    lines = ["# 性能基准", "",
             "由 `make bench`（`python -m jinggang.bench.scale`）生成，不要手工修改。合成内容由",
             "`jinggang.bench.generate` 从真实的词表、登记表和入门内容组合而成；每项测量都在新的进程里运行。", "",
             f"机器：{about}", ""]
    if any(row.measure.endswith(EARLIER) for row in rows):
        lines += [f"标着{EARLIER}的行和下面没有重测的部分来自这一页上一次的运行（`make bench` 的 "
                  "`--keep-earlier`），其余各行是这一次测的。", ""]
    lines += [TABLE_HEADER, "| --- | --- | --- | --- |"]
    for row in rows:
        met = "" if row.met is None else ("是" if row.met else "否")
        lines.append(f"| {row.measure} | {row.value} | {row.target} | {met} |")
    if engines:
        lines += ["", engines.rstrip()]
    if packets:
        lines += ["", PACKETS_HEADING, "", "```text", packets.rstrip(), "```"]
    if earlier:
        lines += ["", earlier.rstrip()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 2000])
    parser.add_argument("--page", type=Path, default=REPO / "docs/benchmarks.md")
    parser.add_argument("--search-sizes", type=int, nargs="*", default=[2000, 10000])
    parser.add_argument("--no-packets", action="store_true", help="leave out the packet benchmark")
    parser.add_argument("--no-site", action="store_true", help="leave out `make site` on the starter content")
    parser.add_argument("--no-preview", action="store_true", help="leave out the preview at the largest size")
    parser.add_argument("--edits", type=int, default=30, help="random edits for `changes` (0: none)")
    parser.add_argument("--renders", type=int, default=20, help="repeated renders of every PDF (0: none)")
    parser.add_argument("--keep-earlier", action="store_true",
                        help="keep the page's rows and sections this run does not measure, marked as earlier")
    args = parser.parse_args(argv)
    console = Console(width=140, stderr=True)
    rows: list[Row] = []
    times: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="jinggang-bench-") as scratch:
        largest: Path | None = None
        for size in args.sizes:
            console.print(f"生成 {size} 课的合成内容并构建 ……")
            project = generate(Path(scratch) / f"lessons-{size}", lessons=size)
            ours, plain = build_runs(project)
            times[size] = ours.seconds
            ratio = ours.seconds / plain.seconds
            rows.append(Row(f"站点构建，{size} 课（插件 / 纯 Material；交替各 2 次，取最快）",
                            f"{ours.seconds:.1f} 秒 / {plain.seconds:.1f} 秒 = {ratio:.2f} 倍", "≤ 1.3 倍",
                            ratio <= 1.3))
            rows.append(Row(f"构建的峰值内存，{size} 课（插件 / 纯 Material；所有进程的 PSS 之和，"
                            "括号里是主进程的；3 次中最高的，其中一次每 0.02 秒取样）",
                            f"{ours.memory:.0f} MB（{ours.main_memory:.0f} MB） / {plain.memory:.0f} MB",
                            "≤ 纯 Material", ours.memory <= plain.memory))
            largest = project
        if 500 in times and 2000 in times:
            growth = times[2000] / times[500]
            rows.append(Row("2000 课与 500 课的构建时间之比", f"{growth:.2f} 倍", "≤ 4.5 倍", growth <= 4.5))
        assert largest is not None
        files = sum(1 for folder in ("lessons", "sites", "lecturers")
                    for file in (largest / "docs" / folder).glob("*.md") if file.name != "index.md")
        check = min(timed([str(BIN / "jinggang"), "--root", str(largest), "check"], largest) for _ in range(3))
        rows.append(Row(f"jinggang check，{files} 个内容文件（3 次取最快）", f"{check:.2f} 秒", "< 3 秒", check < 3))
        if not args.no_preview:
            console.print(f"预览：{max(args.sizes)} 课的 make serve ……")
            rows += preview_rows(largest, max(args.sizes))
        if not args.no_site:
            console.print("make site：初始内容 ……")
            rows += site_rows(Path(scratch))
        if args.edits:
            console.print(f"jinggang changes：{args.edits} 次随机修改 ……")
            rows += changes_rows(Path(scratch), args.edits)
        if args.renders:
            console.print(f"连续渲染 {args.renders} 次 ……")
            rows += repeat_rows(args.renders)
        engines = ""
        for size in args.search_sizes:
            console.print(f"搜索：{size} 课 ……")
            project = largest if size == max(args.sizes) else \
                generate(Path(scratch) / f"search-{size}", lessons=size)
            if project is not largest:
                timed([str(BIN / "jinggang"), "--root", str(project), "build", "--site-dir", str(project / "site")],
                      project)
            figures = search.measure(project / "site", size, search.QUERIES, search.sample_names(project))
            cpu = search.search_cpu(project)[0] if size <= 2000 else None
            rows += search_rows(figures, cpu)
            if size == max(args.sizes) and (project / "plain").is_dir():
                engines = compared_engines(project, size)
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
    if engines:
        out.print(engines)
    earlier = ""
    if args.keep_earlier:
        earlier_rows, sections = earlier_page(args.page)
        rows = kept_with(rows, earlier_rows)
        earlier = "".join(text for heading, text in sections.items()
                          if not (engines and heading.startswith("## 搜索引擎对比"))
                          and not (packets and heading == PACKETS_HEADING))
    args.page.write_text(render_page(rows, packets, about, engines, earlier), encoding="utf-8")
    out.print(f"已写入 {args.page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
