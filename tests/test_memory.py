"""Memory a build gives back to the system (website/memory.py)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

import jinggang.website.plugin
from jinggang.website.memory import give_back_freed_memory

from .conftest import build_site, make_project

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")

FREED_PAGES = """
import os
from jinggang.bench.scale import proportional_size
from jinggang.website.memory import give_back_freed_memory

pages = ["页" * 1500 + str(number) for number in range(60_000)]  # 3 KB each: from the C heap
kept = pages[::64]  # a few left here and there: the heap cannot just shrink from its top
del pages
freed = proportional_size(os.getpid()) // 1024
print(give_back_freed_memory(), freed, proportional_size(os.getpid()) // 1024)
"""
# Settings that change where malloc puts 3 KB strings, or replace it: not this test's subject.
ALLOCATOR_SETTINGS = ("MALLOC_", "GLIBC_TUNABLES", "LD_PRELOAD", "PYTHONMALLOC")


def test_freed_page_text_goes_back_to_the_system() -> None:
    """A build frees each page's HTML once written; glibc keeps the memory for later unless asked:
    180 MB of freed 3 KB strings must leave the process's resident size."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith(ALLOCATOR_SETTINGS)}
    ended = subprocess.run([sys.executable, "-c", FREED_PAGES], capture_output=True, text=True, timeout=60,
                           env=environment, check=False)
    assert ended.returncode == 0, ended.stderr
    gave_back, before, after = ended.stdout.split()
    assert gave_back == "True"
    assert int(before) - int(after) > 100, ended.stdout


def test_a_published_build_gives_memory_back_every_so_many_pages(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bool] = []
    monkeypatch.setattr(jinggang.website.plugin, "PAGES_PER_TRIM", 2)
    monkeypatch.setattr(jinggang.website.plugin, "give_back_freed_memory",
                        lambda: calls.append(give_back_freed_memory()))
    site = build_site(make_project(tmp_path / "project"))
    pages = len(list(site.rglob("*.html"))) - 1  # 404.html is written without a page of docs/
    assert pages >= 4 and len(calls) == pages // 2 and all(calls)
