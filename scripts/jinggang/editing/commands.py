"""The editors' subcommands of `jinggang`: new, changes, summary; cli.py registers and calls them."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..content.kinds import KINDS, PACKET, PACKET_ENTRIES, RENAMED_KINDS, ROUTE
from ..content.loader import Settings, load_content
from ..content.problems import format_report
from .changes import GitError, compute_impact, format_impact
from .coords import coords_report
from .new import NewError, NewRequest, create
from .placeholders import placeholder_problems
from .reviews import expired_review_problems
from .summary import render_summary

EDITING_COMMANDS = ("new", "changes", "summary", "coords")


class _Entry(argparse.Action):
    """--lesson, --site, --site-guide, --lecturer, --handout in the order given: a packet prints them so."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> None:
        entries = [*(getattr(namespace, self.dest, None) or []), (self.const, values)]
        setattr(namespace, self.dest, entries)


def add_commands(commands: Any) -> None:
    """Add the editors' subcommands to the `jinggang` parser's subparsers."""
    new = commands.add_parser(
        "new", help="新建微团课、研学指南、讲师资料、讲义包或研学路线：写好必填字段、各节和占位文字",
        description="在终端里运行时会询问缺少的标题、适用对象等；在脚本中请用参数给出。新文件的状态是草稿（draft）。")
    new.add_argument("kind", choices=(*KINDS, *RENAMED_KINDS), metavar="KIND",
                     help="、".join(f"{name} {kind.label}" for name, kind in KINDS.items()))
    new.add_argument("id", help="标识：小写英文字母、数字和连字符，也是文件名")
    new.add_argument("--title", default="", help="标题（研学指南为景点名称）")
    new.add_argument("--audience", action="append", default=[], metavar="SLUG", help="适用对象（可重复）")
    new.add_argument("--theme", action="append", default=[], metavar="SLUG", help="主题（可重复；微团课和研学指南）")
    new.add_argument("--event", action="append", default=[], metavar="ID", help="相关事件（可重复）")
    new.add_argument("--source", action="append", default=[], metavar="ID",
                     help="出处：curriculum/sources.yml 中的标识（可重复；微团课、研学指南和讲师资料必填）")
    for flag, meaning in (("lesson", "讲师资料对应的微团课；讲义包收录的微团课"),
                          ("site", "微团课相关的景点；研学路线沿途的站点（研学指南的标识）"),
                          ("site-guide", "讲义包收录的研学指南"),
                          ("lecturer", "讲义包收录的讲师资料"), ("handout", "讲义包收录的学生活页")):
        new.add_argument(f"--{flag}", action=_Entry, const=flag, dest="entries", default=[], metavar="ID",
                         help=f"{meaning}（可重复，按给出的顺序）")
    new.add_argument("--group", default="", metavar="SLUG", help="宣讲团（讲师资料）")
    new.add_argument("--duration", type=int, default=None, help="时长（分钟）：微团课默认 15，讲师资料默认 10")
    new.add_argument("--author", action="append", default=[], help="作者（可重复；默认 井冈传人编写组）")
    new.add_argument("--status", default="draft", choices=("draft", "review"), help="状态（默认 draft 草稿）")
    new.add_argument("--occasion", default="", help="讲义包的用途")
    new.add_argument("--issuer", default="", help="讲义包的印发单位（默认 井冈传人编写组）")
    new.add_argument("--no-input", action="store_true", help="不询问，缺少的参数直接报错（终端里也一样）")

    changes = commands.add_parser("changes", help="列出自 REF 以来改动的内容文件，以及受影响的页面、索引页和讲义包")
    changes.add_argument("--base", required=True, metavar="REF", help="对比的基准版本（分支、标签或提交）")
    changes.add_argument("--json", action="store_true", help="输出 JSON")

    coords = commands.add_parser(
        "coords", help="把高德、腾讯（GCJ-02）或百度地图（BD-09）上取的坐标换算成研学指南要写的 WGS-84",
        description="先写纬度、再写经度（从地图复制的“经度,纬度”也能认出来）。")
    coords.add_argument("point", nargs="+", metavar="LAT LON",
                        help="纬度和经度，用空格或逗号分开；从地图复制的“经度,纬度”也可以")
    coords.add_argument("--from", dest="system", required=True, choices=("gcj02", "bd09"),
                        help="gcj02：高德地图、腾讯地图；bd09：百度地图")

    summary = commands.add_parser("summary", help="生成拉取请求的检查摘要（Markdown，用于 $GITHUB_STEP_SUMMARY）")
    summary.add_argument("--base", required=True, metavar="REF", help="对比的基准版本")
    summary.add_argument("--output", type=Path, default=None, help="追加写入这个文件（默认输出到屏幕）")


def _new_request(args: argparse.Namespace) -> NewRequest:
    entries: list[tuple[str, str]] = args.entries
    request = NewRequest(kind=args.kind, id=args.id, title=args.title.strip(), audience=args.audience,
                         themes=args.theme, events=args.event, sources=args.source, group=args.group,
                         duration=args.duration,
                         authors=args.author, status=args.status, occasion=args.occasion, issuer=args.issuer)
    if args.kind in RENAMED_KINDS:
        raise NewError(f"类型 {args.kind} 已改名为 {RENAMED_KINDS[args.kind]}：请运行 "
                       f"jinggang new {RENAMED_KINDS[args.kind]} {args.id} …")
    allowed = {"lesson": {"site"}, "lecturer": {"lesson"}, "packet": set(PACKET_ENTRIES),
               "site-guide": set(), "route": {"site"}}[args.kind]
    wrong = sorted({kind for kind, _ in entries} - allowed)
    if wrong:
        hint = "（讲义包收录研学指南用 --site-guide）" if args.kind == PACKET.name and "site" in wrong else ""
        raise NewError(f"{KINDS[args.kind].label}不用 " + "、".join(f"--{kind}" for kind in wrong) + f"。{hint}")
    if args.kind == PACKET.name:
        request.contents = entries
    else:
        request.sites = [value for kind, value in entries if kind == "site"]
        request.lessons = [value for kind, value in entries if kind == "lesson"]
    return request


def _run_new(args: argparse.Namespace, settings: Settings) -> int:
    interactive = sys.stdin.isatty() and not args.no_input
    try:
        created = create(_new_request(args), settings, ask=input if interactive else None, say=print)
    except NewError as error:
        print(f"没有新建文件：\n{error}", file=sys.stderr)
        return 1
    except (EOFError, KeyboardInterrupt):
        print("\n已取消，没有新建文件。", file=sys.stderr)
        return 1
    path = settings.relative(created.path)
    label = KINDS[args.kind].label
    status = {"draft": "草稿，只在预览中显示", "review": "审核中"}[args.status]
    print(f"已新建{label}：{path}（{status}）")
    if created.registered_in is not None:
        print(f"已在 {settings.relative(created.registered_in)} 末尾登记景点 {args.id}。")
    if created.notes:
        print("检查的提醒：\n" + format_report(created.notes, annotations=False))
    is_item = args.kind not in (PACKET.name, ROUTE.name)
    steps = [f"打开 {path}，把每一处“待填写”换成正式内容" + ("，核对出处（sources）。" if is_item else "。")]
    if args.kind == PACKET.name:
        steps += [f"改为 review 后，.venv/bin/jinggang packets --only {args.id} 生成 PDF，看看排版（草稿不生成）。"]
    else:
        steps += ["make serve 在本机预览（草稿只在预览中显示）。"]
    steps += [".venv/bin/jinggang check 检查。",
              "写完后把 status 改为 review（审核中：合并后出现在正式站点上，标明“审核中”），提交拉取请求，"
              "请审核人审核；审核人核对后写 reviewed_by、reviewed_on，改为 published（见编者指南“审核与发布”）。"]
    print("下一步：\n" + "\n".join(f"  {number}. {step}" for number, step in enumerate(steps, start=1)))
    return 0


def _run_changes(args: argparse.Namespace, root: Path, settings: Settings) -> int:
    try:
        impact = compute_impact(root, args.base, settings)
    except GitError as error:
        print(str(error), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(impact.to_json(), ensure_ascii=False, indent=2))
    else:
        print(format_impact(impact))
    return 0


def summary_text(root: Path, base: str, settings: Settings) -> str:
    """The pull request's job summary: the check's problems and the change's impact since base."""
    result = load_content(settings)
    problems = [*result.problems, *placeholder_problems(settings), *expired_review_problems(settings, result.model)]
    try:
        return render_summary(compute_impact(root, base, settings), problems)
    except GitError as error:
        return render_summary(None, problems, git_error=str(error))


def _run_summary(args: argparse.Namespace, root: Path, settings: Settings) -> int:
    text = summary_text(root, args.base, settings)
    if args.output is None:
        print(text, end="")
    else:
        with args.output.open("a", encoding="utf-8") as output:
            output.write(text)
    # The summary reports; the check step is the one that fails a pull request.
    return 0


def run_command(args: argparse.Namespace, root: Path, settings: Settings) -> int:
    if args.command == "new":
        return _run_new(args, settings)
    if args.command == "changes":
        return _run_changes(args, root, settings)
    if args.command == "coords":
        text, code = coords_report(" ".join(args.point), args.system)
        print(text, file=sys.stdout if code == 0 else sys.stderr)
        return code
    return _run_summary(args, root, settings)


def changed_packet_ids(root: Path, settings: Settings, base: str) -> list[str] | None:
    """For `jinggang packets --changed-since`: the affected packets, or None (said why) when git cannot tell."""
    try:
        return [packet.id for packet in compute_impact(root, base, settings).packets]
    except GitError as error:
        print(str(error), file=sys.stderr)
        return None


def changed_route_ids(root: Path, settings: Settings, base: str) -> list[str] | None:
    """The same for the routes' handbooks (a `--changed-since` of `jinggang routes`)."""
    try:
        return [route.id for route in compute_impact(root, base, settings).routes]
    except GitError as error:
        print(str(error), file=sys.stderr)
        return None
