"""Golden tests of the editors' check: one YAML case per kind of problem.

Each case in tests/check_cases/ changes the minimal fixture (files written, deleted or
edited by text replacement) and gives the exact report and exit code expected.
Run `pytest tests/test_check.py --update-golden` to rewrite the expected reports after a
deliberate change of wording, then read the diff.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from jinggang.cli import check_problems
from jinggang.content.loader import Settings, load_content
from jinggang.content.problems import errors, format_report
from jinggang.content.source import KeyLines, read_page, read_registry

from .conftest import REPO, forking, make_project

CASES = sorted((Path(__file__).parent / "check_cases").glob("*.yml"))
TODAY = date(2026, 11, 26)


def apply_case(project: Path, case: dict[str, Any]) -> None:
    encodings = case.get("encoding", {})
    for relative, content in case.get("files", {}).items():
        target = project / relative
        if content is None:
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode(encodings.get(relative, "utf-8")))
    for relative, replacements in case.get("replace", {}).items():
        target = project / relative
        text = target.read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, f"{relative}: {old!r} not found; the case no longer fits the fixture"
            text = text.replace(old, new, 1)
        target.write_bytes(text.encode(encodings.get(relative, "utf-8")))
    for relative, (text, times) in case.get("append_repeated", {}).items():
        # Huge inputs are built here rather than stored in the case file.
        with (project / relative).open("a", encoding="utf-8") as target:
            target.write(text * times)
    for relative in case.get("prepend_bom", []):
        target = project / relative
        target.write_bytes(b"\xef\xbb\xbf" + target.read_bytes())


def report_for(project: Path) -> tuple[str, int]:
    """The report `jinggang check` prints for the project, on the golden cases' fixed day."""
    problems = check_problems(project / "mkdocs.yml", today=TODAY)
    return format_report(problems, annotations=False), 1 if errors(problems) else 0


@pytest.mark.parametrize("case_file", CASES, ids=[case.stem for case in CASES])
def test_check_case(case_file: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    project = make_project(tmp_path / "project")
    apply_case(project, case)
    report, exit_code = report_for(project)
    if request.config.getoption("--update-golden"):
        case_text = case_file.read_text(encoding="utf-8")
        head = case_text[: case_text.index("\nexpected:")] if "\nexpected:" in case_text else case_text.rstrip()
        block = "".join(f"  {line}\n" for line in report.splitlines())
        case_file.write_text(f"{head}\nexpected: |\n{block}exit: {exit_code}\n", encoding="utf-8")
        pytest.skip("golden file rewritten")
    assert report == case["expected"].rstrip("\n")
    assert exit_code == case["exit"]


def test_a_files_key_lines_tell_keys_from_indexes_survive_a_pickle_and_stay_packed(tmp_path: Path) -> None:
    """KeyLines: the line of each key path, "0" the key apart from 0 the index; unpacked for the
    file asked for last only (the model holds every file's)."""
    page = tmp_path / "page.md"
    page.write_text('---\ntitle: 三湾\n"0": 键\nsources:\n  - ref: a\n  - ref: b\n---\n正文\n', encoding="utf-8")
    source, problems = read_page(page, "docs/lessons/page.md")
    assert not problems
    assert [source.line_of(path) for path in (("title",), ("0",), ("sources", 0), ("sources", 1, "ref"),
                                              ("sources", 0, "missing"), ("absent",))] == [2, 3, 5, 6, 5, 1]
    assert source.line_of((0,)) == 1  # no index 0 at the top: the file's first line
    again = pickle.loads(pickle.dumps(source))
    assert again == source and again.line_of(("sources", 1)) == 6
    empty = tmp_path / "empty.yml"
    empty.write_text("", encoding="utf-8")
    assert read_registry(empty, "curriculum/empty.yml")[0].line_of(("id",)) == 1
    model = load_content(Settings.for_project(REPO)).model  # asks for lines of most files
    assert model is not None
    held = [getattr(lesson.source.key_lines, slot) for lesson in model.lessons.values() for slot in KeyLines.__slots__]
    assert held and not any(isinstance(value, dict) for value in held)


def test_minimal_fixture_is_clean(project: Path) -> None:
    report, exit_code = report_for(project)
    assert (report, exit_code) == ("", 0)


def test_starter_deck_that_asks_for_a_picture_is_warned_not_refused() -> None:
    """zhu-de-pole-talk's first slide says 展示图片 and has no licensed picture yet: a warning."""
    problems = load_content(Settings.for_project(REPO, today=TODAY)).problems
    assert not errors(problems)
    assert [(problem.line, problem.severity.value) for problem in problems
            if problem.path == "docs/lecturers/zhu-de-pole-talk.md" and "没有图片" in problem.message] == \
        [(27, "warning")]


def test_cli_reports_and_exits_non_zero(project: Path) -> None:
    lesson = project / "docs/lessons/sanwan-branch.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("duration: 15", "duration: 50"), encoding="utf-8")
    completed = subprocess.run([sys.executable, "-m", "jinggang", "--root", str(project), "check"],
                               capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}, check=False)
    assert completed.returncode == 1
    assert "docs/lessons/sanwan-branch.md:6: 错误: 字段 duration 的值 50 超出范围（上限 45）" in completed.stdout
    assert "::error" not in completed.stdout


def test_cli_prints_github_annotations(project: Path) -> None:
    lesson = project / "docs/lessons/sanwan-branch.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("sites: [sanwan]", "sites: [sanwann]"),
                      encoding="utf-8")
    completed = subprocess.run([sys.executable, "-m", "jinggang", "--root", str(project), "check"],
                               capture_output=True, text=True, check=False,
                               env={"PATH": "/usr/bin:/bin", "GITHUB_ACTIONS": "true"})
    assert completed.returncode == 1
    assert ("::error file=docs/lessons/sanwan-branch.md,line=8::找不到研学指南 'sanwann'（sites 引用了它）"
            "（你是不是想写 sanwan？）") in completed.stdout


def test_cli_passes_with_warnings_only(project: Path) -> None:
    guide = project / "docs/sites/sanwan.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace('verified: "2026-06-01"', "verified: null"),
                     encoding="utf-8")
    completed = subprocess.run([sys.executable, "-m", "jinggang", "--root", str(project), "check"],
                               capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}, check=False)
    assert completed.returncode == 0
    assert "docs/sites/sanwan.md:13: 警告: 参观信息未核实（verified: null）" in completed.stdout


LOADED_BY_A_CHECK = """
import sys
from jinggang.cli import main
import jinggang.website.plugin

def loaded():
    return sorted(name for name in ("pikepdf", "segno", "playwright", "pptx") if name in sys.modules)

print("plugin", loaded())
for command in ("check", "build"):
    print(command, main(["--root", sys.argv[1], command]), loaded())
"""


@pytest.mark.parametrize("forks", [False, True], ids=["in-process", "forked"])
def test_check_build_and_the_plugin_load_no_pdf_qr_browser_or_deck_library(forks: bool, tmp_path: Path) -> None:
    """The outputs' libraries are loaded by the outputs that use them: the plugin's module and
    `jinggang check` (run on every save by editors' tools) load none of them, and `jinggang build`
    only segno, where it draws the share panels' QR codes in its own process (a small site; a large
    one draws them in a forked process, and loads none). pikepdf loaded during a build also made a
    Ctrl-C there abort the process (nanobind's enums, half made, end it)."""
    project = make_project(tmp_path / "project")
    if forks:
        forking(project)
    ended = subprocess.run([sys.executable, "-c", LOADED_BY_A_CHECK, str(project)], capture_output=True,
                           text=True, timeout=120)
    said = [line for line in ended.stdout.splitlines() if line.startswith(("plugin ", "check ", "build "))]
    assert said == ["plugin []", "check 0 []", f"build 0 {[] if forks else ['segno']}"], ended.stdout + ended.stderr
