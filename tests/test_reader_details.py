"""Small things readers notice: filters that match the content, addresses, typography."""

from __future__ import annotations

from pathlib import Path

from jinggang.website.pages import duration_bands
from jinggang.website.typography import typography_problems


def test_duration_bands_come_from_the_lessons() -> None:
    starter = [12, 12, 12, 12, 15, 15, 15, 15, 15, 18, 18, 20, 20, 20]
    bands = duration_bands(starter)
    assert [label for _, label, _, _ in bands] == ["12–15 分钟", "18 分钟", "20 分钟"]
    for _, _, low, high in bands:  # no band that always finds nothing
        assert any(low <= minutes <= high for minutes in starter)
    assert sorted(minutes for minutes in starter for _, _, low, high in bands if low <= minutes <= high) == starter
    assert duration_bands([]) == [] and len(duration_bands([15])) == 1


def pages_of(site: Path) -> list[Path]:
    # The benchmarks page keeps the table bench/scale.py writes; presenter pages are reveal.js.
    return [page for page in sorted(site.rglob("*.html"))
            if "benchmarks" not in page.parts and "downloads" not in page.parts]


def test_typography_of_every_page(starter_site: Path) -> None:
    problems = [f"{page.relative_to(starter_site)}: {problem}" for page in pages_of(starter_site)
                for problem in typography_problems(page.read_text(encoding="utf-8"))]
    assert not problems, "\n".join(problems)


def test_typography_check_finds_what_readers_notice() -> None:
    assert len(typography_problems("<dd>江西省吉安市井冈山市 · 江西省吉安市井冈山市黄洋界</dd>")) == 1
    assert len(typography_problems("<p>好。 下一句</p><h1>标题：：副题</h1>")) == 2
    assert typography_problems("<title>三湾 - 井冈传人</title><p>好。下一句 · 江西省</p>") == []


def test_cards_footer_and_404_in_chinese(starter_site: Path) -> None:
    guide = (starter_site / "sites/huangyangjie/index.html").read_text(encoding="utf-8")
    assert "<dt>地址</dt><dd>江西省吉安市井冈山市黄洋界" in guide
    lecturer = (starter_site / "lecturers/zhu-de-pole-talk/index.html").read_text(encoding="utf-8")
    assert "<dt>主题</dt>" not in lecturer  # lecturer materials have no themes: no empty row
    assert "Made with" not in lecturer and "本站用" in lecturer
    missing = (starter_site / "404.html").read_text(encoding="utf-8")
    assert "找不到这一页" in missing and "Not found" not in missing


def test_edit_links_and_page_contents(starter_site: Path) -> None:
    guide = (starter_site / "editors/index.html").read_text(encoding="utf-8")
    assert 'href="https://github.com/jinggang-heirs/jinggang/edit/main/docs/editors/index.md"' in guide
    assert 'data-md-component="source"' not in guide  # no request to api.github.com
    for page, anchor in (("glossary", "#letter-"), ("timeline", "#year-"), ("editors/fields", "#kind-")):
        html = (starter_site / page / "index.html").read_text(encoding="utf-8")
        contents = html[html.index('md-nav--secondary'):]
        assert f'href="{anchor}' in contents, page
        assert "/edit/main/" not in html  # generated: no source file to edit
