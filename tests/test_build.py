"""Full builds in tmp_path: the minimal fixture, drafts, failures, and the starter content."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlparse

import jinja2
import pytest
import yaml
from mkdocs.exceptions import MkDocsException

from jinggang.cli import run_build
from jinggang.website.search.index import read_page_urls
from jinggang.website.template_cache import TemplateCache

from .conftest import REPO, build_site

SITE_PATH = urlparse(yaml.safe_load(
    "\n".join(line for line in (REPO / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
              if line.startswith("site_url:")))["site_url"]).path


def read(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def article(html: str) -> str:
    """The page's own content, without the theme's header, nav and footer."""
    return html[html.index('<article class="md-content__inner'):html.index("</article>")]


class LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.resources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if tag in ("script", "img", "iframe") and values.get("src"):
            self.resources.append(values["src"] or "")
        if tag == "link" and values.get("href") and values.get("rel") != "canonical":
            self.resources.append(values["href"] or "")


def test_lesson_page_has_card_links_and_glossary(shared_minimal_site: Path) -> None:
    site = shared_minimal_site
    lesson = article(read(site, "lessons/sanwan-branch"))
    assert "<h1" in lesson and "支部建在连上" in lesson
    assert '<a href="../../sites/sanwan/">三湾改编旧址</a>' in lesson
    assert '<a href="../../timeline/#event-sanwan-reorganization">三湾改编</a>（1927年9月29日）' in lesson
    assert '<a href="../../lecturers/sanwan-talk/">三湾：党指挥枪的起点</a>' in lesson
    assert "<dt>适用对象</dt><dd><span class=\"jg-tag jg-tag--audience\">团员青年</span></dd>" in lesson
    assert "为什么说支部建在连上是建军史上的重要一步？" in lesson
    assert "中共中央党史研究室：《中国共产党历史（第一卷）》，中共党史出版社，2011 年。" in lesson
    # The first use in the body gets the hover; the card and footer are left alone.
    abbrs = re.findall(r'<abbr title="([^"]+)">([^<]+)</abbr>', lesson)
    assert abbrs == [("三湾改编确立的制度：在连队建立党的支部，保证党对军队的领导。", "支部建在连上")]


def test_guide_lists_its_lessons_and_marks_visitor_information(shared_minimal_site: Path, project: Path) -> None:
    guide = article(read(shared_minimal_site, "sites/sanwan"))
    assert '<a href="../../lessons/sanwan-branch/">支部建在连上</a>' in guide
    assert "参观信息（2026-06-01 核实）" in guide
    assert "找到“支部建在连上”的展陈" in guide
    assert "跟随带队老师集体行动。" in guide

    unverified = project / "docs/sites/sanwan.md"
    unverified.write_text(unverified.read_text(encoding="utf-8").replace('verified: "2026-06-01"', "verified: null"),
                          encoding="utf-8")
    site = build_site(project)
    assert "参观信息（未核实，出行前请向景点确认）" in read(site, "sites/sanwan")


def test_lecturer_page_boxes_slides_with_notes(shared_minimal_site: Path) -> None:
    site = shared_minimal_site
    page = article(read(site, "lecturers/sanwan-talk"))
    assert page.count('class="jg-slide"') == 2
    assert page.count('class="jg-notes"') == 2
    assert '<p class="jg-notes__label" data-search-exclude="data-search-exclude">讲稿（4 分钟）</p>' in page
    assert "同学们，今天我们走进三湾。" in page
    assert "本讲稿供青年讲师团使用。" in page
    assert 'data-jg-view="learner"' in page
    assert '<a href="../../lessons/sanwan-branch/">支部建在连上</a>' in page


def test_generated_pages(shared_minimal_site: Path) -> None:
    site = shared_minimal_site
    catalog = article(read(site, "lessons"))
    assert ('data-audience="league-members" data-themes="jinggangshan-spirit party-history" '
            'data-duration="15"') in catalog
    assert '<input type="checkbox" name="audience" value="pioneers"> 少先队员' in catalog
    by_audience = article(read(site, "browse/audience"))
    assert '<h2 id="league-members" data-jg-contents>团员青年</h2>' in by_audience
    by_site = article(read(site, "browse/sites"))
    assert '<a href="../../sites/sanwan/">三湾改编旧址</a>' in by_site
    timeline = article(read(site, "timeline"))
    assert 'id="event-sanwan-reorganization"' in timeline and "人物：毛泽东" in timeline
    glossary = article(read(site, "glossary"))
    assert re.search(r'<div id="term-party-branch-in-company"[^>]*>\s*<dt[^>]*>支部建在连上</dt>', glossary)
    fields = article(read(site, "editors/fields"))
    for field in ("audience", "duration", "objectives", "reviewed_by", "reviewed_on", "review_notes", "coordinates.lat",
                  "visitor.verified", "sources[].source", "sources[].page", "kind", "publisher", "date", "speaker",
                  "edition"):
        assert f"<code>{field}</code>" in fields
    assert "<h2 id=\"kind-6\" data-jg-contents>出处登记表</h2>" in fields
    assert "book、article、speech、web" in fields
    assert "pioneers（少先队员）" in fields
    assert "引文登记表</h2>" in fields and "出处登记表</h2>" in fields


def test_search_index_holds_each_page_body_without_its_card(shared_minimal_site: Path) -> None:
    site = shared_minimal_site
    urls = read_page_urls(site)
    lesson = (site / f"search/pages/{urls.index('lessons/sanwan-branch/')}.js").read_text(encoding="utf-8")
    assert "秋收起义" in lesson
    # The metadata card and the links to other pages are left out (data-search-exclude).
    assert "适用对象" not in lesson and "作者：" not in lesson


def test_drafts_are_left_out_of_the_published_build_and_shown_on_serve(project: Path) -> None:
    lesson = project / "docs/lessons/sanwan-branch.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("status: review", "status: draft"), encoding="utf-8")
    # Packets, routes and lecturer materials in review may not use a draft (the check says so):
    # leave them out here, and make the lecturer material a draft too.
    (project / "curriculum/packets/sanwan-packet.yml").unlink()
    (project / "curriculum/routes/sanwan-day.yml").unlink()
    talk = project / "docs/lecturers/sanwan-talk.md"
    talk.write_text(talk.read_text(encoding="utf-8").replace("status: review", "status: draft"), encoding="utf-8")
    site = build_site(project)
    assert not (site / "lessons/sanwan-branch").exists()
    assert not (site / "lecturers/sanwan-talk").exists()
    assert "sanwan-branch" not in read(site, "lessons")
    assert "还没有微团课讲到这里。" in read(site, "sites/sanwan")

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    preview = project / "preview"
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(preview))
    config.plugins.on_startup(command="serve", dirty=False)  # as `mkdocs serve` does
    try:
        build(config, serve_url="http://127.0.0.1:8000/")
    finally:
        # MkDocs keeps plugin objects that have on_startup for the whole process; end the
        # "serve" as `mkdocs serve` does, or later builds in this process would show drafts.
        config.plugins.on_shutdown()
    assert "草稿预览：此页不会出现在正式站点中。" in read(preview, "lessons/sanwan-branch")


ARTICLE = """
- id: xinhua-2016-10-21
  kind: speech
  title: 在纪念红军长征胜利80周年大会上的讲话
  author: 习近平
  publisher: 新华社
  date: "2016-10-21"
  url: https://example.org/long-march-80

- id: example-dictionary-entry
  kind: web
  title: 测试用词条
  publisher: 某词典网站
  url: https://example.org/entry
"""


def test_page_shows_the_review_record_citations_and_story_blocks(project: Path) -> None:
    with (project / "curriculum/sources.yml").open("a", encoding="utf-8") as register:
        register.write(ARTICLE)
    lesson = project / "docs/lessons/sanwan-branch.md"
    text = lesson.read_text(encoding="utf-8").replace(
        "  - {source: zgcd-lishi-1}\n", '  - {source: zgcd-lishi-1, page: "245"}\n  - {source: xinhua-2016-10-21}\n'
        "  - {source: example-dictionary-entry}\n")
    text = text.replace("status: review\n", 'status: published\nreviewed_by: 王老师（吉安市青年讲师团）\n'
                                             'reviewed_on: "2026-11-20"\nreview_notes: 已核对引文与日期。\n')
    text = text.replace("部队在三湾进行改编，把党的支部建在连上。\n", "部队在三湾进行改编，把党的支部建在连上。\n\n"
                        '!!! legend\n    老表们说，枫树坪上那棵枫树记得这一天。\n\n'
                        '!!! recollection "某作者《测试用篇名》"\n    回忆的段落。\n')
    lesson.write_text(text, encoding="utf-8")
    site = build_site(project)
    page = article(read(site, "lessons/sanwan-branch"))
    assert "<dt>状态</dt><dd>已发布</dd>" in page
    assert "<dt>审核人</dt><dd>王老师（吉安市青年讲师团）</dd>" in page
    assert '<dt>审核日期</dt><dd><time datetime="2026-11-20">2026-11-20</time></dd>' in page
    assert "<dt>审核说明</dt><dd>已核对引文与日期。</dd>" in page
    assert "中共中央党史研究室：《中国共产党历史（第一卷）》，中共党史出版社，2011 年，第 245 页。" in page
    assert ('习近平：<a href="https://example.org/long-march-80" rel="noopener">'
            "《在纪念红军长征胜利80周年大会上的讲话》</a>，新华社，2016年10月21日。") in page
    # A web page that shows no date is cited without one (its register entry has none).
    assert '《测试用词条》</a>，某词典网站。' in page
    # Each story block keeps its type as a class (its look) and its label leads the title.
    assert re.search(r'<div class="admonition legend">\s*<p class="admonition-title">传说</p>', page)
    assert re.search(r'<div class="admonition recollection">\s*'
                     r'<p class="admonition-title">回忆录：某作者《测试用篇名》</p>', page)
    guide = article(read(site, "sites/sanwan"))  # in review, no record yet
    assert "<dt>状态</dt><dd>审核中<span class=\"jg-muted\">（尚未审核：史实、引文可能仍有错漏）</span></dd>" in guide
    assert "<dt>审核人</dt>" not in guide


def test_draft_packets_and_routes_are_not_built_and_those_in_review_are_marked(project: Path) -> None:
    route_file = project / "curriculum/routes/sanwan-day.yml"
    route_file.write_text(route_file.read_text(encoding="utf-8").replace(
        "status: review\n", 'status: review\nsources:\n  - {source: zgcd-lishi-1, page: "12"}\n'), encoding="utf-8")
    site = build_site(project)
    route = article(read(site, "routes/sanwan-day"))
    assert "<dt>状态</dt><dd>审核中" in route
    assert "中共中央党史研究室：《中国共产党历史（第一卷）》，中共党史出版社，2011 年，第 12 页。" in route
    assert '三湾一日测试路线</strong></a><span class="jg-tag jg-tag--status">审核中</span>' in read(site, "routes")
    assert "三湾测试讲义包（PDF）</a><span class=\"jg-tag jg-tag--status\">审核中</span>" in read(site, "lecturers")

    for path in ("curriculum/routes/sanwan-day.yml", "curriculum/packets/sanwan-packet.yml"):
        data = project / path
        data.write_text(data.read_text(encoding="utf-8").replace("status: review", "status: draft"), encoding="utf-8")
    site = build_site(project)
    assert not (site / "routes/sanwan-day").exists()
    assert "三湾一日测试路线" not in read(site, "routes") and "三湾一日测试路线" not in read(site, "sites/sanwan")
    assert "三湾测试讲义包" not in read(site, "lecturers")
    assert "三湾测试讲义包" not in read(site, "lessons/sanwan-branch")


def test_strict_build_fails_with_the_file_named(project: Path, caplog: pytest.LogCaptureFixture) -> None:
    lesson = project / "docs/lessons/sanwan-branch.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("sites: [sanwan]", "sites: [sanwann]"),
                      encoding="utf-8")
    with pytest.raises(MkDocsException) as failure:
        build_site(project, strict=True)
    assert "BuildError" in str(failure.value)
    assert "docs/lessons/sanwan-branch.md:8: 错误: 找不到研学指南 'sanwann'" in caplog.text


def test_failed_build_leaves_previous_site(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = project / "site"
    assert run_build(project, project / "mkdocs.yml", site, strict=True) == 0
    before = {path.relative_to(site): path.read_bytes() for path in site.rglob("*") if path.is_file()}
    lesson = project / "docs/lessons/sanwan-branch.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("duration: 15", "duration: 99"), encoding="utf-8")
    assert run_build(project, project / "mkdocs.yml", site, strict=True) == 1
    after = {path.relative_to(site): path.read_bytes() for path in site.rglob("*") if path.is_file()}
    assert after == before
    assert "构建失败，site/ 保持原样" in capsys.readouterr().err
    assert sorted(path.name for path in project.iterdir() if path.name.startswith("site.")) == []


def test_generated_page_may_not_be_overwritten(project: Path, caplog: pytest.LogCaptureFixture) -> None:
    (project / "docs/timeline.md").write_text("# 时间线\n", encoding="utf-8")
    with pytest.raises(MkDocsException):
        build_site(project)
    assert "docs/timeline.md:1: 错误: 这个页面由站点自动生成（党史时间线），不能再手写一个同名文件" in caplog.text


# The starter content: real pages a new user sees.

def test_starter_content_counts(starter_site: Path) -> None:
    catalog = read(starter_site, "lessons")
    items = re.findall(r'data-audience="([^"]+)" data-themes="([^"]+)"', catalog)
    assert len(items) >= 12
    audiences = {slug for audience, _ in items for slug in audience.split()}
    assert len(audiences) >= 4
    guides = [path for path in (starter_site / "sites").iterdir() if path.is_dir()]
    assert len(guides) >= 6
    lecturers = [path for path in (starter_site / "lecturers").iterdir() if path.is_dir()]
    assert len(lecturers) >= 3
    for lecturer in lecturers:
        html = (lecturer / "index.html").read_text(encoding="utf-8")
        assert html.count('class="jg-slide"') == html.count('class="jg-notes"') >= 3


def test_starter_site_links_resolve_and_load_nothing_external(starter_site: Path) -> None:
    broken: list[str] = []
    external: list[str] = []
    for page in starter_site.rglob("*.html"):
        collector = LinkCollector()
        collector.feed(page.read_text(encoding="utf-8"))
        base = "file://" + page.as_posix()
        for resource in collector.resources:
            if urlparse(resource).scheme in ("http", "https") or resource.startswith("//"):
                external.append(f"{page}: {resource}")
        for href in collector.links:
            if href.startswith(SITE_PATH):  # 404.html links absolutely, under site_url's path
                href = "file://" + (starter_site / href.removeprefix(SITE_PATH)).as_posix()
            target = urlparse(urljoin(base, href))
            if target.scheme != "file":
                continue
            path = Path(unquote(target.path))
            if path.is_dir():
                path = path / "index.html"
            if not path.exists():
                broken.append(f"{page.relative_to(starter_site)} -> {href}")
                continue
            if target.fragment and path.suffix == ".html":
                html = path.read_text(encoding="utf-8")
                if f'id="{unquote(target.fragment)}"' not in html:
                    broken.append(f"{page.relative_to(starter_site)} -> {href} (anchor)")
    assert broken == []
    assert external == []


def test_projects_built_in_one_process_each_get_their_own_templates(project_factory: Any, tmp_path: Path) -> None:
    """Compiled templates are kept in memory for every project a process builds (TemplateCache):
    a project whose template differs gets its own, and a copy's tracebacks name its own file."""
    first, second = project_factory("first"), project_factory("second")
    main_html = second / "site_overrides/main.html"
    main_html.write_text(main_html.read_text(encoding="utf-8").replace(
        "{% block extrahead %}", '{% block extrahead %}<meta name="jg-edited" content="second">', 1), encoding="utf-8")
    marked = '<meta name="jg-edited" content="second">'
    assert marked not in (build_site(first) / "index.html").read_text(encoding="utf-8")
    assert marked in (build_site(second) / "index.html").read_text(encoding="utf-8")
    assert marked not in (build_site(first, tmp_path / "again") / "index.html").read_text(encoding="utf-8")

    # A setting no build uses: the first compiles the template, the second takes it from memory.
    for folder in (first, second):
        (tmp_path / f"cache-{folder.name}").mkdir()
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder / "site_overrides")),
                                 bytecode_cache=TemplateCache(str(tmp_path / f"cache-{folder.name}")),
                                 line_comment_prefix="%% jg-test")
        template = env.get_template("partials/copyright.html")
        assert template.filename == str(folder / "site_overrides/partials/copyright.html")
    assert [file.name for file in (tmp_path / "cache-second").iterdir()] == []
    assert len(list((tmp_path / "cache-first").iterdir())) == 1


def test_kept_templates_follow_their_source_and_their_environment(tmp_path: Path) -> None:
    """TemplateCache: an environment whose settings change the compiled code gets its own, and
    two versions of a file loaded at once (the preview's threads) each keep their own."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html").write_text("{{ text }}\n{% if true %}\nv1\n{% endif %}\n", encoding="utf-8")

    def environment(**settings: Any) -> jinja2.Environment:
        return jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), keep_trailing_newline=True,
                                  bytecode_cache=TemplateCache(str(tmp_path)), line_comment_prefix="%% jg-kept",
                                  **settings)

    assert environment().get_template("page.html").render(text="<b>") == "<b>\n\nv1\n\n"
    assert environment(newline_sequence="\r\n").get_template("page.html").render(text="<b>") == "<b>\r\n\r\nv1\r\n\r\n"
    assert environment(autoescape=True).get_template("page.html").render(text="<b>") == "&lt;b&gt;\n\nv1\n\n"
    assert environment(trim_blocks=True).get_template("page.html").render(text="<b>") == "<b>\nv1\n"

    # Two loads of the file in flight, the older one compiled first: each version keeps its own.
    # (get_bucket compiles what it lacks, so Jinja never calls set_bucket.)
    older_source, newer_source = "old {{ text }}", "new {{ text }}"
    cache = TemplateCache(str(tmp_path))
    for source in (older_source, newer_source):
        assert cache.get_bucket(environment(), "edited.html", str(folder / "edited.html"), source).code is not None
    (folder / "edited.html").write_text(newer_source, encoding="utf-8")
    assert environment().get_template("edited.html").render(text="x") == "new x"


def test_templates_render_where_the_cache_folder_cannot_be_made(tmp_path: Path) -> None:
    """`jinggang changes` or `packets` in a project folder it cannot write to: the compiled
    templates stay in memory, and nothing fails."""
    from jinggang.website.template_cache import template_cache

    blocked = tmp_path / "project"
    blocked.write_text("a file where the project's .cache folder would go", encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text("<p>{{ text }}</p>", encoding="utf-8")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), bytecode_cache=template_cache(blocked),
                             keep_trailing_newline=True, line_comment_prefix="%% jg-unwritable")
    assert env.get_template("page.html").render(text="三湾") == "<p>三湾</p>"
