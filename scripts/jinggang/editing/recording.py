"""The dependency map `jinggang changes` reads: saved by the last build, or recorded now.

A build saves what each file read (content/dependencies.py) under .cache/jinggang/
dependencies/. A map is used only when it was recorded from the content on one side of
the change; otherwise the site is built into a scratch folder and every download prepared
(not printed), which records a fresh one.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..content.dependencies import DependencyMap
from ..content.loader import Settings
from ..website.plugin import DEPENDENCY_FOLDER, SITE_DEPENDENCIES


class RecordingError(Exception):
    """The site could not be built to record the map; the message says why, in Chinese."""


def _download_commands() -> dict[str, tuple[str, str]]:
    from ..cli import DOWNLOADS

    return DOWNLOADS


def saved_dependencies(root: Path) -> dict[str, DependencyMap | None]:
    folder = root / DEPENDENCY_FOLDER
    return {name: DependencyMap.load(folder / name)
            for name in (SITE_DEPENDENCIES, *(f"{command}.json" for command in _download_commands()))}


def _merged(maps: Iterable[DependencyMap]) -> DependencyMap:
    merged = DependencyMap()
    for dependencies in maps:
        merged.files.update(dependencies.files)
        merged.pages.update(dependencies.pages)
    return merged


def dependencies_for(settings: Settings, fingerprints: set[str]) -> DependencyMap:
    """The whole build's map, each part recorded from content with one of these fingerprints:
    a missing or older part is recorded again (the site by a build into a scratch folder, a
    download by preparing its files without printing them)."""
    saved = saved_dependencies(settings.root)
    fresh = {name: dependencies for name, dependencies in saved.items()
             if dependencies is not None and dependencies.fingerprint in fingerprints}
    if len(fresh) < len(saved):
        fresh.update(record_dependencies(settings, site=SITE_DEPENDENCIES not in fresh,
                                         downloads=[command for command in _download_commands()
                                                    if f"{command}.json" not in fresh]))
    return _merged(fresh.values())


def record_dependencies(settings: Settings, *, site: bool, downloads: list[str]) -> dict[str, DependencyMap]:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    from ..cli import _download_output, render_context
    from ..content.problems import errors, format_report
    from ..outputs.pipeline import Status, prepare_jobs
    from ..outputs.store import RenderStore
    from ..website.config_file import ConfigFileError, load_mkdocs_config

    config_file = settings.config_file or settings.root / "mkdocs.yml"
    recorded: dict[str, DependencyMap] = {}
    with tempfile.TemporaryDirectory(prefix="jinggang-record-") as scratch:
        if site:
            mkdocs_log = logging.getLogger("mkdocs")
            level = mkdocs_log.level
            mkdocs_log.setLevel(logging.ERROR)
            try:
                build(load_mkdocs_config(config_file, site_dir=scratch, strict=False))  # the plugin saves the map
            except ConfigFileError as error:
                raise RecordingError(format_report(error.problems)) from error
            except MkDocsException as error:
                raise RecordingError(str(error)) from error
            finally:
                mkdocs_log.setLevel(level)
            recorded[SITE_DEPENDENCIES] = DependencyMap.load(
                settings.root / DEPENDENCY_FOLDER / SITE_DEPENDENCIES) or DependencyMap()
        if downloads:
            context, problems = render_context(config_file)
            if context is None:
                raise RecordingError(format_report(errors(problems)))
            for command in downloads:
                folder = _download_commands()[command][0]
                output, items = _download_output(command, context, RenderStore(Path(scratch) / folder,
                                                                               Path(scratch) / "cache"))
                recorded[f"{command}.json"] = DependencyMap({f"{folder}/{job.name}": job.reads
                                                             for job in prepare_jobs(output, items)
                                                             if job.status is not Status.FAILED})
    return recorded
