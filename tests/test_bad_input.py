"""The bad-input corpus: every failing case of tests/check_cases/ must stop every command.

tests/test_check.py holds each case's exact report and exit code from the loader. Here the
same cases go through the commands an editor or CI runs — `jinggang check`, `jinggang build`
and `jinggang packets` — on top of a site that was built before: each must exit 1, name
every file and line of the report, and leave the previous site/ and its PDFs byte for byte
as they were.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from jinggang.cli import run_build, run_check, run_downloads

from .conftest import make_project
from .test_check import CASES, apply_case

FAILING = [case for case in CASES if yaml.safe_load(case.read_text(encoding="utf-8"))["exit"] == 1]
ERROR_LOCATION = re.compile(r"^\s*(\S+:\d+): 错误: ", re.M)


def digest(tree: Path) -> dict[str, str]:
    return {path.relative_to(tree).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(tree.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def previous_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The minimal fixture built once, with its packet PDF: what a failed build must leave alone."""
    project = make_project(tmp_path_factory.mktemp("previous") / "project")
    site = project / "site"
    assert run_build(project, project / "mkdocs.yml", site, strict=True) == 0
    assert run_downloads(project, project / "mkdocs.yml", site, "packets", jobs=1, only=[]) == 0
    assert list((site / "downloads/packets").glob("*.pdf"))
    return site, digest(site)


def test_corpus_is_large_enough() -> None:
    assert len(FAILING) >= 30


@pytest.mark.parametrize("case_file", FAILING, ids=[case.stem for case in FAILING])
def test_bad_input_fails_every_command_and_keeps_the_site(
        case_file: Path, tmp_path: Path, previous_site: tuple[Path, dict[str, str]],
        capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    case: dict[str, Any] = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    locations = sorted(set(ERROR_LOCATION.findall(case["expected"])))
    assert locations, "a failing case names at least one file and line"
    site, before = previous_site
    project = make_project(tmp_path / "project")
    apply_case(project, case)
    config = project / "mkdocs.yml"

    assert run_check(project, config) == 1
    checked = capsys.readouterr().out
    assert [location for location in locations if f"{location}: 错误: " not in checked] == []

    caplog.set_level(logging.ERROR, logger="mkdocs")
    assert run_build(project, config, site, strict=True) == 1
    built = capsys.readouterr().err + caplog.text
    assert "构建失败，site/ 保持原样" in built
    assert [location for location in locations if f"{location}: 错误: " not in built] == []

    assert run_downloads(project, config, site, "packets", jobs=1, only=[]) == 1
    printed = capsys.readouterr()
    assert [location for location in locations if location not in printed.out + printed.err] == []

    assert digest(site) == before
    assert [path.name for path in site.parent.iterdir() if path.name.startswith("site.")] == []
    shutil.rmtree(project, ignore_errors=True)
