"""Offline downloads: the whole site as a zip that works from file://, and one zip per route.

The offline build is the same site with links to files instead of folders (index.html), so
it opens from file://; the site's search loads its index with <script> tags, which work
there too, so nothing is requested from another host.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.exceptions import MkDocsException

from ..content.model import ContentModel, Route
from ..website.forked import ForkedWork
from ..website.search.index import FOLDER as SEARCH_FOLDER
from ..website.search.index import read_page_urls
from ..website.share import SHARE_FOLDER
from .atomic import write_atomically
from .fonts import SITE_FONTS_DIR
from .site_run import program_digest
from .store import RenderStore
from .zip_links import confine, links_of, target_of

SITE_ZIP = "downloads/offline/jinggang-site.zip"
SIZE_MARKER = "<span data-jg-offline-size></span>"
# The same marker after the page passed the sanitizer, which writes empty attributes as ="".
_SIZE_MARKER = re.compile(r'<span data-jg-offline-size(?:="")?></span>')
_SIZE_MARKER_FILLED = re.compile(r'<span data-jg-offline-size(?:="")?>[^<]*</span>')
CARRIED_DOWNLOADS = ("packets", "slides", "routes")
# Already compressed: deflating the fonts (11 of the starter's 26 MB) again took most of the zips'
# time and saved nothing. Chromium's PDFs and the decks still shrink by a fifth: deflated.
COMPRESSED = (".woff2", ".woff", ".jpg", ".jpeg", ".webp", ".zip", ".gz")
ROUTE_ZIP_INDEX = "jinggang/route/zip-index.html"
OFFLINE_SIZE = "jinggang/offline-size.html"


OFFLINE_BUILD = "offline-build"  # the last offline build, kept to resume from (website/resume.py)


def build_offline_site(config_file: Path, output_dir: Path) -> str:
    """Build the site for file:// into output_dir; return the online site's address.

    The build goes into a folder of the cache, resuming from the last one there (only the pages
    whose reads changed are made again, website/resume.py), and output_dir gets hard links to
    it: whatever changes a page for a zip writes a new file (_writer), never into one."""
    from mkdocs.commands.build import build

    from ..website.config_file import load_mkdocs_config
    from ..website.resume import Resumption, copy_tree

    config = load_mkdocs_config(config_file, site_dir=str(output_dir), strict=True, use_directory_urls=False)
    # What Material's offline plugin does besides its search shims, which this site does not need.
    # Templates leave out what needs a server (the service worker's "save for offline").
    config.plugins["jinggang"].config["offline_build"] = True
    with Resumption(config, config_file, OFFLINE_BUILD, strict=True) as resumption:
        kept = resumption.kept_folder
        config.site_dir = str(kept)
        resumed = resumption.start(kept, kept)
        resumption.forget()  # the folder changes now: a build cut short leaves no record
        build(config, dirty=resumed)
        resumption.keep(kept)
    shutil.rmtree(output_dir, ignore_errors=True)
    # Copies under downloads/ (of the docs, if any): the site's downloads are copied over them (_make).
    copy_tree(kept, output_dir, linked=lambda name: not name.startswith("downloads/"))
    # A file:// reader never gets a 404 page, and Material's links there are absolute (site_url).
    (output_dir / "404.html").unlink(missing_ok=True)
    return str(config.site_url or "")


def confine_pages(root: Path, pages: Iterable[str], members: set[str], site_url: str,
                  write: Callable[[str, str], Path]) -> list[tuple[str, Path]]:
    """The pages as the zip holds them: no link to a file outside `members` (see zip_links)."""
    confined = []
    for name in pages:
        path = root / name
        if name.endswith(".html"):
            html = path.read_text(encoding="utf-8")
            kept = confine(html, name, members.__contains__, site_url)
            path = write(name, kept) if kept != html else path
        confined.append((name, path))
    return confined


def deterministic_zip(files: Iterable[tuple[str, Path]]) -> bytes:
    """Entries sorted and dated 1980-01-01, so the same tree gives the same bytes."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, path in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name.endswith(COMPRESSED) else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return output.getvalue()


def _tree(root: Path, prefix: str, relative_to: Path | None = None) -> list[tuple[str, Path]]:
    base = relative_to or root
    return [(f"{prefix}/{path.relative_to(base).as_posix()}", path) for path in root.rglob("*") if path.is_file()]


def route_files(route: Route, model: ContentModel, offline_dir: Path) -> list[str]:
    """The pages of one route in the offline build (no directory URLs there), and its PDF."""
    pages = [f"routes/{route.id}.html"]
    pages += [f"sites/{stop.site}.html" for stop in route.stops]
    pages += [f"lessons/{lesson_id}.html" for stop in route.stops for lesson_id in stop.lessons]
    pages.append(f"downloads/routes/{route.id}.pdf")
    return [page for page in dict.fromkeys(pages) if (offline_dir / page).is_file()]


def _route_index(route: Route, env: jinja2.Environment) -> str:
    return env.get_template(ROUTE_ZIP_INDEX).render(route=route)


def pages_digest(site_dir: Path, env: jinja2.Environment) -> str:
    """A digest of what the offline build reads: the built pages, the code and the template of
    a route zip's first page.

    The offline build reads what the online build read, and the online site's bytes show
    any change of content, configuration or templates; the code's own files cover a change
    that only the offline build would show. The zips, the downloads, the share cards (not in
    the offline build) and the home page's size marker the offline step fills in are not in it.
    """
    digest = hashlib.sha256()
    assert env.loader is not None
    digest.update(env.loader.get_source(env, ROUTE_ZIP_INDEX)[0].encode("utf-8"))
    digest.update(program_digest().encode())
    _add_files(digest, [(path.relative_to(site_dir).as_posix(), path) for path in sorted(site_dir.rglob("*"))
                        if path.is_file() and not path.relative_to(site_dir).as_posix().startswith(
                            (f"{SHARE_FOLDER}/", "downloads/"))])
    return digest.hexdigest()


def carried_digest(site_dir: Path) -> str:
    """A digest of the downloads the offline site carries (not the route zips)."""
    digest = hashlib.sha256()
    for folder in CARRIED_DOWNLOADS:
        _add_files(digest, [(path.relative_to(site_dir).as_posix(), path)
                            for path in sorted((site_dir / "downloads" / folder).rglob("*"))
                            if path.is_file() and path.suffix != ".zip"])
    return digest.hexdigest()


def _add_files(digest: Any, files: list[tuple[str, Path]]) -> None:
    for name, path in files:
        data = path.read_bytes()
        if name == "index.html":
            data = _SIZE_MARKER_FILLED.sub(SIZE_MARKER, data.decode("utf-8")).encode("utf-8")
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)


class OfflineZips:
    """The offline site's zip and the route zips, from the cache when their inputs are unchanged.

    `jinggang site` calls `start_early` before it builds the online site and `release` after:
    the offline site is built in a second process while the downloads print (two cores; it
    reads the content, not the online site), and `write` adds the downloads to it once they
    are made. When the zips then come from the cache, that build is not used.
    """

    def __init__(self, config_file: Path, site_dir: Path, store: RenderStore) -> None:
        self.config_file, self.site_dir, self.store = config_file, site_dir, store
        self._scratch = Path(tempfile.mkdtemp(prefix="jinggang-offline-"))
        self._early: ForkedWork | None = None  # the offline site's build, started before the online one's
        self._released = False

    def __enter__(self) -> OfflineZips:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._early is not None:  # not waited for: the run failed, or the zips were cached
            self._early.stop()
        shutil.rmtree(self._scratch, ignore_errors=True)

    @property
    def offline_dir(self) -> Path:
        return self._scratch / "jinggang-site"

    def start_early(self) -> None:
        """Fork the process that builds the offline site (where processes fork: elsewhere `write`
        builds it). It forks now, before any thread starts, and builds once `release` says so."""
        if ForkedWork.available():  # the child has the content the parent read
            self._early = ForkedWork(functools.partial(_build_when_told, self.config_file, self.offline_dir),
                                     "构建离线版", describe=_build_failure)

    def release(self) -> None:
        """Let the early process build: after the online build, so the two do not share the cores
        with Chromium starting, and it builds while the downloads print (mostly Chromium's work)."""
        if self._early is not None and not self._released:
            self._early.send(True)
            self._early.end_inbox()
            self._released = True

    def write(self, model: ContentModel, env: jinja2.Environment) -> dict[str, int]:
        """Write the zips (restored or made) and fill in the home page's size; return their sizes."""
        names = [SITE_ZIP, *(f"downloads/routes/{route_id}.zip" for route_id in sorted(model.routes))]
        digest = hashlib.sha256(f"{pages_digest(self.site_dir, env)}\0{carried_digest(self.site_dir)}"
                                .encode()).hexdigest()
        records = [self.store.restore(name, digest) for name in names]
        if all(record is not None for record in records):
            sizes = {name: int(record["size"]) for name, record in zip(names, records, strict=True) if record}
        else:
            sizes = self._make(digest, model, env)
        _show_site_zip_size(self.site_dir, sizes[SITE_ZIP], env)
        return sizes

    def _built(self) -> str:
        """The offline site's address, once the offline site is built (early or now)."""
        if self._early is None:
            return build_offline_site(self.config_file, self.offline_dir)
        self.release()
        early, self._early = self._early, None
        return str(early.result())  # or ForkedFailed, an MkDocsException with the build's message

    def _make(self, digest: str, model: ContentModel, env: jinja2.Environment) -> dict[str, int]:
        site_url = self._built()
        offline_dir = self.offline_dir
        for folder in CARRIED_DOWNLOADS:
            if (self.site_dir / "downloads" / folder).is_dir():
                # Not the route zips: each holds a copy of pages the site zip already has.
                shutil.copytree(self.site_dir / "downloads" / folder, offline_dir / "downloads" / folder,
                                dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.zip"))
        everything = {path.relative_to(offline_dir).as_posix() for path in offline_dir.rglob("*") if path.is_file()}
        # In place: the zips' links to zips (the site's own, the routes') lead to the online site.
        confine_pages(offline_dir, sorted(everything), everything, site_url, _writer(offline_dir))
        # On both cores: zlib and lxml let go of the interpreter while they compress and parse,
        # and each zip writes its copies of pages to a folder of its own.
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="jinggang-zip") as pool:
            made = {SITE_ZIP: pool.submit(lambda: deterministic_zip(_tree(offline_dir, "jinggang-site")))}
            for route in model.routes.values():
                made[f"downloads/routes/{route.id}.zip"] = pool.submit(
                    _route_zip, route, model, offline_dir, self._scratch / route.id, site_url, env)
            zips = {name: future.result() for name, future in made.items()}
        for name, data in zips.items():
            self.store.save(name, digest, data, size=len(data))
        return {name: len(data) for name, data in zips.items()}


def _build_when_told(config_file: Path, output_dir: Path, told: Connection) -> str | None:
    """build_offline_site in the early process, once the parent says go (None when it never does)."""
    try:
        told.recv()
    except EOFError:  # the parent no longer needs the build
        return None
    return build_offline_site(config_file, output_dir)


def _build_failure(error: Exception) -> str:
    # An MkDocs exception's message is the build's own report (not every one can be pickled).
    return str(error) if isinstance(error, MkDocsException) else f"{type(error).__name__}: {error}"


def _writer(root: Path) -> Callable[[str, str], Path]:
    def write(name: str, html: str) -> Path:
        # A new file: the offline site's pages are hard links to the kept build (build_offline_site).
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        path.write_text(html, encoding="utf-8")
        return path

    return write


def _route_zip(route: Route, model: ContentModel, offline_dir: Path, copies: Path, site_url: str,
               env: jinja2.Environment) -> bytes:
    """One route's pages, the files they show (images) and the assets, with links confined to them."""
    prefix = route.id
    pages = route_files(route, model, offline_dir)
    search = _route_search_files(offline_dir, prefix, pages)
    # Not the print fonts: only the packet builder uses them, and it is not in a route's zip.
    assets = [entry for entry in _tree(offline_dir / "assets", f"{prefix}/assets")
              if not entry[0].startswith(f"{prefix}/{SITE_FONTS_DIR}/")]
    carried = {name.removeprefix(f"{prefix}/") for name, _ in search + assets}
    pages += [name for name in _resources(offline_dir, pages) if name not in carried]
    index = copies / "index.html"
    index.parent.mkdir(parents=True, exist_ok=True)
    index.write_text(_route_index(route, env), encoding="utf-8")
    # The search page is among the search files: its links are confined like the pages'.
    search_pages = [name for name in carried if name.startswith(f"{SEARCH_FOLDER}/") and name.endswith(".html")]
    present = carried | set(pages) | {"index.html"}
    confined = confine_pages(offline_dir, pages + search_pages, present, site_url, _writer(copies))
    members = [(f"{prefix}/{name}", path) for name, path in confined]
    members += [entry for entry in search if entry[0].removeprefix(f"{prefix}/") not in search_pages]
    members += [*assets, (f"{prefix}/index.html", index)]
    return deterministic_zip(members)


def _resources(offline_dir: Path, pages: list[str]) -> list[str]:
    """Files the pages show (images: src, not href), which come along into the zip."""
    found: dict[str, None] = {}
    for page in pages:
        if page.endswith(".html"):
            for link in links_of((offline_dir / page).read_text(encoding="utf-8"), ("src",)):
                target = target_of(page, link)
                if target and not target.endswith(".html") and not target.startswith("assets/") \
                        and (offline_dir / target).is_file():
                    found[target] = None
    return [name for name in found if name not in pages]


def _route_search_files(offline_dir: Path, prefix: str, pages: list[str]) -> list[tuple[str, Path]]:
    """The search index with only the text of the route's own pages: the rest of the site is
    not in the zip, and search leaves out results whose page text it cannot read."""
    search = offline_dir / SEARCH_FOLDER
    own = set(pages)
    kept = {f"pages/{number}.js" for number, url in enumerate(read_page_urls(offline_dir)) if url in own}
    members = []
    for path in search.rglob("*"):
        name = path.relative_to(search).as_posix()
        if path.is_file() and (not name.startswith("pages/") or name in kept):
            members.append((f"{prefix}/{SEARCH_FOLDER}/{name}", path))
    return members


def _show_site_zip_size(site_dir: Path, size: int, env: jinja2.Environment) -> None:
    """The home page was built before the zip existed: its empty marker becomes the size
    (the zip is made from the built site and the downloads, so its size cannot be known while
    the home page is built)."""
    home = site_dir / "index.html"
    if not home.is_file():
        return
    html = home.read_text(encoding="utf-8")
    label = env.get_template(OFFLINE_SIZE).render(size=size).strip()
    marked = _SIZE_MARKER.sub(lambda _: label, html, count=1)
    if marked != html:
        write_atomically(home, marked.encode("utf-8"))
