"""The dependency map: what each built file read of the model, and `changes` answering from it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from jinggang.bench.dependencies import copy_project, run_rounds
from jinggang.content.dependencies import (
    EVERYTHING,
    WILDCARD_AFTER,
    DependencyMap,
    Derived,
    changed_keys,
    compact,
    reading,
)
from jinggang.content.loader import Settings, load_content
from jinggang.content.problems import errors

from .conftest import REPO


def published_model(root: Path = REPO):  # type: ignore[no-untyped-def]
    result = load_content(Settings.for_project(root))
    assert result.model is not None
    return result.model.published_view()


def test_reads_are_recorded_by_field_listing_and_lookup() -> None:
    model = published_model()
    lesson_id = sorted(model.lessons)[0]
    with reading() as reads:
        model.lessons[lesson_id].title  # noqa: B018 (a read is what is recorded)
    assert reads == {f"lesson/{lesson_id}/@exists", f"lesson/{lesson_id}/title"}
    with reading() as reads:
        [lesson.summary for lesson in model.lessons.values()]
    assert "lesson/*/@ids" in reads and f"lesson/{lesson_id}/summary" in reads
    assert f"lesson/{lesson_id}/title" not in reads
    with reading() as reads:
        model.label("audience", "pioneers")
    assert reads == {"vocabulary/audience/pioneers"}
    with reading() as outer, reading() as inner:
        model.lessons[lesson_id].duration  # noqa: B018
    assert inner <= outer  # a file that used an inner result read what it read


def test_a_derived_value_adds_its_reads_to_every_file_that_uses_it() -> None:
    model = published_model()
    titles = Derived(lambda: sorted(lesson.title for lesson in model.lessons.values()))
    with reading() as first:
        titles.get()
    with reading() as second:
        titles.get()
    assert first == second and "lesson/*/@ids" in second


def test_many_reads_of_one_field_become_a_wildcard_that_still_meets_each_item() -> None:
    reads = {f"lesson/l{number}/title" for number in range(WILDCARD_AFTER + 1)} | {"lesson/l1/summary"}
    kept = compact(reads)
    assert kept == {"lesson/*/title", "lesson/l1/summary"}
    dependencies = DependencyMap({"a.html": kept, "b.html": {"lesson/l2/summary"}, "c.html": {EVERYTHING}})
    assert dependencies.affected({"lesson/l7/title"}) == ["a.html", "c.html"]
    assert dependencies.affected({"lesson/l2/summary"}) == ["b.html", "c.html"]
    assert dependencies.affected(set()) == []


def test_the_model_diff_names_the_changed_field_only() -> None:
    model = published_model()
    lesson = model.lessons[sorted(model.lessons)[0]]
    edited = replace(model, lessons={**model.lessons, lesson.id: replace(lesson, summary="改过的摘要")})
    assert changed_keys(model, model) == set()
    assert changed_keys(model, edited) == {f"lesson/{lesson.id}/summary"}
    without = replace(model, lessons={key: item for key, item in model.lessons.items() if key != lesson.id})
    removed = changed_keys(model, without)
    assert {"lesson/*/@ids", f"lesson/{lesson.id}/@exists", f"lesson/{lesson.id}/title"} <= removed
    assert all(entry == "lesson/*/@ids" or entry.startswith(f"lesson/{lesson.id}/") for entry in removed)


def test_a_build_saves_the_map_and_the_map_survives_a_round_trip(tmp_path: Path) -> None:
    dependencies = DependencyMap({"x/index.html": {"lesson/a/title", "file/docs/x.md/bytes"}}, "abc",
                                 {"x/index.html": "x.md"})
    dependencies.save(tmp_path / "map.json")
    loaded = DependencyMap.load(tmp_path / "map.json")
    assert loaded is not None and loaded.files == dependencies.files and loaded.pages == dependencies.pages
    (tmp_path / "map.json").write_text("{不是 JSON", encoding="utf-8")
    assert DependencyMap.load(tmp_path / "map.json") is None


def test_a_map_adds_to_a_files_keys_and_put_replaces_them() -> None:
    dependencies = DependencyMap()
    dependencies.add("a.html", {"lesson/x/title"})
    dependencies.add("a.html", {"lesson/y/title", "lesson/x/title"})
    assert dependencies.files["a.html"] == ("lesson/x/title", "lesson/y/title")
    assert dependencies.affected({"lesson/y/title"}) == ["a.html"]
    dependencies.put("a.html", ["lesson/z/date"])
    assert dependencies.files["a.html"] == ("lesson/z/date",)
    assert dependencies.affected({"lesson/y/title"}) == [] and dependencies.affected({"lesson/z/date"}) == ["a.html"]


def test_changes_names_every_page_and_pdf_a_random_single_field_edit_changes(tmp_path: Path) -> None:
    """Random edits to the starter content (summaries, titles, names, dates, lists, bodies); the
    over-approximation is printed (`make bench` reports it over more edits)."""
    rounds = run_rounds(copy_project(REPO, tmp_path / "project"), 5, seed=7)
    assert len(rounds) == 5
    assert [(result.edit, sorted(result.missed)) for result in rounds if result.missed] == []
    assert sum(len(result.changed) for result in rounds) > 0  # the edits did change files


def test_a_download_whose_reads_did_not_change_would_print_the_same_after_random_edits(tmp_path: Path) -> None:
    """outputs/prepared.py restores a job unprepared when none of its reads changed: after each
    random single-field edit, every job it would restore, prepared afresh, has its old digest
    (the cache's key: the same HTML and inputs, the same bytes)."""
    import contextlib
    import io
    import random

    from jinggang.bench.dependencies import git, random_edit
    from jinggang.cli import DOWNLOADS, _download_output, render_context
    from jinggang.outputs.pipeline import prepare_jobs
    from jinggang.outputs.prepared import PreparedRecord
    from jinggang.outputs.store import RenderStore

    root = copy_project(REPO, tmp_path / "project")

    def prepared_now() -> dict[str, tuple[dict[str, str], list[tuple[str, str, frozenset[str]]]]]:
        context, problems = render_context(root / "mkdocs.yml")
        assert context is not None, problems
        by_command = {}
        for command, (folder, _label) in DOWNLOADS.items():
            output, items = _download_output(command, context, RenderStore(tmp_path / folder, tmp_path / "cache"))
            jobs = prepare_jobs(output, items)
            assert all(job.digest for job in jobs), [job.error for job in jobs]
            by_command[command] = (context.model_digests, [(job.name, job.digest, job.reads) for job in jobs])
        return by_command

    before = prepared_now()
    for command, (digests, jobs) in before.items():
        PreparedRecord(tmp_path / f"{command}.json", "inputs", digests).save(jobs)
    rng = random.Random(11)
    restored = prepared_again = rounds = 0
    while rounds < 4:
        with contextlib.redirect_stdout(io.StringIO()):
            edit = random_edit(root, rng)
        if edit is None or (result := load_content(Settings.for_project(root))).model is None \
                or errors(result.problems):
            git(root, "checkout", "--quiet", "--", ".")
            continue
        rounds += 1
        for command, (digests, jobs) in prepared_now().items():
            kept = PreparedRecord(tmp_path / f"{command}.json", "inputs", digests).unchanged()
            wrong = [name for name, digest, _reads in jobs if name in kept and kept[name][0] != digest]
            assert wrong == [], f"{edit}: {command} would restore {wrong}, whose HTML changed"
            restored += len(kept)
            prepared_again += len(jobs) - len(kept)
        git(root, "checkout", "--quiet", "--", ".")
    # The edits left most downloads as they were, and some not: both paths were taken.
    assert restored > prepared_again > 0
