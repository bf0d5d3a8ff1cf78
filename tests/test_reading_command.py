"""`jinggang reading`: the day's reading as Markdown and as a paste-ready HTML fragment."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from jinggang.cli import main

SITE_URL = "https://jinggang-heirs.github.io/jinggang/"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_reading_on_an_anniversary_prints_it_first_and_writes_a_fragment(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    card = project / "site/assets/share/lessons/sanwan-branch.png"
    card.parent.mkdir(parents=True)
    card.write_bytes(b"\x89PNG\r\n\x1a\n fake card")
    out = tmp_path / "out"
    assert main(["--root", str(project), "reading", "--date", "2025-09-29", "--out", str(out)]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("# 百年党史天天读 · 9月29日\n")
    order = ("## 历史上的今天", "1927年9月29日", "## 今日微团课：支部建在连上")
    assert [markdown.index(text) for text in order] == sorted(markdown.index(text) for text in order)
    assert f"<{SITE_URL}lessons/sanwan-branch/>" in markdown and "中共党史出版社" in markdown
    assert (out / "reading.md").read_text(encoding="utf-8") + "\n" == markdown  # print() adds one
    html = (out / "reading.html").read_text(encoding="utf-8")
    parser = Tags()
    parser.feed(html)
    names = {tag for tag, _ in parser.tags}
    assert not names & {"script", "link", "style", "iframe"}
    assert all("class" not in attrs and "id" not in attrs for _, attrs in parser.tags)
    assert all(attrs.get("style") for tag, attrs in parser.tags if tag in ("section", "h2", "p"))
    images = [attrs for tag, attrs in parser.tags if tag == "img"]
    assert [image["src"] for image in images] == ["sanwan-branch.png"]
    assert (out / "sanwan-branch.png").read_bytes() == card.read_bytes()
    assert html.index("历史上的今天") < html.index("今日微团课")
    assert f'href="{SITE_URL}lessons/sanwan-branch/"' in html and "资料来源" in html
    assert not re.search(r'(src|href)="(?!https://|sanwan-branch\.png)', html)


def test_reading_on_an_ordinary_day_and_a_bad_date(project: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(project), "reading", "--date", "2025-03-01", "--out", str(tmp_path / "o")]) == 0
    markdown = capsys.readouterr().out
    assert "历史上的今天" not in markdown and "## 今日微团课：支部建在连上" in markdown
    assert not any(path.suffix == ".png" for path in (tmp_path / "o").iterdir())  # no card drawn: none beside it
    assert main(["--root", str(project), "reading", "--date", "2025-13-01"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
