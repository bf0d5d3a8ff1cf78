"""Reproducible builds: the same commit gives the same site/ tree and PDFs, byte for byte.

The starter site of the test run (built through the Python API in a process of the tests,
today, in one folder) is compared with a second build of the same content made the way
`make site` makes it: the `jinggang` commands of the Makefile's site target, in other
processes (another hash seed), in another folder, in another time zone, with the clock
moved 400 days on (libfaketime). Any date taken from the clock, any unordered iteration,
any absolute path written into the output shows up as a file that differs.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jinggang.outputs.site_folder import MARKER

from .conftest import REPO, make_project

JINGGANG = Path(sys.executable).parent / "jinggang"


def site_commands() -> list[list[str]]:
    """The jinggang commands of the Makefile's `site` target, without make's optional arguments."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^site:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, "Makefile has no site target"
    commands = []
    for line in recipe.group(1).splitlines():
        words = re.sub(r"\$\([A-Z_]+\)", "", line).split()
        if words and words[0].endswith("jinggang"):
            commands.append(words[1:])
    assert ["site"] in commands
    return commands


def digest(tree: Path) -> dict[str, str]:
    # The output-folder marker is written by `jinggang build`, not by a plain MkDocs build
    # (the session's starter_site): its content is constant, its presence is not compared.
    return {path.relative_to(tree).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(tree.rglob("*")) if path.is_file() and path.name != MARKER}


@pytest.mark.judge
@pytest.mark.browser
def test_two_builds_of_the_same_commit_are_identical(starter_site: Path, tmp_path: Path) -> None:
    faketime = shutil.which("faketime")
    if faketime is None:
        pytest.fail("faketime is missing: run `make system-deps` (scripts/install-system-deps.sh installs it)")
    project = make_project(tmp_path / "elsewhere" / "project", fixture=None)
    env = {**os.environ, "PYTHONHASHSEED": "4242", "TZ": "America/Los_Angeles"}
    env.pop("SOURCE_DATE_EPOCH", None)
    for command in site_commands():
        completed = subprocess.run([faketime, "-f", "+400d", str(JINGGANG), "--root", str(project), *command],
                                   cwd=project, env=env, capture_output=True, text=True, timeout=900, check=False)
        assert completed.returncode == 0, f"jinggang {' '.join(command)}:\n{completed.stdout}\n{completed.stderr}"

    first, second = digest(starter_site), digest(project / "site")
    assert sorted(set(first) ^ set(second)) == []
    assert [name for name in first if first[name] != second[name]] == []
    assert len([name for name in first if name.endswith(".pdf")]) >= 6


def test_sitemap_dates_come_from_the_content(starter_site: Path) -> None:
    sitemap = (starter_site / "sitemap.xml").read_text(encoding="utf-8")
    lesson = (REPO / "docs/lessons/sanwan-branch-in-company.md").read_text(encoding="utf-8")
    updated = re.search(r'^updated: "?(\d{4}-\d{2}-\d{2})"?$', lesson, re.M)
    assert updated
    entry = re.search(r"<loc>[^<]*/lessons/sanwan-branch-in-company/</loc>\s*<lastmod>([^<]+)</lastmod>", sitemap)
    assert entry and entry.group(1) == updated.group(1)
