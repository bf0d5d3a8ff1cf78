"""Share metadata (Open Graph, description), share cards and the 分享 panel."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from jinggang.site.share import SITE_CARD

from .conftest import build_site

SITE_URL = "https://jinggang-heirs.github.io/jinggang/"


class HeadMeta(HTMLParser):
    """Every <meta property|name> of a page, values unescaped as a browser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        key = values.get("property") or values.get("name")
        if tag == "meta" and key:
            self.values.setdefault(key, []).append(values.get("content") or "")


def head_meta(html: str) -> dict[str, list[str]]:
    parser = HeadMeta()
    parser.feed(html[:html.index("</head>")])
    return parser.values


def pages(site: Path) -> list[Path]:
    return sorted(path for path in site.rglob("*.html")
                  if path.name != "404.html" and "present" not in path.parts and "downloads" not in path.parts)


OG_FIELDS = ("og:title", "og:description", "og:type", "og:url", "og:image", "description")


def test_every_page_has_share_metadata_escaped(project: Path) -> None:
    lesson = project / "docs/lessons/sanwan-branch.md"
    text = lesson.read_text(encoding="utf-8")
    text = text.replace("title: 支部建在连上", 'title: \'支部建在连上 "A&B" <x>\'')
    text = text.replace("summary: 讲述三湾改编如何把党的支部建在连上。", "summary: '讲述 \"三湾\" & <改编>。'")
    lesson.write_text(text, encoding="utf-8")
    site = build_site(project)
    built = pages(site)
    assert len(built) > 10
    for path in built:
        html = path.read_text(encoding="utf-8")
        meta = head_meta(html)
        for field in OG_FIELDS:
            assert len(meta.get(field, [])) == 1, (path, field, meta.get(field))
        assert meta["og:image"][0].startswith(SITE_URL) and meta["og:image"][0].endswith(".png")
        assert meta["og:url"][0].startswith(SITE_URL)
        for line in html[:html.index("</head>")].splitlines():
            if "<meta" in line:  # one tag a line, its value escaped: no raw < or & inside
                assert "<x>" not in line and '"A&B"' not in line, (path, line)
    page = head_meta((site / "lessons/sanwan-branch/index.html").read_text(encoding="utf-8"))
    assert page["og:title"] == ['支部建在连上 "A&B" <x>']
    assert page["og:description"] == page["description"] == ['讲述 "三湾" & <改编>。']
    assert page["og:type"] == ["article"]
    assert page["og:url"] == [SITE_URL + "lessons/sanwan-branch/"]
    assert page["og:image"] == [SITE_URL + "assets/share/lessons/sanwan-branch.png"]
    home = head_meta((site / "index.html").read_text(encoding="utf-8"))
    assert home["og:type"] == ["website"] and home["og:image"] == [SITE_URL + SITE_CARD]
    assert home["og:description"] == home["description"]
    route = head_meta((site / "routes/sanwan-day/index.html").read_text(encoding="utf-8"))
    assert route["og:image"] == [SITE_URL + "assets/share/routes/sanwan-day.png"]
