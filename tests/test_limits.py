"""Inputs that hang, exhaust memory or crash a naive reader: each is one clean error, quickly.

What a golden YAML case cannot express lives here: FIFOs, symlinks (to /dev/zero, out of the
repository, in a loop), a folder named like a page, and bodies with a huge number of slides
or headings, bounded so that quadratic parsing (minutes) would fail the test.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from jinggang.cli import main
from jinggang.content.loader import Settings, load_content
from jinggang.content.problems import MAX_OF_ONE_KIND, errors, format_report

from .conftest import forking, run_commands


def report(project: Path) -> str:
    started = time.perf_counter()
    result = load_content(Settings.for_project(project))
    # A hang guard, not a speed measure: quadratic parsing of these inputs took minutes, and
    # the bound leaves room for a loaded machine (speed is measured by make bench).
    assert time.perf_counter() - started < 60, "the check must not hang on hostile input"
    assert errors(result.problems)
    return format_report(result.problems, annotations=False)


@pytest.fixture
def lessons(project: Path) -> Path:
    return project / "docs/lessons"


def test_fifo_named_like_a_lesson(lessons: Path, project: Path) -> None:
    os.mkfifo(lessons / "pipe.md")
    assert "docs/lessons/pipe.md:1: 错误: 这不是普通文件" in report(project)


def test_symlink_to_dev_zero(lessons: Path, project: Path) -> None:
    (lessons / "zero.md").symlink_to("/dev/zero")
    text = report(project)
    assert "docs/lessons/zero.md:1: 错误: 符号链接指向仓库以外" in text


def test_symlinks_leaving_the_repository(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# 秘密\n", encoding="utf-8")
    (project / "docs/editors").mkdir(exist_ok=True)
    (project / "docs/editors/secret.md").symlink_to(outside / "secret.md")
    (project / "docs/folder").symlink_to(outside)
    text = report(project)
    assert "docs/editors/secret.md:1: 错误: 符号链接指向仓库以外" in text
    assert "docs/folder:1: 错误: 符号链接指向仓库以外" in text


def test_symlink_loop_and_dangling_link(lessons: Path, project: Path) -> None:
    (lessons / "loop.md").symlink_to(lessons / "loop.md")
    (lessons / "gone.md").symlink_to(lessons / "missing.md")
    text = report(project)
    assert "docs/lessons/loop.md:1: 错误: 符号链接指向不存在的文件，或者链接成环" in text
    assert "docs/lessons/gone.md:1: 错误: 符号链接指向不存在的文件，或者链接成环" in text


def test_folder_named_like_a_page(lessons: Path, project: Path) -> None:
    (lessons / "fake.md").mkdir()
    assert "docs/lessons/fake.md:1: 错误: fake.md 是一个目录，不是文件" in report(project)


def test_hundred_thousand_slides_is_one_error_quickly(project: Path) -> None:
    talk = project / "docs/lecturers/sanwan-talk.md"
    talk.write_text(talk.read_text(encoding="utf-8") + "## 页\n- 点\n\n讲稿：\n话\n\n" * 100_000, encoding="utf-8")
    text = report(project)
    assert "正文太长" in text or "标题太多" in text or "文件太大" in text
    assert text.count("错误:") < 5


def test_many_headings_give_one_error(project: Path) -> None:
    lesson = project / "docs/lessons/sanwan-branch.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n### 小节\n" * 20_000, encoding="utf-8")
    text = report(project)
    assert "正文的标题太多（20,000 个，上限 300）" in text or "正文太长" in text
    assert text.count("错误:") < 5


def test_errors_of_one_kind_are_capped(project: Path) -> None:
    lesson = project / "docs/lessons/sanwan-branch.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n<span onclick=\"x()\">点</span>\n" * 500,
                      encoding="utf-8")
    text = report(project)
    assert text.count("onclick 属性会运行脚本") == MAX_OF_ONE_KIND
    assert "同类问题还有 450 个，没有逐条列出" in text


def test_unreadable_build_input_is_a_message_not_a_traceback(
        lessons: Path, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(lessons / "pipe.md")
    (lessons / "fake.md").mkdir()
    for command in (["check"], ["build"], ["packets"]):
        assert main(["--root", str(project), *command]) == 1
        captured = capsys.readouterr()
        assert "Traceback" not in captured.out + captured.err
        assert "docs/lessons/pipe.md:1" in captured.out + captured.err
    assert not (project / "site").exists()


def test_broken_mkdocs_yml_is_a_message_with_its_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = project / "mkdocs.yml"
    lines = config.read_text(encoding="utf-8").count("\n")
    config.write_text(config.read_text(encoding="utf-8") + "site_name: [\n", encoding="utf-8")
    for command in (["check"], ["build"], ["packets"]):
        assert main(["--root", str(project), *command]) == 1
        captured = capsys.readouterr()
        assert "Traceback" not in captured.out + captured.err
        assert f"mkdocs.yml:{lines + 2}: 错误: 文件在括号或引号闭合之前就结束了" in captured.out + captured.err


def test_annotation_escapes_the_file_name() -> None:
    from jinggang.content.problems import Problem

    annotation = Problem("docs/a\n::error file=x,line=1::forged.md", 3, "消息").github_annotation()
    assert "\n" not in annotation and annotation.count("::") == 2


# Unreadable files: chmod 000 as root, the commands run without root's read override
# (conftest.run_commands), in a process of their own with a timeout.

UNREADABLE = {
    "lesson": ("docs/lessons/sanwan-branch.md", "docs/lessons/sanwan-branch.md:1: 错误: 无法读取文件：没有读取权限"),
    "registry": ("curriculum/sites.yml", "curriculum/sites.yml:1: 错误: 无法读取文件：没有读取权限"),
    "folder": ("docs/sites", "docs/sites:1: 错误: 无法读取这个目录"),
    "config": ("mkdocs.yml", "mkdocs.yml:1: 错误:"),
}


@pytest.mark.parametrize("kind", sorted(UNREADABLE))
def test_unreadable_file_is_a_message_in_every_command(kind: str, project: Path) -> None:
    relative, expected = UNREADABLE[kind]
    forking(project)  # the build fails after the search's reader has forked, as a large site's would
    (project / relative).chmod(0)
    try:
        results = run_commands(project, "check", "build", "packets")
    finally:
        (project / relative).chmod(0o755 if (project / relative).is_dir() else 0o644)
    for command, (code, said) in results.items():
        assert code == 1, (command, said)
        assert expected in said, (command, said)
        assert "Traceback" not in said and "内部错误" not in said, (command, said)
    assert not (project / "site").exists()


@pytest.mark.parametrize("make", ["folder", "fifo", "dangling-symlink"])
def test_registry_that_is_not_a_readable_file(make: str, project: Path) -> None:
    registry = project / "curriculum/people.yml"
    registry.unlink()
    if make == "folder":
        registry.mkdir()
    elif make == "fifo":
        os.mkfifo(registry)
    else:
        registry.symlink_to(project / "curriculum/nobody.yml")
    expected = {"folder": "people.yml 是一个目录，不是文件", "fifo": "这不是普通文件",
                "dangling-symlink": "无法读取文件：文件不存在"}[make]
    for command, (code, said) in run_commands(project, "check", "build", "packets").items():
        assert code == 1, (command, said)
        assert f"curriculum/people.yml:1: 错误: {expected}" in said, (command, said)
        assert "Traceback" not in said, (command, said)
