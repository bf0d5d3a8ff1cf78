"""A published build after an edit makes again only the pages that read what changed
(website/resume.py), and its site is byte for byte the site a clean build makes."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from jinggang.cli import run_build, run_offline
from jinggang.outputs.offline import OFFLINE_BUILD, SITE_ZIP
from jinggang.outputs.store import CACHE

from .conftest import build_site, make_project


def tree(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def page_times(site: Path) -> dict[str, int]:
    return {path.relative_to(site).as_posix(): path.stat().st_mtime_ns for path in site.rglob("*.html")}


def clean_build_of(project: Path, destination: Path) -> dict[str, bytes]:
    """The same content built from nothing, in a project of its own (no record, no site)."""
    shutil.rmtree(destination, ignore_errors=True)
    clean = make_project(destination)
    for name in ("docs", "curriculum"):
        shutil.rmtree(clean / name, ignore_errors=True)
        shutil.copytree(project / name, clean / name)
    assert run_build(clean, clean / "mkdocs.yml", clean / "site", strict=True) == 0
    return tree(clean / "site")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} has no {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def retitle(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^(title|name): (.+)$", r"\1: \2（修订）", text, count=1, flags=re.M), encoding="utf-8")


EDITS: list[tuple[str, Callable[[Path], None]]] = [
    ("a lesson's summary", lambda project: edit(project / "docs/lessons/bajiaolou-lamp.md",
                                                "一盏油灯讲起", "一盏油灯说起")),
    ("a lesson's title", lambda project: retitle(project / "docs/lessons/league-birth.md")),
    ("a guide's name", lambda project: retitle(project / "docs/sites/sanwan.md")),
    ("an event in the registry", lambda project: edit(project / "curriculum/events.yml",
                                                      "第一次全国代表大会召开", "第一次全国代表大会在上海召开")),
]


def test_a_build_after_an_edit_makes_only_what_it_affects_and_equals_a_clean_build(
        project_factory: Callable[..., Path], tmp_path: Path) -> None:
    project = project_factory("starter", fixture=None)
    site, config = project / "site", project / "mkdocs.yml"
    assert run_build(project, config, site, strict=True) == 0
    for what, change in EDITS:
        before = page_times(site)
        change(project)
        assert run_build(project, config, site, strict=True) == 0, what
        after = page_times(site)
        remade = sorted(page for page in after if after[page] != before.get(page))
        assert 0 < len(remade) < len(after) // 4, f"{what}: {len(remade)} of {len(after)} pages made again"
        assert tree(site) == clean_build_of(project, tmp_path / "clean"), what


def test_a_page_removed_since_the_last_build_leaves_the_site(project: Path) -> None:
    site, config = project / "site", project / "mkdocs.yml"
    lesson = project / "docs/lessons/sanwan-branch.md"
    extra = project / "docs/lessons/sanwan-branch-copy.md"
    extra.write_text(lesson.read_text(encoding="utf-8").replace("id: sanwan-branch", "id: sanwan-branch-copy"),
                     encoding="utf-8")
    assert run_build(project, config, site, strict=True) == 0
    assert (site / "lessons/sanwan-branch-copy/index.html").is_file()
    extra.unlink()
    assert run_build(project, config, site, strict=True) == 0
    assert not (site / "lessons/sanwan-branch-copy").exists()
    assert tree(site) == clean_build_of(project, project.parent / "clean")


def test_a_failed_build_after_an_edit_leaves_the_site_and_the_next_one_resumes(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site, config = project / "site", project / "mkdocs.yml"
    lesson = project / "docs/lessons/sanwan-branch.md"
    assert run_build(project, config, site, strict=True) == 0
    published = tree(site)
    edit(lesson, "sites: [sanwan]", "sites: [sanwann]")  # no such guide: the strict build stops
    assert run_build(project, config, site, strict=True) == 1
    assert "构建失败，site/ 保持原样" in capsys.readouterr().err
    assert tree(site) == published
    edit(lesson, "sites: [sanwann]", "sites: [sanwan]")
    edit(lesson, "duration: 15", "duration: 20")
    assert run_build(project, config, site, strict=True) == 0
    assert tree(site) == clean_build_of(project, project.parent / "clean")


def test_a_plain_build_after_a_resumed_one_in_the_same_process_makes_everything(project: Path) -> None:
    """MkDocs hands the same plugin object to every config of a process: what run_build set on
    it for a resumed build must not make a later plain build (a test's, `jinggang changes`') skip pages."""
    site, config = project / "site", project / "mkdocs.yml"
    lesson = project / "docs/lessons/sanwan-branch.md"
    assert run_build(project, config, site, strict=True) == 0
    edit(lesson, "duration: 15", "duration: 20")
    assert run_build(project, config, site, strict=True) == 0
    for duration in ("25", "30"):  # as `jinggang changes` and the benchmarks build: twice, from nothing
        edit(lesson, "duration: 20" if duration == "25" else "duration: 25", f"duration: {duration}")
        shutil.rmtree(site)
        build_site(project)
    clean = clean_build_of(project, project.parent / "clean")
    del clean[".jinggang-site"]  # run_build marks its folder, a plain build does not
    assert tree(site) == clean


def test_the_offline_build_resumes_too_and_its_zip_equals_a_clean_runs(project: Path) -> None:
    site, config = project / "site", project / "mkdocs.yml"
    lesson = project / "docs/lessons/sanwan-branch.md"
    assert run_build(project, config, site, strict=True) == 0
    assert run_offline(project, config, site) == 0
    kept = project / CACHE / OFFLINE_BUILD / "site"
    before = page_times(kept)
    edit(lesson, "duration: 15", "duration: 20")
    assert run_build(project, config, site, strict=True) == 0
    assert run_offline(project, config, site) == 0
    after = page_times(kept)
    assert 0 < sum(after[page] != before.get(page) for page in after) < len(after) // 2  # resumed

    clean = make_project(project.parent / "clean")
    for name in ("docs", "curriculum"):
        shutil.rmtree(clean / name)
        shutil.copytree(project / name, clean / name)
    assert run_build(clean, clean / "mkdocs.yml", clean / "site", strict=True) == 0
    assert run_offline(clean, clean / "mkdocs.yml", clean / "site") == 0
    assert (site / SITE_ZIP).read_bytes() == (clean / "site" / SITE_ZIP).read_bytes()
    assert tree(site) == tree(clean / "site")

