"""Offline downloads: the whole site as a zip that works from file://, and one zip per route.

The offline build is the same site with links to files instead of folders (index.html), so
it opens from file://; the site's search loads its index with <script> tags, which work
there too, so nothing is requested from another host.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import jinja2

from ..content.model import ContentModel, Route
from ..website.search.index import FOLDER as SEARCH_FOLDER
from ..website.search.index import read_page_urls
from .fonts import SITE_FONTS_DIR
from .printer import write_atomically
from .store import RenderStore
from .zip_links import confine, links_of, target_of

SITE_ZIP = "downloads/offline/jinggang-site.zip"
SIZE_MARKER = "<span data-jg-offline-size></span>"
# The same marker after the page passed the sanitizer, which writes empty attributes as ="".
_SIZE_MARKER = re.compile(r'<span data-jg-offline-size(?:="")?></span>')
_SIZE_MARKER_FILLED = re.compile(r'<span data-jg-offline-size(?:="")?>[^<]*</span>')
CARRIED_DOWNLOADS = ("packets", "slides", "routes")
ROUTE_ZIP_INDEX = "jinggang/route/zip-index.html"
OFFLINE_SIZE = "jinggang/offline-size.html"


def build_offline_site(config_file: Path, output_dir: Path) -> str:
    """Build the site for file:// into output_dir; return the online site's address."""
    from mkdocs.commands.build import build

    from ..website.config_file import load_mkdocs_config

    # What Material's offline plugin does besides its search shims, which this site does not need.
    config = load_mkdocs_config(config_file, site_dir=str(output_dir), strict=True, use_directory_urls=False)
    # Templates leave out what needs a server (the service worker's "save for offline").
    config.plugins["jinggang"].config["offline_build"] = True
    build(config)
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
            info.compress_type = zipfile.ZIP_DEFLATED
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


def offline_inputs(site_dir: Path, env: jinja2.Environment) -> str:
    """A digest of what the offline zips are made from: the built site, the code and the
    template of a route zip's first page.

    The offline build reads what the online build read, and the online site's bytes show
    any change of content, configuration or templates; the code's own files cover a change
    that only the offline build would show. The zips (and the home page's size marker the
    offline step fills in) are outputs, not inputs.
    """
    digest = hashlib.sha256()
    assert env.loader is not None
    digest.update(env.loader.get_source(env, ROUTE_ZIP_INDEX)[0].encode("utf-8"))
    package = Path(__file__).resolve().parents[1]
    inputs = [(path.relative_to(package).as_posix(), path) for path in sorted(package.rglob("*.py"))]
    inputs += [(path.relative_to(site_dir).as_posix(), path) for path in sorted(site_dir.rglob("*"))
               if path.is_file() and path.suffix != ".zip"]
    for name, path in inputs:
        data = path.read_bytes()
        if name == "index.html":
            data = _SIZE_MARKER_FILLED.sub(SIZE_MARKER, data.decode("utf-8")).encode("utf-8")
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def write_offline_downloads(config_file: Path, site_dir: Path, model: ContentModel, store: RenderStore,
                            env: jinja2.Environment) -> dict[str, int]:
    """Build the offline site, write its zip and one zip per route; return their sizes.

    When the built site and the code are what they were at the last run, the zips come
    from the cache (store) instead: the offline build is most of an unchanged `make site`.
    """
    names = [SITE_ZIP, *(f"downloads/routes/{route_id}.zip" for route_id in sorted(model.routes))]
    digest = offline_inputs(site_dir, env)
    records = [store.restore(name, digest) for name in names]
    if all(record is not None for record in records):
        cached = {name: int(record["size"]) for name, record in zip(names, records, strict=True) if record}
        _show_site_zip_size(site_dir, cached[SITE_ZIP], env)
        return cached
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="jinggang-offline-") as scratch:
        offline_dir = Path(scratch) / "jinggang-site"
        site_url = build_offline_site(config_file, offline_dir)
        for folder in CARRIED_DOWNLOADS:
            if (site_dir / "downloads" / folder).is_dir():
                # Not the route zips: each holds a copy of pages the site zip already has.
                shutil.copytree(site_dir / "downloads" / folder, offline_dir / "downloads" / folder,
                                dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.zip"))
        everything = {path.relative_to(offline_dir).as_posix() for path in offline_dir.rglob("*") if path.is_file()}
        # In place: the zips' links to zips (the site's own, the routes') lead to the online site.
        confine_pages(offline_dir, sorted(everything), everything, site_url, _writer(offline_dir))
        site_zip = deterministic_zip(_tree(offline_dir, "jinggang-site"))
        store.save(SITE_ZIP, digest, site_zip, size=len(site_zip))
        sizes[SITE_ZIP] = len(site_zip)
        for route in model.routes.values():
            data = _route_zip(route, model, offline_dir, Path(scratch) / route.id, site_url, env)
            name = f"downloads/routes/{route.id}.zip"
            store.save(name, digest, data, size=len(data))
            sizes[name] = len(data)
    _show_site_zip_size(site_dir, sizes[SITE_ZIP], env)
    return sizes


def _writer(root: Path) -> Callable[[str, str], Path]:
    def write(name: str, html: str) -> Path:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
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
