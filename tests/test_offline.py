"""Offline use: the zipped site and route kits from file://, the service worker, routes, readings."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import time
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlparse

import lxml.html
import pytest

from jinggang.bench.serving import serve
from jinggang.content.loader import Settings, load_content
from jinggang.outputs.zip_links import dead_links
from jinggang.website.route_map import route_map
from jinggang.website.service_worker import build_stamp, stamp_service_worker

pytestmark = pytest.mark.browser


def unzip(archive: Path, target: Path) -> Path:
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(target)
    return target


def test_offline_site_works_from_file(starter_site: Path, tmp_path: Path,
                                      file_context: tuple[Any, list[str]]) -> None:
    root = unzip(starter_site / "downloads/offline/jinggang-site.zip", tmp_path) / "jinggang-site"
    context, requests = file_context
    page = context.new_page()
    page.goto((root / "index.html").as_uri())
    page.get_by_role("link", name="微团课目录").first.click()
    page.wait_for_url("**/lessons/index.html")
    total = page.locator(".jg-catalog__item:not([hidden])").count()
    page.get_by_label("少先队员").check()
    assert 0 < page.locator(".jg-catalog__item:not([hidden])").count() < total
    page.locator(".jg-catalog__item:not([hidden]) a").first.click()
    assert page.url.endswith(".html") and "/lessons/" in page.url
    page.goto((root / "lessons/sanwan-branch-in-company.html").as_uri())
    assert page.locator("article abbr[title]").count() >= 1  # glossary hovers

    page.goto((root / "index.html").as_uri())
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.fill("黄洋界")
    box.press("End")
    results = page.locator(".md-search-result__list a.md-search-result__link")
    results.first.wait_for()
    hrefs = results.evaluate_all("links => links.map(link => link.href)")
    assert any(urlparse(href).path.endswith("sites/huangyangjie.html") for href in hrefs), hrefs
    assert all(urlparse(url).scheme in ("file", "data", "blob", "about") for url in requests), \
        [url for url in requests if not url.startswith("file:")]


def test_home_page_links_the_offline_zip_with_its_size(starter_site: Path) -> None:
    home = (starter_site / "index.html").read_text(encoding="utf-8")
    size = (starter_site / "downloads/offline/jinggang-site.zip").stat().st_size
    assert '<a href="downloads/offline/jinggang-site.zip" download="">下载整站离线版</a>' in home
    assert f"<span data-jg-offline-size>（{size / 1_000_000:.1f} MB）</span>" in home


def test_route_zip_opens_from_file(starter_site: Path, tmp_path: Path, file_context: tuple[Any, list[str]]) -> None:
    root = unzip(starter_site / "downloads/routes/jinggangshan-two-days.zip", tmp_path) / "jinggangshan-two-days"
    assert (root / "downloads/routes/jinggangshan-two-days.pdf").is_file()
    context, requests = file_context
    page = context.new_page()
    page.goto((root / "index.html").as_uri())
    page.wait_for_url("**/routes/jinggangshan-two-days.html")
    assert "井冈山两日研学路线" in page.locator("h1").inner_text()
    page.locator("table a[href*='sites/huangyangjie.html']").click()
    page.wait_for_url("**/sites/huangyangjie.html")
    assert "黄洋界" in page.locator("h1").inner_text()
    assert all(urlparse(url).scheme in ("file", "data", "blob", "about") for url in requests)


def test_every_link_in_every_zip_resolves(starter_site: Path, starter_project: Path, tmp_path: Path) -> None:
    """What LinkChecker counts, read from the unpacked files: every href and src opens a file."""
    routes = sorted((starter_site / "downloads/routes").glob("*.zip"))
    # One zip for each route of the starter content (all are in review, so all are built).
    route_files = (starter_project / "curriculum/routes").glob("*.yml")
    assert [path.stem for path in routes] == sorted(path.stem for path in route_files)
    zips = [starter_site / "downloads/offline/jinggang-site.zip", *routes]
    for archive in zips:
        root = unzip(archive, tmp_path / archive.stem) / archive.stem
        assert dead_links(root) == [], archive.name
    route = tmp_path / "jinggangshan-two-days" / "jinggangshan-two-days"
    html = (route / "routes/jinggangshan-two-days.html").read_text(encoding="utf-8")
    # The navigation covers the zip's own pages; buttons that need a server are left out.
    assert "术语表" not in html.split('<div class="md-content"')[0]
    assert "保存到本机" not in html and "下载离线包" not in html
    lesson = (route / "lessons/huangyangjie-defense.html").read_text(encoding="utf-8")
    online = lxml.html.document_fromstring(lesson).xpath("//a[@data-jg-online]/@href")
    assert any(href.startswith("https://jinggang-heirs.github.io/jinggang/timeline/#event-") for href in online)
    present = (tmp_path / "jinggang-site/jinggang-site/lecturers/zhu-de-pole-talk/present/index.html")
    assert 'class="jg-back" href="../../zhu-de-pole-talk.html"' in present.read_text(encoding="utf-8")


def test_route_page_map_has_one_marker_per_stop(starter_site: Path, starter_project: Path) -> None:
    model = load_content(Settings.for_project(starter_project)).model
    assert model is not None and len(model.routes) >= 2
    for route in model.routes.values():
        html = (starter_site / "routes" / route.id / "index.html").read_text(encoding="utf-8")
        if route_map(route, model) is None:  # a guide on the route still has placeholder coordinates
            assert '<svg class="jg-route-map"' not in html and "路线示意图暂缺" in html
            continue
        start = html.index('<svg class="jg-route-map"')
        svg = html[start:html.index("</svg>", start)]
        assert svg.count('class="jg-route-map__stop"') == len(route.stops)
        assert svg.count("<line ") == len(route.stops) - 1
        for stop in route.stops:
            assert f'href="../../sites/{stop.site}/"' in html


def test_field_kit_has_one_card_per_stop(starter_site: Path, starter_project: Path) -> None:
    model = load_content(Settings.for_project(starter_project)).model
    assert model is not None
    for route in model.routes.values():
        pdf = starter_site / "downloads/routes" / f"{route.id}.pdf"
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert text.count("看什么") == len(route.stops)
        assert text.count("任务单") >= len(route.stops)
        assert "紧急联系" in text and "安全提示" in text
        docents = [stop for stop in route.stops if "## 红领巾讲解词" in model.site_guides[stop.site].source.body]
        assert ("红领巾讲解词" in text) == bool(docents)
        size = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "419.53 x 595.28 pts (A5)" in size or "A5" in size


# What a reader sees of a route map: every label's box, the line, the markers, the legend and
# the rendered sizes, in the SVG's own units (getBBox) and in CSS pixels (getScreenCTM).
MAP_GEOMETRY = """svg => {
  const scale = svg.getScreenCTM().a;
  const box = node => { const b = node.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; };
  const number = (node, name) => parseFloat(node.getAttribute(name));
  return {
    labels: [...svg.querySelectorAll('.jg-route-map__label')].map(t => ({text: t.textContent, box: box(t)})),
    lines: [...svg.querySelectorAll('line')].map(l => ['x1', 'y1', 'x2', 'y2'].map(a => number(l, a))),
    markers: [...svg.querySelectorAll('circle')].map(c => [number(c, 'cx'), number(c, 'cy'), number(c, 'r') + 1]),
    pixels: [...svg.querySelectorAll('text')].map(t => [t.textContent,
                                                       parseFloat(getComputedStyle(t).fontSize) * scale]),
    legend: svg.querySelector('.jg-route-map__legend').textContent,
    panel: getComputedStyle(svg.querySelector('.jg-route-map__panel')).fill,
    ink: getComputedStyle(svg.querySelector('.jg-route-map__name')).fill,
  };
}"""


def _meets_segment(box: list[float], line: list[float], clearance: float) -> bool:
    """Does the line (drawn 3 units wide) pass through the box? Sampled every half unit."""
    x0, y0, x1, y1 = box[0] - clearance, box[1] - clearance, box[2] + clearance, box[3] + clearance
    steps = max(int(((line[2] - line[0]) ** 2 + (line[3] - line[1]) ** 2) ** 0.5 * 2), 1)
    points = ((line[0] + (line[2] - line[0]) * i / steps, line[1] + (line[3] - line[1]) * i / steps)
              for i in range(steps + 1))
    return any(x0 <= x <= x1 and y0 <= y <= y1 for x, y in points)


def map_problems(geometry: dict[str, Any]) -> list[str]:
    """Labels that overlap each other, the line or a marker, as a reader would see them."""
    labels, problems = geometry["labels"], []
    for index, first in enumerate(labels):
        a = first["box"]
        for second in labels[index + 1:]:
            b = second["box"]
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                problems.append(f"{first['text']} over {second['text']}")
        problems += [f"line through {first['text']}" for line in geometry["lines"] if _meets_segment(a, line, 1.5)]
        for cx, cy, r in geometry["markers"]:
            nearest = (min(max(cx, a[0]), a[2]) - cx) ** 2 + (min(max(cy, a[1]), a[3]) - cy) ** 2
            if nearest < r * r:
                problems.append(f"marker under {first['text']}")
    return problems


def _luminance(css: str) -> float:
    channels = [float(part) / 255 for part in css[css.index("(") + 1:-1].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_route_map_reads_on_a_phone(browser: Any, starter_site: Path, starter_project: Path, scheme: str) -> None:
    """At 390 px: no label meets another label, the line or a marker; all text at least 12 px;
    a legend for the line styles; in dark mode the panel is dark and the labels light."""
    model = load_content(Settings.for_project(starter_project)).model
    assert model is not None
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    page = context.new_page()
    for route in model.routes.values():
        if route_map(route, model) is None:  # no map to read (placeholder coordinates)
            continue
        page.goto((starter_site / "routes" / route.id / "index.html").as_uri())
        geometry = page.locator("svg.jg-route-map").evaluate(MAP_GEOMETRY)
        assert len(geometry["labels"]) >= len(route.stops)
        assert not map_problems(geometry), (route.id, map_problems(geometry))
        small = [(text, round(size, 1)) for text, size in geometry["pixels"] if size < 12]
        assert not small, (route.id, small)
        assert "实线" in geometry["legend"]
        assert ("虚线" in geometry["legend"]) == (len(route.days) > 1), route.id
        panel, ink = _luminance(geometry["panel"]), _luminance(geometry["ink"])
        assert (panel < 0.1 < 0.5 < ink) if scheme == "dark" else (ink < 0.1 < 0.5 < panel), (scheme, geometry)
        assert (max(panel, ink) + 0.05) / (min(panel, ink) + 0.05) >= 4.5
    context.close()


def test_printed_route_map_labels_are_apart_and_8_pt(starter_site: Path, starter_project: Path) -> None:
    """The field kit's map, read back with pdftotext -bbox: label words do not overlap and the
    station names print at 8 pt or more (a Chinese character is one em wide)."""
    model = load_content(Settings.for_project(starter_project)).model
    assert model is not None
    for route in model.routes.values():
        if route_map(route, model) is None:  # no map to measure (placeholder coordinates)
            continue
        pdf = starter_site / "downloads/routes" / f"{route.id}.pdf"
        xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        page = next(page for page in xml.split("<page ")[1:] if "示意图" in page)
        words = [(float(x0), float(y0), float(x1), float(y1), text) for x0, y0, x1, y1, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)]
        # The map stands under the schedule table, which names the stations too: a station's
        # lowest name on the page is its map label; the legend closes the map.
        stations = {model.site_guides[stop.site].name for stop in route.stops}
        names = [max((word for word in words if word[4] == name), key=lambda word: word[1]) for name in stations]
        top = min(word[1] for word in names)
        bottom = min(word[1] for word in words if word[4].startswith("实线"))
        labels = [word for word in words if top <= word[1] < bottom]
        assert len(names) == len(route.stops), (route.id, labels)
        assert all((x1 - x0) / len(text) >= 8 for x0, _, x1, _, text in names), names
        overlaps = [(a[4], b[4]) for i, a in enumerate(labels) for b in labels[i + 1:]
                    if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]
        assert not overlaps, (route.id, overlaps)


def test_service_worker_serves_a_guide_without_network(browser: Any, starter_site: Path) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        with serve(starter_site) as url:
            page.goto(url + "sites/ciping/")
            page.evaluate("navigator.serviceWorker.ready.then(() => true)")
            page.reload()  # now controlled: this visit goes into the cache
            page.wait_for_function("navigator.serviceWorker.controller !== null")
            page.goto(url + "sites/ciping/")

            # "Save for offline" on a route page caches its stops' pages before they are opened.
            page.goto(url + "routes/sanwan-to-jinggangshan/")
            save = page.get_by_role("button", name="保存到本机，离线查看")
            links = (save.get_attribute("data-jg-urls") or "").split()
            saved = {urlparse(urljoin(page.url, link)).path for link in links}
            save.click()
            page.wait_for_function("document.querySelector('[data-jg-save-status]').textContent.includes('已保存')")
        # No network: the server is gone (Playwright's offline mode does not reach the worker).
        context.set_offline(True)
        page.goto(url + "sites/ciping/")
        assert "茨坪" in page.locator("h1").inner_text()
        assert page.locator(".jg-offline-badge").is_visible()
        page.goto(url + "sites/sanwan/")
        assert "三湾" in page.locator("h1").inner_text()
        assert page.locator(".jg-offline-badge").is_visible()
        unseen = page.goto(url + "sites/donggu/")
        assert unseen is not None and unseen.status == 503
        # A page in Chinese listing the saved pages, by their titles.
        assert "没有网络" in page.locator("h1").inner_text()
        listed = {urlparse(href).path for href in page.locator("[data-jg-offline-page] li a").evaluate_all(
            "links => links.map(link => link.href)")}
        assert {"/sites/ciping/", "/sites/sanwan/"} <= listed, listed
        assert "茨坪" in page.locator("[data-jg-offline-page]").inner_text()
        # Search works offline over the saved pages, and leaves out the pages that are not saved.
        page.goto(url + "search/?q=" + quote("三湾"))
        page.wait_for_selector("[data-jg-search-page][data-search-done]")
        found = page.locator("[data-search-result] h2 a").evaluate_all("links => links.map(link => link.href)")
        assert any(urlparse(href).path == "/sites/sanwan/" for href in found), found
        assert {urlparse(href).path for href in found} <= saved, found  # the timeline, not saved, is left out
    finally:
        context.close()


@pytest.mark.parametrize(("day", "expected"), [("2026-09-29", "三湾改编"), ("2026-08-30", "黄洋界保卫战")])
def test_todays_reading_follows_the_clock(browser: Any, starter_site: Path, day: str, expected: str) -> None:
    page = browser.new_page()
    page.clock.set_fixed_time(datetime.fromisoformat(f"{day}T09:00:00"))
    page.goto((starter_site / "index.html").as_uri())
    box = page.locator("[data-jg-today]")
    box.locator("[data-jg-today-link]").wait_for()
    page.wait_for_function("document.querySelector('[data-jg-today]').dataset.jgTodayKey")
    assert expected in box.inner_text(), box.inner_text()
    assert "· 历史上的今天" in box.inner_text()  # an anniversary, read as 历史上的今天：1927年9月29日，……
    other = browser.new_page()
    other.clock.set_fixed_time(datetime.fromisoformat("2026-03-15T09:00:00"))
    other.goto((starter_site / "index.html").as_uri())
    other.wait_for_function("document.querySelector('[data-jg-today]').dataset.jgTodayKey === '03-15'")
    assert other.locator("[data-jg-today]").inner_text() != box.inner_text()
    page.close()
    other.close()


def test_stale_guide_shows_the_notice(browser: Any, shared_minimal_site: Path) -> None:
    site = shared_minimal_site  # the fixture guide was verified on 2026-06-01; the limit is 365 days
    page = browser.new_page()
    page.clock.set_fixed_time(datetime.fromisoformat("2026-07-01T09:00:00"))
    page.goto((site / "sites/sanwan/index.html").as_uri())
    assert page.locator(".jg-stale").is_hidden()
    later = browser.new_page()
    later.clock.set_fixed_time(datetime.fromisoformat("2027-08-01T09:00:00"))
    later.goto((site / "sites/sanwan/index.html").as_uri())
    assert later.locator(".jg-stale").is_visible()
    assert "上次核实于 2026-06-01" in later.locator(".jg-stale").inner_text()
    page.close()
    later.close()


def _build_stamp(site: Path) -> dict[str, Any]:
    line = re.search(r"^var BUILD = (\{.*\});$", (site / "sw.js").read_text(encoding="utf-8"), re.MULTILINE)
    assert line is not None
    return json.loads(line.group(1))  # type: ignore[no-any-return]


def test_service_worker_stamp_names_this_builds_assets(starter_site: Path) -> None:
    stamp = _build_stamp(starter_site)
    assert re.fullmatch(r"[0-9a-f]{16}", stamp["version"])
    assets = stamp["assets"]
    css = "assets/stylesheets/jinggang.css"
    assert assets[css] == hashlib.sha256((starter_site / css).read_bytes()).hexdigest()[:12]
    assert not any(path.endswith(".html") or path.startswith("downloads/") or path == "sw.js" for path in assets)
    # Later commands (share, routes, offline) add files and rewrite pages, never an asset the
    # build wrote: its hashes still hold (the added files are fetched network-first).
    now = build_stamp(starter_site)["assets"]
    assert {path: now.get(path) for path in assets} == assets


def test_service_worker_versions_its_cache_per_build(browser: Any, starter_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(starter_site, site)
    (site / "downloads/big.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * (4 * 1024 * 1024))  # over the cap
    (site / "downloads/small.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * 1000)
    first = _build_stamp(site)["version"]
    css = "assets/stylesheets/jinggang.css"
    context = browser.new_context()
    try:
        with serve(site) as url:
            page = context.new_page()
            page.goto(url + "sites/ciping/")
            page.evaluate("navigator.serviceWorker.ready.then(() => true)")
            page.reload()
            page.wait_for_function("navigator.serviceWorker.controller !== null")
            for path in (css, "downloads/big.pdf", "downloads/small.pdf", "downloads/offline/jinggang-site.zip"):
                assert page.evaluate("url => fetch(url).then(response => response.status)", url + path) == 200

            def cached(name: str) -> set[str]:
                return set(page.evaluate("""name => caches.open(name).then(cache => cache.keys())
                    .then(keys => keys.map(key => new URL(key.url).pathname.slice(1)))""", name))

            def eventually(expression: str, arg: Any) -> None:
                # wait_for_function does not wait for a promise: poll evaluate, which does.
                deadline = time.monotonic() + 10
                while not page.evaluate(expression, arg):
                    assert time.monotonic() < deadline, expression
                    page.wait_for_timeout(100)

            eventually("""([name, url]) => caches.open(name).then(cache => cache.match(url)).then(found => !!found)""",
                       [f"jinggang-{first}", url + "downloads/small.pdf"])
            before = cached(f"jinggang-{first}")
            assert {css, "sites/ciping/", "downloads/small.pdf"} <= before, before
            assert "downloads/big.pdf" not in before
            assert "downloads/offline/jinggang-site.zip" not in before

            # A new build changes the stylesheet: a new worker, a new cache, the old one deleted,
            # the stylesheet from the network though an older copy is cached, the saved page kept.
            (site / css).write_text((site / css).read_text(encoding="utf-8") + "\n/* the next build */\n",
                                    encoding="utf-8")
            second = stamp_service_worker(site)
            assert second is not None and second != first
            page.evaluate("navigator.serviceWorker.getRegistration().then(registration => registration.update())")
            eventually("name => caches.keys().then(names => names.length === 1 && names[0] === name)",
                       f"jinggang-{second}")
            assert "the next build" in page.evaluate("url => fetch(url).then(response => response.text())", url + css)
            assert "sites/ciping/" in cached(f"jinggang-{second}")
    finally:
        context.close()
