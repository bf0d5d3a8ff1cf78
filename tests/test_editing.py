"""The editors' pull-request workflow: jinggang new, changes, summary, the workflows and editor setup."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from jinggang import cli
from jinggang.content.loader import Settings, load_content
from jinggang.content.problems import Severity, errors, format_report
from jinggang.content.schemas import SchemaSet
from jinggang.content.source import read_registry
from jinggang.editing.commands import changed_route_ids
from jinggang.editing.coords import gcj02_to_bd09, to_wgs84, wgs84_to_gcj02
from jinggang.editing.new import NewError, NewRequest, create
from jinggang.editing.placeholders import placeholder_problems

from .conftest import REPO, build_site, make_project

TODAY = date(2026, 11, 26)
WORKFLOWS = REPO / ".github" / "workflows"


def jinggang(project: Path, *args: str) -> int:
    return cli.main(["--root", str(project), *args])


def check(project: Path) -> tuple[str, int]:
    settings = Settings.for_project(project, today=TODAY)
    problems = [*load_content(settings).problems, *placeholder_problems(settings)]
    return format_report(problems, annotations=False), 1 if errors(problems) else 0


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


# --- jinggang new -------------------------------------------------------------------------

NEW_CASES = {
    "lesson": (["--title", "黄洋界上炮声隆", "--audience", "pioneers", "--theme", "jinggangshan-spirit",
                "--event", "sanwan-reorganization", "--duration", "20", "--source", "zgcd-lishi-1"],
               "docs/lessons/new-item.md", "lessons/new-item"),
    "site-guide": (["--title", "测试纪念馆", "--audience", "middle-school", "--theme", "party-history",
                    "--source", "zgcd-lishi-1"], "docs/sites/new-item.md", "sites/new-item"),
    "lecturer": (["--title", "三湾再出发", "--audience", "league-members", "--group", "youth-lecturers",
                  "--lesson", "sanwan-branch", "--duration", "12", "--source", "zgcd-lishi-1"],
                 "docs/lecturers/new-item.md", "lecturers/new-item"),
    "packet": (["--title", "新的讲义包", "--audience", "league-members", "--lesson", "sanwan-branch",
                "--site-guide", "sanwan", "--handout", "sanwan-branch"],
               "curriculum/packets/new-item.yml", "lecturers"),
    "route": (["--title", "三湾半日行", "--audience", "league-members", "--site", "sanwan"],
              "curriculum/routes/new-item.yml", "routes/new-item"),
}
TITLES = {"lesson": "黄洋界上炮声隆", "site-guide": "测试纪念馆", "lecturer": "三湾再出发", "packet": "新的讲义包",
          "route": "三湾半日行"}


@pytest.mark.parametrize("kind", sorted(NEW_CASES))
def test_new_file_passes_the_check_and_appears_in_the_build(kind: str, project: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    flags, path, url = NEW_CASES[kind]
    # review: on the published site (a draft, packets and routes too, is not built)
    assert jinggang(project, "new", kind, "new-item", *flags, "--status", "review", "--no-input") == 0
    output = capsys.readouterr().out
    assert "已新建" in output and path in output and "下一步" in output
    assert (project / path).is_file()
    report, exit_code = check(project)
    assert exit_code == 0, report
    # The only reminders are about the new file's placeholders (and a guide's unverified visitor information).
    assert re.findall(r"^(\S+?):\d+: 警告", report, re.M) == [path] * (2 if kind == "site-guide" else 1)
    site = build_site(project)
    assert TITLES[kind] in page(site, url)
    if kind == "site-guide":
        assert "- id: new-item\n  name: 测试纪念馆\n" in (project / "curriculum/sites.yml").read_text(encoding="utf-8")
    if kind == "packet":
        assert "downloads/packets/new-item.pdf" in page(site, "lecturers")
    if kind == "route":
        assert "三湾半日行" in page(site, "routes") and "三湾半日行" in page(site, "sites/sanwan")


def test_new_items_are_drafts_shown_only_in_the_preview(project: Path) -> None:
    assert jinggang(project, "new", "lesson", "draft-lesson", "--title", "草稿微团课", "--audience", "pioneers",
                    "--theme", "party-history", "--source", "zgcd-lishi-1", "--no-input") == 0
    text = (project / "docs/lessons/draft-lesson.md").read_text(encoding="utf-8")
    assert "status: draft" in text
    sections = [line for line in text.splitlines() if line.startswith("## ")]
    assert sections == ["## 导入", "## 讲述", "## 互动", "## 小结"]
    site = build_site(project)
    assert not (site / "lessons/draft-lesson").exists()

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "preview"))
    config.plugins.on_startup(command="serve", dirty=False)  # as `mkdocs serve` does
    try:
        build(config, serve_url="http://127.0.0.1:8000/")
    finally:
        # MkDocs keeps plugin objects that have on_startup for the whole process; end the
        # "serve" as `mkdocs serve` does, or later builds in this process would show drafts.
        config.plugins.on_shutdown()
    preview = page(project / "preview", "lessons/draft-lesson")
    assert "草稿预览" in preview and "草稿微团课" in preview


def test_new_refuses_an_id_in_use(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (project / "docs/lessons/sanwan-branch.md").read_bytes()
    assert jinggang(project, "new", "lesson", "sanwan-branch", "--title", "重复", "--audience", "pioneers",
                    "--theme", "party-history", "--source", "zgcd-lishi-1", "--no-input") == 1
    assert "标识 sanwan-branch 已经被 docs/lessons/sanwan-branch.md 使用了" in capsys.readouterr().err
    assert (project / "docs/lessons/sanwan-branch.md").read_bytes() == before
    assert jinggang(project, "new", "packet", "sanwan-packet", "--title", "重复", "--audience", "pioneers",
                    "--lesson", "sanwan-branch", "--no-input") == 1
    assert "curriculum/packets/sanwan-packet.yml 使用了" in capsys.readouterr().err


def test_new_says_every_wrong_value_with_a_suggestion(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert jinggang(project, "new", "lesson", "Bad_Id", "--title", "标题", "--audience", "pionners",
                    "--theme", "party-histroy", "--site", "sanwam", "--duration", "60", "--source", "zgcd-lishi",
                    "--no-input") == 1
    err = capsys.readouterr().err
    assert "标识 'Bad_Id' 不能用" in err
    assert "你是不是想写 pioneers？" in err and "你是不是想写 party-history？" in err
    assert "找不到研学指南 'sanwam'：你是不是想写 sanwan？" in err
    assert "时长 60 分钟超出范围" in err
    assert "找不到出处 'zgcd-lishi'：你是不是想写 zgcd-lishi-1？" in err
    assert not list((project / "docs/lessons").glob("*ad*"))


def test_new_without_a_terminal_names_the_missing_flags(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert jinggang(project, "new", "lecture", "talk", "--no-input") == 1  # the kind's old word
    assert "类型 lecture 已改名为 lecturer：请运行 jinggang new lecturer talk" in capsys.readouterr().err
    assert jinggang(project, "new", "lecturer", "talk", "--no-input") == 1
    err = capsys.readouterr().err
    assert ("缺少：--title 标题；--audience 适用对象；--group 宣讲团；--lesson 对应微团课的标识；"
            "--source 出处（curriculum/sources.yml 中的标识）。") in err
    assert "jinggang new lecturer talk --title" in err


def test_new_asks_in_a_terminal(project: Path) -> None:
    # An empty title is asked again; 9 is no option; a source is asked by id, a title is no id.
    answers = iter(["", "井冈山会师", "9", "1 middle-school", "2", "中国共产党历史", "zgcd-lishi-1"])
    asked: list[str] = []
    said: list[str] = []

    def ask(question: str) -> str:
        asked.append(question)
        return next(answers)

    settings = Settings.for_project(project, today=TODAY)
    created = create(NewRequest(kind="lesson", id="huishi"), settings, ask=ask, say=said.append)
    text = created.path.read_text(encoding="utf-8")
    assert "title: 井冈山会师\n" in text and "audience: [pioneers, middle-school]\n" in text
    assert "themes: [soviet-spirit]\n" in text and "updated: 2026-11-26\n" in text
    assert "sources:\n  - {source: zgcd-lishi-1}" in text
    assert "没有“9”这一项，请重新输入。" in said
    assert "  1. pioneers（少先队员）" in said
    assert "出处登记表 curriculum/sources.yml 中有：zgcd-lishi-1" in said
    assert any(line.startswith("找不到出处 '中国共产党历史'") for line in said)
    assert len(asked) == 7


def test_new_asks_again_for_an_unknown_lesson(project: Path) -> None:
    answers = iter(["三湾宣讲", "league-members", "1", "sanwan-brunch", "sanwan-branch", "zgcd-lishi-1"])
    said: list[str] = []
    settings = Settings.for_project(project, today=TODAY)
    created = create(NewRequest(kind="lecturer", id="talk"), settings, ask=lambda _question: next(answers),
                     say=said.append)
    assert "找不到微团课 'sanwan-brunch'：你是不是想写 sanwan-branch？" in said
    text = created.path.read_text(encoding="utf-8")
    assert "group: youth-lecturers\n" in text and "lessons: [sanwan-branch]\n" in text


def test_new_site_guide_for_a_registered_site_uses_its_name(project: Path) -> None:
    registry = project / "curriculum/sites.yml"
    before = registry.read_text(encoding="utf-8")
    assert jinggang(project, "new", "site-guide", "huangyangjie", "--audience", "pioneers", "--theme", "party-history",
                    "--source", "zgcd-lishi-1", "--no-input") == 0
    assert registry.read_text(encoding="utf-8") == before  # already registered: not added twice
    assert "name: 黄洋界哨口\n" in (project / "docs/sites/huangyangjie.md").read_text(encoding="utf-8")
    assert check(project)[1] == 0


def test_new_packet_refuses_drafts_and_unknown_entries(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert jinggang(project, "new", "lesson", "draft-one", "--title", "草稿", "--audience", "pioneers",
                    "--theme", "party-history", "--source", "zgcd-lishi-1", "--no-input") == 0
    # A packet in review goes to print: it may not hold a draft (a draft packet may, it is not built).
    assert jinggang(project, "new", "packet", "pack", "--title", "讲义包", "--audience", "pioneers",
                    "--lesson", "draft-one", "--lecturer", "sanwan-tallk", "--status", "review", "--no-input") == 1
    err = capsys.readouterr().err
    assert "微团课 draft-one 还是草稿" in err and "找不到讲师资料 'sanwan-tallk'：你是不是想写 sanwan-talk？" in err
    assert not (project / "curriculum/packets/pack.yml").exists()


def test_new_refuses_while_the_content_has_errors(project: Path) -> None:
    lesson = project / "docs/lessons/sanwan-branch.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("duration: 15", "duration: 50"), encoding="utf-8")
    with pytest.raises(NewError, match="现有内容没有通过检查"):
        create(NewRequest(kind="lesson", id="x", title="x", audience=["pioneers"], themes=["party-history"]),
               Settings.for_project(project), ask=None, say=print)


def test_placeholders_warn_in_review_and_fail_when_published(project: Path) -> None:
    assert jinggang(project, "new", "lesson", "unfinished", "--title", "未完成", "--audience", "pioneers",
                    "--theme", "party-history", "--source", "zgcd-lishi-1", "--status", "review",
                    "--no-input") == 0
    settings = Settings.for_project(project, today=TODAY)
    [warning] = placeholder_problems(settings)
    assert (warning.path, warning.line, warning.severity) == ("docs/lessons/unfinished.md", 4, Severity.WARNING)
    lesson = project / "docs/lessons/unfinished.md"
    text = lesson.read_text(encoding="utf-8").replace("status: review", "status: published\n"
                                                      "reviewed_by: 张老师（测试）\nreviewed_on: 2026-11-26")
    lesson.write_text(text, encoding="utf-8")
    [error] = placeholder_problems(settings)
    assert error.severity is Severity.ERROR and "已发布的条目还有 7 处“待填写”" in error.message


# --- jinggang changes ---------------------------------------------------------------------

LONE_LESSON = """---
id: lone-lesson
title: 独立的一课
summary: 不引用景点和事件、也没有讲师资料的一节课。
audience: [pioneers]
duration: 10
themes: [party-history]
objectives:
  - 知道这节课讲什么。
discussion:
  - 这节课讲了什么？
sources:
  - {source: zgcd-lishi-1}
status: review
authors: [井冈传人编写组]
updated: "2026-11-26"
---

## 导入

导入。

## 讲述

讲述。

## 互动

互动。

## 小结

小结。
"""

ROUTE = """id: sanwan-walk
title: 三湾半日
summary: 测试用的路线。
audience: [pioneers]
status: review
safety:
  - 跟随带队老师。
days:
  - title: 三湾
    start: "08:00"
    end: "12:00"
    meeting_point: 县城
    stops:
      - site: sanwan
        travel_minutes: 60
        visit_minutes: 120
        lessons: [sanwan-branch]
"""

PACKET = """id: {id}
title: {title}
audience: [pioneers]
status: review
occasion: 测试
issuer: 井冈传人编写组
contents:
{contents}"""


def git(project: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(project), "-c", "user.name=编者", "-c", "user.email=editor@example.org",
                           *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The minimal fixture plus a lesson nothing refers to, in two of three packets, and a route, committed."""
    project = make_project(tmp_path / "repo")
    routes = project / "curriculum/routes"
    shutil.rmtree(routes, ignore_errors=True)  # the route below is the only one, whatever the fixture holds
    routes.mkdir()
    (routes / "sanwan-walk.yml").write_text(ROUTE, encoding="utf-8")
    (project / "docs/lessons/lone-lesson.md").write_text(LONE_LESSON, encoding="utf-8")
    packets = project / "curriculum/packets"
    (packets / "lone-a.yml").write_text(PACKET.format(id="lone-a", title="甲", contents="  - lesson: lone-lesson\n"),
                                        encoding="utf-8")
    (packets / "lone-b.yml").write_text(PACKET.format(id="lone-b", title="乙", contents=(
        "  - lesson: sanwan-branch\n  - handout: lone-lesson\n")), encoding="utf-8")
    (project / ".gitignore").write_text("node_modules\nsite/\n.cache/\n", encoding="utf-8")
    assert check(project) == ("", 0)
    git(project, "init", "--quiet", "--initial-branch=main")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", "基准")
    return project


def edit(project: Path, relative: str, old: str, new: str) -> None:
    target = project / relative
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")


def changes(project: Path, capsys: pytest.CaptureFixture[str], base: str = "main~1") -> dict[str, Any]:
    capsys.readouterr()
    assert jinggang(project, "changes", "--base", base, "--json") == 0
    return json.loads(capsys.readouterr().out)


def names(impact: dict[str, Any], key: str) -> list[str]:
    return [entry["src_uri"] if "src_uri" in entry else entry["id"] for entry in impact[key]]


def test_changes_name_the_lesson_page_the_indexes_and_its_packets_only(repo: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, "docs/lessons/lone-lesson.md", "讲述。", "讲述，改了一句。")
    git(repo, "commit", "--quiet", "--all", "--message", "改一节课")
    impact = changes(repo, capsys)
    assert [(item["kind"], item["id"], item["change"]) for item in impact["items"]] == \
        [("lesson", "lone-lesson", "modified")]
    assert names(impact, "pages") == ["lessons/lone-lesson.md"]
    assert names(impact, "indexes") == []  # the listings show no lesson's body
    # lone-b prints the lesson's handout only, which shows no body; sanwan-packet does not print the lesson.
    assert names(impact, "packets") == ["lone-a"]
    assert impact["routes"] == impact["removed_pages"] == impact["removed_packets"] == impact["whole_site"] == []
    assert jinggang(repo, "changes", "--base", "main~1") == 0
    text = capsys.readouterr().out
    assert "修改 微团课 lone-lesson“独立的一课”" in text and "lone-a  甲  → downloads/packets/lone-a.pdf" in text


def test_changes_name_the_daily_reading_the_routes_index_and_other_built_files(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "curriculum/reading.yml").write_text("rotation:\n  - lone-lesson\n", encoding="utf-8")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", "天天读")
    # A summary edit of a lesson in the rotation: the reading page, its script and feed show it.
    edit(repo, "docs/lessons/lone-lesson.md", "summary: ", "summary: 改过的摘要。")
    impact = changes(repo, capsys, base="main")
    assert "reading.md" in names(impact, "indexes")
    assert {"assets/javascripts/readings.js", "feeds/reading.xml", "feeds/updates.xml",
            "assets/share/lessons/lone-lesson.png", "search/"} <= set(impact["built_files"])
    git(repo, "checkout", "--quiet", "--", ".")
    # A guide on a route: the routes' index names it (its name, not its summary).
    edit(repo, "docs/sites/sanwan.md", "summary: ", "summary: 新")
    impact = changes(repo, capsys, base="main")
    assert "routes/index.md" not in names(impact, "indexes") and "reading.md" not in names(impact, "indexes")
    edit(repo, "docs/sites/sanwan.md", "name: 三湾改编旧址", "name: 三湾改编纪念馆")
    assert "routes/index.md" in names(changes(repo, capsys, base="main"), "indexes")


def test_changes_follow_references_on_both_sides(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The lesson stops naming its site: the guide page that listed it is affected all the same.
    edit(repo, "docs/lessons/sanwan-branch.md", "sites: [sanwan]\n", "")
    impact = changes(repo, capsys, base="main")  # the working tree, not yet committed
    assert names(impact, "pages") == ["lessons/sanwan-branch.md", "sites/sanwan.md"]
    assert names(impact, "indexes") == ["browse/sites.md", "sites/index.md"]  # grouped by site; counted per guide
    assert names(impact, "packets") == ["lone-b", "sanwan-packet"]
    assert names(impact, "routes") == []  # a route names its stops' lessons itself


def test_changes_of_a_route(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, "curriculum/routes/sanwan-walk.yml", "title: 三湾半日", "title: 三湾半日行")
    impact = changes(repo, capsys, base="main")
    assert [(item["kind"], item["id"], item["title"]) for item in impact["items"]] == \
        [("route", "sanwan-walk", "三湾半日行")]
    assert names(impact, "pages") == ["routes/sanwan-walk.md", "sites/sanwan.md"]  # the guide lists its routes
    assert names(impact, "indexes") == ["routes/index.md"]
    assert names(impact, "routes") == ["sanwan-walk"] and impact["packets"] == []
    assert changed_route_ids(repo, Settings.for_project(repo), "main") == ["sanwan-walk"]


def test_changes_of_a_deleted_lesson_a_registry_entry_and_a_new_file(repo: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "docs/lessons/lone-lesson.md").unlink()
    (repo / "curriculum/packets/lone-a.yml").unlink()
    edit(repo, "curriculum/packets/lone-b.yml", "  - handout: lone-lesson\n", "")
    edit(repo, "curriculum/events.yml", "把党的支部建在连上。", "把党的支部建在连上，确立党对军队的领导。")
    assert jinggang(repo, "new", "lesson", "brand-new", "--title", "新课", "--audience", "pioneers",
                    "--theme", "party-history", "--source", "zgcd-lishi-1", "--no-input") == 0  # untracked, and a draft
    impact = changes(repo, capsys, base="main")
    assert sorted((item["kind"], item["id"], item["change"]) for item in impact["items"]) == [
        ("event", "sanwan-reorganization", "modified"), ("lesson", "brand-new", "added"),
        ("lesson", "lone-lesson", "deleted"), ("packet", "lone-a", "deleted"), ("packet", "lone-b", "modified")]
    assert names(impact, "removed_pages") == ["lessons/lone-lesson.md"]
    # The event's card links on the lesson and guide pages, and lone-b's download links; the
    # lecturer material lists the lessons there are.
    assert names(impact, "pages") == ["lecturers/sanwan-talk.md", "lessons/sanwan-branch.md", "sites/sanwan.md"]
    assert "timeline.md" in names(impact, "indexes") and "lecturers/index.md" in names(impact, "indexes")
    assert names(impact, "packets") == ["lone-b"]  # packets do not print events: sanwan-packet is unaffected
    assert impact["removed_packets"] == ["lone-a"]


def test_changes_to_drafts_only_affect_nothing_published(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert jinggang(repo, "new", "lesson", "draft-lesson", "--title", "草稿", "--audience", "pioneers",
                    "--theme", "party-history", "--source", "zgcd-lishi-1", "--no-input") == 0
    impact = changes(repo, capsys, base="main")
    assert [item["status"] for item in impact["items"]] == ["draft"]
    assert impact["pages"] == impact["indexes"] == impact["packets"] == []


def test_changes_to_templates_affect_everything_and_other_files_nothing(repo: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "NOTES.txt").write_text("备忘\n", encoding="utf-8")
    assert changes(repo, capsys, base="main")["other_files"] == ["NOTES.txt"]
    edit(repo, "site_overrides/jinggang/card.html", "<dt>时长</dt>", "<dt>用时</dt>")
    impact = changes(repo, capsys, base="main")
    assert len(impact["whole_site"]) == 1 and "site_overrides/jinggang/card.html" in impact["whole_site"][0]
    assert names(impact, "packets") == ["lone-a", "lone-b", "sanwan-packet"]
    assert names(impact, "routes") == ["sanwan-walk"]


def test_changes_with_an_unknown_base_say_so(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert jinggang(repo, "changes", "--base", "no-such-branch") == 2
    assert "找不到基准版本 no-such-branch" in capsys.readouterr().err


def test_packets_changed_since_renders_only_affected_packets(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    rendered: list[list[str]] = []
    monkeypatch.setattr(cli, "run_downloads", lambda *args, only, **kwargs: rendered.append(only) or 0)
    assert jinggang(repo, "packets", "--changed-since", "main") == 0
    assert rendered == [] and "不影响任何讲义包" in capsys.readouterr().out
    edit(repo, "docs/lessons/lone-lesson.md", "讲述。", "讲述，改了一句。")
    assert jinggang(repo, "packets", "--changed-since", "main") == 0
    assert rendered == [["lone-a"]]  # lone-b prints only the lesson's handout, which has no body


def test_changes_to_a_registered_work_affect_every_page_and_packet_citing_it(repo: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, "curriculum/sources.yml", "  year: 2011\n", "  year: 2011\n  url: https://example.org/zgcd\n")
    impact = changes(repo, capsys, base="main")
    assert [(item["kind"], item["id"], item["change"]) for item in impact["items"]] == [
        ("source", "zgcd-lishi-1", "modified")]
    # Every page printing a citation of it; the route cites other works.
    assert names(impact, "pages") == ["lecturers/sanwan-talk.md", "lessons/lone-lesson.md",
                                      "lessons/sanwan-branch.md", "sites/sanwan.md"]
    assert names(impact, "packets") == ["lone-a", "lone-b", "sanwan-packet"]
    assert not any("搜索词典" in note for note in impact["notes"])


def test_placeholders_in_a_published_route_are_errors(project: Path) -> None:
    assert jinggang(project, "new", "route", "half-day", "--title", "半日行", "--audience", "pioneers",
                    "--site", "sanwan", "--status", "review", "--no-input") == 0
    settings = Settings.for_project(project, today=TODAY)
    assert [problem.severity for problem in placeholder_problems(settings)] == [Severity.WARNING]
    route = project / "curriculum/routes/half-day.yml"
    text = route.read_text(encoding="utf-8")
    route.write_text(re.sub(r"^status: review.*$", 'status: published\nreviewed_by: 王老师（测试）\n'
                            'reviewed_on: "2026-11-26"', text, flags=re.M), encoding="utf-8")
    [error] = placeholder_problems(settings)
    assert error.severity is Severity.ERROR and error.path == "curriculum/routes/half-day.yml"


# --- the pull request summary -------------------------------------------------------------

def test_summary_lists_items_pages_packets_and_every_problem(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, "docs/lessons/lone-lesson.md", "duration: 10", "duration: 50")
    edit(repo, "docs/sites/sanwan.md", 'verified: "2026-06-01"', "verified: null")
    summary_file = repo / "summary.md"
    assert jinggang(repo, "summary", "--base", "main", "--output", str(summary_file)) == 0
    summary = summary_file.read_text(encoding="utf-8")
    assert "**内容检查：❌ 未通过**，1 个错误，1 个警告。" in summary
    assert "| 修改 | 研学指南 | `sanwan` | 三湾改编旧址 | 审核中 | `docs/sites/sanwan.md` |" in summary
    assert "### 本次改动的文件中的问题（2）" in summary
    assert "| `docs/lessons/lone-lesson.md:6` | ❌ 错误 | 字段 duration 的值 50 超出范围（上限 45） |" in summary
    assert "| `docs/sites/sanwan.md:13` | ⚠️ 警告 | 参观信息未核实（verified: null） |" in summary
    # The broken lesson leaves the model unloaded: the impact comes from the base side.
    assert "当前内容没有通过检查" in summary


def test_summary_of_a_clean_change(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, "docs/lessons/lone-lesson.md", "讲述。", "讲述，改了一句。")
    assert jinggang(repo, "summary", "--base", "main") == 0
    summary = capsys.readouterr().out
    assert summary.startswith("## 井冈传人 · 内容检查与影响范围\n\n**内容检查：✅ 通过**，没有发现问题。")
    assert "- 独立的一课（`lessons/lone-lesson/`）" in summary
    assert "微团课目录" not in summary  # the catalog shows no lesson's body
    assert "- 甲（`lone-a`）：`downloads/packets/lone-a.pdf`" in summary
    assert "问题（" not in summary


REVIEWED = 'status: published\nreviewed_by: 王老师（测试）\nreviewed_on: "2026-11-20"\n'


def test_summary_lists_items_whose_body_changed_without_a_new_review(repo: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    for path in ("docs/lessons/lone-lesson.md", "docs/lessons/sanwan-branch.md", "docs/sites/sanwan.md",
                 "curriculum/routes/sanwan-walk.yml"):
        edit(repo, path, "status: review\n", REVIEWED)
    git(repo, "commit", "--quiet", "--all", "--message", "审核")
    edit(repo, "docs/lessons/lone-lesson.md", "讲述。", "讲述，改了一句。")  # the body, not reviewed again
    edit(repo, "curriculum/routes/sanwan-walk.yml", "visit_minutes: 120", "visit_minutes: 100")  # a route's plan
    edit(repo, "docs/lessons/sanwan-branch.md", "部队在三湾进行改编", "部队在三湾村进行改编")  # reviewed again:
    edit(repo, "docs/lessons/sanwan-branch.md", 'reviewed_on: "2026-11-20"', 'reviewed_on: "2026-11-27"')
    edit(repo, "docs/sites/sanwan.md", "王老师（测试）", "王老师、李馆员（测试）")  # only the review record
    assert jinggang(repo, "summary", "--base", "main") == 0
    summary = capsys.readouterr().out
    assert "### ⚠️ 审核已过期（2）" in summary
    assert "| 微团课 | `lone-lesson` | 独立的一课 | 2026-11-20 | `docs/lessons/lone-lesson.md` |" in summary
    assert "| 研学路线 | `sanwan-walk` | 三湾半日 | 2026-11-20 | `curriculum/routes/sanwan-walk.yml` |" in summary
    assert "`sanwan-branch` | 支部" not in summary.split("### ⚠️ 审核已过期")[1].split("###")[0]
    assert "`docs/sites/sanwan.md` |" not in summary.split("### ⚠️ 审核已过期")[1].split("###")[0]
    assert jinggang(repo, "changes", "--base", "main") == 0
    assert "审核已过期（正文改了，审核日期没变）（2）：" in capsys.readouterr().out


def test_check_warns_when_git_shows_a_body_change_after_the_review(repo: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, "docs/lessons/lone-lesson.md", "status: review\n", REVIEWED)
    edit(repo, "curriculum/packets/lone-a.yml", "status: review\n", REVIEWED)
    git(repo, "commit", "--quiet", "--all", "--date", "2026-11-19T10:00:00", "--message", "审核（写于审核之前）")
    edit(repo, "docs/lessons/lone-lesson.md", "小结。", "小结，当天改的。")
    git(repo, "commit", "--quiet", "--all", "--date", "2026-11-20T18:00:00", "--message", "审核当天的改动")
    edit(repo, "curriculum/packets/lone-a.yml", "王老师（测试）", "王老师（复核）")  # the record, not the packet
    git(repo, "commit", "--quiet", "--all", "--date", "2026-11-23T09:00:00", "--message", "只改审核记录")
    capsys.readouterr()
    assert jinggang(repo, "check") == 0
    assert "审核已过期" not in capsys.readouterr().out

    edit(repo, "docs/lessons/lone-lesson.md", "讲述。", "讲述，审核之后改的。")
    edit(repo, "curriculum/packets/lone-a.yml", "  - lesson: lone-lesson\n", "  - lesson: lone-lesson\n"
                                                                           "  - lesson: sanwan-branch\n")
    git(repo, "commit", "--quiet", "--all", "--date", "2026-11-22T09:00:00", "--message", "审核之后的改动")
    commit = git(repo, "rev-parse", "--short=10", "HEAD").strip()
    assert jinggang(repo, "check") == 0  # a warning
    out = capsys.readouterr().out
    line = next(number for number, text in enumerate((repo / "docs/lessons/lone-lesson.md").read_text(
        encoding="utf-8").splitlines(), start=1) if text.startswith("reviewed_on"))
    assert (f"docs/lessons/lone-lesson.md:{line}: 警告: 审核已过期：微团课的正文在审核日期 2026-11-20 之后改过"
            f"（提交 {commit}，2026-11-22）") in out
    assert "curriculum/packets/lone-a.yml:6: 警告: 审核已过期：讲义包的正文在审核日期 2026-11-20 之后改过" in out

    copy = tmp_path / "no-git"
    shutil.copytree(repo, copy, ignore=shutil.ignore_patterns(".git", "node_modules"))
    assert jinggang(copy, "check") == 0
    assert "审核已过期" not in capsys.readouterr().out  # without git: nothing to say, no error


def test_summary_without_git_still_reports_the_check(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert jinggang(project, "summary", "--base", "main") == 0
    summary = capsys.readouterr().out
    assert "**内容检查：✅ 通过**" in summary and "无法计算这次改动的影响范围：找不到基准版本 main" in summary


# --- jinggang coords ----------------------------------------------------------------------

def test_coords_turns_map_app_points_into_wgs84(capsys: pytest.CaptureFixture[str]) -> None:
    # A point of Tiananmen Square, as the published open-source transform gives it (WGS-84 ->
    # GCJ-02 -> BD-09): the command must lead back to the WGS-84 point, within a centimetre from
    # GCJ-02 and a decimetre from BD-09 (whose published inverse is itself approximate).
    wgs84, gcj02, bd09 = (39.90923, 116.397428), (39.91063351, 116.40367163), (39.91697286, 116.4100441)
    assert wgs84_to_gcj02(*wgs84) == pytest.approx(gcj02, abs=1e-7)
    assert gcj02_to_bd09(*gcj02) == pytest.approx(bd09, abs=1e-7)
    assert to_wgs84(*gcj02, "gcj02") == pytest.approx(wgs84, abs=1e-7)
    assert to_wgs84(*bd09, "bd09") == pytest.approx(wgs84, abs=1e-6)

    assert jinggang(REPO, "coords", "39.91063351", "116.40367163", "--from", "gcj02") == 0
    assert "coordinates: {lat: 39.909230, lon: 116.397428}" in capsys.readouterr().out
    assert jinggang(REPO, "coords", "116.4100441,39.91697286", "--from", "bd09") == 0  # pasted as 经度,纬度
    out = capsys.readouterr().out
    assert "已按“经度,纬度”的顺序读" in out and "coordinates: {lat: 39.909230, lon: 116.397428}" in out
    assert jinggang(REPO, "coords", "48.8584", "2.2945", "--from", "gcj02") == 1
    assert "不在中国境内" in capsys.readouterr().err
    assert jinggang(REPO, "coords", "北纬26度", "--from", "gcj02") == 1
    assert "读不懂" in capsys.readouterr().err


# --- workflows, hooks and editor settings ------------------------------------------------

def test_workflows_pass_actionlint() -> None:
    actionlint = Path(sys.executable).parent / "actionlint"
    assert actionlint.exists(), "actionlint is installed by `make python-deps` (the test extra)"
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [file.name for file in files] == ["pr.yml", "publish.yml"]
    completed = subprocess.run([str(actionlint), "-no-color", *map(str, files)], capture_output=True, text=True,
                               cwd=REPO, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_workflows_pin_actions_and_build_as_make_does() -> None:
    for file in WORKFLOWS.glob("*.yml"):
        text = file.read_text(encoding="utf-8")
        for action in re.findall(r"uses:\s*(\S+)", text):
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), f"{file.name}: {action} is not pinned"
        workflow = yaml.safe_load(text)
        for job in workflow["jobs"].values():
            if "steps" in job and any("make" in step.get("run", "") for step in job["steps"]):
                assert re.fullmatch(r"debian:\d+\.\d+", job["container"]["image"])  # the machine make is written for
    pr = (WORKFLOWS / "pr.yml").read_text(encoding="utf-8")
    assert "fetch-depth: 0" in pr
    assert 'make site SITE_ARGS="--changed-since $BASE_SHA"' in pr
    assert 'jinggang summary --base "$BASE_SHA" --output "$GITHUB_STEP_SUMMARY"' in pr
    assert "bash .ci/run" in pr and "jinggang check" in pr
    publish = (WORKFLOWS / "publish.yml").read_text(encoding="utf-8")
    assert "actions/deploy-pages@" in publish and "make site" in publish


def test_make_site_passes_its_arguments_through() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "$(BIN)/jinggang site $(SITE_ARGS)" in makefile


def test_pre_commit_hook_runs_the_check(project: Path) -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [hook] = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert hook["language"] == "system" and hook["pass_filenames"] is False
    pattern = re.compile(hook["files"])
    assert all(pattern.search(path) for path in ("docs/lessons/a.md", "curriculum/sites.yml", "mkdocs.yml"))
    assert not pattern.search("README.md")
    (project / ".venv").symlink_to(Path(sys.executable).parent.parent)  # where `make` puts it
    command = shlex.split(hook["entry"])
    passed = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
    assert passed.returncode == 0 and "检查通过" in passed.stdout
    edit(project, "docs/lessons/sanwan-branch.md", "duration: 15", "duration: 50")
    failed = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
    assert failed.returncode == 1
    assert "docs/lessons/sanwan-branch.md:6: 错误: 字段 duration 的值 50 超出范围" in failed.stdout


def test_vscode_maps_every_curriculum_file_to_the_schema_it_passes() -> None:
    settings = json.loads((REPO / ".vscode/settings.json").read_text(encoding="utf-8"))
    mapping: dict[str, str | list[str]] = settings["yaml.schemas"]
    schema_set = SchemaSet(REPO / "curriculum/schema")
    for file in sorted((REPO / "curriculum").rglob("*.yml")):
        relative = file.relative_to(REPO).as_posix()
        matches = [schema for schema, globs in mapping.items()
                   if any(Path(relative).match(glob.lstrip("/"))
                          for glob in ([globs] if isinstance(globs, str) else globs))]
        assert len(matches) == 1, f"{relative}: {matches}"
        schema_file = REPO / matches[0]
        assert schema_file.is_file()
        source, _problems = read_registry(file, relative)
        validator = Draft202012Validator(schema_set.schemas[schema_file.name.removesuffix(".schema.json")],
                                         registry=schema_set.registry)
        assert not list(validator.iter_errors(source.data)), relative


def test_contributing_and_the_pull_request_template_point_editors_to_the_guide() -> None:
    assert "docs/editors/index.md" in (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    template = (REPO / ".github/pull_request_template.md").read_text(encoding="utf-8")
    for duty in ("出处", "核对", "审核人", "授权", "替代文字"):
        assert duty in template
    assert template.count("- [ ]") >= 5


def test_editors_guide_examples_of_the_sources_register_are_valid_and_cite_registered_works() -> None:
    guide = (REPO / "docs/editors/index.md").read_text(encoding="utf-8")
    schema_set = SchemaSet(REPO / "curriculum/schema")
    validator = Draft202012Validator(schema_set.schemas["sources"], registry=schema_set.registry)
    blocks = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", guide, re.S)]
    entries = [block for block in blocks if isinstance(block, list) and block and "kind" in block[0]]
    assert {entry[0]["kind"] for entry in entries} == {"book", "article", "speech"}
    for entry in entries:
        assert not list(validator.iter_errors(entry)), entry
    register = yaml.safe_load((REPO / "curriculum/sources.yml").read_text(encoding="utf-8"))
    registered = {entry["id"] for entry in register}
    cited = set(re.findall(r"\{source: ([a-z0-9-]+)", guide)) | {entry[0]["id"] for entry in entries}
    assert cited and cited <= registered, cited - registered


def test_editors_guide_covers_review_the_pull_request_workflow_and_new() -> None:
    guide = (REPO / "docs/editors/index.md").read_text(encoding="utf-8")
    for heading in ("## 审核与发布", "## 拉取请求", "## 用 jinggang new 新建文件", "## 编辑器设置", "## 出处",
                    "## 坐标", "## 故事块", "## 史实与出处"):
        assert heading in guide
    for kind in ("lesson", "site-guide", "lecturer", "packet", "route"):
        assert f"jinggang new {kind} " in guide
