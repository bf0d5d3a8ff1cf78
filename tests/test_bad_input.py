"""The bad-input corpus: every failing case must stop every command and keep the previous site.

tests/test_check.py holds each golden case's exact report and exit code from the loader. Here
the same cases go through the commands an editor or CI runs — `jinggang check`, `jinggang
build` and `jinggang packets` — on top of a site that was built before: each must exit 1,
name every file and line of the report, and leave the previous site/ and its PDFs byte for
byte as they were. Below them, the bad input a YAML case cannot write (pipes, folders and
links where files belong, files nobody may read, a mkdocs.yml that is not a file) goes
through the same commands in a process of its own, with a timeout, so a hang fails.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from jinggang.cli import run_build, run_check, run_downloads

from .conftest import forking, make_project, run_commands
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


# Each writes one bad input into the project (outside: a folder beside it) and returns the
# location the message must name.
def _fifo_page(project: Path, outside: Path) -> str:
    os.mkfifo(project / "docs/lessons/pipe.md")  # reading it blocks forever
    return "docs/lessons/pipe.md:1"


def _fifo_registry(project: Path, outside: Path) -> str:
    (project / "curriculum/people.yml").unlink()
    os.mkfifo(project / "curriculum/people.yml")
    return "curriculum/people.yml:1"


def _folder_named_like_a_page(project: Path, outside: Path) -> str:
    (project / "docs/lessons/fake.md").mkdir()
    return "docs/lessons/fake.md:1"


def _folder_named_like_a_registry(project: Path, outside: Path) -> str:
    (project / "curriculum/sites.yml").unlink()
    (project / "curriculum/sites.yml").mkdir()
    return "curriculum/sites.yml:1"


def _symlink_loop(project: Path, outside: Path) -> str:
    (project / "docs/lessons/loop.md").symlink_to(project / "docs/lessons/loop.md")
    return "docs/lessons/loop.md:1"


def _dangling_symlink(project: Path, outside: Path) -> str:
    (project / "docs/lessons/gone.md").symlink_to(project / "docs/lessons/missing.md")
    return "docs/lessons/gone.md:1"


def _symlink_to_dev_zero(project: Path, outside: Path) -> str:
    (project / "docs/lessons/zero.md").symlink_to("/dev/zero")  # reads until memory runs out
    return "docs/lessons/zero.md:1"


def _symlink_out_of_the_repository(project: Path, outside: Path) -> str:
    (outside / "secret.md").write_text("# 秘密\n", encoding="utf-8")
    (project / "docs/editors/secret.md").symlink_to(outside / "secret.md")
    return "docs/editors/secret.md:1"


def _symlinked_folder_out_of_the_repository(project: Path, outside: Path) -> str:
    (project / "docs/photos").symlink_to(outside)
    return "docs/photos:1"


def _unreadable(relative: str) -> Callable[[Path, Path], str]:
    def make(project: Path, outside: Path) -> str:
        (project / relative).chmod(0)  # chmod 000; the commands run without root's read override
        return f"{relative}:1"
    return make


def _mkdocs_yml_fifo(project: Path, outside: Path) -> str:
    (project / "mkdocs.yml").unlink()
    os.mkfifo(project / "mkdocs.yml")
    return "mkdocs.yml:1"


def _mkdocs_yml_folder(project: Path, outside: Path) -> str:
    (project / "mkdocs.yml").unlink()
    (project / "mkdocs.yml").mkdir()
    return "mkdocs.yml:1"


def _mkdocs_yml_missing(project: Path, outside: Path) -> str:
    (project / "mkdocs.yml").unlink()
    return "mkdocs.yml:1"


FILE_SYSTEM_CASES: dict[str, Callable[[Path, Path], str]] = {
    "fifo-page": _fifo_page, "fifo-registry": _fifo_registry,
    "folder-named-like-a-page": _folder_named_like_a_page,
    "folder-named-like-a-registry": _folder_named_like_a_registry,
    "symlink-loop": _symlink_loop, "dangling-symlink": _dangling_symlink, "symlink-to-dev-zero": _symlink_to_dev_zero,
    "symlink-out-of-the-repository": _symlink_out_of_the_repository,
    "symlinked-folder-out-of-the-repository": _symlinked_folder_out_of_the_repository,
    "unreadable-page": _unreadable("docs/lessons/sanwan-branch.md"),
    "unreadable-hand-written-page": _unreadable("docs/editors/index.md"),
    "unreadable-registry": _unreadable("curriculum/glossary.yml"),
    "unreadable-packet": _unreadable("curriculum/packets/sanwan-packet.yml"),
    "unreadable-folder": _unreadable("docs/sites"),
    "unreadable-mkdocs-yml": _unreadable("mkdocs.yml"),
    "mkdocs-yml-fifo": _mkdocs_yml_fifo, "mkdocs-yml-folder": _mkdocs_yml_folder,
    "mkdocs-yml-missing": _mkdocs_yml_missing,
}


def test_file_system_corpus_is_large_enough() -> None:
    assert len(FILE_SYSTEM_CASES) >= 15


@pytest.mark.parametrize("name", sorted(FILE_SYSTEM_CASES))
def test_file_system_bad_input_fails_every_command_and_keeps_the_site(
        name: str, tmp_path: Path, previous_site: tuple[Path, dict[str, str]]) -> None:
    site, before = previous_site
    project = forking(make_project(tmp_path / "project"))  # failing after the search's reader forked
    outside = tmp_path / "outside"
    outside.mkdir()
    location = FILE_SYSTEM_CASES[name](project, outside)
    try:
        results = run_commands(project, "check", "build", "packets", site_dir=site)
    finally:
        for path in (project, *project.rglob("*")):  # let pytest remove what the case made unreadable
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
    for command, (code, said) in results.items():
        assert code == 1, (command, said)
        assert f"{location}: 错误: " in said, (command, said)
        assert "Traceback" not in said and "内部错误" not in said, (command, said)
    assert digest(site) == before
    assert [path.name for path in site.parent.iterdir() if path.name.startswith("site.")] == []
