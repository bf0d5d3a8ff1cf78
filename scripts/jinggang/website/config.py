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

    # A build that makes everything does its side work (the packet builder's item scripts, the
    # search's reading of the pages, the share panels' QR codes, the presenter pages) in forked
    # processes, on the core MkDocs leaves idle, when docs_dir holds at least this many Markdown
    # files; 0: always. Below, forking costs more than it saves (measured, one build: 6 files,
    # 0.34 core-s in process against 0.50 forked for the same 0.33 s; 41 files, 0.93 s in
    # process against 0.69 s forked).
    fork_from_pages = opt.Type(int, default=20)

    # Glossary terms get a hover definition on their first use in every page.
    glossary_hovers = opt.Type(bool, default=True)

    # reveal.js for presenter mode, installed by `npm ci` (package-lock.json), relative to
    # mkdocs.yml; its files are copied into the built site.
    reveal_dist = opt.Type(str, default="node_modules/reveal.js/dist")

    # The fonts every PDF prints with (Noto Sans SC, Noto Serif SC as TrueType woff2, npm
    # @fontsource, pinned), relative to mkdocs.yml: see outputs/fonts.py.
    print_fonts_dir = opt.Type(str, default="node_modules/@fontsource")

