"""The synthetic content generator (benchmarks, scale tests): valid content, the counts asked for, never docs/."""

from __future__ import annotations

from pathlib import Path

import pytest

from jinggang.bench.generate import REPO, generate
from jinggang.content.loader import Settings, load_content
from jinggang.content.problems import errors, format_report


def test_generated_content_is_valid_and_sized(tmp_path: Path) -> None:
    project = generate(tmp_path / "big", lessons=60, guides=12, lecturers=5, packets=4, seed=7)
    result = load_content(Settings.for_project(project))
    assert errors(result.problems) == [], format_report(errors(result.problems))
    model = result.model
    assert model is not None
    assert (len(model.lessons), len(model.site_guides), len(model.lecturers), len(model.packets)) == (60, 12, 5, 4)
    # The same seed gives the same tree.
    again = generate(tmp_path / "again", lessons=60, guides=12, lecturers=5, packets=4, seed=7)
    for file in sorted((project / "docs").rglob("*.md")):
        assert file.read_bytes() == (again / file.relative_to(project)).read_bytes()


def test_generator_never_writes_into_the_project(tmp_path: Path) -> None:
    for destination in (REPO, REPO / "docs", REPO / "docs/lessons/more"):
        with pytest.raises(ValueError):
            generate(destination, lessons=20)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy/file").write_text("x", encoding="utf-8")
    with pytest.raises(ValueError):
        generate(tmp_path / "busy", lessons=20)
