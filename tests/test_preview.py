"""The editor's preview (`make serve`, website/preview.py) makes again exactly what an edit changes."""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import pickle
import random
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.commands.build import build

from jinggang.bench.dependencies import copy_project, git, random_edit
from jinggang.bench.preview import wait_for
from jinggang.content.dependencies import model_digests
from jinggang.content.loader import Settings, load_content, remembering_files
from jinggang.content.problems import errors
from jinggang.outputs.fonts import site_font_files
from jinggang.website.config_file import load_mkdocs_config
from jinggang.website.packet_builder import copy_print_fonts
from jinggang.website.plugin import JinggangPlugin
from jinggang.website.search import (
    ForSideWork,
    IndexMemo,
    SearchIndex,
    SearchPage,
    UnreadPage,
    read_and_write_search,
    search_page,
)
from jinggang.website.search import pages as search_pages
from jinggang.website.search.extract import page_sections
from jinggang.website.search.index import read_page_urls, read_spool

from .conftest import REPO

# Made from every page's date or from every file: not compared byte for byte (see below).
NOT_COMPARED = ("sitemap.xml", "sitemap.xml.gz", "sw.js")


def _build(project: Path, site_dir: Path, *, dirty: bool) -> JinggangPlugin:
    config = load_mkdocs_config(project / "mkdocs.yml", site_dir=str(site_dir), strict=False)
    plugin = config.plugins["jinggang"]
    assert isinstance(plugin, JinggangPlugin)
    plugin.on_startup(command="serve", dirty=dirty)
    build(config, dirty=dirty)
    return plugin


def _files(site_dir: Path) -> dict[str, bytes]:
    return {path.relative_to(site_dir).as_posix(): path.read_bytes() for path in site_dir.rglob("*")
            if path.is_file() and path.name not in NOT_COMPARED}


def _valid_edit(project: Path, rng: random.Random) -> str:
    for _attempt in range(30):
        with contextlib.redirect_stdout(io.StringIO()):
            edit = random_edit(project, rng)
        result = load_content(Settings.for_project(project))
        if edit is not None and result.model is not None and not errors(result.problems):
            return edit
        git(project, "checkout", "--quiet", "--", ".")
    raise AssertionError("no valid edit in 30 attempts")


def test_after_random_edits_the_preview_equals_a_clean_build(tmp_path: Path) -> None:
    """Each edit: the preview's dirty build beside a clean build of the same content; every page,
    script, feed and picture must be the same bytes (the sitemap's dates and the service worker's
    stamp of every file are left out: MkDocs rewrites them on each build)."""
    project = copy_project(REPO, tmp_path / "project")
    preview, clean = tmp_path / "preview", tmp_path / "clean"
    plugin = _build(project, preview, dirty=True)
    rng = random.Random(5)
    try:
        for _round in range(3):
            edit = _valid_edit(project, rng)
            started = time.perf_counter()
            _build(project, preview, dirty=True)
            seconds = time.perf_counter() - started
            plugin.settle()  # the preview writes the search index after the pages
            state, plugin.last_build = plugin.last_build, None
            _build(project, clean, dirty=False)
            plugin.last_build = state
            preview_files, clean_files = _files(preview), _files(clean)
            differing = sorted(path for path in clean_files if preview_files.get(path) != clean_files[path])
            assert differing == [], f"{edit}：预览与重新构建不同 {differing}"
            print(f"{edit}：预览重建 {seconds:.2f} 秒")
    finally:
        plugin.last_build = None
        plugin.on_shutdown()


@contextlib.contextmanager
def serving(project: Path, log: Path | None = None) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([str(Path(REPO / ".venv/bin/mkdocs")), "serve", "--dirty", "--dev-addr",
                               f"127.0.0.1:{port}"], cwd=project, stdout=subprocess.DEVNULL,
                              stderr=log.open("w") if log else subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/"
        assert wait_for(base, "<html", 120) is not None, "mkdocs serve did not start"
        with urllib.request.urlopen(base, timeout=5) as response:
            yield response.geturl()
    finally:
        server.send_signal(signal.SIGINT)  # an editor's Ctrl-C: MkDocs stops its plugins too
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.terminate()
            server.wait(timeout=30)
            raise


def _edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.skipif(not (REPO / ".venv/bin/mkdocs").exists(), reason="make setup installs mkdocs into .venv")
def test_make_serve_shows_edits_to_pages_registers_and_templates(tmp_path: Path) -> None:
    project = copy_project(REPO, tmp_path / "project")
    lesson = sorted(path for path in (project / "docs/lessons").glob("*.md") if path.name != "index.md")[0]
    with serving(project) as base:
        _edit(lesson, "summary: ", "summary: 预览里改的摘要，")
        assert wait_for(f"{base}lessons/{lesson.stem}/", "预览里改的摘要", 60) is not None
        assert wait_for(f"{base}lessons/", "预览里改的摘要", 10) is not None  # the catalog lists the summary
        events = project / "curriculum/events.yml"
        _edit(events, "summary: ", "summary: 预览里改的事件，")  # curriculum/ is watched too
        assert wait_for(f"{base}timeline/", "预览里改的事件", 60) is not None
        footer = project / "site_overrides/jinggang/footer.html"
        _edit(footer, "</", "<span>预览里改的模板</span></")  # site_overrides/: every page again
        assert wait_for(f"{base}lessons/{lesson.stem}/", "预览里改的模板", 60) is not None
        _edit(lesson, "title: ", "title: 预览里改的标题")
        assert wait_for(f"{base}lessons/{lesson.stem}/", "预览里改的标题", 60) is not None
    # The pinyin keys the preview made are saved when it stops, for the next build (website/order.py).
    saved = json.loads((project / ".cache/jinggang/reading-keys.json").read_text(encoding="utf-8"))["keys"]
    assert any(text.startswith("预览里改的标题") for text in saved)


@pytest.mark.skipif(not (REPO / ".venv/bin/mkdocs").exists(), reason="make setup installs mkdocs into .venv")
def test_make_serve_builds_once_for_a_save_and_not_for_its_own_reads(tmp_path: Path) -> None:
    """The preview watches by change events (website/preview.py watch_events): a save starts one
    build, and the files a build reads (opened, closed unwritten) start none."""
    project = copy_project(REPO, tmp_path / "project")
    lesson = sorted(path for path in (project / "docs/lessons").glob("*.md") if path.name != "index.md")[0]
    log = tmp_path / "serve.log"

    def builds() -> int:
        return log.read_text(encoding="utf-8").count("Detected file changes")

    with serving(project, log) as base:
        time.sleep(2)
        assert builds() == 0
        _edit(lesson, "summary: ", "summary: 只构建一次，")
        assert wait_for(f"{base}lessons/{lesson.stem}/", "只构建一次", 60) is not None
        time.sleep(3)  # a build that read files would have started the next one by now
        assert builds() == 1


def test_a_title_edit_makes_again_only_the_trails_it_changes(tmp_path: Path) -> None:
    """Previous/next (website/trail.py) are one key per page: a lesson's new title remakes the
    lesson pages whose neighbours change, not every lesson page that read the ordered list."""
    project = copy_project(REPO, tmp_path / "project")
    plugin = _build(project, tmp_path / "preview", dirty=True)
    try:
        assert plugin.trails is not None
        lessons = [neighbour.src_uri for neighbour in plugin.trails.in_order("lessons")]
        moved = lessons[1]  # to the end of the list: zuo4 sorts after the other titles
        before = {uri: plugin.trails.trail_for(uri) for uri in lessons}
        _edit(project / "docs" / moved, "title: ", "title: 座")
        _build(project, tmp_path / "preview", dirty=True)
        assert plugin.trails.in_order("lessons")[-1].src_uri == moved
        after = {uri: plugin.trails.trail_for(uri) for uri in lessons}
        changed = {uri for uri in lessons if before[uri] != after[uri]}
        assert changed == {lessons[0], moved, lessons[2], lessons[-1]}
        remade = {path for path in plugin.affected or ()
                  if path.startswith("lessons/") and path != "lessons/index.html"}
        assert remade == {f"{uri.removesuffix('.md')}/index.html" for uri in changed}
        # The lists show every title: made again, with the other lessons' entries kept (EntryMemo),
        # and the same bytes as a clean build.
        memo = plugin.entry_memo
        kept = [key for key, entry in memo.current.items() if memo.last.get(key) is entry]
        assert {key[1] for key in kept} == {"catalog", "lesson_list", "timeline"}
        assert not any(key[3] == moved.removeprefix("lessons/").removesuffix(".md") for key in kept)
        plugin.settle()
        state, plugin.last_build = plugin.last_build, None
        _build(project, tmp_path / "clean", dirty=False)
        plugin.last_build = state
        for page in ("lessons/index.html", "browse/audience/index.html", "browse/themes/index.html",
                     "timeline/index.html"):
            assert (tmp_path / "preview" / page).read_bytes() == (tmp_path / "clean" / page).read_bytes(), page
    finally:
        plugin.last_build = None
        plugin.on_shutdown()


def _linked_fonts(fonts_dir: Path, into: Path) -> Path:
    """The installed print fonts with each font file linked, not copied (one can be replaced)."""
    for package in fonts_dir.iterdir():
        for file in package.rglob("*"):
            target = into / file.relative_to(fonts_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            if file.is_file() and file.parent.name == "files":
                target.symlink_to(file.resolve())
            elif file.is_file():
                target.write_bytes(file.read_bytes())
    return into


def test_the_preview_copies_again_only_the_print_fonts_that_changed(tmp_path: Path) -> None:
    """copy_print_fonts: an unchanged copy (its source's size and time) is left, not written again;
    a copy changed in the site or a changed installed font is copied again, as a full build copies it."""
    fonts = _linked_fonts(REPO / "node_modules/@fontsource", tmp_path / "fonts")
    site = tmp_path / "site"
    copy_print_fonts(fonts, site)
    names = sorted(site_font_files(fonts))
    untouched, damaged, replaced = names[0], names[1], names[2]
    written = (site / untouched).stat().st_mtime_ns, (site / untouched).stat().st_ino
    (site / damaged).write_bytes(b"changed in the site")
    source = site_font_files(fonts)[replaced]
    source.unlink()
    source.write_bytes(b"a new version of the font")
    time.sleep(0.01)
    copy_print_fonts(fonts, site)
    assert ((site / untouched).stat().st_mtime_ns, (site / untouched).stat().st_ino) == written
    assert (site / damaged).read_bytes() == site_font_files(fonts)[damaged].read_bytes()
    assert (site / replaced).read_bytes() == b"a new version of the font"


def _search_page(number: int, text: str) -> SearchPage:
    html = f"<p>{text}</p><h2 id='h'>第{number}节</h2><p>{text}在三湾。</p>"
    return SearchPage(f"lessons/{number}/", f"微团课{number}", "微团课", tuple(page_sections(html, f"微团课{number}")))


def _folder(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def test_the_preview_writes_the_search_files_of_changed_pages_only(tmp_path: Path) -> None:
    """The preview's index (IndexMemo): the same files as an index written whole, with the files of
    pages that did not change left as they were and the files of a page that went removed."""
    pages = [_search_page(number, f"赖经邦{number}在东固") for number in range(40)]
    memo, preview = IndexMemo(), tmp_path / "preview"
    SearchIndex(pages, memo).write(preview)
    untouched = preview / "search/pages/3.js"
    before = untouched.stat().st_mtime_ns, untouched.stat().st_ino
    (preview / "search/pages/5.js").write_text("changed in the site", encoding="utf-8")
    for edited in ([*pages[:10], _search_page(10, "曾炳春在茶陵"), *pages[11:]], pages[:20]):
        time.sleep(0.01)
        SearchIndex(edited, memo).write(preview)
        whole = tmp_path / f"whole-{len(edited)}"
        SearchIndex(edited).write(whole)
        assert _folder(preview / "search") == _folder(whole / "search")
        assert (untouched.stat().st_mtime_ns, untouched.stat().st_ino) == before
    assert not (preview / "search/pages/20.js").exists()


def test_the_forked_reader_writes_the_index_a_whole_write_gives(tmp_path: Path) -> None:
    """A whole build's search process (read_and_write_search) tokenizes each page as it arrives, in
    MkDocs's order; its files equal those of an index of the same pages written at once, in
    address order, and it keeps the pages it read for the next build (pickled apart)."""
    sent = [(f"lessons/{number}.md", f"<p>赖经邦{number}在东固</p><h2 id='h'>第{number}节</h2><p>曾炳春在茶陵。</p>",
             f"lessons/{number}/", f"微团课{number}", "微团课") for number in (7, 3, 12, 0, 25, 1)]
    inbox, outbox = multiprocessing.Pipe(duplex=False)
    for message in sent:
        outbox.send(message)
    outbox.close()
    kept = tmp_path / "cache/site-build.search-new.pickle"
    assert read_and_write_search(tmp_path / "forked", tmp_path / "spool", kept)(inbox) == (len(sent), None)
    with kept.open("rb") as stream:
        pages = read_spool(stream)
    assert sorted(pages) == sorted(message[0] for message in sent)
    whole = [search_page(html, url, title, kind) for _, html, url, title, kind in sorted(sent)]
    SearchIndex(whole).write(tmp_path / "whole")
    assert _folder(tmp_path / "forked/search") == _folder(tmp_path / "whole/search")
    assert [pages[uri] for uri in sorted(pages)] == whole
    # A spool cut short (its build killed as it wrote) is not read as whole: the next build makes everything.
    ended = kept.read_bytes()
    kept.write_bytes(ended[:-len(pickle.dumps(None))])
    with kept.open("rb") as stream, pytest.raises(EOFError):
        read_spool(stream)
    # Not kept for a next build: the same index, spooled through a file that is gone after.
    inbox, outbox = multiprocessing.Pipe(duplex=False)
    for message in sent:
        outbox.send(message)
    outbox.close()
    assert read_and_write_search(tmp_path / "unkept", tmp_path / "spool")(inbox) == (len(sent), None)
    assert _folder(tmp_path / "unkept/search") == _folder(tmp_path / "whole/search")
    assert not list((tmp_path / "spool").iterdir())


def test_the_search_process_reads_waiting_pages_before_its_side_work(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The search's process writes the packet builder's scripts too (ForSideWork, SideWork): a page
    that waits in its pipe is read before the next step of that work, so that MkDocs's process,
    which sends the pages, waits at most one step; the steps left are done before the index is
    written. Here each step sends what MkDocs would send meanwhile: a page, then the pipe's end."""
    done: list[str] = []
    inbox, outbox = multiprocessing.Pipe(duplex=False)

    def page(number: int) -> tuple[str, str, str, str, str]:
        return f"p{number}.md", f"<p>第{number}页</p>", f"p{number}/", f"第{number}页", "页面"

    class Steps:
        def __init__(self) -> None:
            self.left = 0

        def receive(self, order: int) -> None:
            done.append(f"receive {order}")
            self.left = order

        def step(self) -> bool:
            done.append(f"step {self.left}")
            if self.left == 3:
                outbox.send(page(1))
            elif self.left == 2:
                outbox.close()
            self.left -= 1
            return self.left > 0

        def finish(self) -> str:
            while self.left and self.step():
                pass
            return "finished"

    def read(html: str, url: str, title: str, kind: str) -> SearchPage:
        done.append(f"page {url}")
        return search_page(html, url, title, kind)

    monkeypatch.setattr(search_pages, "search_page", read)
    outbox.send(ForSideWork(3))
    outbox.send(page(0))
    assert read_and_write_search(tmp_path / "site", tmp_path / "spool", side=Steps())(inbox) == (2, "finished")
    assert done == ["receive 3", "page p0/", "step 3", "page p1/", "step 2", "step 1"]
    assert len(read_page_urls(tmp_path / "site")) == 2


def test_a_load_that_remembers_files_equals_a_fresh_load(tmp_path: Path) -> None:
    """The preview's loads (remembering_files) check again what an edit affects: a quotation edited
    in a page, a register entry the unchanged pages quote or cite, a lecturer's slides; each load's
    problems and model (and the preview's remembered digests of it) equal a fresh load's."""
    project = copy_project(REPO, tmp_path / "project")
    settings, memo, digest_memo = Settings.for_project(project), {}, {}

    def same_as_fresh(label: str) -> None:
        with remembering_files(memo):
            remembered = load_content(settings)
        fresh = load_content(settings)
        shown = [(p.path, p.line, p.message, p.hint, p.severity) for p in remembered.problems]
        assert shown == [(p.path, p.line, p.message, p.hint, p.severity) for p in fresh.problems], label
        # The preview's digests, remembered by item, too.
        assert model_digests(remembered.model, digest_memo) == model_digests(fresh.model), label

    same_as_fresh("首次")
    lesson, quotes = project / "docs/lessons/long-march-spirit.md", project / "curriculum/quotes.yml"
    lecturer = project / "docs/lecturers/sanwan-to-jinggang.md"
    edits = [(lesson, "都要走好自己的长征路", "都要走完自己的那段长征路", "引文与登记的原文不一致"),
             (quotes, "都要走好自己的长征路", "都要走完自己的那段长征路", "引文与登记的原文不一致"),
             (lecturer, "讲稿（3 分钟）", "讲稿（13 分钟）", None),
             (lecturer, "## 一道难题", "## 一道难题\n\n## 第二个标题", None),
             # A register the unchanged lesson cites: its citation's digest changes.
             (project / "curriculum/sources.yml", "title: 在纪念红军长征胜利80周年大会上的讲话",
              "title: 在纪念红军长征胜利八十周年大会上的讲话", None)]
    for file, old, new, expected in edits:
        text = file.read_text(encoding="utf-8")
        _edit(file, old, new)
        with remembering_files(memo):
            problems = load_content(settings).problems
        assert expected is None or any(expected in problem.message for problem in problems), new
        same_as_fresh(new)
        file.write_text(text, encoding="utf-8")
        same_as_fresh(f"{new}（改回）")

    # Edits to another file than the page checked: a picture the page shows, a heading it links to.
    other = project / "docs/lessons/sanwan-branch-in-company.md"
    picture = project / "docs/images/check-picture.png"
    picture.parent.mkdir(exist_ok=True)
    picture.write_bytes(b"\x89PNG\r\n")
    _edit(lesson, "## 导入", "## 导入\n\n![三湾的枫树](../images/check-picture.png)\n\n"
          "见[支部建在连上](sanwan-branch-in-company.md#导入)。")
    same_as_fresh("图片和锚点链接")
    picture.unlink()
    with remembering_files(memo):
        assert any("check-picture.png 不存在" in problem.message for problem in load_content(settings).problems)
    same_as_fresh("图片删掉了")
    _edit(other, "## 导入", "## 引入")
    with remembering_files(memo):
        assert any("#导入 在目标页面里不存在" in problem.message for problem in load_content(settings).problems)
    same_as_fresh("锚点的标题改了")


def test_a_search_index_a_later_build_replaces_is_not_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    """The preview's builds do not wait for the last index: each writer waits for the one before and
    for no build to run, reads the pages its build made (UnreadPage) and writes; one whose index a
    later build replaced writes nothing; the folder ends as the latest index."""
    written: list[int] = []
    write = SearchIndex.write

    def counted(index: SearchIndex, site_dir: Path) -> None:
        written.append(len(index.pages))
        write(index, site_dir)

    monkeypatch.setattr(SearchIndex, "write", counted)
    plugin, release = JinggangPlugin(), threading.Event()
    plugin.search_writer = threading.Thread(target=release.wait)  # the last build's writer, still busy
    plugin.search_writer.start()
    pages = [_search_page(number, f"赖经邦{number}在东固") for number in range(12)]
    # The latest build made pages 10 and 11 again: they reach its writer as built, unread.
    unread = [UnreadPage(f"<p>赖经邦{number}在东固</p><h2 id='h'>第{number}节</h2><p>赖经邦{number}在东固在三湾。</p>",
                         f"lessons/{number}/", f"微团课{number}", "微团课") for number in (10, 11)]
    for built in (pages[:5], [*pages[:10], *unread]):
        plugin.search_writes += 1
        plugin.search_writer = threading.Thread(target=plugin._write_search, args=(
            built, tmp_path / "preview", plugin.search_writer, plugin.search_writes))
        plugin.search_writer.start()
    plugin.idle.clear()  # a build runs: no writer works meanwhile
    release.set()
    time.sleep(0.3)
    assert written == [] and not (tmp_path / "preview/search").exists()
    assert all(page.html for page in unread)  # not read while a build runs either
    plugin.idle.set()
    plugin.settle()
    monkeypatch.setattr(SearchIndex, "write", write)
    SearchIndex(pages).write(tmp_path / "whole")
    assert written == [12]
    assert _folder(tmp_path / "preview/search") == _folder(tmp_path / "whole/search")


def test_the_preview_writes_again_builder_scripts_removed_from_the_site(tmp_path: Path) -> None:
    """The builder's remembered scripts are not looked at one by one while their folder is as the
    last build left it; a script or folder removed from the site is written again."""
    project = copy_project(REPO, tmp_path / "project")
    preview, clean = tmp_path / "preview", tmp_path / "clean"
    plugin = _build(project, preview, dirty=True)
    try:
        items = preview / "packets/builder/items"
        removed = sorted((items / "lessons").glob("*.js"))[0]
        removed.unlink()
        shutil.rmtree(items / "sites")
        lesson = sorted(path for path in (project / "docs/lessons").glob("*.md") if path.name != "index.md")[-1]
        _edit(lesson, "summary: ", "summary: 预览里改的摘要，")  # the catalog: the builder is made again
        _build(project, preview, dirty=True)
        plugin.settle()
        state, plugin.last_build = plugin.last_build, None
        _build(project, clean, dirty=False)
        plugin.last_build = state
        assert removed.is_file()
        assert _folder(items) == _folder(clean / "packets/builder/items")
    finally:
        plugin.last_build = None
        plugin.on_shutdown()


def test_the_theme_loader_lists_what_mkdocs_keeps_without_walking_hidden_folders(tmp_path: Path) -> None:
    """VisibleFilesLoader (website/preview.py) lists the files MkDocs copies from a theme: all but
    those with a hidden part (a name starting with a dot), which MkDocs drops: Material's 14,348 icons."""
    from jinja2 import FileSystemLoader

    from jinggang.website.preview import VisibleFilesLoader

    theme, overrides = tmp_path / "theme", tmp_path / "overrides"
    for name in ("main.html", "assets/app.js", "assets/.cache/old.js", ".icons/a/b.svg", "partials/x.html"):
        (theme / name).parent.mkdir(parents=True, exist_ok=True)
        (theme / name).write_text("x", encoding="utf-8")
    for name in ("main.html", "assets/site.css", ".hidden.css"):
        (overrides / name).parent.mkdir(parents=True, exist_ok=True)
        (overrides / name).write_text("x", encoding="utf-8")
    folders = [str(overrides), str(theme)]
    every = FileSystemLoader(folders).list_templates()
    assert ".icons/a/b.svg" in every
    kept = [name for name in every if "/." not in "/" + name]
    assert VisibleFilesLoader(folders).list_templates() == kept
    assert kept == ["assets/app.js", "assets/site.css", "main.html", "partials/x.html"]
