"""An editor's preview that keeps up: `mkdocs serve --dirty` makes again only what an edit affects.

After each build of the preview the plugin keeps what it made (`LastBuild`): the digest of
every key of the model and every file under docs/ and site_overrides/, the dependency map
(content/dependencies.py), the pages' titles (the nav of a page made again shows the others'),
the generated scripts and feeds and the pages' search entries. The next build diffs the digests,
asks the map which files read a changed key, and leaves every other page as it is on disk.
A change to a template, mkdocs.yml or the program's own code makes everything again.
"""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader
from mkdocs.livereload import LiveReloadServer
from mkdocs.theme import Theme

from ..content.dependencies import DependencyMap, changed_between, file_digest, file_digests, key
from .search import SearchPage, UnreadPage

# Files whose change the map cannot follow: every page is made again.
SITE_WIDE_FOLDERS = ("site_overrides",)
SITE_WIDE_FILES = ("mkdocs.yml",)


@dataclass
class LastBuild:
    site_dir: str
    digests: dict[str, str]
    dependencies: DependencyMap
    titles: dict[str, str | None] = field(default_factory=dict)  # by src_uri
    generated_files: dict[str, str] = field(default_factory=dict)  # a generated script's or feed's content
    search_pages: dict[str, SearchPage | UnreadPage] = field(default_factory=dict)  # by src_uri
    # A whole build's search pages are kept apart, by its forked search process (website/resume.py).
    search_pages_apart: bool = False


def input_digests(root: Path, docs_dir: Path, memo: dict[tuple[Any, ...], str] | None = None) -> dict[str, str]:
    """Digests of the files a build reads besides the model: pages, pictures, templates, settings."""
    digests = file_digests(root, docs_dir, memo)
    for folder in SITE_WIDE_FOLDERS:
        if (root / folder).is_dir():
            digests.update(file_digests(root, root / folder, memo))
    for name in SITE_WIDE_FILES:
        if (root / name).is_file():
            digests[key("file", name, "bytes")] = file_digest(root / name)
    return digests


def changed_since(last: LastBuild | None, site_dir: str, digests: dict[str, str]) -> set[str] | None:
    """The keys that changed since the last build; None: make everything again."""
    if last is None or last.site_dir != site_dir:
        return None
    changed = changed_between(last.digests, digests)
    if any(entry.startswith(tuple(f"file/{name}" for name in (*SITE_WIDE_FOLDERS, *SITE_WIDE_FILES)))
           for entry in changed):
        return None
    return changed


def affected_files(last: LastBuild | None, changed: set[str] | None) -> set[str] | None:
    """The built files an edit since the last build affects; None: make everything again."""
    if last is None or changed is None:
        return None
    return set(last.dependencies.affected(changed))


def watch_events(server: LiveReloadServer) -> None:
    """Watch by the kernel's change events instead of MkDocs's polling.

    MkDocs looks at every watched file each half second: a save is seen 0.25 s late on average
    (0.37 s measured at 2,000 lessons). inotify (Linux) reports it at once. On a system without
    such events the platform's observer is the polling one, and MkDocs's own is kept.
    """
    from watchdog.events import FileClosedEvent, FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    if Observer is PollingObserver:  # the fallback where the system sends no events
        return

    class ChangeObserver(Observer):  # type: ignore[valid-type,misc]
        """Changes only: MkDocs rebuilds on any event, and inotify also reports the build's own
        reads (opened, closed unwritten), which would rebuild without end."""

        def schedule(self, *args: Any, **kwargs: Any) -> Any:
            kwargs["event_filter"] = [FileModifiedEvent, FileClosedEvent, FileCreatedEvent, FileDeletedEvent,
                                      FileMovedEvent]
            return super().schedule(*args, **kwargs)

    # MkDocs keeps the watched paths in a private dict; watch() builds each path's handler.
    paths = dict(server._watched_paths)
    for path, count in paths.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = ChangeObserver()
    for path, count in paths.items():
        for _ in range(count):
            server.watch(path)


class VisibleFilesLoader(FileSystemLoader):
    """The theme's loader, listing its files without hidden ones and without walking hidden folders.

    MkDocs lists every file of the theme's folders each build (Files.add_files_from_theme) and
    then drops any whose path has a part starting with a dot. Material's .icons holds 14,348 of
    its 14,509 files: walking and filtering them took about 0.1 s of every preview build."""

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for folder in self.searchpath:
            for parent, folders, names in os.walk(folder, followlinks=self.followlinks):
                folders[:] = [name for name in folders if not name.startswith(".")]
                relative = os.path.relpath(parent, folder)
                prefix = "" if relative == "." else relative.replace(os.path.sep, "/") + "/"
                found.update(prefix + name for name in names if not name.startswith("."))
        return sorted(found)


def list_visible_theme_files(theme: Theme) -> None:
    """Give the theme's environments a VisibleFilesLoader (Theme.get_env makes one each build)."""
    make_env = theme.get_env

    def get_env() -> Environment:
        env = make_env()
        env.loader = VisibleFilesLoader(theme.dirs)
        return env

    theme.get_env = get_env  # type: ignore[method-assign]


def pause_collector() -> None:
    """While a preview build runs: no cyclic garbage collection.

    A build at 2,000 lessons allocates enough that a full collection (0.2-0.4 s) fell inside
    nearly every build after an edit; the preview collects in the idle time after it instead
    (the plugin's _collect_when_idle). Objects freed by their reference count go as they always do.
    """
    gc.disable()


def resume_collector() -> None:
    gc.enable()


# Seconds from the end of a preview build to its collection: after the reloaded page is served
# (a collection holds the process for 0.2-0.3 s at 2,000 lessons), before the editor's next save.
COLLECT_AFTER = 0.5


def collect_garbage() -> None:
    """A while after a preview build, while no build runs: one collection, so that the next
    build does not start with one due. Not after the search index writer (about 1 s at 2,000
    lessons): a save 1 s after the last build waited for the collection then."""
    gc.collect()
