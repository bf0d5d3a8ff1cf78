"""Share metadata (Open Graph, description), share cards and the 分享 panel."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from jinggang.cli import run_build, run_downloads
from jinggang.website.share import SITE_CARD

from .conftest import build_site, forking

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


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def cards(site: Path) -> dict[str, bytes]:
    folder = site / "assets/share"
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*.png"))}


def test_share_cards_exist_resolve_and_change_only_with_their_item(project: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    config = project / "mkdocs.yml"
    site = project / "site"
    assert run_build(project, config, site, strict=True) == 0
    assert run_downloads(project, config, site, "share", jobs=2) == 0
    first = cards(site)
    assert sorted(first) == ["lecturers/sanwan-talk.png", "lessons/sanwan-branch.png", "routes/sanwan-day.png",
                             "site.png", "sites/sanwan.png"]
    assert all(png_size(data) == (1200, 630) for data in first.values())
    # 64-colour PNGs (IHDR colour type 3: indexed), a third of the full-colour screenshot's bytes.
    assert [name for name, data in first.items() if data[25] != 3 or len(data) > 50_000] == []
    for path in pages(site):  # every og:image is a file of the built site
        image = head_meta(path.read_text(encoding="utf-8"))["og:image"][0]
        assert (site / image.removeprefix(SITE_URL)).is_file(), (path, image)
    # A rebuild keeps the cards; a second run draws nothing; a cold run draws the same bytes.
    assert run_build(project, config, site, strict=True) == 0
    capsys.readouterr()
    assert run_downloads(project, config, site, "share", jobs=1) == 0
    assert "新生成 0 个" in capsys.readouterr().err
    assert cards(site) == first
    shutil.rmtree(project / ".cache")
    assert run_downloads(project, config, site, "share", jobs=1) == 0
    assert cards(site) == first
    # Only the changed lesson's card is drawn again.
    lesson = project / "docs/lessons/sanwan-branch.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("title: 支部建在连上", "title: 支部建在连上了"),
                      encoding="utf-8")
    capsys.readouterr()
    assert run_downloads(project, config, site, "share", jobs=1) == 0
    assert "新生成 1 个" in capsys.readouterr().err
    changed = cards(site)
    assert [name for name in first if changed[name] != first[name]] == ["lessons/sanwan-branch.png"]


def test_share_panel_on_item_pages_copies_title_and_link(shared_minimal_site: Path, browser: Any) -> None:
    site = shared_minimal_site
    for page in ("lessons/sanwan-branch", "sites/sanwan", "lecturers/sanwan-talk", "routes/sanwan-day"):
        html = (site / page / "index.html").read_text(encoding="utf-8")
        panel = html[html.index('<details class="jg-share"'):]
        panel = panel[:panel.index("</details>")]
        assert "data-search-exclude" in panel and "<summary>分享</summary>" in panel
        assert f"{SITE_URL}{page}/" in panel and '<svg' in panel and "本页二维码" in panel
    assert 'class="jg-share"' not in (site / "index.html").read_text(encoding="utf-8")
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    tab.goto((site / "lessons/sanwan-branch/index.html").as_uri())
    tab.click(".jg-share > summary")
    tab.click("[data-jg-share-copy]")
    tab.wait_for_function("document.querySelector('.jg-share__status').textContent.startsWith('已复制')")
    assert tab.evaluate("navigator.clipboard.readText()") == f"支部建在连上 {SITE_URL}lessons/sanwan-branch/"
    context.close()


def test_qr_drawing_is_the_bytes_segno_draws() -> None:
    """outputs/qr.svg_inline replaces segno's SVG writer for speed: same bytes, short and long
    addresses (a Micro QR code up to version 11), both styles drawn (share panel, packet), a title to escape."""
    import segno

    from jinggang.outputs.qr import qr_code, svg_inline

    urls = [f"https://jinggang-heirs.github.io/jinggang/lessons/lesson-{number}/" for number in range(40)]
    urls += ["https://a.cn/", "https://example.org/s?q=<井冈>&x=\"1\"", "https://example.org/" + "x" * 200]
    versions: set[int | str] = set()
    for url in urls:
        code = qr_code(url)
        versions.add(code.version)
        for scale, border, title in ((4, 2, "本页二维码"), (2, 1, url)):
            assert svg_inline(code, scale=scale, border=border, title=title) == \
                str(segno.make(url, error="m", mask=0).svg_inline(scale=scale, border=border, title=title,
                                                                  dark="#000", light="#fff"))
    assert "M4" in versions and max(version for version in versions if isinstance(version, int)) >= 10


def test_each_share_panel_of_a_whole_build_holds_its_own_pages_code(project: Path) -> None:
    """A whole build draws the panels' QR codes in a forked process (website/plugin.py, qr_svgs):
    each page's panel still holds the code of its own address, as qr_svg draws it in process."""
    from jinggang.website.share import qr_svg

    site = build_site(forking(project))
    panels = 0
    for path in pages(site):
        html = path.read_text(encoding="utf-8")
        if 'class="jg-share__qr"' not in html:
            continue
        url = html.split("本页链接：<code>", 1)[1].split("</code>", 1)[0]
        drawn = html.split('<figure class="jg-share__qr">', 1)[1].split("<figcaption>", 1)[0].strip()
        assert drawn == qr_svg(url), path
        assert url.endswith("/" + path.parent.relative_to(site).as_posix() + "/"), path
        panels += 1
    assert panels >= 3
