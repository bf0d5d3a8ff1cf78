"""The benchmarks page: a run with --keep-earlier replaces what it measured and keeps the rest, marked."""

from __future__ import annotations

from pathlib import Path

import pytest

from jinggang.bench.scale import EARLIER, PACKETS_HEADING, Row, earlier_page, kept_with, render_page


def test_a_partial_run_keeps_the_earlier_rows_marked(tmp_path: Path) -> None:
    page = tmp_path / "benchmarks.md"
    first = [Row("站点构建，2000 课（插件 / 纯 Material）", "40.0 秒 / 25.0 秒 = 1.60 倍", "≤ 1.3 倍", False),
             Row("搜索：之后的查询（中位数），2000 课，在线", "31 毫秒", "≤ 100 毫秒", True),
             Row("搜索：第一次查询读取的字节，2000 课", "0.29 MB")]
    page.write_text(render_page(first, "讲义包：62 页", "机器 A", "## 搜索引擎对比（2000 课，同一份内容）\n\n表"),
                    encoding="utf-8")
    rows, sections = earlier_page(page)
    assert rows == first
    assert set(sections) == {"## 搜索引擎对比（2000 课，同一份内容）", PACKETS_HEADING}

    again = [Row("站点构建，2000 课（插件 / 纯 Material）", "38.0 秒 / 25.0 秒 = 1.52 倍", "≤ 1.3 倍", False),
             Row("make site，什么都没改", "1.0 秒", "≤ 3 秒", True)]
    merged = kept_with(again, rows)
    assert [row.measure for row in merged] == [first[0].measure, first[1].measure + EARLIER,
                                               first[2].measure + EARLIER, again[1].measure]
    assert merged[0].value.startswith("38.0") and merged[1].value == "31 毫秒"
    written = render_page(merged, "", "机器 B", "", "".join(sections.values()))
    assert "较早测量" in written and "讲义包：62 页" in written and "表" in written
    page.write_text(written, encoding="utf-8")
    # Marked rows read back under their own names: the next partial run replaces them.
    assert [row.measure for row in earlier_page(page)[0]] == [row.measure for row in [*first, again[1]]]


def test_a_runs_memory_counts_the_processes_it_forks(tmp_path: Path) -> None:
    """The build rows' memory (scale.measured) sums every process of the run: a child that holds
    120 MB of its own while its parent holds little shows in the total, not in the parent's."""
    import sys

    from jinggang.bench.scale import measured

    holding = ("import os, time\n"
               "if os.fork() == 0:\n"
               "    block = bytearray(120 * 1024 * 1024)\n"
               "    time.sleep(1.5)\n"
               "    os._exit(0)\n"
               "os.wait()\n")
    run = measured([sys.executable, "-c", holding], tmp_path)
    assert run.memory >= 120 > run.main_memory
    assert run.seconds >= 1.5


def test_a_measure_worded_anew_replaces_its_earlier_row_in_place() -> None:
    """A run whose row for the same measure reads differently (a note in （） added, 10 edits now 30)
    replaces the earlier row where it stood, instead of leaving the old figure beside the new one;
    another size is another measure."""
    earlier = [Row("站点构建，500 课（插件 / 纯 Material）", "14.1 秒 / 10.0 秒 = 1.41 倍", "≤ 1.3 倍", False),
               Row("jinggang changes：10 次随机单字段修改，漏列的页面和 PDF", "0", "0", True),
               Row("站点构建，10000 课（插件 / 纯 Material）", "140.3 秒 / 128.1 秒 = 1.10 倍", "≤ 1.3 倍", True)]
    fastest = "（插件 / 纯 Material；交替各 2 次，取最快）"
    now = [Row("jinggang changes：30 次随机单字段修改，漏列的页面和 PDF", "0", "0", True),
           Row(f"站点构建，500 课{fastest}", "5.8 秒 / 5.3 秒 = 1.10 倍", "≤ 1.3 倍", True),
           Row(f"站点构建，2000 课{fastest}", "18.8 秒 / 16.6 秒 = 1.13 倍", "≤ 1.3 倍", True)]
    merged = kept_with(now, earlier)
    assert [row.measure for row in merged] == [now[1].measure, now[0].measure, earlier[2].measure + EARLIER,
                                               now[2].measure]
    # A measure reworded twice left two earlier rows: the new figure stands once, in the first one's place.
    twice = [Row("站点构建，500 课（插件 / 纯 Material；取最快）", "6.0 秒 / 5.2 秒 = 1.15 倍", "≤ 1.3 倍", True),
             *earlier]
    assert [row.measure for row in kept_with(now, twice)] == [row.measure for row in merged]
    # Two rows of one run that the key cannot tell apart: an error, not one silently kept.
    with pytest.raises(ValueError, match="无法区分"):
        kept_with([now[1], Row("站点构建，500 课（另一种构建）", "1.0 秒")], earlier)
