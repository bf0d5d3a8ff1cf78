"""The `jinggang` command: check content and build the site."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .command import INTERRUPTED
from .content.loader import Settings, load_content
from .content.problems import Problem, errors, format_report
from .editing.commands import EDITING_COMMANDS, add_commands, changed_packet_ids, changed_route_ids, run_command
from .editing.placeholders import placeholder_problems
from .editing.reviews import expired_review_problems

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from rich.console import Console

    from .content.model import ContentModel
    from .outputs.context import RenderContext
    from .outputs.offline import OfflineZips
    from .outputs.pipeline import Job, Output
    from .outputs.prepared import PreparedRecord
    from .outputs.store import RenderStore


# mkdocs.yml as `_config` read it, by its path and bytes, while `jinggang site` runs (None
# otherwise): its steps asked for it eight times, a quarter of a second each.
_configs: dict[tuple[Path, bytes], tuple[MkDocsConfig, Settings]] | None = None


def _config(config_file: Path) -> tuple[MkDocsConfig, Settings]:
    """MkDocs config and the plugin's settings from mkdocs.yml, so every command agrees.

    Raises ConfigFileError (mkdocs.yml:line, in Chinese) when mkdocs.yml cannot be used.
    """
    from .website.config_file import load_mkdocs_config
    from .website.plugin import settings_from

    key = None
    if _configs is not None and config_file.is_file():
        with contextlib.suppress(OSError):  # unreadable: load_mkdocs_config says so in Chinese
            key = (config_file.resolve(), config_file.read_bytes())
    if key is not None and _configs is not None and key in _configs:
        return _configs[key]
    config = load_mkdocs_config(config_file)
    plugin = config.plugins["jinggang"]
    loaded = config, settings_from(config, plugin.config)  # type: ignore[attr-defined]
    if key is not None and _configs is not None:
        _configs[key] = loaded
    return loaded


@contextlib.contextmanager
def _reusing_configs() -> Iterator[None]:
    global _configs
    _configs = {}
    try:
        yield
    finally:
        _configs = None


def check_problems(config_file: Path, *, today: date | None = None) -> list[Problem]:
    """What `jinggang check` reports: mkdocs.yml, every content file, and how they meet the site."""
    from .website.config_file import ConfigFileError

    try:
        config, settings = _config(config_file)
    except ConfigFileError as error:
        return error.problems
    if today is not None:
        settings = replace(settings, today=today)
    result = load_content(settings)
    problems = [*result.problems, *placeholder_problems(settings), *expired_review_problems(settings, result.model)]
    if result.model is not None:
        problems += _site_problems(config, settings, result.model)
    return problems


def _site_problems(config: MkDocsConfig, settings: Settings, model: ContentModel) -> list[Problem]:
    """What the build refuses about docs/ and mkdocs.yml around the content (website/site_check.py)."""
    from .content.schemas import SchemaSet
    from .website.pages import generated_pages
    from .website.site_check import site_problems

    return site_problems(config, generated_pages(model.published_view(), SchemaSet(settings.curriculum_dir / "schema")))


def run_check(root: Path, config_file: Path) -> int:
    problems = check_problems(config_file)
    report = format_report(problems)
    if report:
        print(report)
    else:
        print("检查通过：没有发现问题。")
    return 1 if errors(problems) else 0


def run_build(root: Path, config_file: Path, site_dir: Path, *, strict: bool) -> int:
    """Build into a staging folder beside site_dir; replace site_dir only on success."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    from .content.source import os_reason
    from .outputs.site_folder import (
        OutputFolderError,
        carry_outputs,
        check_output_folder,
        remove_leftovers,
        staging_folder,
        swap_in,
    )
    from .website.config_file import ConfigFileError, load_mkdocs_config
    from .website.resume import REWRITTEN, SITE_BUILD, Resumption
    from .website.share import SHARE_FOLDER

    started = time.perf_counter()
    try:
        check_output_folder(root, site_dir, replaces=True)
        site_dir = site_dir.resolve()
        remove_leftovers(site_dir)
        with staging_folder(site_dir) as staging, contextlib.ExitStack() as resuming:
            try:
                config = load_mkdocs_config(config_file, site_dir=str(staging), strict=strict)
                resumption = resuming.enter_context(Resumption(config, config_file, SITE_BUILD, strict=strict))
                build(config, dirty=resumption.start(site_dir, staging, always_remade=REWRITTEN))
            except ConfigFileError as error:
                print(f"构建失败，{site_dir.name}/ 保持原样：\n{format_report(error.problems)}", file=sys.stderr)
                return 1
            except MkDocsException as error:
                print(f"构建失败，{site_dir.name}/ 保持原样：\n{error}", file=sys.stderr)
                return 1
            carry_outputs(site_dir, staging, ("downloads", SHARE_FOLDER))
            swap_in(staging, site_dir)
            resumption.keep(site_dir)
    except OutputFolderError as error:
        print(f"构建失败：{error}", file=sys.stderr)
        return 1
    except OSError as error:
        where = f"（{error.filename}）" if error.filename else ""
        print(f"构建失败，{site_dir.name}/ 保持原样：无法写入输出目录{where}：{os_reason(error)}"
              "\n    提示：检查磁盘空间和目录权限。", file=sys.stderr)
        return 1
    print(f"站点已生成：{site_dir}（{time.perf_counter() - started:.1f} 秒）")
    return 0


def _output_folder_refused(root: Path, site_dir: Path) -> bool:
    """Print why site_dir may not receive downloads; True when it may not."""
    from .outputs.site_folder import OutputFolderError, check_output_folder

    try:
        check_output_folder(root, site_dir, replaces=False)
    except OutputFolderError as error:
        print(f"没有生成：{error}", file=sys.stderr)
        return True
    return False


def render_context(config_file: Path) -> tuple[RenderContext | None, list[Problem]]:
    """Everything downloads are rendered from: the published model, templates and Markdown."""
    from .outputs.context import RenderContext
    from .outputs.markdown import MarkdownRenderer
    from .website.render import Renderer, template_environment
    from .website.template_cache import template_cache

    config, settings = _config(config_file)
    result = load_content(settings)
    if result.model is None or errors(result.problems):
        return None, result.problems
    refused = errors(_site_problems(config, settings, result.model))  # as the build would
    if refused:
        return None, [*result.problems, *refused]
    model = result.model.published_view()
    plugin_config: Any = config.plugins["jinggang"].config  # type: ignore[attr-defined]
    fonts_dir = Path(config.config_file_path).parent / plugin_config.print_fonts_dir
    # As the site's build does: packets, kits and notes do not compile the templates again on
    # each run (or for each project a process renders, as the tests' workers do).
    env = template_environment(config.theme.dirs, template_cache(Path(config.config_file_path).parent), reload=False)
    return RenderContext(model, Renderer(config.theme.dirs, model, env=env),
                         MarkdownRenderer(config.markdown_extensions, config.mdx_configs, settings.docs_dir),
                         site_url=config.site_url or "", site_name=config.site_name,
                         site_description=config.site_description or "",
                         verified_max_age_days=settings.verified_max_age_days, fonts_dir=fonts_dir,
                         docs_dir=settings.docs_dir), result.problems


def _context_or_report(config_file: Path, what: str) -> RenderContext | None:
    """The render context, or None after printing why the content cannot be rendered."""
    from .website.config_file import ConfigFileError

    try:
        context, problems = render_context(config_file)
    except ConfigFileError as error:
        print(format_report(error.problems))
        print(f"mkdocs.yml 有误，没有生成{what}。")
        return None
    if context is None:
        print(format_report(errors(problems)))
        print(f"内容检查未通过，没有生成{what}。")
    return context


def _report_unknown(requested: list[str], known: Mapping[str, object], label: str) -> bool:
    """Say which requested ids do not exist (and which do); True when there were any."""
    unknown = sorted(set(requested) - set(known))
    if unknown:
        print(f"没有这些{label}：{'、'.join(unknown)}。可用的有：{'、'.join(sorted(known))}")
    return bool(unknown)


# The downloads, in the order `jinggang site` makes them: command → (folder in the site, what
# --only names). Share cards come first: the pages link to them.
DOWNLOADS = {"share": ("assets/share", ""), "packets": ("downloads/packets", "讲义包"),
             "slides": ("downloads/slides", "讲师资料"), "routes": ("downloads/routes", "研学路线")}


def _download_output(command: str, context: RenderContext, store: RenderStore) -> tuple[Output[Any], list[Any]]:
    """The output a command makes and every item it would make it for."""
    from .outputs.field_kits import FieldKitsOutput
    from .outputs.packets.command import PacketsOutput
    from .outputs.share_images import ShareCardsOutput, share_cards
    from .outputs.slides.command import NotesOutput

    model = context.model
    if command == "packets":
        return PacketsOutput(context), [model.packets[key] for key in sorted(model.packets)]
    if command == "slides":
        return NotesOutput(context, store), [model.lecturers[key] for key in sorted(model.lecturers)]
    if command == "routes":
        return FieldKitsOutput(context), [model.routes[key] for key in sorted(model.routes)]
    return ShareCardsOutput(context), share_cards(context)


@dataclass
class DownloadRun:
    """One kind of download (DOWNLOADS) being made: its output, where it writes, its jobs."""

    command: str
    output: Output[Any]
    store: RenderStore
    items: list[Any]
    whole: bool  # every item (not --only's): the folder is pruned and the record of the run saved
    prepared: PreparedRecord | None
    started: float = field(default_factory=time.perf_counter)
    jobs: list[Job[Any]] = field(default_factory=list)


def run_downloads(root: Path, config_file: Path, site_dir: Path, command: str, *, jobs: int = 2,
                  only: list[str] | None = None, cache_dir: Path | None = None,
                  context: RenderContext | None = None) -> int:
    """One kind of download (DOWNLOADS), from the cache where an item's inputs are unchanged."""
    failed = run_all_downloads(root, config_file, site_dir, [command], jobs=jobs, only={command: only or []},
                               cache_dir=cache_dir, context=context)
    return failed if isinstance(failed, int) else int(bool(failed))


def run_all_downloads(root: Path, config_file: Path, site_dir: Path, commands: list[str], *, jobs: int = 2,
                      only: Mapping[str, list[str]] | None = None, cache_dir: Path | None = None,
                      context: RenderContext | None = None) -> list[str] | int:
    """Several kinds of download at once on one browser (a share card draws while a packet
    prints: Python waits for Chromium, which has the other core), each said in DOWNLOADS order;
    the commands a file of which failed, or the exit code when none could start."""
    from rich.console import Console

    started = time.perf_counter()
    context = context or _context_or_report(config_file, DOWNLOADS[commands[0]][1] or "分享图片")
    if context is None:
        return 1
    runs = []
    for command in commands:
        run = _download_run(root, config_file, site_dir, command, context, (only or {}).get(command, []),
                            cache_dir, started)
        if isinstance(run, int):
            return run
        runs.append(run)
    console = Console(stderr=True, soft_wrap=True)  # messages name files: never break them
    make_downloads(root, config_file, runs, jobs, console)
    return [run.command for run in runs if report_downloads(run, console) != 0]


def _download_run(root: Path, config_file: Path, site_dir: Path, command: str, context: RenderContext,
                  only: list[str], cache_dir: Path | None, started: float) -> DownloadRun | int:
    """What a run of one kind of download makes; 2 when --only names an unknown item."""
    from .outputs.store import CACHE, RenderStore

    folder, id_label = DOWNLOADS[command]
    store = RenderStore(site_dir / folder, cache_dir or root / CACHE / command)
    output, items = _download_output(command, context, store)
    if only:
        known = {getattr(item, "id", ""): item for item in items}
        if _report_unknown(only, known, id_label):
            return 2
        items = [known[item_id] for item_id in only]
    prepared = _prepared_record(root, config_file, context, output, store)
    return DownloadRun(command, output, store, items, not only, prepared, started)


def make_downloads(root: Path, config_file: Path, runs: list[DownloadRun], jobs: int, console: Console) -> None:
    """Prepare every run's jobs, render them all at once, and record what each read."""
    import asyncio

    from .outputs.pipeline import Status, plan_jobs, render_pending, rendering_progress, run_coroutine

    for run in runs:  # one after another: the outputs share the context's Markdown renderer
        run.jobs = plan_jobs(run.output, run.items, run.store, run.prepared)

    async def render_all() -> None:
        await asyncio.gather(*(render_pending(run.output, run.jobs, run.store, jobs, progress) for run in runs))

    if any(job.status is Status.PENDING for run in runs for job in run.jobs):
        with rendering_progress(console) as progress:
            run_coroutine(render_all())
    for run in runs:
        if run.whole:
            run.store.prune(run.output.keep(), run.output.prune_pattern)
            if run.prepared is not None:
                run.prepared.save((job.name, job.digest, job.reads) for job in run.jobs
                                  if job.status is not Status.FAILED)
        folder = DOWNLOADS[run.command][0]
        _save_dependencies(root, _config(config_file)[1], run.command,
                           {f"{folder}/{job.name}": job.reads for job in run.jobs if job.status is not Status.FAILED},
                           whole=run.whole)


def report_downloads(run: DownloadRun, console: Console) -> int:
    """What a run made, kept and could not make; 1 when a file failed."""
    from .outputs.pipeline import Status, summary_table

    output, outcome = run.output, run.jobs
    if len(outcome) <= 40 and any(job.status is not Status.CACHED for job in outcome):
        console.print(summary_table(output, outcome))
    failed = [job for job in outcome if job.status is Status.FAILED]
    for job in failed:
        console.print(f"{output.label} {job.name}（{job.source}）生成失败：{job.error}；保留原有文件。")
    made = sum(1 for job in outcome if job.status is Status.RENDERED)
    kept = sum(1 for job in outcome if job.status is Status.CACHED)
    console.print(f"{output.label}：共 {len(outcome)} 个文件，新生成 {made} 个，{Status.CACHED.label} {kept} 个，"
                  f"{time.perf_counter() - run.started:.2f} 秒。")
    return 1 if failed else 0


CONTENT_SUFFIXES = (".md", ".yml", ".yaml")  # the files the content model is read from


def _prepared_record(root: Path, config_file: Path, context: RenderContext, output: Output[Any],
                     store: RenderStore) -> PreparedRecord | None:
    """The record of the last whole run of an output (outputs/prepared.py), with a digest of all
    its jobs read besides the model: None when that cannot be known (every job is prepared)."""
    from .content.dependencies import file_digest, fingerprint
    from .outputs.markdown import content_hash
    from .outputs.prepared import PreparedRecord
    from .outputs.site_run import environment_digest

    config, settings = _config(config_file)
    try:
        shared = output.hash_inputs()
    except Exception:  # prepare_jobs names the reason for every job
        return None
    parts = [environment_digest(root, config_file, settings.today), type(output).__name__, *shared]
    # The print fonts come from node_modules, which package-lock.json (in environment_digest) pins.
    if config.theme.custom_dir and Path(config.theme.custom_dir).is_dir():
        parts.append(fingerprint([Path(config.theme.custom_dir)]))
    # Pictures and any other file beside the content files, which the model holds.
    for folder in (settings.docs_dir, settings.curriculum_dir):
        beside = [path for path in sorted(folder.rglob("*")) if path.is_file() and path.suffix not in CONTENT_SUFFIXES]
        parts += [f"{folder.name}/{path.relative_to(folder).as_posix()}\0{file_digest(path)}" for path in beside]
    return PreparedRecord(store.cache_dir / "prepared.json", content_hash("\n".join(parts)), context.model_digests)


def _save_dependencies(root: Path, settings: Settings, command: str, reads: Mapping[str, Iterable[str]],
                       whole: bool) -> None:
    """What each download read (content/dependencies.py), for `jinggang changes`; a run of some
    items only updates their entries."""
    from .content.dependencies import DependencyMap, fingerprint
    from .website.plugin import DEPENDENCY_FOLDER

    file = root / DEPENDENCY_FOLDER / f"{command}.json"
    previous = None if whole else DependencyMap.load(file)
    dependencies = previous or DependencyMap()
    for path, keys in reads.items():
        dependencies.put(path, keys)
    dependencies.fingerprint = fingerprint((settings.docs_dir, settings.curriculum_dir))
    dependencies.save(file)


def run_offline(root: Path, config_file: Path, site_dir: Path, *, context: RenderContext | None = None,
                zips: OfflineZips | None = None) -> int:
    """The offline zips; `jinggang site` passes the zips it started building early."""
    from mkdocs.exceptions import MkDocsException

    from .outputs.offline import OfflineZips

    started = time.perf_counter()
    context = context or _context_or_report(config_file, "离线包")
    if context is None:
        return 1
    try:
        if zips is not None:
            sizes = zips.write(context.model, context.renderer.env)
        else:
            with OfflineZips(config_file, site_dir, _offline_store(root, site_dir)) as zips:
                sizes = zips.write(context.model, context.renderer.env)
    except MkDocsException as error:
        print(f"离线版构建失败，原有离线包保持不变：{error}", file=sys.stderr)
        return 1
    for name, size in sizes.items():
        print(f"  {name}：{size / 1_000_000:.1f} MB", file=sys.stderr)
    print(f"离线包已生成，{time.perf_counter() - started:.2f} 秒。", file=sys.stderr)
    return 0


def _offline_store(root: Path, site_dir: Path) -> RenderStore:
    from .outputs.store import CACHE, RenderStore

    return RenderStore(site_dir, root / CACHE / "offline")


def run_reading(root: Path, config_file: Path, site_dir: Path, day: str | None, out_dir: Path | None) -> int:
    """Print the day's reading as Markdown; write it, and a paste-ready HTML fragment, to a folder."""
    from .content.daily import daily_reading
    from .editing.reading import reading_files, write_reading

    try:
        when = date.fromisoformat(day) if day else date.today()
    except ValueError:
        print(f"日期 {day} 不对：请写成 YYYY-MM-DD，例如 2025-09-29。", file=sys.stderr)
        return 2
    context = _context_or_report(config_file, "天天读")
    if context is None:
        return 1
    config = _config(config_file)[0]
    files = reading_files(daily_reading(context.model, when), context.renderer, site_dir,
                          site_name=config.site_name, site_url=config.site_url or "/")
    print(files.markdown)
    written = write_reading(files, out_dir or root / "reading" / when.isoformat())
    print("已写出：" + "、".join(str(path) for path in written), file=sys.stderr)
    return 0


def _with_changed(args: argparse.Namespace, root: Path, config_file: Path,
                  affected_ids: Callable[[Path, Settings, str], list[str] | None], label: str) -> list[str] | int:
    """--only, plus what --changed-since REF affects; an exit code when there is nothing to do."""
    only = list(getattr(args, "only", []))
    if not args.changed_since:
        return only
    affected = affected_ids(root, _config(config_file)[1], args.changed_since)
    if affected is None:
        return 2
    if not affected:
        print(f"自 {args.changed_since} 以来的改动不影响任何{label}，没有生成 PDF。")
        return 0
    return sorted({*only, *affected})


def run() -> None:
    """The `jinggang` command: main(), then an exit that does not free the objects one by one.

    Python frees every object as it shuts down; after `jinggang site` that took half a second
    (pypinyin's dictionaries, the model, the templates). Files are closed, temporary folders
    removed and child processes joined by then: only the streams need flushing.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jinggang", description="井冈传人：内容检查与站点构建")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="项目根目录（默认当前目录）")
    parser.add_argument("--config", type=Path, default=None, help="mkdocs.yml 路径（默认 ROOT/mkdocs.yml）")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="检查全部内容，按 文件:行号 列出问题")
    site_parser = commands.add_parser("site", help="检查、构建站点并生成全部下载文件和离线包（make site）")
    site_parser.add_argument("--site-dir", type=Path, default=None, help="输出目录（默认 mkdocs.yml 的 site_dir）")
    site_parser.add_argument("--jobs", type=int, default=2, help="同时渲染的页面数（默认 2）")
    site_parser.add_argument("--changed-since", metavar="REF", default=None,
                             help="讲义包和研学手册只生成自 REF 以来的改动影响到的（拉取请求检查用）")
    build_parser = commands.add_parser("build", help="检查并构建站点（失败时保留原有站点）")
    build_parser.add_argument("--site-dir", type=Path, default=None, help="输出目录（默认 mkdocs.yml 的 site_dir）")
    build_parser.add_argument("--no-strict", action="store_true", help="不把 MkDocs 警告当作错误")
    packets_parser = commands.add_parser("packets", help="生成 PDF 讲义包到 SITE/downloads/packets/")
    packets_parser.add_argument("--site-dir", type=Path, default=None, help="站点目录（默认 mkdocs.yml 的 site_dir）")
    packets_parser.add_argument("--jobs", type=int, default=2, help="同时渲染的页面数（默认 2）")
    packets_parser.add_argument("--only", action="append", default=[], metavar="ID",
                                help="只生成这个讲义包（可重复）")
    packets_parser.add_argument("--cache-dir", type=Path, default=None,
                                help="缓存目录（默认 ROOT/.cache/jinggang/packets）")
    packets_parser.add_argument("--changed-since", default=None, metavar="REF",
                                help="只生成自 REF 以来的改动影响到的讲义包（见 jinggang changes）")
    slides_parser = commands.add_parser("slides", help="生成讲师资料的 PowerPoint、讲稿 PDF 和讲稿 Markdown")
    slides_parser.add_argument("--site-dir", type=Path, default=None, help="站点目录（默认 mkdocs.yml 的 site_dir）")
    slides_parser.add_argument("--jobs", type=int, default=2, help="同时渲染的页面数（默认 2）")
    slides_parser.add_argument("--only", action="append", default=[], metavar="ID", help="只生成这份讲师资料")
    add_commands(commands)
    routes_parser = commands.add_parser("routes", help="生成研学路线的 A5 研学手册 PDF")
    routes_parser.add_argument("--site-dir", type=Path, default=None, help="站点目录（默认 mkdocs.yml 的 site_dir）")
    routes_parser.add_argument("--jobs", type=int, default=2, help="同时渲染的页面数（默认 2）")
    routes_parser.add_argument("--only", action="append", default=[], metavar="ID", help="只生成这条路线的手册")
    routes_parser.add_argument("--changed-since", metavar="REF", default=None,
                               help="只生成自 REF 以来的改动影响到的路线手册")
    offline_parser = commands.add_parser("offline", help="生成整站离线包和每条路线的离线包")
    offline_parser.add_argument("--site-dir", type=Path, default=None, help="站点目录（默认 mkdocs.yml 的 site_dir）")
    share_parser = commands.add_parser("share", help="生成分享图片（1200×630 PNG）到 SITE/assets/share/")
    share_parser.add_argument("--site-dir", type=Path, default=None, help="站点目录（默认 mkdocs.yml 的 site_dir）")
    share_parser.add_argument("--jobs", type=int, default=2, help="同时渲染的页面数（默认 2）")
    reading_parser = commands.add_parser("reading", help="输出某天的百年党史天天读（Markdown 和可粘贴的 HTML）")
    reading_parser.add_argument("--date", default=None, metavar="YYYY-MM-DD", help="日期（默认今天）")
    reading_parser.add_argument("--out", type=Path, default=None, help="写出文件的目录（默认 ROOT/reading/日期）")
    reading_parser.add_argument("--site-dir", type=Path, default=None,
                                help="站点目录，从中取分享图片（默认 ROOT/site）")
    args = parser.parse_args(argv)

    from .outputs.site_folder import Interrupted, handle_signals
    from .website.config_file import ConfigFileError

    try:
        with handle_signals():
            return _dispatch(args)
    except (KeyboardInterrupt, Interrupted):
        print(INTERRUPTED, file=sys.stderr)
        return 130
    except ConfigFileError as error:
        print(format_report(error.problems), file=sys.stderr)
        return 1
    except Exception as error:  # the promise is a message, never a traceback
        if os.environ.get("JINGGANG_DEBUG"):
            raise
        print(f"内部错误：{type(error).__name__}: {error}\n    提示：这是程序的问题，不是内容的问题；"
              "请把这条消息和所用命令提交 issue（设置 JINGGANG_DEBUG=1 可看到详细的调用栈）。", file=sys.stderr)
        return 1


def _site_dir(args: argparse.Namespace, config_file: Path) -> Path:
    """--site-dir, else mkdocs.yml's site_dir (relative to mkdocs.yml, as MkDocs reads it)."""
    if getattr(args, "site_dir", None):
        return Path(args.site_dir)
    if args.command in ("check", *EDITING_COMMANDS):
        return Path()  # not used: loading mkdocs.yml's plugins costs a third of a second
    return Path(_config(config_file)[0].site_dir)


def run_site(args: argparse.Namespace, root: Path, config_file: Path, site_dir: Path) -> int:
    """`make site`: check, build, every download, the offline zips; the content is read once.

    With nothing changed since the last whole run (outputs/site_run.py) only the check runs.
    With --changed-since REF (the pull request workflow) only the packets and field kits
    the change affects are printed.
    """
    from .content.loader import reusing_loads
    from .outputs.site_run import forget_last_run, record_run, unchanged_since_last_run

    started = time.perf_counter()
    with reusing_loads(), _reusing_configs():
        if run_check(root, config_file) != 0:
            return 1
        # --changed-since prints what a change affects: it always runs.
        inputs = None if args.changed_since else _site_inputs(root, config_file, site_dir)
        if inputs is not None and unchanged_since_last_run(root, inputs, site_dir):
            print(f"站点和全部下载文件都没有变化（内容、模板、设置和程序都与上次相同），{site_dir} 保持原样"
                  f"（{time.perf_counter() - started:.1f} 秒）。", file=sys.stderr)
            return 0
        forget_last_run(root)
        failed = _make_site(args, root, config_file, site_dir)
    if isinstance(failed, int):
        return failed
    if failed:
        print(f"站点已生成，但这些下载没有全部生成：{'、'.join(failed)}（见上面的说明）。", file=sys.stderr)
        return 1
    if inputs is not None:
        record_run(root, inputs, site_dir)
    print(f"站点和全部下载文件已生成：{site_dir}（共 {time.perf_counter() - started:.1f} 秒）。", file=sys.stderr)
    return 0


def _make_site(args: argparse.Namespace, root: Path, config_file: Path, site_dir: Path) -> list[str] | int:
    """The build, the downloads and the offline zips; the downloads that failed, or the exit code.

    On two cores: Chromium starts while the site builds; the offline site's process forks first
    (before any thread) and builds once the online build is done, while the downloads print,
    which is mostly Chromium's work (after one edit on the starter: 8.4-10.4 s -> 8.0-8.6 s).
    """
    from .outputs.offline import OfflineZips
    from .outputs.printer import one_browser

    selected: dict[str, list[str]] = {}
    with contextlib.ExitStack() as stack:
        zips = stack.enter_context(OfflineZips(config_file, site_dir, _offline_store(root, site_dir)))
        zips.start_early()  # the process forks: before one_browser starts its thread
        browser = stack.enter_context(one_browser())
        browser.launch_soon()
        if _run_build_logged(root, config_file, site_dir, strict=True) != 0:
            return 1
        zips.release()
        # After the build: what it read (its dependency map) says what the change affects.
        for command, affected, label in (("packets", changed_packet_ids, "讲义包"),
                                         ("routes", changed_route_ids, "研学路线")):
            choice = _with_changed(args, root, config_file, affected, label)
            if isinstance(choice, int) and choice != 0:
                return choice
            if args.changed_since:
                selected[command] = choice if isinstance(choice, list) else []
        context = _context_or_report(config_file, "下载文件")
        if context is None:
            return 1
        commands = [command for command in DOWNLOADS if selected.get(command, True) != []]
        made = run_all_downloads(root, config_file, site_dir, commands, jobs=args.jobs, context=context,
                                 only={command: selected.get(command) or [] for command in commands}) \
            if commands else []
        if isinstance(made, int):
            return made
        failed = made
        browser.close()
        if run_offline(root, config_file, site_dir, context=context, zips=zips) != 0:
            failed.append("offline")
    return failed


def _site_inputs(root: Path, config_file: Path, site_dir: Path) -> str:
    from .outputs.site_run import SiteInputs, inputs_digest

    config, settings = _config(config_file)
    folders = [Path(config.docs_dir), settings.curriculum_dir]
    if config.theme.custom_dir:
        folders.append(Path(config.theme.custom_dir))
    return inputs_digest(SiteInputs(root=root, config_file=config_file, folders=tuple(folders),
                                    site_dir=site_dir, today=settings.today))


def _run_build_logged(root: Path, config_file: Path, site_dir: Path, *, strict: bool) -> int:
    # The MkDocs API logs through "mkdocs" without a handler; show it as `mkdocs build` does.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(handler)
    mkdocs_log.setLevel(logging.INFO)
    try:
        return run_build(root, config_file, site_dir, strict=strict)
    finally:
        mkdocs_log.removeHandler(handler)


def _dispatch(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    config_file = (args.config or root / "mkdocs.yml").resolve()
    site_dir = _site_dir(args, config_file)
    if args.command in (*DOWNLOADS, "offline", "site") and _output_folder_refused(root, site_dir):
        return 1
    if args.command == "check":
        return run_check(root, config_file)
    if args.command == "build":
        return _run_build_logged(root, config_file, site_dir, strict=not args.no_strict)
    if args.command == "site":
        return run_site(args, root, config_file, site_dir)
    if args.command == "reading":
        return run_reading(root, config_file, site_dir, args.date, args.out)
    if args.command == "offline":
        return run_offline(root, config_file, site_dir)
    if args.command in EDITING_COMMANDS:
        return run_command(args, root, _config(config_file)[1])
    if args.command in DOWNLOADS:
        only = list(getattr(args, "only", []))
        changed = {"packets": (changed_packet_ids, "讲义包"), "routes": (changed_route_ids, "研学路线")}
        if args.command in changed:
            selected = _with_changed(args, root, config_file, *changed[args.command])
            if isinstance(selected, int):
                return selected
            only = selected
        return run_downloads(root, config_file, site_dir, args.command, jobs=args.jobs, only=only,
                             cache_dir=getattr(args, "cache_dir", None))
    return 2


if __name__ == "__main__":
    sys.exit(main())
