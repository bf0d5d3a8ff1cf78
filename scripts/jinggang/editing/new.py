"""`jinggang new KIND ID`: a new content file that passes the check from the start.

Answers come from flags; in a terminal, what is missing is asked for. Everything is
checked against the loaded model before a file is written (ids in use, vocabulary slugs,
references), and the check runs again afterwards: a file that would not pass is removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..content.kinds import (
    KINDS,
    LECTURER,
    LESSON,
    PACKET,
    PACKET_ENTRIES,
    RENAMED_ENTRIES,
    ROUTE,
    SITE_GUIDE,
    entry_kinds,
)
from ..content.loader import Settings, load_content
from ..content.model import ContentItem, ContentModel
from ..content.problems import Problem, errors, format_report
from ..content.schemas import SchemaSet, suggest_id
from . import skeletons
from .placeholders import placeholder_problems
from .skeletons import NewItem

DEFAULT_DURATION = {LESSON.name: 15, LECTURER.name: 10}
EXAMPLE_FLAGS = {
    LESSON.name: "--title 支部建在连上 --audience league-members --theme party-history --source zgcd-lishi-1",
    SITE_GUIDE.name: "--title 三湾改编旧址 --audience middle-school --theme jinggangshan-spirit --source zgcd-lishi-1",
    LECTURER.name: "--title 三湾：党指挥枪的起点 --audience league-members --group youth-lecturers "
                   "--lesson sanwan-branch --source zgcd-lishi-1",
    PACKET.name: "--title 三湾主题团日讲义包 --audience league-members --lesson sanwan-branch --site-guide sanwan",
    ROUTE.name: "--title 从三湾到井冈 --audience middle-school --site sanwan --site bajiaolou",
}
DEFAULT_AUTHOR = "井冈传人编写组"
DEFAULT_ISSUER = "井冈传人编写组"

Ask = Callable[[str], str]
Say = Callable[[str], None]


class NewError(Exception):
    """A request that cannot be carried out; the message tells the editor what to do."""


@dataclass
class NewRequest:
    """The answers given as flags; empty means not given."""

    kind: str
    id: str
    title: str = ""
    audience: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    lessons: list[str] = field(default_factory=list)
    group: str = ""
    duration: int | None = None
    contents: list[tuple[str, str]] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    status: str = "draft"
    occasion: str = ""
    issuer: str = ""


@dataclass
class Created:
    path: Path
    registered_in: Path | None  # curriculum/sites.yml when a new site was appended there
    notes: list[Problem]  # warnings about the new file (placeholders, unverified visitor information)


def target_path(settings: Settings, kind: str, item_id: str) -> Path:
    found = KINDS[kind]
    if found.is_page:
        return settings.docs_dir / found.docs_folder / f"{item_id}.md"
    return settings.curriculum_dir / found.folder.removeprefix("curriculum/") / f"{item_id}.yml"


def _choose(ask: Ask, say: Say, question: str, options: dict[str, str], *, single: bool = False) -> list[str]:
    """Ask for one or more of options (slug -> label), by number or slug."""
    say(question)
    slugs = list(options)
    for number, slug in enumerate(slugs, start=1):
        say(f"  {number}. {slug}（{options[slug]}）")
    for _attempt in range(3):
        answer = ask("请输入编号或标识" + ("：" if single else "，多个用空格分开："))
        answer = answer.replace(",", " ").replace("，", " ")
        chosen = []
        for word in answer.split():
            if word.isdigit() and 1 <= int(word) <= len(slugs):
                chosen.append(slugs[int(word) - 1])
            elif word in options:
                chosen.append(word)
            else:
                chosen = []
                say(f"没有“{word}”这一项，请重新输入。")
                break
        if chosen and (not single or len(chosen) == 1):
            return list(dict.fromkeys(chosen))
    raise NewError("没有得到有效的回答，已取消。")


def _ask_text(ask: Ask, question: str, default: str = "") -> str:
    for _attempt in range(3):
        answer = ask(f"{question}{f'（直接回车用“{default}”）' if default else ''}：").strip() or default
        if answer:
            return answer
    raise NewError("没有得到回答，已取消。")


def _ask_ids(ask: Ask, say: Say, question: str, known: dict[str, object], label: str, where: str) -> list[str]:
    """Ids of existing items, asked again (with a suggestion) until every one is known."""
    for _attempt in range(3):
        ids = _ask_text(ask, question).replace(",", " ").replace("，", " ").split()
        wrong = _reference_problems(label, ids, known, where)
        if not wrong:
            return ids
        for line in wrong:
            say(line)
    raise NewError("没有得到有效的回答，已取消。")


def _ask_entries(ask: Ask, say: Say, model: ContentModel) -> list[tuple[str, str]]:
    kinds = "、".join(f"{name}（{label}）" for name, label in PACKET_ENTRIES.items())
    say(f"讲义包按顺序收录哪些条目？每行写“类型 标识”，类型是 {kinds}；空行结束。")
    entries: list[tuple[str, str]] = []
    while True:
        line = ask(f"第 {len(entries) + 1} 项：").strip()
        if not line:
            if entries:
                return entries
            say("至少要收录一项。")
            continue
        kind, _, item_id = line.replace(":", " ").replace("：", " ").partition(" ")
        problem = _entry_problem(kind.strip(), item_id.strip(), model)
        if problem:
            say(problem)
        else:
            entries.append((kind.strip(), item_id.strip()))


def complete(request: NewRequest, model: ContentModel, settings: Settings, *,
             ask: Ask | None, say: Say) -> NewRequest:
    """Fill in what the flags left out: by asking in a terminal, else by saying which flag is missing."""
    vocab = model.vocabularies.terms
    missing: list[str] = []

    def need(flag: str, value: object) -> bool:
        if value:
            return False
        if ask is None:
            missing.append(flag)
            return False
        return True

    registered = model.sites.get(request.id)
    if request.kind == SITE_GUIDE.name and not request.title and registered:
        request.title = registered.name  # the name it is already registered under
    if need("--title 标题", request.title) and ask:
        what = "名称" if request.kind == SITE_GUIDE.name else "标题"
        request.title = _ask_text(ask, f"{KINDS[request.kind].label}的{what}")
    if need("--audience 适用对象", request.audience) and ask:
        request.audience = _choose(ask, say, "适用对象（可多选）：", vocab["audience"])
    if request.kind in (LESSON.name, SITE_GUIDE.name) and need("--theme 主题", request.themes) and ask:
        request.themes = _choose(ask, say, "主题（可多选）：", vocab["themes"])
    if request.kind == LECTURER.name:
        if need("--group 宣讲团", request.group) and ask:
            request.group = _choose(ask, say, "宣讲团：", vocab["groups"], single=True)[0]
        if need("--lesson 对应微团课的标识", request.lessons) and ask:
            request.lessons = _ask_ids(ask, say, "对应哪些微团课（标识，多个用空格分开）", dict(model.lessons),
                                       "微团课", "docs/lessons/")
    if request.kind in (LESSON.name, SITE_GUIDE.name, LECTURER.name) \
            and need("--source 出处（curriculum/sources.yml 中的标识）", request.sources) and ask:
        say("出处登记表 curriculum/sources.yml 中有：" + "、".join(sorted(model.sources)))
        request.sources = _ask_ids(ask, say, "依据哪些出处（标识，多个用空格分开；表中没有的先登记）",
                                   dict(model.sources), "出处", "curriculum/sources.yml")
    if request.kind == "route" and need("--site 沿途站点（研学指南的标识，按顺序）", request.sites) and ask:
        guides = {key: guide for key, guide in model.site_guides.items() if not guide.is_draft}
        request.sites = _ask_ids(ask, say, "沿途依次经过哪些景点（研学指南的标识，多个用空格分开）", dict(guides),
                                 "研学指南", "docs/sites/")
    if request.kind == PACKET.name and need("--lesson/--site-guide/--lecturer/--handout 收录的条目",
                                            request.contents) and ask:
        request.contents = _ask_entries(ask, say, model)
    if missing:
        raise NewError("缺少：" + "；".join(missing) + "。\n在终端里运行时会逐项询问；在脚本中请用参数给出，"
                       f"例如 jinggang new {request.kind} {request.id} " + EXAMPLE_FLAGS[request.kind])
    return request


def _vocabulary_problems(name: str, vocabulary: str, values: list[str], model: ContentModel) -> list[str]:
    entries = model.vocabularies.terms.get(vocabulary, {})
    found = []
    for value in values:
        if value not in entries:
            guess = model.vocabularies.suggest(vocabulary, value)
            allowed = "、".join(f"{slug}（{label}）" for slug, label in entries.items())
            found.append(f"{name} 的值 {value!r} 不在词表 {vocabulary} 中："
                         + (f"你是不是想写 {guess}？" if guess else f"可用的值：{allowed}。"))
    return found


def _reference_problems(name: str, values: list[str], known: dict[str, object], where: str) -> list[str]:
    found = []
    for value in values:
        if value not in known:
            guess = suggest_id(value, known)
            hint = f"你是不是想写 {guess}？" if guess else f"先在 {where} 中添加它。"
            found.append(f"找不到{name} {value!r}：{hint}")
    return found


def _entry_problem(kind: str, item_id: str, model: ContentModel, drafts_allowed: bool = False) -> str | None:
    if kind in RENAMED_ENTRIES:
        return f"条目类型 {kind} 已改名为 {RENAMED_ENTRIES[kind]}：请写 {RENAMED_ENTRIES[kind]} {item_id}。"
    if kind not in PACKET_ENTRIES:
        return f"条目类型 {kind!r} 不对：只能是 {'、'.join(PACKET_ENTRIES)}。"
    tables: list[Mapping[str, ContentItem]] = [model.table(found) for found in entry_kinds(kind)]
    matches = [table[item_id] for table in tables if item_id in table]
    if not matches:
        guess = suggest_id(item_id, {key: None for table in tables for key in table})
        return f"找不到{PACKET_ENTRIES[kind]} {item_id!r}" + (f"：你是不是想写 {guess}？" if guess else "。")
    if all(match.is_draft for match in matches) and not drafts_allowed:
        return f"{PACKET_ENTRIES[kind]} {item_id} 还是草稿：讲义包只能收录 review 或 published 的条目。"
    return None


def validate(request: NewRequest, model: ContentModel, settings: Settings) -> NewItem:
    """Every reason not to write the file, at once; else the checked answers."""
    found: list[str] = []
    schemas = SchemaSet(settings.curriculum_dir / "schema")
    if not re.fullmatch(schemas.id_pattern(), request.id) or request.id == "index":
        found.append(f"标识 {request.id!r} 不能用：只用小写英文字母、数字和连字符（例如 sanwan-branch），"
                     "而且不能是 index。")
    path = target_path(settings, request.kind, request.id)
    if path.exists():
        found.append(f"标识 {request.id} 已经被 {settings.relative(path)} 使用了：换一个标识，或直接编辑那个文件。")
    if not KINDS[request.kind].is_page and len(request.title) > 40:
        found.append(f"{KINDS[request.kind].label}标题太长（{len(request.title)} 字，上限 40 字）。")
    found += _vocabulary_problems("audience", "audience", request.audience, model)
    found += _vocabulary_problems("theme", "themes", request.themes, model)
    if request.group:
        found += _vocabulary_problems("group", "groups", [request.group], model)
    found += _reference_problems("研学指南", request.sites, dict(model.site_guides), "docs/sites/")
    if request.kind == ROUTE.name and request.status != "draft":
        # A route in review is on the site as it is merged: its stops' guides must be there too.
        found += [f"研学指南 {site} 还是草稿：路线只能经过 review 或 published 的景点。" for site in request.sites
                  if site in model.site_guides and model.site_guides[site].is_draft]
    found += _reference_problems("事件", request.events, dict(model.events), "curriculum/events.yml")
    found += _reference_problems("出处", request.sources, dict(model.sources), "curriculum/sources.yml")
    found += _reference_problems("微团课", request.lessons, dict(model.lessons), "docs/lessons/")
    found += [problem for kind, item_id in request.contents
              if (problem := _entry_problem(kind, item_id, model, drafts_allowed=request.status == "draft"))]
    duration = request.duration if request.duration is not None else DEFAULT_DURATION.get(request.kind, 0)
    duration_range = schemas.range_of(request.kind, "duration")
    if duration_range is not None:
        low, high = duration_range
        if not low <= duration <= high:
            found.append(f"时长 {duration} 分钟超出范围：{KINDS[request.kind].label}是 {low} 到 {high} 分钟。")
    if request.status not in ("draft", "review"):
        found.append("新文件的状态只能是 draft 或 review：发布（published）要等审核之后，并写明审核人。")
    if found:
        raise NewError("\n".join(f"- {line}" for line in found))
    return NewItem(
        kind=request.kind, id=request.id, title=request.title.strip(), audience=list(dict.fromkeys(request.audience)),
        updated=settings.today.isoformat(), themes=list(dict.fromkeys(request.themes)), sites=request.sites,
        events=request.events, sources=list(dict.fromkeys(request.sources)), lessons=request.lessons,
        group=request.group, duration=duration,
        contents=request.contents, authors=request.authors or [DEFAULT_AUTHOR], status=request.status,
        occasion=request.occasion, issuer=request.issuer or DEFAULT_ISSUER)


def _load(settings: Settings) -> ContentModel:
    result = load_content(settings)
    if result.model is None or errors(result.problems):
        raise NewError("现有内容没有通过检查，先修正这些问题再新建文件：\n"
                       + format_report(errors(result.problems), annotations=False))
    return result.model


def create(request: NewRequest, settings: Settings, *, ask: Ask | None, say: Say) -> Created:
    """Ask, check, write; check again and undo the writing if the new file does not pass."""
    model = _load(settings)
    if request.kind == SITE_GUIDE.name and model.sites.get(request.id) and not request.title:
        say(f"景点 {request.id} 已在 curriculum/sites.yml 中登记为“{model.sites[request.id].name}”。")
    item = validate(complete(request, model, settings, ask=ask, say=say), model, settings)
    path = target_path(settings, item.kind, item.id)
    registry = settings.curriculum_dir / "sites.yml"
    registry_before = registry.read_text(encoding="utf-8") if registry.exists() else None
    register = item.kind == SITE_GUIDE.name and item.id not in model.sites
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(skeletons.RENDERERS[item.kind](item), encoding="utf-8")
    if register:
        text = registry_before or ""
        separator = "" if not text or text.endswith("\n") else "\n"
        registry.write_text(text + separator + skeletons.site_registration(item), encoding="utf-8")
    result = load_content(settings)
    mine = {settings.relative(path), settings.relative(registry)}
    failed = [problem for problem in errors(result.problems) if problem.path in mine]
    if failed or result.model is None:
        path.unlink()
        if register and registry_before is not None:
            registry.write_text(registry_before, encoding="utf-8")
        raise NewError("生成的文件没有通过检查，已撤销（请把这个问题报告给维护者）：\n"
                       + format_report(failed or errors(result.problems), annotations=False))
    notes = [problem for problem in [*result.problems, *placeholder_problems(settings)]
             if problem.path == settings.relative(path)]
    return Created(path, registry if register else None, notes)
