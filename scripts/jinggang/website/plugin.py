"""The `jinggang` MkDocs plugin: thin hooks over the content model and its renderers."""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from html import unescape
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import clean_directory, is_markdown_file
from mkdocs.utils.meta import YAML_RE
from mkdocs.utils.templates import TemplateContext

from ..content.dependencies import (
    EVERYTHING,
    DependencyMap,
    Derived,
    DigestMemo,
    fingerprint,
    key,
    model_digests,
    reading,
)
from ..content.loader import Settings, load_content, remembering_files
from ..content.model import ContentModel, LecturerMaterial
from ..content.problems import errors, format_report, warnings
from ..content.reading import reading_calendar, readings_script
from ..content.reproducible import page_update_date
from ..content.sanitize import html_text, sanitize_html
from ..content.schemas import SchemaSet
from ..outputs.fonts import PrintFontsMissing
from ..outputs.markdown import ItemError, MarkdownRenderer
from ..outputs.qr import qr_code
from ..outputs.slides.present import RevealMissing, copy_reveal, write_presenters
from ..outputs.store import CACHE
from .config import JinggangConfig
from .config_text import TemplateConfig, escape_nav_titles, escape_theme_text
from .feeds import FEEDS, feed_documents
from .forked import ForkedFailed, ForkedWork
from .glossary import GlossaryExtension
from .memory import PAGES_PER_TRIM, give_back_freed_memory
from .order import SAVED_KEYS, add_keys, keys_missing, load_reading_keys, make_keys, save_reading_keys, texts_in_order
from .packet_builder import (
    BuilderFailed,
    BuilderMemo,
    BuilderReads,
    ItemScriptWriter,
    ItemsToWrite,
    builder_failure,
    image_url_for_builder,
    save_builder_items,
    write_builder_files,
    write_builder_listing,
)
from .page_parts import PAGE_TEMPLATE, Heading, heading, page_parts, with_heading
from .pages import generated_pages, glossary_definitions, lecturer_markdown
from .preview import (
    COLLECT_AFTER,
    LastBuild,
    affected_files,
    changed_since,
    collect_garbage,
    input_digests,
    list_visible_theme_files,
    pause_collector,
    resume_collector,
    watch_events,
)
from .render import EntryMemo, GeneratedPage, Renderer, page_contents, template_environment, url_for
from .search import (
    Abandoned,
    ForSideWork,
    IndexMemo,
    SearchIndex,
    SearchPage,
    UnreadPage,
    page_kind,
    published_content,
    read_and_write_search,
    read_page,
    search_page,
    write_opensearch,
)
from .service_worker import SERVICE_WORKER, PlaceholderMissing, stamp_service_worker
from .share import ShareMeta, ShareTarget, absolute_url, qr_svgs, share_meta, share_target, share_targets
from .site_check import address_problems, docs_label, generated_page_problems, nav_problems
from .template_cache import template_cache
from .trail import Trails

log = logging.getLogger("mkdocs.plugins.jinggang")

# The year's daily readings, which the home page picks today's from (site_overrides JS).
READINGS_SCRIPT = "assets/javascripts/readings.js"
# Files of the theme no reader loads: Material's search (lunr, its languages, its worker) is
# not the site's (website/search/; partials/search.html mounts no Material search), and a
# source map serves a developer's debugger only. Left out, they leave the site, the service
# worker's cache and every offline zip (2.5 MB each, read and compressed on every run).
UNUSED_THEME_FILE = re.compile(r"assets/javascripts/(?:lunr|workers)/.*|.*\.map")
# Where write_presenters puts each material's show (outputs/slides/present.py presenter_path).
PRESENTER_PAGE = "/present/index.html"
EMPTY_FRONT_MATTER = "---\n{}\n---\n"  # MkDocs reads it as no metadata, and reads on after it
# What each file of the last build read (content/dependencies.py), under the project root.
DEPENDENCY_FOLDER = CACHE / "dependencies"
SITE_DEPENDENCIES = "site.json"
# The packet builder's items, pickled for the search's process (packet_builder.ItemsToWrite), by build process.
BUILDER_ITEMS = "builder-items-{pid}.pickle"  # in CACHE


def settings_from(config: MkDocsConfig, plugin_config: JinggangConfig) -> Settings:
    root = Path(config.config_file_path).parent
    return Settings(root=root, docs_dir=Path(config.docs_dir),
                    curriculum_dir=root / plugin_config.curriculum_dir,
                    verified_max_age_days=plugin_config.verified_max_age_days,
                    config_file=Path(config.config_file_path))


class JinggangPlugin(BasePlugin[JinggangConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.is_serve = False
        self.model: ContentModel | None = None
        self.renderer: Renderer | None = None
        self.trails: Trails | None = None
        self.active_list: Page | None = None  # the list page shown active while a detail page renders
        self.builder_memo = BuilderMemo()  # the packet builder's files, across serve rebuilds
        # A build that makes everything: the search's reading of the pages with the builder's
        # scripts, the share panels' QR codes and the presenter pages, each in a process of its
        # own while MkDocs builds the pages (website/forked.py). A failure there is a
        # ForkedFailed, the build's PluginError.
        self.search_reader: ForkedWork | None = None
        self.builder_items: Path | None = None  # sent to the search reader: it writes the item scripts
        self.code_drawer: ForkedWork | None = None
        self.presenter_writer: ForkedWork | None = None
        self.forks = False  # whether this build does that work in processes of its own (_forks)
        self.pages_written = 0  # by published builds: every PAGES_PER_TRIM, freed memory goes back
        # The presenter writer forks once the code drawer has ended (or at on_post_build): a
        # process forked from this one gets a copy of each memory page this one writes while it
        # runs, and side by side two such held about 50 MB more at the build's peak (2,000
        # lessons), for no time gained, as both wait for the one core MkDocs leaves.
        self.presenters_waiting = False
        self.drawn_codes: dict[str, str] = {}  # the code_drawer's: a page's address -> its qr_svg
        self.dependencies = DependencyMap()
        self.page_reads: dict[str, set[str]] = {}  # by src_uri, while the build runs
        self.recording = ExitStack()  # the page being made, from its first hook to its last
        # The preview (website/preview.py): what the last build made, what this one makes again.
        self.last_build: LastBuild | None = None
        # A published build that keeps what it made for the next (website/resume.py): `resumed`
        # when this one starts from the last one's site and LastBuild, which run_build sets.
        self.keeps_build = False
        self.kept_search_pages: Path | None = None  # where a whole build's search process keeps its pages
        self.resumed = False
        self.always_remade: set[str] = set()  # what a resumed build makes again whatever changed
        self.affected: set[str] | None = None  # None: everything
        self.file_memo: dict[tuple[Any, ...], Any] = {}  # the loader's, across the preview's builds
        self.file_digest_memo: dict[tuple[Any, ...], str] = {}
        self.digest_memo: DigestMemo = {}  # model_digests', by item
        self.digests: dict[str, str] = {}
        self.titles: dict[str, str | None] = {}
        self.generated_files: dict[str, str] = {}  # a generated script's or feed's content, by path
        self.kept_pages: set[str] = set()  # src_uris the preview leaves as they are
        self.search_writer: threading.Thread | None = None
        self.search_writes = 0  # the preview's index writers started, to skip those a later one replaces
        # Set while no build runs: the preview's index writer works only then, so that it does not
        # slow the next build (the GIL): a build is what the editor waits for.
        self.idle = threading.Event()
        self.idle.set()
        self.search_memo = IndexMemo()  # the preview's last index, to write only what changed
        self.collector: threading.Thread | None = None
        self.serve_builds = 0  # the preview's builds ended, to collect after the last one only
        self.generated: dict[str, GeneratedPage] = {}  # the generated pages by src_uri, this build's
        self.entry_memo = EntryMemo()  # the preview's list entries, across its builds
        self.keys_file: Path | None = None  # where the pinyin keys are saved (website/order.py)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.is_serve = command == "serve"
        if self.is_serve and dirty:
            logging.getLogger("mkdocs.commands.build").addFilter(exact_dirty_build)

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[..., Any]
                 ) -> LiveReloadServer | None:
        # The content's YAML and the site's templates are sources of the preview too.
        root = Path(config.config_file_path).parent
        server.watch(str(root / self.config.curriculum_dir))
        if config.theme.custom_dir:
            server.watch(config.theme.custom_dir)
        if not self.config.preview_polling:
            watch_events(server)
        server.builder = self._busy_while(server.builder)
        return server

    def _busy_while(self, builder: Callable[..., Any]) -> Callable[..., Any]:
        """The server's builder, which marks the preview busy from its start: the collector and
        the index writer wait while MkDocs loads mkdocs.yml too (0.1-0.2 s before on_config)."""
        def build_busy(*args: Any, **kwargs: Any) -> Any:
            self.idle.clear()
            try:
                return builder(*args, **kwargs)
            finally:
                self.idle.set()

        return build_busy

    def on_shutdown(self) -> None:
        self.idle.set()
        self.settle()
        if self.collector is not None:
            self.collector.join()
        resume_collector()
        if self.keys_file is not None:  # keys the preview made since its first build
            save_reading_keys(self.keys_file)
        # MkDocs reuses this object for later configs in the same process (it has on_startup).
        self.is_serve = False

    @property
    def show_drafts(self) -> bool:
        return self.is_serve and self.config.drafts_on_serve

    # Early, so that the model is there for every later hook of every plugin.
    @event_priority(50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        unsafe = address_problems(config)  # `jinggang check` refuses them too (website/site_check.py)
        if unsafe:
            raise PluginError("站点没有生成：\n" + format_report(unsafe, annotations=False))
        escape_theme_text(config)
        list_visible_theme_files(config.theme)
        settings = settings_from(config, self.config)
        self.forks = self._forks(config)
        # The packet builder's items print as the PDFs do: with the site's Markdown, without hovers.
        # Made before the search's reader forks: that process writes the builder's item scripts.
        self.packet_markdown = MarkdownRenderer(list(config.markdown_extensions), dict(config.mdx_configs),
                                                Path(config.docs_dir), image_url_for_builder(Path(config.docs_dir)))
        if not self.resumed and self.forks:
            # A build that makes everything: the search's reader forks now, before the content is
            # read. Forked later, it wrote into a copy of each memory page of the model it shared
            # with this process, where its own objects filled the model's gaps: at 2,000 lessons
            # it ended at 139 MB (PSS) for about 60 MB of objects of its own, and ends at 100 MB now.
            self._start_search_reader(config)
        if self.is_serve:
            self.idle.clear()  # until on_post_build or on_build_error
            if self.last_build is not None:  # after an edit; a whole build (40 s) collects as it goes
                pause_collector()
        if self.is_serve:  # one edit: that file read and checked again, the others remembered
            with remembering_files(self.file_memo):
                result = load_content(settings)
        else:
            result = load_content(settings)
        if result.model is None or errors(result.problems):
            raise PluginError("内容检查未通过，站点没有生成：\n"
                              + format_report(errors(result.problems), annotations=False)
                              + "\n运行 `jinggang check` 查看全部问题和警告。")
        if warnings(result.problems):
            # Info, not warning: `mkdocs build --strict` must fail on errors only.
            log.info(f"内容检查有 {len(warnings(result.problems))} 个警告，运行 `jinggang check` 查看。")
        full = result.model
        self.model = full if self.show_drafts else full.published_view()
        load_reading_keys(Path(config.config_file_path).parent / SAVED_KEYS)
        self._make_missing_keys()
        self.trails = Trails(self.model)
        self.schema_set = SchemaSet(settings.curriculum_dir / "schema")
        # The preview keeps the template environment: Jinja reloads a template that changed. A
        # build's templates do not change while it runs: Jinja need not look at each template's
        # file again every time a page includes it (140,000 times at 2,000 lessons).
        env = self.renderer.env if self.is_serve and self.renderer is not None \
            and self.renderer.template_dirs == list(config.theme.dirs) \
            else template_environment(config.theme.dirs, self._bytecode_cache(config), reload=self.is_serve)
        self.renderer = Renderer(config.theme.dirs, self.model, offline=self.config.offline_build, env=env,
                                 entry_memo=self.entry_memo if self.is_serve else None)
        self.search_pages: dict[str, SearchPage | UnreadPage] = {}
        self.drawn_codes = {}
        self.dependencies = DependencyMap()
        self.page_reads = {}
        self.titles, self.generated_files = {}, {}
        self.front_matter: dict[str, dict[str, Any]] = {}  # read by the model, for on_page_markdown
        if self.is_serve or self.keeps_build:
            self.digests = (model_digests(self.model, self.digest_memo) | self.trails.digests()
                            | input_digests(settings.root, settings.docs_dir, self.file_digest_memo))
        if self.is_serve:
            changed = changed_since(self.last_build, config.site_dir, self.digests)
            self.affected = affected_files(self.last_build, changed)
            self.entry_memo.begin(changed)
            if self.affected is None:
                resume_collector()
        elif self.resumed:
            self.affected = self._resumed_affected(config)
        else:
            self.affected = None
        if self.config.glossary_hovers:
            config.markdown_extensions.append(GlossaryExtension(glossary_definitions(self.model)))  # type: ignore[arg-type]
        return config

    def _make_missing_keys(self) -> None:
        """The pinyin keys no earlier build saved, made in a process of its own (website/order.py).
        The preview keeps pypinyin loaded instead: its next new title is keyed at once."""
        assert self.model is not None
        missing = keys_missing(texts_in_order(self.model))
        if missing and not self.is_serve and ForkedWork.available():
            add_keys(ForkedWork(lambda _inbox: make_keys(missing), "拼音排序").result())

    def _resumed_affected(self, config: MkDocsConfig) -> set[str] | None:
        """What a resumed published build makes again; None: everything, in a cleaned folder.

        An item or file added or removed makes everything again: the preview may leave a
        removed page's file behind, a published site may not."""
        last = self.last_build
        changed = changed_since(last, config.site_dir, self.digests)
        if last is None or changed is None or last.digests.keys() != self.digests.keys():
            clean_directory(config.site_dir)
            return None
        return (affected_files(last, changed) or set()) | self.always_remade

    # Early, so that other plugins (search, offline) see the generated pages.
    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.model is None or self.renderer is None:
            return files
        theme_dirs = {os.path.normpath(folder) for folder in config.theme.dirs}
        for file in list(files):
            if file.src_dir is not None and os.path.normpath(file.src_dir) in theme_dirs \
                    and UNUSED_THEME_FILE.fullmatch(file.src_uri):
                files.remove(file)
                continue
            item = self.model.item_by_src_uri(file.src_uri) if file.is_documentation_page() else None
            if file.is_documentation_page() and item is None and _is_item_uri(file.src_uri):
                # A draft, left out of the published build.
                files.remove(file)
        pages = generated_pages(self.model, self.schema_set)
        # What `jinggang check` refuses too (website/site_check.py), said the same way.
        page_uris = {file.src_uri for file in files if file.is_documentation_page()}
        problems = [*generated_page_problems(page_uris, pages, docs_label(config)),
                    *nav_problems(config, page_uris, pages)]
        if problems:
            raise PluginError("站点没有生成：\n" + format_report(problems, annotations=False))
        urls = {file.src_uri: file.url for file in files if file.is_documentation_page()}
        urls.update({page.src_uri: url_for(page.src_uri, config.use_directory_urls) for page in pages})
        self.renderer.urls = urls
        # A generated page's body is rendered in on_page_content, while the page records its reads.
        self.generated = {page.src_uri: page for page in pages}
        for page in pages:
            files.append(File.generated(config, page.src_uri, content=self.renderer.generated_markdown(page)))
        renderer = self.renderer
        files.append(self._generated(config, READINGS_SCRIPT,
                                     lambda: readings_script(reading_calendar(renderer.model), urls)))
        # The Atom feeds (website/feeds.py), files of the site like the readings script.
        feeds = Derived(lambda: feed_documents(renderer.model, renderer, site_name=config.site_name,
                                               site_url=config.site_url or "/", rights=config.copyright or "",
                                               site_description=config.site_description or ""))
        for path in FEEDS:
            def feed(path: str = path) -> str:
                return feeds.get()[path]

            files.append(self._generated(config, path, feed))
        self.kept_pages = set()
        if self.is_serve or self.resumed:  # not the file's time: what it read says whether a page is made again
            for file in files.documentation_pages():
                if self.last_build is not None and not self._remade(file.dest_uri):  # not read again
                    file.is_modified = _unchanged  # type: ignore[method-assign]
                    self.kept_pages.add(file.src_uri)
                    self.titles[file.src_uri] = self.last_build.titles.get(file.src_uri)
                    if file.src_uri in self.last_build.search_pages:
                        self.search_pages[file.src_uri] = self.last_build.search_pages[file.src_uri]
                    self._keep(file.dest_uri)
                else:  # read something that changed, though its own file may not have
                    file.is_modified = _changed  # type: ignore[method-assign]
        docs_dir = Path(config.docs_dir).resolve()
        for file in files:  # copied from docs/ as they are: a picture, a download (the theme's are code)
            if not file.is_documentation_page() and file.generated_by is None and file.abs_src_path \
                    and Path(file.abs_src_path).resolve().is_relative_to(docs_dir):
                self.dependencies.add(file.dest_uri, {_file_key(config, file.abs_src_path)})
        return files

    def _remade(self, path: str) -> bool:
        """Whether this build makes the file again (the preview leaves unaffected ones as they are)."""
        last = self.last_build
        return self.affected is None or last is None or path in self.affected or path not in last.dependencies.files

    def _keep(self, path: str) -> None:
        """A file left as the last build made it: what it read stays in the map."""
        assert self.last_build is not None
        self.dependencies.files[path] = self.last_build.dependencies.files[path]
        if path in self.last_build.dependencies.pages:
            self.dependencies.pages[path] = self.last_build.dependencies.pages[path]

    def _generated(self, config: MkDocsConfig, path: str, render: Callable[[], str]) -> File:
        """A generated file (a script, a feed), made again only when affected."""
        file = File.generated(config, path, content="")
        if not self._remade(file.dest_uri) and self.last_build is not None \
                and path in self.last_build.generated_files:
            file.content_string = self.last_build.generated_files[path]
            file.is_modified = _unchanged  # type: ignore[method-assign]
            self._keep(file.dest_uri)
        else:
            with reading() as reads:
                file.content_string = render()
            self.dependencies.add(file.dest_uri, reads)
        self.generated_files[path] = file.content_string
        return file

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page | None:
        self._collect_finished_work(config)  # the presenter writer may start while MkDocs reads the pages
        # Every read until on_page_content is this page's (its Markdown, hovers, a generated body).
        reads = self.page_reads.setdefault(page.file.src_uri, set())
        if page.file.abs_src_path and page.file.generated_by is None:
            reads.add(_file_key(config, page.file.abs_src_path))
        self.recording.close()
        self.recording.enter_context(reading(reads))
        return page

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        # An item's front matter was parsed when the model was read: MkDocs is handed the page
        # with it emptied, and on_page_markdown gives back what the model read (MkDocs's own
        # YAML parse of every page was a second one, 1 s at 2,000 lessons). The body is the
        # file's own text from the same place on.
        item = self.model.item_by_src_uri(page.file.src_uri) if self.model else None
        if item is None:
            return None
        try:
            text = page.file.content_string
        except (OSError, ValueError):  # changed since the model read it: MkDocs reads it and says why
            return None
        front = YAML_RE.match(text)
        if front is None:
            return text
        self.front_matter[page.file.src_uri] = object.__getattribute__(item, "source").data
        return EMPTY_FRONT_MATTER + text[front.end():]

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment | None:
        # Compiled templates kept between builds (Jinja checks each template's source): the
        # preview and `jinggang site` do not compile Material's templates again each build.
        env.bytecode_cache = self._bytecode_cache(config)
        env.auto_reload = False  # MkDocs makes this environment again for each build (the preview's too)
        if self.model is not None and self.kept_pages:
            # The sitemap dates every page: a page left as it was is not read (on_page_markdown).
            for file in files.documentation_pages():
                if file.src_uri in self.kept_pages and file.page is not None:
                    file.page.update_date = page_update_date(self.model, file.src_uri)
        return env

    def _bytecode_cache(self, config: MkDocsConfig) -> jinja2.BytecodeCache:
        return template_cache(Path(config.config_file_path).parent)

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        escape_nav_titles(nav)  # titles written in mkdocs.yml: Material prints them as they are
        # A build that makes everything writes every item's builder script, reads every page for
        # the search, draws every share panel's QR code and writes every presenter page: in
        # processes of their own, now that the pages' addresses are known (the search's reader,
        # which writes the builder's scripts too, forked in on_config already unless the build
        # resumed; the presenter writer forks once the code drawer has ended). The preview and a
        # resumed build that makes what an edit affects do a few, in this process.
        if self.config.enabled and self.model is not None and self.renderer is not None \
                and self.affected is None and self.forks:
            self._start_search_reader(config)  # if on_config did not
            self._send_builder_items(config)
            site_url = config.site_url or "/"
            addresses = [absolute_url(site_url, url_for(target.src_uri)) for target in share_targets(self.model)]
            self.code_drawer = ForkedWork(lambda _inbox: qr_svgs(addresses), "二维码")
            self.presenters_waiting = True
        for file in files.documentation_pages():
            if file.page is not None and file.src_uri in self.kept_pages:
                # Not read again: its title, for the nav of the pages that are, is the last build's.
                file.page.title = self.titles.get(file.src_uri)
        return nav

    def on_template_context(self, context: TemplateContext, *, template_name: str,
                            config: MkDocsConfig) -> TemplateContext | None:
        context["config"] = TemplateConfig(config)  # type: ignore[typeddict-item]
        return context

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str | None:
        self._collect_finished_work(config)
        item = self.model.item_by_src_uri(page.file.src_uri) if self.model else None
        front_matter = self.front_matter.pop(page.file.src_uri, None)
        if front_matter is not None:
            page.meta = dict(front_matter)
        if self.model:  # sitemap lastmod from the content, not the clock: reproducible builds
            page.update_date = page_update_date(self.model, page.file.src_uri)
        if item is not None or page.meta.get("title") is not None:
            # Material writes the meta title into <title> and the header without escaping.
            page.meta["title"] = html_text(str(item.title if item else page.meta["title"]))
        if item is not None or page.file.src_uri in self.generated:
            # The title, card, footer, 分享 panel and trail come from the page template.
            page.meta["template"] = PAGE_TEMPLATE
        if isinstance(item, LecturerMaterial) and self.renderer is not None:
            return lecturer_markdown(item, self.renderer)
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str | None:
        generated = self.generated.get(page.file.src_uri)
        contents = None
        if generated is None:
            html = sanitize_html(html)  # a page an editor wrote: allowlist only (generated: templates)
        elif self.renderer is not None:
            html = self.renderer.generated_body(generated, page.url)
            contents = page_contents(html)
        if contents is not None:  # the entries the generated page's template marked, without the title
            page.toc = contents
        elif page.meta.get("template") == PAGE_TEMPLATE:
            page.toc = with_heading(page.toc, self._heading(page, config))
        self.recording.close()
        return html

    def on_page_context(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext | None:
        # Every read until on_post_page is this page's too (its head, the page template and the
        # parts it places: card, footer, 分享 panel, trail).
        self.recording.close()
        self.recording.enter_context(reading(self.page_reads.setdefault(page.file.src_uri, set())))
        # A detail page is not in the nav: its list's tab and drawer entry are shown active.
        trail = self.trails.trail_for(page.file.src_uri) if self.trails else None
        self.active_list = next((item for item in nav.pages if trail and item.file.src_uri == trail.list_uri), None)
        if self.active_list is not None:
            self.active_list.active = True  # MkDocs marks the parents too
        # mkdocs.yml's text as templates read it: escaped (website/config_text.py).
        context["config"] = TemplateConfig(config)  # type: ignore[typeddict-item]
        # What a shared link shows (website/share.py); site_overrides/main.html writes it.
        if not self.config.enabled or self.model is None:
            return context
        meta = self._share_meta(page, config)
        page.meta["description"] = meta.escaped_description  # Material's own meta tag writes it as is
        context["jg_share"] = meta  # type: ignore[typeddict-unknown-key]
        if page.meta.get("template") == PAGE_TEMPLATE and self.renderer is not None:
            item = self.model.item_by_src_uri(page.file.src_uri)
            context["jg_item"] = item  # type: ignore[typeddict-unknown-key]
            has_share_panel = self._share_target(page.file.src_uri) is not None
            context["jg_parts"] = page_parts(  # type: ignore[typeddict-unknown-key]
                self.renderer, page.url, self._heading(page, config), item=item, trail=trail,
                share=meta if has_share_panel else None, max_age=self.config.verified_max_age_days,
                qr=self._drawn_code(meta.url) if has_share_panel else None)
        return context

    def _forks(self, config: MkDocsConfig) -> bool:
        """Whether a published build that makes everything does its side work in forked processes:
        where processes fork, for a docs_dir of at least fork_from_pages Markdown files (drafts
        and excluded files count too: a rough measure is enough). os.walk follows no symlinked
        folder, so a link that loops ends the count instead of running it for ever."""
        if self.is_serve or not ForkedWork.available():
            return False
        wanted = self.config.fork_from_pages
        found = 0
        for _folder, _folders, names in os.walk(config.docs_dir):
            found += sum(map(is_markdown_file, names))
            if found >= wanted:
                return True
        return found >= wanted

    def _start_search_reader(self, config: MkDocsConfig) -> None:
        if self.search_reader is None:
            scripts = ItemScriptWriter(list(config.theme.dirs), self._bytecode_cache(config), self.packet_markdown)
            # A build that is not kept spools the search's pages to a temporary file there (search/index.py).
            spool_dir = Path(config.config_file_path).parent / CACHE
            self.search_reader = ForkedWork(read_and_write_search(Path(config.site_dir), spool_dir,
                                                                  self.kept_search_pages, scripts),
                                            "搜索", describe=_search_failure)

    def _send_builder_items(self, config: MkDocsConfig) -> None:
        """The builder's items, pickled into a file of the project's cache, for the search's reader
        to write their scripts (packet_builder.ItemScriptWriter). Pickled in a short-lived forked
        process: pickling a string keeps its UTF-8 in it for as long as it lives, and in this
        process the items' texts would have kept theirs to the build's end (2,000 lessons: 9.8 MB)."""
        assert self.model is not None and self.renderer is not None and self.search_reader is not None
        root = Path(config.config_file_path).parent
        _remove_orphaned_items(root)
        items = root / CACHE / BUILDER_ITEMS.format(pid=os.getpid())
        self.builder_items = items
        model, urls = self.model, self.renderer.urls
        pickling = ForkedWork(lambda _inbox: save_builder_items(model, urls, items), "自选讲义包")
        try:
            pickling.result()
        except BaseException:  # Ctrl-C meanwhile: it is not left writing the file
            pickling.stop()
            raise
        self.search_reader.send(ForSideWork(ItemsToWrite(
            items, Path(config.site_dir), site_url=config.site_url or "", max_age=self.config.verified_max_age_days,
            fonts_dir=root / self.config.print_fonts_dir)))

    def _forget_builder_items(self) -> None:
        if self.builder_items is not None:
            self.builder_items.unlink(missing_ok=True)
            self.builder_items = None

    def _collect_finished_work(self, config: MkDocsConfig) -> None:
        """The forked works' outcomes, taken as soon as they are sent: their processes end then,
        instead of holding their memory until the build reads them (the QR codes' process held
        about 48 MB until the first page's share panel, after MkDocs had read every page). The
        presenter writer starts once the code drawer's process has ended."""
        for work in (self.presenter_writer, self.code_drawer):
            if work is not None:
                work.collect_if_done()
        if self.code_drawer is None or self.code_drawer.done:
            self._start_presenter_writer(config)
        reader = self.search_reader
        if reader is not None and not reader.done:
            reader.collect_if_done()
            if reader.done:  # it ends before its inbox only when it failed (print fonts missing): now
                self.search_reader = None
                reader.result()
                raise ForkedFailed("搜索：进程提前结束")

    def _start_presenter_writer(self, config: MkDocsConfig) -> None:
        if self.presenters_waiting:
            self.presenters_waiting = False
            self.presenter_writer = ForkedWork(lambda _inbox: self._write_presenters(config), "演示模式")

    def _drawn_code(self, url: str) -> str | None:
        """The share panel's code for url, if the build's code drawer drew it (once used, let go)."""
        drawer = self.code_drawer
        if drawer is not None:
            try:
                self.drawn_codes = drawer.result()
            finally:
                self.code_drawer = None
        return self.drawn_codes.pop(url, None)

    def _heading(self, page: Page, config: MkDocsConfig) -> Heading:
        """The page's h1, which the page template writes: its own title (page.title may be the nav's)."""
        return heading(str(page.meta.get("title") or page.title or ""), dict(config.mdx_configs.get("toc", {})))

    def _share_target(self, src_uri: str) -> ShareTarget | None:
        return share_target(self.model, src_uri) if self.model is not None else None

    def _share_meta(self, page: Page, config: MkDocsConfig) -> ShareMeta:
        # The online address, also in the offline build (use_directory_urls off): a shared link
        # or a scanned code must open the site.
        return share_meta(self._share_target(page.file.src_uri), page_title=plain_title(page),
                          page_url=url_for(page.file.src_uri), site_name=config.site_name,
                          site_url=config.site_url or "/", site_description=config.site_description or "")

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        self._collect_finished_work(config)
        if self.active_list is not None:
            self.active_list.active = False
            self.active_list = None
        self.recording.close()
        self.dependencies.add(page.file.dest_uri, self.page_reads.pop(page.file.src_uri, set()))
        self.dependencies.pages[page.file.dest_uri] = page.file.src_uri
        self.titles[page.file.src_uri] = page.title
        # The search reads the page as it is published: its content with what the template placed.
        # (Not a read of the page: the index depends on every page already.)
        if self.model is not None and not (page.meta.get("search") or {}).get("exclude"):
            item = self.model.item_by_src_uri(page.file.src_uri)
            read = (page.file.src_uri, published_content(output), page.url, plain_title(page), page_kind(page, item))
            if self.search_reader is not None:
                self.search_reader.send(read)
            elif self.is_serve and self.affected is not None:  # read by the index writer, after the build
                self.search_pages[page.file.src_uri] = UnreadPage(*read[1:])
            else:
                self.search_pages[page.file.src_uri] = search_page(*read[1:])
        if not self.is_serve:
            # Written once this returns, and read by nothing after: MkDocs would hold every page's
            # HTML and Markdown to the end of the build (about 30 MB at 2,000 lessons).
            page.content = page.markdown = None
            self.pages_written += 1
            if self.pages_written % PAGES_PER_TRIM == 0:
                give_back_freed_memory()
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled or self.model is None or self.renderer is None:
            return
        self.recording.close()
        site_dir = Path(config.site_dir)
        incremental = (self.is_serve or self.resumed) and self.affected is not None
        search_reader = self.search_reader  # kept on the plugin until its result is in: a failure stops it
        if search_reader is not None:  # it read the pages: it writes the index while this build finishes
            search_reader.end_inbox()
        else:
            pages = [self.search_pages[uri] for uri in sorted(self.search_pages)]
            if incremental and self.is_serve:
                # The preview's pages first: the index (seconds at 2,000 lessons) is written while the
                # editor reads the reloaded page. MkDocs serves nothing until a build ends, so this
                # build does not wait for the last one's index either: its writer does (one writer at
                # a time).
                self.search_writes += 1
                self.search_writer = threading.Thread(
                    target=self._write_search, args=(pages, site_dir, self.search_writer, self.search_writes),
                    daemon=True)
                self.search_writer.start()
            else:
                self.idle.set()  # the last writer finishes first
                self.settle()
                SearchIndex([read_page(page) for page in pages], self.search_memo if self.is_serve else None
                            ).write(site_dir)
        # The index repeats every searchable page; the sitemap dates every page.
        for path in ("search/", "sitemap.xml", "sitemap.xml.gz"):
            self.dependencies.add(path, {EVERYTHING})
        write_opensearch(self.renderer, config, site_dir)
        reveal_dist = Path(config.config_file_path).parent / self.config.reveal_dist
        try:
            if not incremental:  # the same files as the last build copied
                copy_reveal(reveal_dist, site_dir)
        except RevealMissing as error:
            raise PluginError(f"{error}。演示模式需要 reveal.js：运行 make site（其中的 npm ci 会安装它）。") from error
        last_presenters = [path for path in (self.last_build.dependencies.files if self.last_build else ())
                           if path.endswith(PRESENTER_PAGE)]
        self._start_presenter_writer(config)  # if the code drawer's process is still at work
        writer = self.presenter_writer
        if writer is not None or not last_presenters or any(self._remade(path) for path in last_presenters):
            try:
                presenters, reads = writer.result() if writer is not None else self._write_presenters(config)
            finally:
                self.presenter_writer = None
            for presenter in presenters:
                self.dependencies.add(presenter, reads)
        else:
            for path in last_presenters:
                self._keep(path)
        try:
            if self.builder_items is not None:  # the search's reader writes the item scripts
                builder_reads = write_builder_listing(self.model, self.renderer, site_dir)
            else:
                builder_reads = self._write_builder_files(config)
        except (PrintFontsMissing, ItemError) as error:
            raise PluginError(builder_failure(error)) from error
        finally:
            if not self.is_serve:  # the preview keeps them: a page made again draws the same address
                qr_code.cache_clear()  # kept from a page's share panel to its builder item only
        if self.code_drawer is not None:  # no page had a share panel
            self.code_drawer.stop()
            self.code_drawer = None
        if search_reader is not None:
            try:
                _pages, item_reads = search_reader.result()  # its pages are in kept_search_pages, if set
            finally:
                self.search_reader = None
                self._forget_builder_items()
            builder_reads |= item_reads or {}
        for path, script_reads in builder_reads.items():
            if script_reads is not None:
                self.dependencies.add(path, script_reads)
            elif self.last_build is not None and path in self.last_build.dependencies.files:
                self._keep(path)  # left as it was, or given back by the preview's memo
        try:  # last: the stamp hashes every file the build wrote
            if not (incremental and self.is_serve):  # the preview's pages are network first: its last stamp serves
                stamp_service_worker(site_dir)
        except PlaceholderMissing as error:
            raise PluginError(f"site_overrides/{error}：构建写不进版本号。") from error
        self.dependencies.add(SERVICE_WORKER, {EVERYTHING})
        if self.is_serve or self.keeps_build:
            self.last_build = LastBuild(config.site_dir, self.digests, self.dependencies, self.titles,
                                        self.generated_files, self.search_pages,
                                        search_pages_apart=search_reader is not None)
        if self.is_serve:
            self.serve_builds += 1  # first: an earlier build's collector that wakes now sees it
            self.idle.set()
            resume_collector()
            self.collector = threading.Thread(target=self._collect_when_idle, args=(self.serve_builds,), daemon=True)
            self.collector.start()
        self.keys_file = Path(config.config_file_path).parent / SAVED_KEYS
        if not (incremental and self.is_serve):  # the preview's are saved when it stops (0.1 s a title)
            save_reading_keys(self.keys_file)
        if not self.is_serve and not self.config.offline_build:  # the published build's map only
            settings = settings_from(config, self.config)
            self.dependencies.fingerprint = fingerprint((settings.docs_dir, settings.curriculum_dir))
            self.dependencies.save(Path(config.config_file_path).parent / DEPENDENCY_FOLDER / SITE_DEPENDENCIES)

    def on_build_error(self, *, error: Exception) -> None:
        self.recording.close()
        self.stop_forked_work()
        self.idle.set()
        if self.is_serve:
            resume_collector()

    def stop_forked_work(self) -> None:
        """Stop the build's forked processes (website/forked.py), if any still run."""
        for work in (self.search_reader, self.code_drawer, self.presenter_writer):
            if work is not None:
                work.stop()
        self.search_reader = self.code_drawer = self.presenter_writer = None
        self.presenters_waiting = False
        self._forget_builder_items()

    def _write_presenters(self, config: MkDocsConfig) -> tuple[list[str], set[str]]:
        """Every material's presenter page (site paths), and what they read."""
        assert self.model is not None and self.renderer is not None
        site_dir = Path(config.site_dir)
        with reading() as reads:
            presenters = write_presenters(self.model, self.renderer.env, site_dir, Path(config.docs_dir),
                                          list(config.markdown_extensions), dict(config.mdx_configs),
                                          self.renderer.urls)
        return [presenter.relative_to(site_dir).as_posix() for presenter in presenters], set(reads)

    def _write_builder_files(self, config: MkDocsConfig) -> BuilderReads:
        assert self.model is not None and self.renderer is not None
        fonts_dir = Path(config.config_file_path).parent / self.config.print_fonts_dir
        return write_builder_files(
            self.model, self.renderer, self.packet_markdown, Path(config.site_dir), site_url=config.site_url or "",
            max_age=self.config.verified_max_age_days, fonts_dir=fonts_dir,
            memo=self.builder_memo if self.is_serve else None, unchanged=lambda path: not self._remade(path))

    def _write_search(self, pages: list[SearchPage | UnreadPage], site_dir: Path, previous: threading.Thread | None,
                      number: int) -> None:
        """The preview's writer of one build's index, after the writer before it: it reads the pages
        the build made again, and writes. It works while no build runs, and stops when a later
        build's index replaces this one: that one writes whatever differs from the files last written."""
        if previous is not None:
            previous.join()

        def checkpoint() -> None:
            self.idle.wait()
            if number != self.search_writes:
                raise Abandoned

        try:
            read = []
            for page in pages:
                if isinstance(page, UnreadPage):
                    checkpoint()
                read.append(read_page(page))
            index = SearchIndex(read, self.search_memo, checkpoint)
            checkpoint()
            index.write(site_dir)
        except Abandoned:
            pass  # the later writer writes what differs from what was written

    def _collect_when_idle(self, number: int) -> None:
        """COLLECT_AFTER the preview's build, unless another has started: collect_garbage. The
        index writer pauses meanwhile (the GIL), and goes on after it."""
        time.sleep(COLLECT_AFTER)
        self.idle.wait()
        if number == self.serve_builds:  # else a later build's collector comes after
            collect_garbage()

    def settle(self) -> None:
        """Wait for the preview's search index of the last build to be written."""
        if self.search_writer is not None:
            self.search_writer.join()
            self.search_writer = None


def exact_dirty_build(record: logging.LogRecord) -> bool:
    """Drop MkDocs's warning that a dirty build leaves the nav and links inexact: the preview's
    and a resumed build's dirty builds make again every page that read what changed
    (website/preview.py), and under `strict: true` the warning would stop the build. The note on
    stale files goes too: a resumed build starts from a copy of the site, which it cleans first
    when a page may have gone (website/resume.py)."""
    message = record.getMessage()
    return not message.startswith(("A 'dirty' build is being performed", "The directory contains stale files"))


def _unchanged() -> bool:
    """A File's is_modified for what the preview leaves as the last build made it."""
    return False


def _changed() -> bool:
    """A File's is_modified for what the preview makes again."""
    return True


def _file_key(config: MkDocsConfig, path: str) -> str:
    """A file read as it is: `file/` and its path from the project root."""
    root = Path(config.config_file_path).parent.resolve()
    return key("file", Path(path).resolve().relative_to(root).as_posix(), "bytes")


def _remove_orphaned_items(root: Path) -> None:
    """Builder items pickled by a build process that has ended (killed before the search's process
    took them): a live one's are its own."""
    for orphan in (root / CACHE).glob(BUILDER_ITEMS.format(pid="*")):
        try:
            os.kill(int(orphan.stem.rpartition("-")[2]), 0)
        except ProcessLookupError:
            orphan.unlink(missing_ok=True)
        except (ValueError, PermissionError):  # not ours, or another user's live process
            pass


def _search_failure(error: Exception) -> str:
    """What a failure in the search's process says: the builder's scripts' own (BuilderFailed) as they say it."""
    if isinstance(error, BuilderFailed):
        return str(error)
    return f"搜索：{type(error).__name__}: {error}"


def plain_title(page: Page) -> str:
    """The page title as text: titles are kept HTML-escaped in page.meta (they go into HTML as is)."""
    return unescape(str(page.title or ""))


def _is_item_uri(src_uri: str) -> bool:
    folder, _, name = src_uri.partition("/")
    return folder in ("lessons", "sites", "lecturers") and "/" not in name and name != "index.md" \
        and os.path.splitext(name)[1] == ".md"
