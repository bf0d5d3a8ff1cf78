"""Typed configuration of the `jinggang` MkDocs plugin."""

from __future__ import annotations

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config


class JinggangConfig(Config):
    enabled = opt.Type(bool, default=True)

    # Where the data that is not a page lives (vocabularies, registries, schemas),
    # relative to mkdocs.yml.
    curriculum_dir = opt.Type(str, default="curriculum")

    # Drafts (status: draft) are left out of the published build; `mkdocs serve`
    # shows them, marked, so editors can preview their work.
    drafts_on_serve = opt.Type(bool, default=True)

    # Visitor information verified longer ago than this (or never) gives a warning.
    verified_max_age_days = opt.Type(int, default=365)

    # Set by `jinggang offline` for the build it zips (opened from file://): pages leave out
    # what needs a server, such as the service worker's "save for offline".
    offline_build = opt.Type(bool, default=False)

    # `make serve` learns of a save from the kernel's change events (inotify) at once; true:
    # MkDocs's polling every half second, for folders mounted from elsewhere that send no events.
    preview_polling = opt.Type(bool, default=False)

    # Glossary terms get a hover definition on their first use in every page.
    glossary_hovers = opt.Type(bool, default=True)

    # reveal.js for presenter mode, installed by `npm ci` (package-lock.json), relative to
    # mkdocs.yml; its files are copied into the built site.
    reveal_dist = opt.Type(str, default="node_modules/reveal.js/dist")

    # The fonts every PDF prints with (Noto Sans SC, Noto Serif SC as TrueType woff2, npm
    # @fontsource, pinned), relative to mkdocs.yml: see outputs/fonts.py.
    print_fonts_dir = opt.Type(str, default="node_modules/@fontsource")

