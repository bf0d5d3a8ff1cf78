"""A published build that resumes from the last one: after an edit `jinggang site` (and
`jinggang build`) make again only the pages that read what changed, as the preview does
(website/preview.py).

The build still goes into a staging folder and replaces the site only on success: the
staging folder starts as a copy of the site (not hard links: MkDocs writes a page in place),
and the plugin leaves every page whose reads did not change as the copy has it. What the last
build kept (`LastBuild`) is saved beside the cache with a digest of what every page reads
besides the content (the program, packages, mkdocs.yml, today's date, strictness) and a
listing of the pages it left. A different digest, a site folder changed since (another command, an editor),
or an item or file added or removed (its page would linger) makes everything again.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..outputs.fonts import SITE_FONTS_DIR
from ..outputs.site_run import environment_digest, site_listing
from ..outputs.store import CACHE
from .preview import LastBuild
from .search import SearchPage, UnreadPage
from .search.index import read_spool

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

SITE_BUILD = "site-build"  # the published site's record; the offline build keeps one of its own
# Written into the site after the build by other steps: carried by run_build (the downloads,
# the share cards), or filled in by the offline step (the home page's zip size), so the copy
# leaves them out and the build makes the home page again.
CARRIED = ("downloads", "assets/share")
REWRITTEN = ("index.html",)


def _outside_build(name: str) -> bool:
    return name in REWRITTEN or any(name == folder or name.startswith(f"{folder}/") for folder in CARRIED)


class Resumption:
    """One build of config that starts from the last build recorded under `name` where it can,
    and records itself for the next. The block clears what it set on the plugin: MkDocs gives
    every later config of the process the same plugin object (it has on_startup), and another
    build of the process (a test's, `jinggang changes`', the benchmarks') must not resume."""

    def __init__(self, config: MkDocsConfig, config_file: Path, name: str, *, strict: bool) -> None:
        from .plugin import JinggangPlugin, settings_from

        plugin = config.plugins.get("jinggang")
        self.plugin = plugin if isinstance(plugin, JinggangPlugin) and plugin.config.enabled else None
        self.root = Path(config.config_file_path).parent
        self.name = name
        self.key = ""
        if self.plugin is not None:
            self.plugin.keeps_build = True
            self.plugin.kept_search_pages = self._staged_search_pages()
            # A strict build does not resume from a lax one: the pages it would keep were never checked strictly.
            today = settings_from(config, self.plugin.config).today
            self.key = environment_digest(self.root, config_file, today) + f"\0strict={strict}"

    def __enter__(self) -> Resumption:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.plugin is not None:
            # Interrupted (Ctrl-C is not an error MkDocs tells plugins of): no process of the
            # build goes on writing into a staging folder that is being removed.
            self.plugin.stop_forked_work()
            self.plugin.keeps_build = self.plugin.resumed = False
            self.plugin.kept_search_pages = None
            self.plugin.always_remade = set()
            self.plugin.last_build = None

    @property
    def kept_folder(self) -> Path:
        """A build folder of the cache's own, for a build that is not published (the offline site)."""
        return self.root / CACHE / self.name / "site"

    def start(self, last_dir: Path, build_dir: Path, *, always_remade: Iterable[str] = ()) -> bool:
        """Whether this build, into build_dir, resumes from the last one, which left last_dir: then
        build_dir is a copy of last_dir (unless they are one folder) and the build is a dirty one."""
        from .plugin import exact_dirty_build

        previous = self._last_build(last_dir) if self.plugin is not None else None
        if self.plugin is None or previous is None:
            return False
        if build_dir != last_dir:
            copy_tree(last_dir, build_dir, linked=_print_font, left_out=_outside_build)
        self.plugin.last_build = replace(previous, site_dir=str(build_dir))
        self.plugin.resumed, self.plugin.always_remade = True, set(always_remade)
        build_log = logging.getLogger("mkdocs.commands.build")
        if exact_dirty_build not in build_log.filters:
            build_log.addFilter(exact_dirty_build)
        return True

    def _files(self) -> tuple[Path, Path, Path]:
        """The record, the state (LastBuild) and a whole build's search pages, kept apart."""
        return (self.root / CACHE / f"{self.name}.json", self.root / CACHE / f"{self.name}.pickle",
                self.root / CACHE / f"{self.name}.search.pickle")

    def _staged_search_pages(self) -> Path:
        """Where this build's search process pickles its pages: the kept ones until keep()."""
        return self.root / CACHE / f"{self.name}.search-new.pickle"

    def _last_build(self, site_dir: Path) -> LastBuild | None:
        """The last build into site_dir, if the folder is as it left it and the key is the same."""
        record_file, state_file, search_file = self._files()
        try:
            record = json.loads(record_file.read_text(encoding="utf-8"))
            if not isinstance(record, dict) or record.get("key") != self.key \
                    or record.get("site_dir") != str(site_dir.resolve()) or not site_dir.is_dir() \
                    or record.get("listing") != site_listing(site_dir, _outside_build):
                return None
            with open(state_file, "rb") as stream:
                kept = pickle.load(stream)  # our own cache file, written by keep() for this key
            if isinstance(kept, LastBuild) and kept.search_pages_apart:
                with open(search_file, "rb") as stream:  # the search process's spool (search/index.py)
                    search_pages: dict[str, SearchPage | UnreadPage] = {**read_spool(stream)}
                kept = replace(kept, search_pages=search_pages, search_pages_apart=False)
        except Exception:  # absent, from another version, cut short: a whole build
            return None
        return kept if isinstance(kept, LastBuild) else None

    def forget(self) -> None:
        for file in self._files():
            file.unlink(missing_ok=True)

    def keep(self, site_dir: Path) -> None:
        """After the build is in place in site_dir: what the next build may resume from."""
        self.forget()
        if self.plugin is None or self.plugin.last_build is None:
            return
        record_file, state_file, search_file = self._files()
        if self.plugin.last_build.search_pages_apart:
            try:
                os.replace(self._staged_search_pages(), search_file)
            except OSError:  # not written: the next build makes everything
                return
        state_file.parent.mkdir(parents=True, exist_ok=True)
        with open(state_file, "wb") as stream:
            pickle.dump(self.plugin.last_build, stream, protocol=pickle.HIGHEST_PROTOCOL)
        record = {"key": self.key, "site_dir": str(site_dir.resolve()),
                  "listing": site_listing(site_dir, _outside_build)}
        record_file.write_text(json.dumps(record), encoding="utf-8")


def _print_font(name: str) -> bool:
    """The print fonts' files, half a site's bytes: the build replaces a font that changed, never
    writes into one (packet_builder.copy_print_fonts), so a copy may link them."""
    return name.startswith(f"{SITE_FONTS_DIR}/") and name.endswith(".woff2")


def copy_tree(source: Path, target: Path, *, linked: Callable[[str], bool],
              left_out: Callable[[str], bool] = lambda name: False) -> None:
    """source's files into target: hard links where linked(name), copies with their times
    elsewhere (MkDocs writes a page in place, and copies a static file again only when its
    source is newer); names relative to source."""
    def ignored(folder: str, names: list[str]) -> set[str]:
        relative = Path(folder).relative_to(source).as_posix()
        prefix = "" if relative == "." else f"{relative}/"
        return {name for name in names if left_out(prefix + name)}

    def copy(file: str, copy_to: str) -> Any:
        if linked(Path(file).relative_to(source).as_posix()):
            try:
                os.link(file, copy_to)
                return copy_to
            except OSError:  # a file system without hard links
                pass
        return shutil.copy2(file, copy_to)

    shutil.copytree(source, target, ignore=ignored, copy_function=copy, dirs_exist_ok=True)
