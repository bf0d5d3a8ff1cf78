"""Links in the offline zips' copies of pages (outputs/zip_links.py), without a build."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import lxml.html

from jinggang.outputs.zip_links import confine, dead_links, online_url, target_of

SITE = "https://example.org/jinggang/"
PAGE = """<html><body><nav><ul>
<li class="md-tabs__item"><a class="md-tabs__link" href="../index.html">首页</a></li>
<li class="md-tabs__item"><a class="md-tabs__link" href="../glossary.html">术语表</a></li>
</ul></nav>
<a href="../sites/ciping.html">茨坪</a> <a href="../timeline.html#event-x">事件</a>
<a href="../downloads/a.pdf" download>PDF</a> <a href="#top">顶部</a> <a href="https://other.example/">外站</a>
<img src="../images/missing.png" alt="">
</body></html>"""


def test_links_out_of_the_zip_go_online_and_nav_entries_go() -> None:
    present = {"index.html", "sites/ciping.html", "lessons/x.html"}.__contains__
    html = confine(PAGE, "lessons/x.html", present, SITE)
    assert "术语表" not in html and 'href="../index.html"' in html
    assert 'href="../sites/ciping.html"' in html
    assert f'href="{SITE}timeline/#event-x"' in html and "data-jg-online" in html
    assert f'href="{SITE}downloads/a.pdf"' in html and " download" not in html
    assert 'href="#top"' in html and 'href="https://other.example/"' in html
    assert "<img" not in html


def test_a_page_with_every_link_present_is_left_as_it_is() -> None:
    assert confine(PAGE, "lessons/x.html", lambda _: True, SITE) == PAGE


def test_targets_and_online_addresses() -> None:
    assert target_of("lessons/x.html", "../reading/") == "reading/index.html"
    assert target_of("a.html", "#x") is None and target_of("a.html", "data:image/png;base64,") is None
    assert online_url(SITE, "lessons/index.html", "../lessons/index.html") == SITE + "lessons/"
    assert online_url(SITE, "index.html", "index.html") == SITE


def test_dead_links_reads_the_unpacked_files(tmp_path: Path) -> None:
    (tmp_path / "lessons").mkdir()
    (tmp_path / "index.html").write_text('<a href="lessons/x.html">x</a><a href="gone.html">y</a>', encoding="utf-8")
    (tmp_path / "lessons/x.html").write_text('<img src="../index.html">', encoding="utf-8")
    assert dead_links(tmp_path) == [("index.html", "gone.html")]


def test_confined_page_keeps_its_text_and_chinese_links() -> None:
    page = ('<!doctype html><html><body><h1 id="井冈山">井冈山</h1><a href="#井冈山">本节</a>'
            '<ul><li class="md-nav__item"><a href="../glossary.html">术语表</a>'
            '<ul><li class="md-nav__item"><a href="../glossary.html#红军">红军</a></li></ul></li></ul>'
            '<a href="../sites/茨坪.html">茨坪</a><p>正文 &amp; 注释</p></body></html>')
    tree = lxml.html.document_fromstring(confine(page, "lessons/x.html", {"lessons/x.html"}.__contains__, SITE))
    # lxml writes non-ASCII in links percent-encoded: the same address to a browser.
    assert [unquote(href) for href in tree.xpath("//a/@href")] == ["#井冈山", f"{SITE}sites/茨坪/"]
    assert tree.xpath("//h1/@id") == ["井冈山"] and not tree.xpath("//li")
    assert tree.text_content() == "井冈山本节茨坪正文 & 注释"
