"""JSON Schemas of the content kinds, and their errors told in Chinese with a hint.

The schemas under curriculum/schema/ are the one source of truth for fields. Two keywords
of our own extend draft 2020-12: `x-vocabulary` (the value is a slug of a vocabulary) and
`x-ref` (the value is the id of another item), so vocabulary and reference checks report
through the same path-to-line machinery as every other field error.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from referencing import Registry, Resource

from .dependencies import Recorded, note
from .problems import Problem, did_you_mean
from .schema_fast import QuickValidator, ecma_pattern
from .source import SourceFile

REF_KINDS = {
    "lesson": ("微团课", "docs/lessons/"),
    "site-guide": ("研学指南", "docs/sites/"),
    "lecturer": ("讲师资料", "docs/lecturers/"),
    "site": ("景点", "curriculum/sites.yml"),
    "event": ("事件", "curriculum/events.yml"),
    "person": ("人物", "curriculum/people.yml"),
    "term": ("术语", "curriculum/glossary.yml"),
    "packet": ("讲义包", "curriculum/packets/"),
    "route": ("研学路线", "curriculum/routes/"),
    "source": ("出处", "curriculum/sources.yml"),
    "quote": ("引文", "curriculum/quotes.yml"),
}
# The fields a citation had before the sources register; met in `sources`, they get a message of their own.
_INLINE_SOURCE_FIELDS = {"title", "author", "publisher", "year", "pages", "url"}
# Fields renamed with the review records.
_RENAMED = {"reviewers": "reviewed_by", "reviewed": "reviewed_on"}
_SOURCE_KINDS = {"article": "文章", "speech": "讲话", "web": "网页"}

_ID_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")

format_checker = FormatChecker()

# Keywords that only describe: a $ref's siblings may repeat them without changing validation.
_ANNOTATIONS = {"title", "description", "$comment", "examples", "default"}


@format_checker.checks("partial-date", raises=ValueError)
def _is_partial_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    match = _PARTIAL_DATE.match(value)
    if not match:
        return False
    year, month, day = (int(part) if part else 1 for part in match.groups())
    date(year, month, day)
    return True


@dataclass
class Vocabularies(Recorded):
    """Slug to Chinese label, per vocabulary name."""

    KIND = "vocabulary"
    id = "*"  # reading the whole of `terms` (a list of every label) depends on every label

    terms: dict[str, dict[str, str]]

    def label(self, vocabulary: str, slug: str) -> str:
        note(f"{self.KIND}/{vocabulary}/{slug}")
        terms: dict[str, dict[str, str]] = object.__getattribute__(self, "terms")
        return terms.get(vocabulary, {}).get(slug, slug)

    def suggest(self, vocabulary: str, value: str) -> str | None:
        """The slug an editor most likely meant, matching slugs and Chinese labels."""
        entries = self.terms.get(vocabulary, {})
        for slug, label in entries.items():
            if value == label:
                return slug
        by_label = difflib.get_close_matches(value, list(entries.values()), n=1, cutoff=0.5)
        if by_label:
            return next(slug for slug, label in entries.items() if label == by_label[0])
        by_slug = difflib.get_close_matches(value, list(entries), n=1, cutoff=0.6)
        return by_slug[0] if by_slug else None


def _shown(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "…"


def suggest_id(value: str, known: Mapping[str, object] | set[str]) -> str | None:
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


class SchemaSet:
    """All schemas of a content tree, with a validator bound to its vocabularies and ids."""

    def __init__(self, schema_dir: Path) -> None:
        self.schemas: dict[str, dict[str, Any]] = {}
        for file in sorted(schema_dir.glob("*.schema.json")):
            self.schemas[file.name.removesuffix(".schema.json")] = json.loads(
                file.read_text(encoding="utf-8"))
        self.registry: Registry = Registry().with_resources(
            (schema["$id"], Resource.from_contents(schema)) for schema in self.schemas.values()
        )
        # Building a validator class costs about 1.5 ms (attrs compiles it): once per kind and
        # (vocabularies, ids) pair, not once per file, or 2,000 lessons take 3 s more to check.
        self._files = {f"{name}.schema.json": name for name in self.schemas}
        self._validators: dict[tuple[str, int, int], tuple[object, object, Draft202012Validator]] = {}
        self._quick: dict[tuple[int, int], tuple[object, object, QuickValidator]] = {}
        self._inlined_schemas: dict[str, dict[str, Any]] = {}

    def id_pattern(self) -> str:
        """The pattern every id matches (common.schema.json), for tools that make ids."""
        pattern: str = self.schemas["common"]["$defs"]["id"]["pattern"]
        return pattern

    def range_of(self, kind: str, field: str) -> tuple[int, int] | None:
        """A numeric field's minimum and maximum in a kind's schema, when it has both."""
        spec = self.schemas.get(kind, {}).get("properties", {}).get(field, {})
        if "minimum" in spec and "maximum" in spec:
            return int(spec["minimum"]), int(spec["maximum"])
        return None

    def validator(self, kind: str, vocabularies: Vocabularies,
                  ids: Mapping[str, Mapping[str, object]]) -> Draft202012Validator:
        key = (kind, id(vocabularies), id(ids))
        cached = self._validators.get(key)
        # The cache keeps both objects alive, so an id cannot be reused by another object.
        if cached is not None and cached[0] is vocabularies and cached[1] is ids:
            return cached[2]
        validator = self._new_validator(kind, vocabularies, ids)
        self._validators[key] = (vocabularies, ids, validator)
        return validator

    def quick_validator(self, vocabularies: Vocabularies,
                        ids: Mapping[str, Mapping[str, object]]) -> QuickValidator:
        key = (id(vocabularies), id(ids))
        cached = self._quick.get(key)
        if cached is not None and cached[0] is vocabularies and cached[1] is ids:
            return cached[2]
        quick = QuickValidator(vocabularies.terms, ids, format_checker)
        self._quick[key] = (vocabularies, ids, quick)
        return quick

    def _new_validator(self, kind: str, vocabularies: Vocabularies,
                       ids: Mapping[str, Mapping[str, object]]) -> Draft202012Validator:
        def vocabulary_keyword(_validator: Any, name: str, instance: Any, _schema: Any) -> Iterator[ValidationError]:
            if isinstance(instance, str) and instance not in vocabularies.terms.get(name, {}):
                yield ValidationError(f"'{instance}' is not in vocabulary {name}", validator="x-vocabulary",
                                      validator_value=name, instance=instance)

        def ref_keyword(_validator: Any, ref_kinds: str | list[str], instance: Any,
                        _schema: Any) -> Iterator[ValidationError]:
            kinds = [ref_kinds] if isinstance(ref_kinds, str) else ref_kinds
            if isinstance(instance, str) and not any(instance in ids.get(kind, {}) for kind in kinds):
                yield ValidationError(f"'{instance}' is not a known {' or '.join(kinds)}", validator="x-ref",
                                      validator_value=ref_kinds, instance=instance)

        def pattern_keyword(_validator: Any, pattern: str, instance: Any, _schema: Any) -> Iterator[ValidationError]:
            if isinstance(instance, str) and ecma_pattern(pattern).search(instance) is None:
                yield ValidationError(f"{instance!r} does not match {pattern!r}", validator="pattern",
                                      validator_value=pattern, instance=instance)

        validator_class = validators.extend(
            Draft202012Validator,
            {"x-vocabulary": vocabulary_keyword, "x-ref": ref_keyword, "pattern": pattern_keyword},
        )
        return validator_class(self.inlined(kind), registry=self.registry, format_checker=format_checker)

    def inlined(self, kind: str) -> dict[str, Any]:
        """The schema of a kind with every $ref replaced (_inlined), made once."""
        if kind not in self._inlined_schemas:
            self._inlined_schemas[kind] = self._inlined(kind)
        return self._inlined_schemas[kind]

    def _inlined(self, kind: str) -> dict[str, Any]:
        """The schema with every $ref replaced by what it points to.

        Following a $ref through the registry costs more than the rest of validating a lesson;
        our schemas refer to small, non-recursive definitions, so they are copied in once.
        """
        def resolve(node: Any, base: str) -> Any:
            if isinstance(node, list):
                return [resolve(item, base) for item in node]
            if not isinstance(node, dict):
                return node
            ref = node.get("$ref")
            if not isinstance(ref, str) or ref.partition("#")[0] not in ("", *self._files):
                return {key: resolve(value, base) for key, value in node.items()}
            file, _, pointer = ref.partition("#")
            target_base = self._files.get(file, base)
            target: Any = self.schemas[target_base]
            for part in pointer.strip("/").split("/"):
                if part:
                    target = target[part]
            siblings = {key: resolve(value, base) for key, value in node.items() if key != "$ref"}
            resolved = resolve(target, target_base)
            if set(siblings) & set(resolved) - _ANNOTATIONS:
                return {"allOf": [resolved, siblings]}  # both apply, as $ref with siblings does
            return {**resolved, **siblings}

        return resolve(self.schemas[kind], kind)  # type: ignore[no-any-return]


def _source_hint(value: str, known: set[str], ids: Mapping[str, Mapping[str, object]]) -> str:
    """The register's closest ids (or the id of a work written by its title)."""
    by_title = [str(entry["id"]) for entry in _register(ids) if entry.get("title") == value and "id" in entry]
    if by_title:
        return f"这里写出处的标识，不写书名：《{value}》登记为 {by_title[0]}。"
    close = difflib.get_close_matches(value, sorted(known), n=3, cutoff=0.5)
    if len(close) == 1:
        return did_you_mean(value, close[0])
    if close:
        return f"你是不是想写 {'、'.join(close[:-1])} 或 {close[-1]}？"
    return ("先在 curriculum/sources.yml 中登记这部著作（id、kind、title、author、publisher，图书写 year，"
            "文章、讲话和网页写 date），或改正拼写。")


def _field_name(error: ValidationError, whole: str) -> str:
    keys = [str(part) for part in error.absolute_path if not isinstance(part, int)]
    return keys[-1] if keys else whole


def _whole(source: SourceFile) -> str:
    """What the top level of a file is called: a page's front matter, or a data file's content."""
    return "前置元数据" if source.path.endswith(".md") else "文件内容"


def _register(ids: Mapping[str, Mapping[str, object]]) -> list[dict[str, Any]]:
    """The entries of curriculum/sources.yml, as read (ids["source"] maps each id to that file)."""
    files = {id(file): file for file in ids.get("source", {}).values()}
    return [entry for file in files.values() if isinstance(getattr(file, "data", None), list)
            for entry in file.data if isinstance(entry, dict)]  # type: ignore[attr-defined]


def _inline_citation(value: Any, path: tuple[str | int, ...], ids: Mapping[str, Mapping[str, object]]
                     ) -> tuple[str, str, tuple[str | int, ...]] | None:
    """A citation still written the old way (title, publisher, year in place): how to rewrite it."""
    if "sources" not in path or not isinstance(value, dict) or "source" in value \
            or not set(value) & _INLINE_SOURCE_FIELDS:
        return None
    title = value.get("title")
    known = next((entry.get("id") for entry in _register(ids) if title and entry.get("title") == title), None)
    page = f', page: "{value["pages"]}"' if isinstance(value.get("pages"), str) else ""
    if known:
        step = f"《{title}》已经登记为 {known}：把这一条改成 - {{source: {known}{page}}}。"
    else:
        step = ("先在 curriculum/sources.yml 中登记这部著作（id、kind、title、author、publisher，"
                "图书写 year，文章、讲话和网页写 date 和 url），再把这一条改成 - {source: 标识, page: \"页码\"}"
                "（页码可省略）。")
    return ("出处还是旧的写法：书名、出版者和年份直接写在这里",
            "出处现在统一登记在 curriculum/sources.yml，各处只写它的标识。" + step, path)


def _conditional_required(field: str, path: tuple[str | int, ...],
                          instance: Any) -> tuple[str, str, tuple[str | int, ...]]:
    """A field required by an if/then/else: publishing needs a review record; a book needs its
    year and an article or speech its date."""
    if field == "year":
        return ("图书（kind: book）缺少出版年份 year",
                "写版权页上的出版年份，例如 year: 2011；文章、讲话和网页才写 date。", (*path, "kind"))
    if field == "date":
        kind = instance.get("kind") if isinstance(instance, dict) else None
        label = _SOURCE_KINDS.get(str(kind), "文章")
        return (f"{label}（kind: {kind}）缺少发表日期 date",
                '写 date: "YYYY-MM-DD"（加引号）；只查到年月或年份时写 YYYY-MM 或 YYYY，不要凭空补全。'
                "图书才写 year。", (*path, "kind"))
    return (f"已发布（status: published）的条目缺少字段 {field}",
            "发布前写明审核人 reviewed_by 和审核日期 reviewed_on（只写真正审核过的人）；"
            "还没审核就把 status 改为 review。", (*path, "status"))


def _describe(error: ValidationError, vocabularies: Vocabularies, ids: Mapping[str, Mapping[str, object]],
              whole: str = "前置元数据") -> tuple[str, str, tuple[str | int, ...]]:
    """Message, hint and the key path whose line the message should name."""
    path = tuple(error.absolute_path)
    name = _field_name(error, whole)
    value: Any = error.instance
    kind = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    if kind in ("required", "additionalProperties") and (inline := _inline_citation(value, path, ids)):
        return inline
    if kind == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        field = missing[0] if missing else "?"
        if "then" in error.schema_path or "else" in error.schema_path:
            return _conditional_required(field, path, value)
        if field == "status":
            return ("缺少必填字段 status", "写 status: draft（草稿：不生成）、review（审核中：生成，并标明审核中）"
                    "或 published（已审核：还要写 reviewed_by 和 reviewed_on）。", path)
        return (f"缺少必填字段 {field}", f"加上 {field}: …，字段说明见编者指南的“字段参考”。", path)
    if kind == "additionalProperties":
        allowed = set(schema.get("properties", {}))
        extras = sorted(set(value) - allowed) if isinstance(value, dict) else []
        extra = extras[0] if extras else "?"
        renamed = [old for old in extras if _RENAMED.get(old) in allowed]
        if renamed:
            return (f"字段 {'、'.join(renamed)} 已改名为 {'、'.join(_RENAMED[old] for old in renamed)}",
                    "审核记录现在写作 reviewed_by（审核人，一个字符串，例如 张三（吉安市青年讲师团））、"
                    'reviewed_on（审核日期，例如 "2026-11-20"）和可选的 review_notes。', (*path, renamed[0]))
        close = difflib.get_close_matches(extra, sorted(allowed), n=1)
        hint = did_you_mean(extra, close[0]) if close else "删除这个字段，或查看“字段参考”里允许的字段。"
        return f"未知字段 {extra}", hint, (*path, extra)
    if kind == "type":
        expected = {"string": "文字", "integer": "整数", "number": "数字", "array": "列表",
                    "object": "“字段: 值”的映射", "null": "null", "boolean": "true 或 false"}
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        words = "或".join(expected.get(str(item), str(item)) for item in wanted)
        hint = "列表的每一项单独一行，以“- ”开头。" if "array" in wanted else f"把 {name} 的值改成{words}。"
        subject = f"字段 {name} " if path else name
        return f"{subject}应为{words}，现在是 {_shown(value)}", hint, path
    if kind == "x-vocabulary":
        vocabulary = str(error.validator_value)
        entries = vocabularies.terms.get(vocabulary, {})
        allowed_slugs = "、".join(f"{slug}（{label}）" for slug, label in entries.items())
        guess = vocabularies.suggest(vocabulary, str(value))
        hint = did_you_mean(str(value), guess) if guess else f"可用的值：{allowed_slugs}。"
        return f"{name} 的值 {value!r} 不在词表 {vocabulary} 中", hint, path
    if kind == "x-ref":
        declared: Any = error.validator_value
        ref_kinds: list[str] = [declared] if isinstance(declared, str) else list(declared)
        label = "或".join(REF_KINDS.get(ref_kind, (ref_kind, ""))[0] for ref_kind in ref_kinds)
        where = "或".join(REF_KINDS.get(ref_kind, ("", ref_kind))[1] for ref_kind in ref_kinds)
        if name == "id":
            return f"{label}标识 {value!r} 没有登记", f"在 {where} 中登记它，或改正拼写。", path
        known = {known_id for ref_kind in ref_kinds for known_id in ids.get(ref_kind, {})}
        if ref_kinds == ["source"]:
            return f"出处登记表中没有 {value!r}（{name} 引用了它）", _source_hint(str(value), known, ids), path
        guess = suggest_id(str(value), known)
        hint = did_you_mean(str(value), guess) if guess else f"先在 {where} 中添加它，或改正拼写。"
        return f"找不到{label} {value!r}（{name} 引用了它）", hint, path
    if kind in ("minItems", "minLength") and (value == [] or value == "" or value is None):
        return f"字段 {name} 不能为空", f"为 {name} 至少写一项内容。", path
    if kind == "minItems":
        return f"字段 {name} 至少要有 {error.validator_value} 项", f"为 {name} 补充内容。", path
    if kind == "minLength":
        return (f"字段 {name} 太短（{len(value)} 字，至少 {error.validator_value} 字）",
                schema.get("description", "") or f"把 {name} 写完整。", path)
    if kind == "maxLength":
        return (f"字段 {name} 太长（{len(value)} 字，上限 {error.validator_value} 字）",
                "写得简短些；搜索词典只收短词。", path)
    if kind in ("minimum", "maximum"):
        bound = "下限" if kind == "minimum" else "上限"
        return (f"字段 {name} 的值 {value} 超出范围（{bound} {error.validator_value}）",
                schema.get("description", "改成允许范围内的值。"), path)
    if kind == "maxProperties" and error.validator_value == 1:
        return "这一项写了不止一个键", "每一项只写一个键，例如“- lesson: sanwan-branch”；多个条目分行写。", path
    if kind == "uniqueItems":
        return f"字段 {name} 中有重复的项", "删除重复的那一项。", path
    if kind == "pattern" and isinstance(value, str) and value != value.strip():
        return (f"字段 {name} 的值 {value!r} 首尾有空白或换行",
                "删除首尾的空格和换行：引号里不要写 \\n，也不要用 | 或 > 写多行。", path)
    if kind == "pattern" and error.validator_value == _ID_PATTERN:
        return (f"标识 {value!r} 格式不对",
                "只用小写英文字母、数字和连字符，例如 sanwan-reorganization。", path)
    if kind == "pattern":
        return f"字段 {name} 的值 {value!r} 格式不对", schema.get("description", "") or "检查格式。", path
    if kind == "format" and error.validator_value == "uri":
        return f"字段 {name} 的值 {value!r} 不是有效的网址", "网址以 http:// 或 https:// 开头。", path
    if kind == "format" or (kind == "oneOf" and name == "verified"):
        return (f"字段 {name} 的值 {value!r} 不是有效的日期",
                "日期写作 YYYY-MM-DD（例如 2024-05-01），而且必须是真实存在的日期。", path)
    return f"字段 {name}：{error.message}", "对照“字段参考”修改。", path


def schema_problems(kind: str, source: SourceFile, instance: Any, schema_set: SchemaSet,
                    vocabularies: Vocabularies, ids: Mapping[str, Mapping[str, object]],
                    base_path: tuple[str | int, ...] = ()) -> list[Problem]:
    """Validate one instance; base_path locates it inside source (a registry entry)."""
    # The common case, without jsonschema's cost (its validator class alone takes ~3 ms to make
    # for each load's vocabularies and ids); errors are still jsonschema's to describe.
    if schema_set.quick_validator(vocabularies, ids).surely_valid(schema_set.inlined(kind), instance):
        return []
    problems = []
    for error in schema_set.validator(kind, vocabularies, ids).iter_errors(instance):
        message, hint, key_path = _describe(error, vocabularies, ids, _whole(source))
        problems.append(Problem(source.path, source.line_of((*base_path, *key_path)), message, hint))
    return problems
