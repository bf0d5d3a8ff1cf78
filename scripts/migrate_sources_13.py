# ruff: noqa: E501
# (a one-off script: the table of works reads best one work a line)
"""One-off migration for issue 13 (run once, then deleted): inline citations become ids of
curriculum/sources.yml, packets and routes get a status.

    .venv/bin/python scripts/migrate_sources_13.py [ROOT ...]

For each ROOT (default: the project) it writes curriculum/sources.yml from the works cited
there, rewrites every `sources:` block of pages, events, glossary, routes and packets to
`- {source: id}` (a `pages` value becomes `page`), and adds `status: review` to packets and
routes that have none (no honest review record exists for any of them). A work this table
does not know stops the run: add it here first.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml

# Old title -> the register entry. Dates of articles are those the old entry states (its title,
# publisher or the date in its URL); where only a year was known, only the year is kept.
WORKS: dict[str, dict[str, Any]] = {
    "中国共产党历史·第一卷（1921—1949）": {"id": "zgcd-lishi-1", "kind": "book"},
    "中国共产党历史（第一卷）": {"id": "zgcd-lishi-1", "kind": "book"},  # the test fixture's spelling
    "中国共产党简史": {"id": "zgcd-jianshi", "kind": "book"},
    "毛泽东选集·第一卷": {"id": "mao-xuanji-1", "kind": "book"},
    "毛泽东年谱（1893—1949）·上卷": {"id": "mao-nianpu-1", "kind": "book"},
    "朱德年谱（新编本）": {"id": "zhu-de-nianpu", "kind": "book"},
    "毛泽东农村调查文集": {"id": "mao-nongcun-diaocha", "kind": "book"},
    "毛泽东诗词集（《西江月·井冈山》）": {"id": "mao-shici-1996", "kind": "book"},
    "朱德的扁担（收入《星火燎原》第一集）": {"id": "zhu-liangcai-biandan", "kind": "book"},
    "语文·二年级上册（课文《朱德的扁担》）": {"id": "yuwen-grade2-2017", "kind": "book"},
    "在纪念中央革命根据地创建暨中华苏维埃共和国成立80周年座谈会上的讲话（2011年11月4日）":
        {"id": "xinhua-2011-11-04", "kind": "speech", "date": "2011-11-04"},
    "在纪念红军长征胜利80周年大会上的讲话": {"id": "xinhua-2016-10-21", "kind": "speech", "date": "2016-10-21"},
    "纪念红军长征胜利80周年大会在京隆重举行 习近平发表重要讲话":
        {"id": "xinhua-2016-10-21-report", "kind": "article", "date": "2016-10-21"},
    "在庆祝中国共产主义青年团成立100周年大会上的讲话": {"id": "xinhua-2022-05-10", "kind": "speech", "date": "2022-05-10"},
    "习近平春节前夕赴江西看望慰问广大干部群众 祝全国各族人民健康快乐吉祥 祝改革发展人民生活蒸蒸日上":
        {"id": "renmin-ribao-2016-02-04", "kind": "article", "date": "2016-02-04"},
    "中国新民主主义青年团第三次全国代表大会关于将中国新民主主义青年团改名为中国共产主义青年团的决议（1957年5月24日通过）":
        {"id": "renmin-ribao-1957-05-25", "kind": "article", "date": "1957-05-25"},
    "推行“1234”工作模式在红色基因传承上作示范、勇争先": {"id": "jian-league-1234-2021", "kind": "article", "date": "2021"},
    "史海回眸：走过历史长河的中国共青团": {"id": "li-yan-league-history-2008", "kind": "article", "date": "2008-06-11"},
    "1949年档案：第15集 中国新民主主义青年团一大召开": {"id": "chinanews-2009-05-25", "kind": "article", "date": "2009-05-25"},
    "“扁担”引出的故事——记《朱德的扁担》作者朱良才上将": {"id": "mao-dingzhi-biandan-2025", "kind": "article", "date": "2025-08-01"},
    "中共中央《关于青年工作的决定》产生于一九三六年": {"id": "jin-songlin-1936-decision", "kind": "web", "date": "2007-04-14"},
    "“此是东井冈”——东固地区的初期革命斗争": {"id": "zhong-ping-donggu-2008", "kind": "web", "date": "2008-03-27"},
    "江西：新铸大型朱毛会师铜像在井冈山会师广场顺利安装": {"id": "wang-huawen-statue-2008", "kind": "web", "date": "2008-07-23"},
    "【向陈云学习】“不唯上、不唯书、只唯实”": {"id": "chenyun-museum-bu-wei-shang", "kind": "web", "date": "2018"},
    "苏区精神（中国关键词）": {"id": "china-org-suqu-spirit", "kind": "web", "date": "2020-09-30"},
    "茅坪镇 (井冈山市)（2020年3月原大陇镇与茅坪乡合并为茅坪镇）": {"id": "wikipedia-maoping-town", "kind": "web", "date": "2025"},
}
KIND_ORDER = {"book": 0, "speech": 1, "article": 2, "web": 3}
HEADER = """\
# 出处登记表：每部著作、每篇文章、讲话或网页登记一条，各处按标识引用：
#   sources:
#     - {source: zgcd-lishi-1, page: "245"}   # page 可省略，只写亲自核对过的页码
# kind：book（图书）、article（报刊文章、通讯社消息）、speech（讲话）、web（网页）。
# 图书写出版年份 year；文章、讲话和网页写发表日期 date（加引号，只知道年月或年份就只写到那里）和网址 url。
# 写法说明见编者指南“出处”一节和“字段参考”。
"""


def _sources_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(first, end) line ranges of each `sources:` key's block, the key line included."""
    blocks = []
    for number, line in enumerate(lines):
        match = re.match(r"^(\s*)(?:- )?sources:\s*$", line)
        if not match:
            continue
        indent = len(match.group(1)) + (2 if line.lstrip().startswith("- ") else 0)
        end = number + 1
        while end < len(lines):
            text = lines[end]
            depth = len(text) - len(text.lstrip())
            if text.strip() and (depth < indent or (depth == indent and not text.lstrip().startswith("- "))):
                break
            if text.strip() == "---":
                break
            end += 1
        while end > number + 1 and not lines[end - 1].strip():
            end -= 1
        blocks.append((number, end))
    return blocks


def migrate_file(path: Path, found: dict[str, dict[str, Any]]) -> bool:
    lines = path.read_text(encoding="utf-8").split("\n")
    changed = False
    for first, end in reversed(_sources_blocks(lines)):
        key_line = lines[first]
        body = lines[first + 1:end]
        items = yaml.safe_load("\n".join(line for line in body))
        if not isinstance(items, list) or not items or all(isinstance(item, dict) and "source" in item for item in items):
            continue
        item_indent = next(len(line) - len(line.lstrip()) for line in body if line.strip())
        new_lines = []
        for item in items:
            work = WORKS.get(item.get("title", ""))
            if work is None:
                sys.exit(f"{path}: {item.get('title')!r} is not in WORKS; add it first")
            entry = found.setdefault(work["id"], {"id": work["id"], "kind": work["kind"], "title": item["title"]})
            for key in ("author", "publisher"):
                if item.get(key):
                    entry.setdefault(key, item[key])
            if work["kind"] == "book":
                entry.setdefault("year", item["year"])
            else:
                entry.setdefault("date", work["date"])
            if item.get("url"):
                entry.setdefault("url", item["url"])
            page = f', page: "{item["pages"]}"' if item.get("pages") else ""
            new_lines.append(f"{' ' * item_indent}- {{source: {work['id']}{page}}}")
        lines[first:end] = [key_line, *new_lines]
        changed = True
    if changed:
        path.write_text("\n".join(lines), encoding="utf-8")
    return changed


def add_status(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    if re.search(r"^status:", text, re.MULTILINE):
        return False
    # After the audience line: near the top, where an editor looks for it.
    text = re.sub(r"^(audience: .*\n)", r"\1status: review\n", text, count=1, flags=re.MULTILINE)
    path.write_text(text, encoding="utf-8")
    return True


def _scalar(value: Any) -> str:
    if isinstance(value, int):
        return str(value)
    if re.fullmatch(r"\d{4}(-\d{2}){0,2}", value):
        return f'"{value}"'
    dumped = yaml.safe_dump(value, allow_unicode=True, width=1000).strip()
    return dumped.removesuffix("\n...").strip()


def write_register(root: Path, found: dict[str, dict[str, Any]]) -> None:
    entries = sorted(found.values(), key=lambda entry: (KIND_ORDER[entry["kind"]], entry["id"]))
    parts = [HEADER]
    for entry in entries:
        lines = [f"- id: {entry['id']}"]
        for key in ("kind", "title", "author", "publisher", "year", "date", "url"):
            if key in entry:
                lines.append(f"  {key}: {_scalar(entry[key])}")
        parts.append("\n" + "\n".join(lines) + "\n")
    (root / "curriculum/sources.yml").write_text("".join(parts), encoding="utf-8")


def migrate(root: Path) -> None:
    found: dict[str, dict[str, Any]] = {}
    files = [path for folder in ("lessons", "sites", "lecturers") for path in sorted((root / "docs" / folder).glob("*.md"))]
    files += sorted((root / "curriculum").glob("*.yml")) + sorted((root / "curriculum").glob("*/*.yml"))
    changed = [path for path in files if path.name != "sources.yml" and migrate_file(path, found)]
    statuses = [path for folder in ("packets", "routes") for path in sorted((root / "curriculum" / folder).glob("*.yml"))
                if add_status(path)]
    write_register(root, found)
    print(f"{root}: {len(found)} works registered, {len(changed)} files cited by id, "
          f"{len(statuses)} packets and routes given status: review")


if __name__ == "__main__":
    for argument in sys.argv[1:] or ["."]:
        migrate(Path(argument))
