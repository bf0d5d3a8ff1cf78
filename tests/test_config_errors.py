"""YAML and mkdocs.yml mistakes in Chinese: what went wrong, on which line, how to fix it.

The golden cases (tests/check_cases/config-*.yml, nav-missing-page, generated-page-hand-written)
hold the exact reports; here, the translation of PyYAML's English for the mistakes people
make by hand, and mkdocs.yml files that are not files at all.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from jinggang.content.yaml_errors import yaml_problem

# (YAML text, line of the mistake, words the Chinese message must hold)
MISTAKES = [
    ("title: 三湾: 改编\n", 1, "这里不能出现“键: 值”"),
    ("a:\n  b: 1\n c: 2\n", 3, "缩进对不上"),
    ("themes: [a, b\nc: 1\n", 2, "方括号 [ ] 没有闭合"),
    ("a: {x: 1\nb: 1\n", 2, "花括号 { } 没有闭合"),
    ('a: "abc\nb: 1\n', 3, "引号没有配对"),
    ("a:\n\tb: 1\n", 2, "Tab 字符"),
    ("a: 1\nb\nc: 2\n", 3, "缺少冒号"),
    ("a:\n  - x\n  b: 1\n", 3, "列表项和“键: 值”混在了同一级"),
    ('a: "C:\\q"\n', 1, "反斜杠"),
    ("a: - x\n", 1, "这里不能开始列表"),
    ("a: @x\n", 1, "字符 @ 不能出现在值的开头"),
    ("a: `x`\n", 1, "字符 ` 不能出现在值的开头"),
    ("a: *x\n", 1, "别名或锚点"),
    ("a: 1\n---\nb: 2\n", 2, "只能有一个 YAML 文档"),
    ("a: !foo x\n", 1, "不认识的 YAML 标签 !foo"),
    ("a: [\n", 2, "文件在括号或引号闭合之前就结束了"),
]


@pytest.mark.parametrize(("text", "line", "words"), MISTAKES, ids=[words for _, _, words in MISTAKES])
def test_yaml_mistakes_are_said_in_chinese(text: str, line: int, words: str) -> None:
    with pytest.raises(yaml.YAMLError) as raised:
        yaml.load(text, Loader=yaml.SafeLoader)
    problem = yaml_problem(raised.value, "docs/x.md")
    assert (problem.line, words in problem.message) == (line, True), problem.format()
    english = re.findall(r"[A-Za-z]{4,}", problem.message.replace("YAML", ""))
    assert problem.hint and english == [], problem.message


def test_an_unknown_mistake_keeps_pyyaml_words_in_the_hint() -> None:
    error = yaml.MarkedYAMLError(problem="something new went wrong")
    problem = yaml_problem(error, "curriculum/sites.yml")
    assert problem.message == "YAML 语法错误" and "something new went wrong" in problem.hint


def run_check(project: Path) -> subprocess.CompletedProcess[str]:
    """`jinggang check` in a process of its own: a read that blocks must fail the test, not hang it."""
    return subprocess.run([sys.executable, "-m", "jinggang", "--root", str(project), "check"],
                          capture_output=True, text=True, timeout=60, check=False)


def test_mkdocs_yml_that_is_not_a_file(project: Path) -> None:
    config = project / "mkdocs.yml"
    config.unlink()
    os.mkfifo(config)  # reading it would block forever
    completed = run_check(project)
    assert completed.returncode == 1
    assert "mkdocs.yml:1: 错误: 配置文件不是普通文件" in completed.stdout
    config.unlink()
    config.mkdir()
    completed = run_check(project)
    assert completed.returncode == 1
    assert "mkdocs.yml:1: 错误: mkdocs.yml 是一个目录，不是文件" in completed.stdout
    config.rmdir()
    completed = run_check(project)
    assert (completed.returncode, "mkdocs.yml:1: 错误: 找不到配置文件" in completed.stdout) == (1, True)
    assert "Traceback" not in completed.stdout + completed.stderr


def test_a_warning_that_does_not_stop_the_build_is_said_in_chinese(
        project: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    from jinggang.cli import run_build

    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("strict: true", "strict: true\nsite_nmae: x"),
                      encoding="utf-8")
    assert run_build(project, config, project / "site", strict=False) == 0
    said = capsys.readouterr().err + caplog.text
    assert "mkdocs.yml:12: 警告: 没有名为 site_nmae 的配置项" in said
    assert "Unrecognised configuration name" not in said


def test_inherit_naming_no_file(project: Path) -> None:
    config = project / "mkdocs.yml"
    config.write_text("INHERIT: base.yml\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    completed = run_check(project)
    assert completed.returncode == 1
    assert "mkdocs.yml:1: 错误: INHERIT 指向的配置文件 base.yml 不存在" in completed.stdout
