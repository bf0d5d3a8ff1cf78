"""The output spine: `jinggang site` reads the content once, unchanged outputs come from the
cache (the offline zips too), and the same HTML prints to the same bytes."""

from __future__ import annotations

import hashlib
import io
import os
import time
from pathlib import Path

import pikepdf
import pytest
from mkdocs.exceptions import MkDocsException

from jinggang.cli import main
from jinggang.content import loader
from jinggang.outputs import offline, printer
from jinggang.outputs.printer import Metadata, Printer, run_coroutine

pytestmark = pytest.mark.browser

ZIPS = ("downloads/offline/jinggang-site.zip", "downloads/routes/sanwan-day.zip")


def fingerprints(site: Path) -> dict[str, str]:
    return {name: hashlib.sha256((site / name).read_bytes()).hexdigest() for name in ZIPS}


@pytest.mark.usefixtures("own_browser")
def test_site_reads_the_content_once_and_reuses_unchanged_outputs(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    loads: list[Path] = []
    real_load = loader._load_content

    def counted(settings: loader.Settings) -> loader.LoadResult:
        loads.append(settings.docs_dir)
        return real_load(settings)

    launches: list[int] = []
    real_launch = printer._launch

    async def counted_launch() -> tuple[object, object]:
        launches.append(1)
        return await real_launch()

    monkeypatch.setattr(loader, "_load_content", counted)
    monkeypatch.setattr(printer, "_launch", counted_launch)
    assert main(["--root", str(project), "site"]) == 0
    # check, build, downloads and the offline build all read the same files: one load.
    assert len(loads) == 1
    # Share cards, packets, notes and field kits were all made, on one Chromium.
    assert len(launches) == 1
    site = project / "site"
    first = fingerprints(site)
    assert (site / "downloads/packets/sanwan-packet.pdf").is_file()
    assert (site / "downloads/slides/sanwan-talk.pptx").is_file()
    assert (site / "assets/share/lessons/sanwan-branch.png").is_file()

    capsys.readouterr()
    home_written = (site / "index.html").stat().st_mtime_ns
    assert main(["--root", str(project), "site"]) == 0
    # Nothing changed since a whole run: only the check runs, the site stays as it is.
    assert "都没有变化" in capsys.readouterr().err
    assert (site / "index.html").stat().st_mtime_ns == home_written

    (site / "sitemap.xml").unlink()  # the site is not what the last run left: everything runs
    assert main(["--root", str(project), "site"]) == 0
    err = capsys.readouterr().err
    assert "讲义包：共 1 个文件，新生成 0 个" in err and "研学手册：共 1 个文件，新生成 0 个" in err
    assert (site / "sitemap.xml").is_file()
    assert fingerprints(site) == first  # restored from the cache, not built again
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "data-jg-offline-size>（" in home  # the size is filled in on the cached path too

    lesson = project / "docs/lessons/sanwan-branch.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("三湾改编是建设新型人民军队的重要开端。",
                                                                 "三湾改编是建军史上的重要一步。"), encoding="utf-8")
    assert main(["--root", str(project), "site"]) == 0
    err = capsys.readouterr().err
    assert "新生成 1 个" in err  # the lesson's packet (and its card) again, nothing else
    assert fingerprints(site)[ZIPS[0]] != first[ZIPS[0]]

    # The offline site is built in a second process while the downloads render: its failure
    # is reported like the others', and the zips stay as they were.
    def broken(config_file: Path, output_dir: Path) -> str:
        raise MkDocsException("离线版的链接检查没有通过")

    monkeypatch.setattr(offline, "build_offline_site", broken)
    zips = fingerprints(site)
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("建军史上的重要一步", "建军史上的关键一步"),
                      encoding="utf-8")
    assert main(["--root", str(project), "site"]) == 1
    err = capsys.readouterr().err
    assert "离线版构建失败，原有离线包保持不变：离线版的链接检查没有通过" in err and "Traceback" not in err
    assert fingerprints(site) == zips


def test_site_keeps_the_previous_site_when_the_content_is_wrong(project: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(project), "build"]) == 0
    before = (project / "site/index.html").read_bytes()
    lesson = project / "docs/lessons/sanwan-branch.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("duration: ", "duration: -"), encoding="utf-8")
    capsys.readouterr()
    assert main(["--root", str(project), "site"]) == 1
    out = capsys.readouterr()
    assert "docs/lessons/sanwan-branch.md:" in out.out and "Traceback" not in out.err
    assert (project / "site/index.html").read_bytes() == before


def test_a_failed_build_stops_the_offline_build_quietly(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capfd: pytest.CaptureFixture[str]) -> None:
    def slow(config_file: Path, output_dir: Path) -> str:  # still building when the site build fails
        time.sleep(60)
        return ""

    monkeypatch.setattr(offline, "build_offline_site", slow)
    # The check passes, MkDocs (strict) refuses the link while the offline site builds beside it.
    started = time.perf_counter()
    editors = project / "docs/editors/index.md"
    editors.write_text(editors.read_text(encoding="utf-8") + "\n[坏链接](missing-page.md)\n", encoding="utf-8")
    assert main(["--root", str(project), "site"]) == 1
    err = capfd.readouterr().err  # fd 2: the second process writes there too
    assert "missing-page.md" in err and "构建失败，site/ 保持原样" in err
    assert "Traceback" not in err
    assert time.perf_counter() - started < 30  # stopped, not waited for


def test_same_html_prints_the_same_bytes_on_a_busy_browser(own_browser: None) -> None:
    # own_browser: a Printer of its own, launched and closed under asyncio.run, as `jinggang packets` runs it.
    # Chromium names table header cells after DOM node ids, a counter that every document the
    # browser loads moves on: without renumbering, the second print differed from the first.
    html = ('<html lang="zh-CN"><body><table><tr><th>站点</th><th>时间</th></tr>'
            "<tr><td>三湾</td><td>上午</td></tr></table></body></html>")
    metadata = Metadata("表格", "井冈传人编写组", "测试", "表格", "2026-01-01")
    printed: list[bytes] = []

    async def print_twice() -> None:
        printer = Printer(1)
        try:
            printed.append(await printer.print_document(html, metadata))
            printed.append(await printer.print_document(html, metadata))
        finally:
            await printer.close()

    run_coroutine(print_twice())
    assert printed[0] == printed[1]
    with pikepdf.open(io.BytesIO(printed[0])) as pdf:
        names = pdf.Root.StructTreeRoot.IDTree.Kids[0].Names
        assert [str(name) for name in names[::2]] == ["node00000001", "node00000002"]


def test_a_session_closed_while_its_browser_launches_ends_cleanly() -> None:
    """`jinggang site` starts Chromium early (launch_soon) and closes the session when it ends;
    a run with nothing to print can end while Chromium still starts. Closing then waited for
    ever, or raised CancelledError (an internal error), when the close cancelled Playwright's own
    tasks in the middle of the launch."""
    import threading

    for delay in (0.05, 0.3):
        session = printer.BrowserSession()
        session.launch_soon()
        time.sleep(delay)
        failures: list[BaseException] = []

        def close(session: printer.BrowserSession = session, failures: list[BaseException] = failures) -> None:
            try:
                session.close()
            except BaseException as error:  # CancelledError is not an Exception
                failures.append(error)

        closing = threading.Thread(target=close, daemon=True)
        closing.start()
        closing.join(timeout=60)
        assert not closing.is_alive(), "closing the session did not end"
        assert failures == []


def test_an_inner_session_leaves_the_outer_open_and_a_forked_process_forgets_it(own_browser: None) -> None:
    """Inside an outer one_browser() a run shares its Chromium and does not close it. The session's
    loop runs in a thread of the process that made it, which a forked process does not have: a
    print there would wait for ever."""
    with printer.one_browser() as session:
        with printer.one_browser() as inner:
            assert inner is session
            inner.close()  # as `jinggang site` closes its browser before the offline build
        assert printer._SESSION is session  # the inner one left it open
        child = os.fork()
        if child == 0:
            os._exit(0 if printer._SESSION is None else 1)
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    assert printer._SESSION is None
