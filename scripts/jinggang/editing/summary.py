"""The job summary of a pull request ($GITHUB_STEP_SUMMARY): Markdown, in Chinese, for editors.

It says whether the check passed, which items the change touches, which pages and packets
that affects, and lists every problem the check found, those in changed files first.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..content.kinds import label
from ..content.problems import Problem, Severity, errors, warnings
from .changes import CHANGE_LABELS, STATUS_LABELS, Impact


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ") or "—"


def _problem_rows(problems: Iterable[Problem]) -> list[str]:
    rows = ["| 位置 | 级别 | 问题 | 怎么改 |", "| --- | --- | --- | --- |"]
    for problem in problems:
        level = "❌ 错误" if problem.severity is Severity.ERROR else "⚠️ 警告"
        rows.append(f"| `{problem.location()}` | {level} | {_cell(problem.message)} | {_cell(problem.hint)} |")
    return rows


def render_summary(impact: Impact | None, problems: list[Problem], *, git_error: str = "") -> str:
    ordered = sorted(set(problems))
    found_errors, found_warnings = errors(ordered), warnings(ordered)
    lines = ["## 井冈传人 · 内容检查与影响范围", ""]
    if found_errors:
        lines.append(f"**内容检查：❌ 未通过**，{len(found_errors)} 个错误，{len(found_warnings)} 个警告。"
                     "请按下面的“怎么改”逐条修正，修正后再推送一次。")
    elif found_warnings:
        lines.append(f"**内容检查：✅ 通过**，有 {len(found_warnings)} 个警告（不阻止合并，请审核人留意）。")
    else:
        lines.append("**内容检查：✅ 通过**，没有发现问题。")
    lines.append("")

    changed_paths: set[str] = set()
    if impact is None:
        lines += [f"无法计算这次改动的影响范围：{git_error}", ""]
    else:
        changed_paths = {change.path for change in impact.files}
        lines += _impact_sections(impact)

    if ordered:
        mine = [problem for problem in ordered if problem.path in changed_paths]
        others = [problem for problem in ordered if problem.path not in changed_paths]
        if mine:
            lines += [f"### 本次改动的文件中的问题（{len(mine)}）", "", *_problem_rows(mine), ""]
        if others:
            lines += [f"### 其他文件中的问题（{len(others)}）", "", *_problem_rows(others), ""]
    return "\n".join(lines).rstrip() + "\n"


def _impact_sections(impact: Impact) -> list[str]:
    lines = [f"与基准版本 `{impact.base[:12]}` 相比改动了 {len(impact.files)} 个文件。", ""]
    if impact.items:
        lines += [f"### 改动的条目（{len(impact.items)}）", "", "| 改动 | 类型 | 标识 | 标题 | 状态 | 文件 |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for item in impact.items:
            lines.append(f"| {CHANGE_LABELS[item.change]} | {label(item.kind)} | `{item.id}` | "
                         f"{_cell(item.title)} | {STATUS_LABELS.get(item.status, item.status) or '—'} | "
                         f"`{item.path}` |")
        lines.append("")
    if impact.expired_reviews:
        titles = {(item.kind, item.id): item.title for item in impact.items}
        lines += [f"### ⚠️ 审核已过期（{len(impact.expired_reviews)}）", "",
                  "这些条目的正文改了，审核日期 `reviewed_on` 却没变：原来的审核不包括这次改动。"
                  "请审核人对照出处核对改动，再更新 `reviewed_on`（换了审核人也改 `reviewed_by`）；"
                  "来不及复核就把 `status` 改回 `review`。", "",
                  "| 类型 | 标识 | 标题 | 审核日期 | 文件 |", "| --- | --- | --- | --- | --- |"]
        lines += [f"| {label(review.kind)} | `{review.id}` | "
                  f"{_cell(titles.get((review.kind, review.id), ''))} | {review.reviewed_on} | `{review.path}` |"
                  for review in impact.expired_reviews]
        lines.append("")
    drafts = [item for item in impact.items if item.status == "draft"]
    if drafts:
        lines += ["草稿不进入正式站点，也不能收进讲义包；写完后把 `status` 改为 `review` 请人审核。", ""]
    if impact.whole_site:
        lines += ["### 影响全站", "", *[f"- {reason}" for reason in impact.whole_site], ""]
    page_lines = [f"- {_cell(page.title)}（`{page.url or '/'}`）" for page in impact.pages]
    page_lines += [f"- ~~{_cell(page.title)}~~（`{page.url}`，页面已删除）" for page in impact.removed_pages]
    if page_lines:
        lines += [f"### 受影响的页面（{len(page_lines)}）", "", *page_lines, ""]
    if impact.indexes:
        lines += [f"### 受影响的索引页（{len(impact.indexes)}）", "",
                  *[f"- {_cell(page.title)}（`{page.url or '/'}`）" for page in impact.indexes], ""]
    if impact.packets or impact.removed_packets:
        lines += [f"### 受影响的讲义包（{len(impact.packets)}）", ""]
        lines += [f"- {_cell(packet.title)}（`{packet.id}`）：`{packet.download}`，在本次运行的构件（artifact）中"
                  for packet in impact.packets]
        lines += [f"- ~~{packet_id}~~（已删除）" for packet_id in impact.removed_packets]
        lines.append("")
    elif impact.content_files:
        lines += ["这次改动不影响任何讲义包。", ""]
    if impact.routes or impact.removed_routes:
        lines += [f"### 受影响的研学路线（{len(impact.routes)}）", ""]
        lines += [f"- {_cell(route.title)}（`{route.id}`）：路线页 `{route.url}`" for route in impact.routes]
        lines += [f"- ~~{route_id}~~（已删除）" for route_id in impact.removed_routes]
        lines.append("")
    if not impact.content_files:
        lines += ["这次改动没有涉及内容、模板或程序，不影响站点。", ""]
    if impact.notes:
        lines += ["### 说明", "", *[f"- {note}" for note in impact.notes], ""]
    return lines
