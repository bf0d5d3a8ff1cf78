"""The output folder guard: a build replaces its output folder, so it must never be ours to lose.

Each refused case runs the real command line in tmp_path and asserts the project is byte for
byte untouched; the staging tests assert nothing is left beside the site on any exit path.
"""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jinggang.cli import main, run_build
from jinggang.outputs import site_folder
from jinggang.outputs.site_folder import MARKER

from .conftest import forking, make_project


def snapshot(tree: Path) -> dict[str, str]:
    return {path.relative_to(tree).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(tree.rglob("*")) if path.is_file() and not path.is_symlink()}


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if ".new-" in path.name or ".old-" in path.name)


@pytest.mark.parametrize("site_dir", [".", "", "docs", "curriculum", "docs/lessons", "..", ".git"])
def test_refused_output_folders_leave_the_project_untouched(
        site_dir: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path / "project")
    (project / ".git").mkdir()
    (project / ".git/HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    before = snapshot(tmp_path)
    monkeypatch.chdir(project)
    assert main(["--root", str(project), "build", "--site-dir", site_dir]) == 1
    err = capsys.readouterr().err
    assert "构建失败：输出目录" in err
    assert "Traceback" not in err
    assert snapshot(tmp_path) == before
    assert leftovers(project) == [] and leftovers(tmp_path) == []


def test_downloads_refuse_the_project_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(tmp_path / "project")
    before = snapshot(project)
    for command in ("packets", "slides", "routes", "offline"):
        assert main(["--root", str(project), command, "--site-dir", str(project / "docs")]) == 1
        assert "在项目的 docs/ 里" in capsys.readouterr().err
    assert snapshot(project) == before


def test_non_empty_folder_without_marker_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(tmp_path / "project")
    mine = tmp_path / "my-files"
    mine.mkdir()
    (mine / "notes.txt").write_text("重要", encoding="utf-8")
    assert run_build(project, project / "mkdocs.yml", mine, strict=True) == 1
    assert "不是空目录" in capsys.readouterr().err
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "重要"
    assert leftovers(tmp_path) == []


def test_empty_folder_is_built_marked_and_rebuilt(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    out = tmp_path / "out"
    out.mkdir()
    assert run_build(project, project / "mkdocs.yml", out, strict=True) == 0
    assert (out / MARKER).is_file() and (out / "index.html").is_file()
    assert run_build(project, project / "mkdocs.yml", out, strict=True) == 0
    assert leftovers(tmp_path) == []


def test_leftovers_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    stale = project / f"site.new-{dead}-abc"
    stale.mkdir()
    (stale / MARKER).write_text("x", encoding="utf-8")
    (stale / "index.html").write_text("old", encoding="utf-8")
    foreign = project / f"site.new-{dead}-unmarked"  # not ours: no marker, kept
    foreign.mkdir()
    assert run_build(project, project / "mkdocs.yml", project / "site", strict=True) == 0
    assert leftovers(project) == [foreign.name]


def test_failed_swap_on_a_full_disk_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(tmp_path / "project")
    site = project / "site"
    assert run_build(project, project / "mkdocs.yml", site, strict=True) == 0
    before = snapshot(site)

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(site))

    monkeypatch.setattr(site_folder, "swap_in", full)
    assert run_build(project, project / "mkdocs.yml", site, strict=True) == 1
    err = capsys.readouterr().err
    assert "无法写入输出目录" in err and "磁盘空间" in err
    assert snapshot(site) == before
    assert leftovers(project) == []


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_signal_during_build_removes_the_staging_folder(signal_number: int, tmp_path: Path) -> None:
    project = forking(make_project(tmp_path / "project"))  # the build's forked work under way too
    jinggang = Path(sys.executable).with_name("jinggang")
    process = subprocess.Popen([str(jinggang), "--root", str(project), "build"], cwd=project,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not leftovers(project) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.poll() is None, "the build ended before it could be interrupted"
    os.kill(process.pid, signal_number)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "已中断" in err and "Traceback" not in err
    assert leftovers(project) == []
    assert not (project / "site").exists()


INTERRUPTED_WHILE_LOADING = """
import importlib.abc, os, signal, sys

class Interrupting(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "jinggang.content":  # first imported by jinggang.cli, amid its imports
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, Interrupting())
sys.argv = ["jinggang", "--root", sys.argv[1], "check"]
from jinggang.command import run
run()
"""


INTERRUPTED_WHILE_READING_ARGUMENTS = """
import argparse, os, signal, sys

parse_args = argparse.ArgumentParser.parse_args

def interrupted(parser, *args, **kwargs):  # before the command's own handling of Ctrl-C begins
    os.kill(os.getpid(), signal.SIGINT)
    return parse_args(parser, *args, **kwargs)

argparse.ArgumentParser.parse_args = interrupted
sys.argv = ["jinggang", "--root", sys.argv[1], "check"]
from jinggang.command import run
run()
"""


@pytest.mark.parametrize("script", [INTERRUPTED_WHILE_LOADING, INTERRUPTED_WHILE_READING_ARGUMENTS],
                         ids=["loading", "reading-arguments"])
def test_ctrl_c_while_the_command_starts_is_said_without_a_traceback(script: str, tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    ended = subprocess.run([sys.executable, "-c", script, str(project)], capture_output=True,
                           text=True, timeout=60, cwd=project)
    assert ended.returncode == 130, ended.stderr
    assert "已中断" in ended.stderr and "Traceback" not in ended.stderr and "Error" not in ended.stderr


def test_immutable_output_folder_is_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """chattr +i on the site: the swap cannot rename it, and the build says so and keeps it."""
    project = make_project(tmp_path / "project")
    site = project / "site"
    assert run_build(project, project / "mkdocs.yml", site, strict=True) == 0
    before = snapshot(site)
    made = subprocess.run(["chattr", "+i", str(site)], capture_output=True, text=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"chattr +i is not possible here: {made.stderr.strip()}")
    try:
        assert run_build(project, project / "mkdocs.yml", site, strict=True) == 1
    finally:
        subprocess.run(["chattr", "-i", str(site)], check=True)
    err = capsys.readouterr().err
    assert "构建失败，site/ 保持原样" in err and "Traceback" not in err, err
    assert "操作不被允许" in err or "没有读取权限" in err, err
    assert snapshot(site) == before
    assert leftovers(project) == []


def test_what_a_whole_run_read_changes_with_each_input(tmp_path: Path) -> None:
    # `jinggang site` skips a run only when none of these changed (outputs/site_run.py).
    from datetime import date

    from jinggang.outputs.site_run import SiteInputs, inputs_digest, site_listing

    project = make_project(tmp_path / "project")
    inputs = SiteInputs(root=project, config_file=project / "mkdocs.yml",
                        folders=(project / "docs", project / "curriculum", project / "site_overrides"),
                        site_dir=project / "site", today=date(2026, 11, 27))
    first = inputs_digest(inputs)
    assert inputs_digest(inputs) == first
    seen = {first}
    edits = [project / "docs/lessons/sanwan-branch.md", project / "curriculum/vocabularies.yml",
             project / "site_overrides/main.html", project / "mkdocs.yml"]
    for file in edits:
        file.write_text(file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        seen.add(inputs_digest(inputs))
    (project / "docs/images").mkdir(exist_ok=True)
    (project / "docs/images/new.png").write_bytes(b"\x89PNG")
    seen.add(inputs_digest(inputs))
    seen.add(inputs_digest(SiteInputs(**{**vars(inputs), "today": date(2026, 11, 28)})))
    seen.add(inputs_digest(SiteInputs(**{**vars(inputs), "site_dir": tmp_path / "elsewhere"})))
    assert len(seen) == len(edits) + 4

    site = project / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>井冈传人</h1>", encoding="utf-8")
    listed = site_listing(site)
    assert site_listing(site) == listed
    os.utime(site / "index.html", ns=(0, 0))
    assert site_listing(site) != listed
