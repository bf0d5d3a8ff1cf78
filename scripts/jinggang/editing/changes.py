"""`jinggang changes --base REF`: the files changed since REF, and what they affect.

What a change affects is read from the content model's references, on both sides of the
change: the model at REF (from `git archive`) and the model in the working tree. A lesson
that stops naming a site still affects that site's guide page, and a deleted lesson still
affects the indexes that listed it. Both sides are published views: a draft is not on the
published site, so a change that only touches drafts affects no published page or packet.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..content.dependencies import EVERYTHING, DependencyMap, changed_between, changed_keys, fingerprint, key
from ..content.kinds import PAGE_KINDS, REGISTRIES, label
from ..content.loader import Settings, load_content
from ..content.model import ContentItem, ContentModel
from ..content.schemas import SchemaSet
from ..content.source import ReadError, read_registry
from ..website.pages import generated_pages
from ..website.render import url_for
from ..website.trail import trail_digests
from .recording import RecordingError, dependencies_for
from .reviews import ExpiredReview, expired_in_change

# Where a route's field kit is in the built site (outputs/field_kits.py).
FIELD_KIT = "downloads/routes/{id}.pdf"
# Files outside docs/ and curriculum/ that change every page or every packet.
SITE_WIDE = ("mkdocs.yml", "site_overrides/", "scripts/", "pyproject.toml", "requirements.lock",
             "package.json", "package-lock.json")
CHANGE_LABELS = {"added": "新增", "modified": "修改", "deleted": "删除"}
STATUS_LABELS = {"draft": "草稿", "review": "审核中", "published": "已发布"}


class GitError(Exception):
    """git could not answer; the message says why, in Chinese."""


@dataclass(frozen=True)
class FileChange:
    path: str  # relative to the project root
    change: str  # added, modified or deleted
    kind: str  # lesson, site-guide, lecturer, packet, route, registry, vocabularies, schema, data, page,
    # asset, site-code or other


@dataclass(frozen=True)
class ChangedItem:
    kind: str  # a kind (kinds.KINDS) or a registry entry (kinds.REGISTRIES)
    id: str
    title: str
    status: str  # draft, review, published; empty for registry entries
    change: str
    path: str


@dataclass(frozen=True)
class PageRef:
    src_uri: str  # relative to docs/, as MkDocs names pages
    url: str
    title: str


@dataclass(frozen=True)
class PacketRef:
    id: str
    title: str
    path: str  # the packet's file
    download: str  # the PDF inside the built site


@dataclass(frozen=True)
class RouteRef:
    id: str
    title: str
    path: str  # the route's file
    url: str  # its generated page


@dataclass
class Impact:
    base: str
    files: list[FileChange] = field(default_factory=list)
    items: list[ChangedItem] = field(default_factory=list)
    pages: list[PageRef] = field(default_factory=list)
    removed_pages: list[PageRef] = field(default_factory=list)
    indexes: list[PageRef] = field(default_factory=list)
    packets: list[PacketRef] = field(default_factory=list)
    removed_packets: list[str] = field(default_factory=list)
    routes: list[RouteRef] = field(default_factory=list)
    removed_routes: list[str] = field(default_factory=list)
    built_files: list[str] = field(default_factory=list)  # other built files rewritten: scripts, feeds, cards
    whole_site: list[str] = field(default_factory=list)  # why every page and packet is affected
    # Changed bodies whose review date stayed: the review no longer covers them (reviews.py).
    expired_reviews: list[ExpiredReview] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    base_loaded: bool = True  # whether the content at the base passed the check (else: one side only)

    @property
    def content_files(self) -> list[FileChange]:
        return [change for change in self.files if change.kind != "other"]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["other_files"] = [change.path for change in self.files if change.kind == "other"]
        return data


def _git(root: Path, *args: str) -> bytes:
    completed = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    if completed.returncode != 0:
        detail = completed.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"git {' '.join(args)} 失败：{detail}")
    return completed.stdout


def changed_files(root: Path, base: str) -> list[tuple[str, str]]:
    """(path, change) of the files that differ between base and the working tree, untracked ones too."""
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    except GitError as error:
        raise GitError(f"找不到基准版本 {base}：确认这是一个 git 仓库，并且已经取得了这个提交"
                       "（在 GitHub Actions 中 checkout 需要 fetch-depth: 0）。") from error
    labels = {"A": "added", "M": "modified", "D": "deleted", "T": "modified"}
    # -z: paths exactly as stored (no quoting of Chinese names); --no-renames: a move is
    # a deletion and an addition, and both sides matter.
    fields = _git(root, "diff", "--name-status", "--no-renames", "--relative", "-z", base).decode("utf-8").split("\0")
    found = {fields[index + 1]: labels.get(fields[index][:1], "modified")
             for index in range(0, len(fields) - 1, 2) if fields[index]}
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z").decode("utf-8").split("\0")
    found.update({path: "added" for path in untracked if path})
    return sorted(found.items())


def _base_tree(root: Path, base: str, destination: Path, folders: Iterable[str]) -> None:
    """The given folders as they were at base, written under destination."""
    prefix = _git(root, "rev-parse", "--show-prefix").decode("utf-8").strip()
    tree = f"{base}:{prefix}" if prefix else base
    for folder in folders:
        try:
            archive = _git(root, "archive", "--format=tar", tree, folder)
        except GitError:
            continue  # the folder did not exist at base
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(destination, filter="data")


def classify(path: str, docs: str, curriculum: str) -> str:
    parts = PurePosixPath(path).parts
    name = PurePosixPath(path).name
    if path.startswith(f"{docs}/"):
        inside = PurePosixPath(path).relative_to(docs).parts
        if len(inside) == 2 and inside[0] in PAGE_KINDS and name.endswith(".md") and name != "index.md":
            return PAGE_KINDS[inside[0]].name
        return "page" if name.endswith(".md") else "asset"
    if path.startswith(f"{curriculum}/"):
        inside = PurePosixPath(path).relative_to(curriculum).parts
        if len(inside) == 2 and inside[0] == "packets" and name.endswith(".yml"):
            return "packet"
        if len(inside) == 2 and inside[0] == "routes" and name.endswith(".yml"):
            return "route"
        if len(inside) == 1 and name.removesuffix(".yml") in REGISTRIES:
            return "registry"
        if inside == ("vocabularies.yml",):
            return "vocabularies"
        if inside[0] == "schema":
            return "schema"
        return "data"  # content this module does not analyse (yet): treated as affecting everything
    if any(path == entry or (entry.endswith("/") and path.startswith(entry)) for entry in SITE_WIDE) and parts:
        return "site-code"
    return "other"


def _registry_entries(file: Path) -> dict[str, dict[str, Any]]:
    if not file.exists():
        return {}
    try:
        source, _problems = read_registry(file, file.name)
    except ReadError:
        return {}
    data = source.data if isinstance(source.data, list) else []
    return {entry["id"]: entry for entry in data if isinstance(entry, dict) and isinstance(entry.get("id"), str)}


def _item_tables(model: ContentModel) -> dict[str, Mapping[str, ContentItem]]:
    return {kind.name: model.table(kind) for kind in PAGE_KINDS.values()}


def compute_impact(root: Path, base: str, settings: Settings) -> Impact:
    """What the change since base affects: the model at both sides diffed into keys
    (content/dependencies.py), met with what each file of the build read."""
    impact = Impact(base=base)
    docs = settings.relative(settings.docs_dir)
    curriculum = settings.relative(settings.curriculum_dir)
    changes = [FileChange(path, change, classify(path, docs, curriculum)) for path, change in changed_files(root, base)]
    impact.files = changes

    current = load_content(settings).model
    with tempfile.TemporaryDirectory(prefix="jinggang-base-") as scratch:
        base_root = Path(scratch)
        _base_tree(root, base, base_root, (docs, curriculum))
        base_settings = Settings(root=base_root, docs_dir=base_root / docs, curriculum_dir=base_root / curriculum,
                                 verified_max_age_days=settings.verified_max_age_days, today=settings.today)
        previous = load_content(base_settings).model if (base_root / curriculum).is_dir() else None
        old_registries = {name: _registry_entries(base_settings.curriculum_dir / f"{name}.yml")
                          for name in REGISTRIES}
        impact.expired_reviews = expired_in_change(
            [(change.path, change.kind) for change in changes if change.change == "modified"
             and change.kind in ("lesson", "site-guide", "lecturer", "packet", "route")], base_root, settings.root)
        fingerprints = {fingerprint((base_settings.docs_dir, base_settings.curriculum_dir)),
                        fingerprint((settings.docs_dir, settings.curriculum_dir))}
    impact.base_loaded = previous is not None
    if current is None:
        impact.notes.append("当前内容没有通过检查，站点无法构建：下面只列出改动条目本身的页面和印有它们的讲义包"
                            "（按基准版本），修正错误后再看一次完整的影响范围。")
    if previous is None:
        impact.notes.append("基准版本的内容无法读取或没有通过检查：影响范围只按当前内容计算。")
    full_sides = [model for model in (current, previous) if model is not None]
    published = current.published_view() if current is not None else None
    before = previous.published_view() if previous is not None else None

    for change in changes:
        stem = PurePosixPath(change.path).stem
        if change.kind in {kind.name for kind in PAGE_KINDS.values()} or change.kind in ("packet", "route"):
            impact.items.append(_changed_item(change, stem, full_sides))
        if change.kind == "packet" and (published is None or stem not in published.packets):
            impact.removed_packets.append(stem)
        elif change.kind == "route" and (published is None or stem not in published.routes):
            impact.removed_routes.append(stem)
        elif change.kind == "registry":
            _registry_change(change, stem, old_registries[stem], settings, impact)

    for kind, reason in (("site-code", "站点配置、模板或程序改动"), ("schema", "检查规则和字段参考页改动"),
                         ("data", "这类内容文件的影响范围还不能细算")):
        paths = [change.path for change in changes if change.kind == kind]
        if paths:
            shown = "、".join(paths[:5]) + (f" 等 {len(paths)} 个文件" if len(paths) > 5 else "")
            impact.whole_site.append(f"{reason}（{shown}）：所有页面和讲义包都可能变化。")
    if current is None:  # no site to build at this side: the changed items' own pages and packets, at the base
        if before is not None:
            _estimate_from_base(impact, changes, before)
        return impact
    keys = changed_keys(before, published) | changed_between(trail_digests(before), trail_digests(published))
    keys |= {key("file", change.path, "bytes") for change in changes if change.kind != "other"}
    if impact.whole_site:
        keys.add(EVERYTHING)
    if keys:
        try:
            dependencies = dependencies_for(settings, fingerprints)
        except RecordingError as error:
            impact.notes.append(f"站点无法构建，影响范围按全站计：{error}")
            dependencies, keys = DependencyMap(), {EVERYTHING}
            impact.whole_site.append("站点无法构建：所有页面和讲义包都可能变化。")
        _resolve(impact, dependencies, dependencies.affected(keys), before, published, settings)
    return impact


def _estimate_from_base(impact: Impact, changes: list[FileChange], before: ContentModel) -> None:
    """While the current content fails the check: each changed item's own page and the packets
    printing it, as the base shows them. What else reads it is known once the site builds again."""
    for change in changes:
        table = _item_tables(before).get(change.kind, {})
        item = table.get(PurePosixPath(change.path).stem)
        if item is not None:
            impact.pages.append(PageRef(item.src_uri, url_for(item.src_uri), item.title))
            impact.packets += [PacketRef(packet.id, packet.title, packet.source.path, packet.download_path)
                               for packet in before.packets_for_item(item)
                               if packet.id not in {known.id for known in impact.packets}]
    impact.pages.sort(key=lambda page: page.src_uri)
    impact.packets.sort(key=lambda packet: packet.id)


def _changed_item(change: FileChange, item_id: str, sides: list[ContentModel]) -> ChangedItem:
    for model in sides:  # the current side first: its title and status are the ones that count
        if change.kind == "packet" and item_id in model.packets:
            packet = model.packets[item_id]
            return ChangedItem("packet", item_id, packet.title, packet.status, change.change, change.path)
        if change.kind == "route" and item_id in model.routes:
            route = model.routes[item_id]
            return ChangedItem("route", item_id, route.title, route.status, change.change, change.path)
        table = _item_tables(model).get(change.kind, {})
        if item_id in table:
            item = table[item_id]
            return ChangedItem(change.kind, item_id, item.title, item.status, change.change, change.path)
    return ChangedItem(change.kind, item_id, "", "", change.change, change.path)


def _registry_change(change: FileChange, name: str, old: dict[str, dict[str, Any]], settings: Settings,
                     impact: Impact) -> None:
    new = _registry_entries(settings.root / change.path)
    kind = REGISTRIES[name]
    title_key = {"term": "term", "source": "title"}.get(kind, "name")
    for entry_id in sorted(set(old) | set(new)):
        if old.get(entry_id) == new.get(entry_id):
            continue
        state = "added" if entry_id not in old else "deleted" if entry_id not in new else "modified"
        entry = new.get(entry_id) or old[entry_id]
        impact.items.append(ChangedItem(kind, entry_id, str(entry.get(title_key, "")), "", state, change.path))


def _is_item_page(src_uri: str) -> bool:
    folder, _, name = src_uri.partition("/")
    return folder in PAGE_KINDS and "/" not in name and name != "index.md"


def _resolve(impact: Impact, dependencies: DependencyMap, affected: list[str], before: ContentModel | None,
             published: ContentModel | None, settings: Settings) -> None:
    """Affected files of the build into titled pages, indexes, packets, routes and other files."""
    titles: dict[str, str] = {}
    schema_set = SchemaSet(settings.curriculum_dir / "schema")
    for side in (before, published):  # the current side's titles win
        if side is not None:
            titles.update({page.src_uri: page.title for page in generated_pages(side, schema_set)})

    def title_of(src_uri: str) -> str:
        for side in (published, before):
            item = side.item_by_src_uri(src_uri) if side is not None else None
            if item is not None:
                return item.title
        return titles.get(src_uri, src_uri)

    packets = {packet.download_path: packet.id for packet in (published.packets.values() if published else ())}
    kits = {FIELD_KIT.format(id=route_id): route_id for route_id in (published.routes if published else {})}
    pages: set[str] = set()
    indexes: set[str] = set()
    packet_ids: set[str] = set()
    route_ids: set[str] = set()
    built: set[str] = set()
    for path in affected:
        src_uri = dependencies.pages.get(path)
        if src_uri is not None:
            generated = not (settings.docs_dir / src_uri).is_file()
            is_route = src_uri.startswith("routes/") and src_uri != "routes/index.md"
            (indexes if generated and not is_route and not _is_item_page(src_uri) else pages).add(src_uri)
        elif path in packets:
            packet_ids.add(packets[path])
        elif path in kits:
            route_ids.add(kits[path])
        else:
            built.add(path)
    if impact.whole_site and published is not None:
        packet_ids, route_ids = set(published.packets), set(published.routes)
    # Pages of items gone from the published site (deleted, or back to draft).
    removed: set[str] = set()
    if before is not None:
        for kind in PAGE_KINDS.values():
            gone = before.table(kind).keys() - (published.table(kind).keys() if published is not None else set())
            removed.update(before.table(kind)[item_id].src_uri for item_id in gone)
        gone_routes = before.routes.keys() - (published.routes.keys() if published is not None else set())
        removed.update(before.routes[route_id].src_uri for route_id in gone_routes)
    impact.pages = [PageRef(src_uri, url_for(src_uri), title_of(src_uri)) for src_uri in sorted(pages - removed)]
    impact.removed_pages = [PageRef(src_uri, url_for(src_uri), title_of(src_uri)) for src_uri in sorted(removed)]
    impact.indexes = [PageRef(src_uri, url_for(src_uri), titles.get(src_uri, src_uri)) for src_uri in sorted(indexes)]
    impact.built_files = sorted(built)
    if published is not None:
        impact.packets = [PacketRef(packet.id, packet.title, packet.source.path, packet.download_path)
                          for packet_id in sorted(packet_ids)
                          if (packet := published.packets.get(packet_id)) is not None]
        impact.routes = [RouteRef(route.id, route.title, route.source.path, route.url)
                         for route_id in sorted(route_ids) if (route := published.routes.get(route_id)) is not None]


def format_impact(impact: Impact) -> str:
    """The impact as text for a terminal, in Chinese."""
    lines = [f"与 {impact.base} 相比，改动了 {len(impact.files)} 个文件。"]
    content = impact.content_files
    if not content:
        lines.append("没有改动内容、模板或程序：不影响站点。")
    for item in impact.items:
        status = f"，{STATUS_LABELS.get(item.status, item.status)}" if item.status else ""
        title = f"“{item.title}”" if item.title else ""
        lines.append(f"  {CHANGE_LABELS[item.change]} {label(item.kind)} {item.id}"
                     f"{title}（{item.path}{status}）")
    sections = [("受影响的页面", [f"{page.url or '/'}  {page.title}" for page in impact.pages]),
                ("不再存在的页面", [f"{page.url}  {page.title}" for page in impact.removed_pages]),
                ("受影响的索引页", [f"{page.url or '/'}  {page.title}" for page in impact.indexes]),
                ("需要重新生成的讲义包", [f"{packet.id}  {packet.title}  → {packet.download}"
                                         for packet in impact.packets]),
                ("已删除的讲义包", impact.removed_packets),
                ("受影响的研学路线", [f"{route.id}  {route.title}" for route in impact.routes]),
                ("已删除的研学路线", impact.removed_routes),
                ("随之更新的其他文件", impact.built_files),
                ("审核已过期（正文改了，审核日期没变）", [f"{review.path}（审核日期 {review.reviewed_on}）"
                                                      for review in impact.expired_reviews]),
                ("影响全站", impact.whole_site),
                ("说明", impact.notes),
                ("不影响站点的文件", [change.path for change in impact.files if change.kind == "other"])]
    for heading, entries in sections:
        if entries:
            lines.append(f"{heading}（{len(entries)}）：")
            lines += [f"  {entry}" for entry in entries]
    return "\n".join(lines)
