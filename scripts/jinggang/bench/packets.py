"""Benchmark (not a test): packet rendering against raw Chromium printing of the same HTML.

    .venv/bin/python -m jinggang.bench.packets [--root .] [--jobs 2]

Prints pages per second for all packets (a cold run of `jinggang packets`, browser launch
included), the same final HTML printed raw on one warm page (`set_content` + `pdf`), their
ratio, and the wall time of a no-change rerun of the command (cache hits, no browser).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from ..cli import render_context
from ..content.model import Packet
from ..outputs.browser import launch_options
from ..outputs.packets.command import PacketsOutput
from ..outputs.pipeline import Job, prepare_jobs, render_jobs, run_output
from ..outputs.printer import PDF_OPTIONS, Printer
from ..outputs.store import RenderStore


async def launch_time() -> float:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        started = time.perf_counter()
        browser = await playwright.chromium.launch(**launch_options())
        await browser.new_page()
        elapsed = time.perf_counter() - started
        await browser.close()
        return elapsed


async def warm_render(output: PacketsOutput, jobs: list[Job[Packet]], store: RenderStore, parallel: int) -> float:
    """The packets pipeline on a browser that has already printed once (fonts loaded)."""
    printer = Printer(parallel, keep_html=True)
    try:
        await printer.warm_up()
        started = time.perf_counter()
        await render_jobs(output, jobs, store, printer, Progress(console=Console(quiet=True)))
        return time.perf_counter() - started
    finally:
        await printer.close()


async def raw_print(htmls: list[str], *, tagged: bool) -> float:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**launch_options())
        page = await browser.new_page()
        await page.set_content(htmls[0])
        await page.pdf(**PDF_OPTIONS)  # warm up
        started = time.perf_counter()
        for html in htmls:
            await page.set_content(html)
            await page.pdf(tagged=tagged, outline=tagged, **PDF_OPTIONS)
        elapsed = time.perf_counter() - started
        await browser.close()
        return elapsed


def file_stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and time: a file written anew through a temporary file has another inode."""
    return {path.relative_to(folder).as_posix(): (stat.st_ino, stat.st_mtime_ns)
            for path in folder.rglob("*") if path.is_file() and (stat := path.stat())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    console = Console(width=120)

    context, _ = render_context(root / "mkdocs.yml")
    if context is None:
        console.print("内容检查未通过：先运行 jinggang check。")
        return 1
    packets = [context.model.packets[packet_id] for packet_id in sorted(context.model.packets)]
    with tempfile.TemporaryDirectory() as scratch:
        site, cache = Path(scratch) / "site", Path(scratch) / "cache"
        store = RenderStore(site / "downloads/packets", cache)
        started = time.perf_counter()
        output = PacketsOutput(context)
        jobs = run_output(output, packets, store, parallel=args.jobs, prune=False, console=Console(quiet=True))
        ours = time.perf_counter() - started
        pages = sum(job.pages for job in jobs)
        # A cache of its own: saving into the cold run's would replace the records the rerun below
        # must find (it then printed every packet again and reported that as the rerun's time).
        warm_jobs = prepare_jobs(output, packets)
        warm_seconds = asyncio.run(warm_render(output, warm_jobs, RenderStore(Path(scratch) / "warm",
                                                                              Path(scratch) / "warm-cache"),
                                               args.jobs))
        finals = [job.final_html for job in warm_jobs]
        second_prints = sum(1 for job in jobs if job.prints > 1)
        launch = asyncio.run(launch_time())
        raw_tagged = asyncio.run(raw_print(finals, tagged=True))
        raw_plain = asyncio.run(raw_print(finals, tagged=False))

        command = [sys.executable, "-m", "jinggang", "--root", str(root), "packets", "--site-dir", str(site),
                   "--cache-dir", str(cache)]
        # RenderStore.restore leaves a packet with the cached bytes as it is; one printed again is
        # written anew (write_atomically).
        printed = file_stamps(store.output_dir)
        rerun_started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        rerun = time.perf_counter() - rerun_started
        if file_stamps(store.output_dir) != printed:
            # stderr: make bench keeps what a failed run said there.
            print("无变化重跑重新打印了讲义包，没有命中缓存：它的用时不能算作无变化重跑。", file=sys.stderr)
            return 1

    table = Table(title=f"讲义包渲染：{len(packets)} 个讲义包，共 {pages} 页，--jobs {args.jobs}，"
                        f"{second_prints} 个需要第二次打印校正目录页码")
    for column in ("测量", "用时（秒）", "页/秒", "比值"):
        table.add_column(column)
    rate = pages / ours
    table.add_row("jinggang packets（冷启动，含浏览器启动）", f"{ours:.2f}", f"{rate:.1f}", "")
    warm = pages / warm_seconds
    table.add_row(f"同一流程，浏览器已预热（启动约 {launch:.2f} 秒）", f"{warm_seconds:.2f}", f"{warm:.1f}", "")
    for label, seconds in (("原始 Chromium 打印（同样的 HTML，tagged + outline）", raw_tagged),
                           ("原始 Chromium 打印（同样的 HTML，不带标签）", raw_plain)):
        raw_rate = pages / seconds
        ratio = f"冷 {rate / raw_rate:.2f}，预热 {warm / raw_rate:.2f}"
        table.add_row(label, f"{seconds:.2f}", f"{raw_rate:.1f}", ratio)
    table.add_row("无变化重跑（子进程，全部命中缓存）", f"{rerun:.2f}", "", "目标 < 1.5 秒")
    console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
