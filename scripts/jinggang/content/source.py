"""Reading content files: encoding, front matter and YAML, with line numbers kept.

python-frontmatter and yaml.safe_load drop the position of each key, and every message to
an editor names a line, so YAML is composed into nodes first and the line of every key
and list item is recorded before the values are built.
"""

from __future__ import annotations

import errno
import json
import re
import stat
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem
from .yaml_errors import yaml_problem

KeyPath = tuple[str | int, ...]

_FENCE = re.compile(r"^-{3}\s*$")
# A level-2 to level-6 heading: never front matter (a YAML comment is "# " at most, by habit).
_BODY_HEADING = re.compile(r"^#{2,6}\s+\S")


_RESOLVERS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_STR = "tag:yaml.org,2002:str"
_TYPED_FIRST_CHARACTERS = frozenset(_RESOLVERS)
assert None not in _TYPED_FIRST_CHARACTERS  # no wildcard resolver: the first character decides


class _ContentLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings, so the schema checks them (YYYY-MM-DD).

    Its error messages are the clearer ones (it names a tab as a tab), so it reports errors.
    """

    yaml_implicit_resolvers = _RESOLVERS


class _FastContentLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same on libyaml, several times faster: it reads every file that parses."""

    yaml_implicit_resolvers = _RESOLVERS

    # libyaml calls back into Python for the tag of every node: answer the common case (a
    # plain scalar whose first character no implicit type starts with, as every Chinese
    # text does) without the general lookup. Content files use no path resolvers.
    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and implicit[0] and value and value[0] not in _TYPED_FIRST_CHARACTERS:
            return _STR
        return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


class KeyLines:
    """The line of each key path of a file, packed: the model keeps every file's to the end of a
    build (at 2,000 lessons 82,000 key paths, 9.7 MB as a dict of tuples), and asks for lines
    now and then. Asked, it unpacks the dict, which is kept until another file's is asked for:
    at most one file's at a time."""

    __slots__ = ("_lines", "_paths")

    def __init__(self, lines: dict[KeyPath, int] | None = None) -> None:
        lines = lines or {}
        # JSON tells a key "0" from the index 0; keys are strings (source.py reads no others).
        self._paths = json.dumps(list(lines), ensure_ascii=False, separators=(",", ":"))
        self._lines = array("I", lines.values())

    def get(self, key_path: KeyPath) -> int | None:
        global _last_unpacked
        last = _last_unpacked  # read once: a thread may unpack another file's meanwhile
        if last is None or last[0] is not self:
            last = _last_unpacked = (self, dict(zip(map(tuple, json.loads(self._paths)), self._lines, strict=True)))
        return last[1].get(key_path)

    def __eq__(self, other: object) -> bool:
        """Equal if the same paths have the same lines in the same order (the file's order)."""
        if not isinstance(other, KeyLines):
            return NotImplemented
        return (self._paths, self._lines) == (other._paths, other._lines)

    def __repr__(self) -> str:
        return f"KeyLines({len(self._lines)} key paths)"

    def __getstate__(self) -> tuple[str, array[int]]:
        return self._paths, self._lines

    def __setstate__(self, state: tuple[str, array[int]]) -> None:
        self._paths, self._lines = state


# The file whose key lines were asked for last, and its unpacked dict (KeyLines.get).
_last_unpacked: tuple[KeyLines, dict[KeyPath, int]] | None = None


@dataclass
class SourceFile:
    """One file of content as read from disk, relative to the project root."""

    path: str
    data: Any = None
    body: str = ""
    body_line: int = 1
    key_lines: KeyLines = field(default_factory=KeyLines)

    def line_of(self, key_path: KeyPath) -> int:
        """The line of the deepest key on key_path that exists, else the first line."""
        for end in range(len(key_path), 0, -1):
            line = self.key_lines.get(tuple(key_path[:end]))
            if line is not None:
                return line
        return 1


class ReadError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _record_lines(node: yaml.Node, prefix: KeyPath, offset: int, lines: dict[KeyPath, int],
                  problems: list[Problem], path: str) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1 + offset
            if key in seen:
                problems.append(Problem(path, line, f"键 {key} 重复出现",
                                        "同一层级的键只能写一次，删除或合并重复的那一个。"))
            seen.add(key)
            lines[(*prefix, key)] = line
            _record_lines(value_node, (*prefix, key), offset, lines, problems, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item_node in enumerate(node.value):
            lines[(*prefix, index)] = item_node.start_mark.line + 1 + offset
            _record_lines(item_node, (*prefix, index), offset, lines, problems, path)


class _NotPlain(Exception):
    """A YAML feature _build leaves to PyYAML's constructor (merge keys, non-string keys)."""


_MERGE = "tag:yaml.org,2002:merge"
# C0 and C1 controls except tab and newline, and the bidirectional overrides that disguise text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _build(node: yaml.Node, prefix: KeyPath, offset: int, lines: dict[KeyPath, int], problems: list[Problem],
           path: str, loader: Any) -> Any:
    """Record the lines (as _record_lines does) and build the value in the same walk.

    PyYAML's constructor is pure Python even on libyaml and was most of the cost of reading
    2,000 lessons; content files use plain mappings, lists and scalars, built directly here.
    """
    if isinstance(node, yaml.ScalarNode):
        if node.tag != _STR:
            return loader.construct_object(node)
        control = _CONTROL.search(node.value)
        if control:
            problems.append(Problem(path, node.start_mark.line + 1 + offset,
                                    f"文字里有控制字符 U+{ord(control.group(0)):04X}",
                                    "删除这个看不见的字符（常来自复制粘贴）；换行请直接换行。"))
        return node.value
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item_node in enumerate(node.value):
            lines[(*prefix, index)] = item_node.start_mark.line + 1 + offset
            items.append(_build(item_node, (*prefix, index), offset, lines, problems, path, loader))
        return items
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                raise _NotPlain(key_node.tag)
            if key_node.tag != _STR or not isinstance(key_node, yaml.ScalarNode):
                message = f"键 {str(key_node.value)[:40]} 不是文字" if isinstance(key_node, yaml.ScalarNode) \
                    else "这里的键是列表或映射，不是文字"
                raise ReadError(Problem(path, key_node.start_mark.line + 1 + offset, message,
                                        "键只能是文字（例如 title、date）：检查缩进和冒号；数字键请加引号。"))
            key = key_node.value
            line = key_node.start_mark.line + 1 + offset
            if key in mapping:
                problems.append(Problem(path, line, f"键 {key} 重复出现",
                                        "同一层级的键只能写一次，删除或合并重复的那一个。"))
            lines[(*prefix, key)] = line
            mapping[key] = _build(value_node, (*prefix, key), offset, lines, problems, path, loader)
        return mapping
    raise _NotPlain(type(node).__name__)


def _refuse_aliases(text: str, path: str, offset: int) -> None:
    """Anchors and aliases (&a, *a) are refused: an alias bomb expands a few lines into gigabytes."""
    if "&" not in text and "*" not in text:
        return  # neither can be written without one of them: most files, no scan
    loader = _FastContentLoader(text)
    try:
        while loader.check_token():
            token = loader.get_token()
            if isinstance(token, yaml.AliasToken | yaml.AnchorToken):
                sign = "*" if isinstance(token, yaml.AliasToken) else "&"
                raise ReadError(Problem(path, token.start_mark.line + 1 + offset,
                                        f"YAML 里不能用锚点和别名（{sign}{token.value}）",
                                        "把要重复的内容直接写出来；以 & 或 * 开头的文字请加引号。"))
    except yaml.YAMLError:
        return  # the parse reports it with its line
    finally:
        loader.dispose()


def parse_yaml(text: str, path: str, offset: int = 0) -> tuple[Any, dict[KeyPath, int], list[Problem]]:
    """Parse YAML text; offset is the number of file lines before the text starts."""
    _refuse_aliases(text, path, offset)
    if _nesting_depth(text) > MAX_NESTING:
        raise ReadError(Problem(path, 1 + offset, f"YAML 嵌套太深（超过 {MAX_NESTING} 层）",
                                "内容文件只需要几层缩进：检查是否误粘贴了大量括号或缩进。"))
    try:
        return _parse_with(_FastContentLoader, text, path, offset)
    except ReadError:
        if _FastContentLoader is _ContentLoader:
            raise
    return _parse_with(_ContentLoader, text, path, offset)


MAX_NESTING = 50
_OPENERS = re.compile(r"[\[{]")


def _nesting_depth(text: str) -> int:
    """An upper bound of the nesting: flow brackets plus indentation (cheap, before any parse)."""
    if "[" not in text and "{" not in text:
        deepest_indent = max((len(line) - len(line.lstrip(" -")) for line in text.split("\n")), default=0)
        return deepest_indent // 2
    depth = deepest = 0
    for character in text:
        if character in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in "]}":
            depth = max(0, depth - 1)
    return deepest + max((len(line) - len(line.lstrip(" -")) for line in text.split("\n")), default=0) // 2


def _parse_with(loader_class: type, text: str, path: str,
                offset: int) -> tuple[Any, dict[KeyPath, int], list[Problem]]:
    problems: list[Problem] = []
    lines: dict[KeyPath, int] = {}
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines, problems
        try:
            return _build(node, (), offset, lines, problems, path, loader), lines, problems
        except _NotPlain:
            lines.clear()
            problems.clear()
        _record_lines(node, (), offset, lines, problems, path)
        return loader.construct_document(node), lines, problems
    except yaml.YAMLError as error:
        raise ReadError(yaml_problem(error, path, offset)) from error
    except RecursionError as error:
        raise ReadError(Problem(path, 1 + offset, "YAML 嵌套太深",
                                "内容文件只需要几层缩进：检查是否误粘贴了大量括号或缩进。")) from error
    finally:
        loader.dispose()


# Far above any page or registry (a long lesson is 30 KB); checked before a byte is read.
MAX_FILE_BYTES = 2_000_000

# The operating system says why a file cannot be read in English ("Permission denied").
_OS_REASONS = {
    errno.EACCES: "没有读取权限", errno.EPERM: "操作不被允许", errno.ENOENT: "文件不存在",
    errno.ELOOP: "符号链接成环", errno.EISDIR: "这是一个目录", errno.ENOTDIR: "路径中的某一级不是目录",
    errno.ENAMETOOLONG: "文件名太长", errno.EIO: "读写出错（磁盘可能有问题）", errno.ENOSPC: "磁盘已满",
    errno.EROFS: "文件系统是只读的", errno.EMFILE: "打开的文件太多", errno.ENXIO: "设备不存在",
}


def is_missing(path: Path) -> bool:
    """Whether path is surely absent. Path.exists() raises when a folder on the way cannot be
    read; that folder is reported by the docs walk, so here its files count as present."""
    try:
        path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return True
    except (OSError, RuntimeError):
        return False
    return False


def os_reason(error: OSError) -> str:
    """Why a file operation failed, in Chinese (the system's own words where there is no translation)."""
    return _OS_REASONS.get(error.errno or 0) or error.strerror or type(error).__name__


def _read_bytes(file: Path, path: str) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES; a ReadError for anything else."""
    try:
        info = file.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ReadError(Problem(path, 1, f"{file.name} 是一个目录，不是文件",
                                    "目录名不要以 .md 或 .yml 结尾：改名，或换成同名的文件。"))
        if not stat.S_ISREG(info.st_mode):
            raise ReadError(Problem(path, 1, "这不是普通文件（可能是管道、设备或指向它们的符号链接）",
                                    "删除它，换成普通的文本文件。"))
        if info.st_size > MAX_FILE_BYTES:
            raise ReadError(Problem(path, 1, f"文件太大（{info.st_size:,} 字节，上限 {MAX_FILE_BYTES:,}）",
                                    "内容文件应当简短：把内容拆成几个文件；图片不要以文字形式嵌入。"))
        with file.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise ReadError(Problem(path, 1, f"无法读取文件：{os_reason(error)}",
                                "检查文件是否存在、读取权限，以及符号链接是否指向真实的文件。")) from error
    except RuntimeError as error:  # a symlink loop on some Python versions
        raise ReadError(Problem(path, 1, "符号链接成环，无法读取", "删除这个符号链接。")) from error
    if len(raw) > MAX_FILE_BYTES:
        raise ReadError(Problem(path, 1, f"文件太大（超过 {MAX_FILE_BYTES:,} 字节）",
                                "内容文件应当简短：把内容拆成几个文件。"))
    return raw


def read_text(file: Path, path: str) -> str:
    raw = _read_bytes(file, path)
    if raw.startswith(b"\xef\xbb\xbf"):
        raise ReadError(Problem(path, 1, "文件以字节顺序标记（BOM）开头",
                                "用编辑器另存为“UTF-8（无 BOM）”。"))
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Windows' "Unicode" (UTF-16, or UTF-32 LE)
        raise ReadError(Problem(path, 1, "文件是 UTF-16 编码（开头是 UTF-16 的字节顺序标记）",
                                "用编辑器另存为“UTF-8（无 BOM）”；Windows 记事本里选“UTF-8”，不要选“Unicode”。"))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ReadError(Problem(path, line, "文件不是 UTF-8 编码",
                                "用编辑器把文件另存为 UTF-8 编码（不要用 GBK/GB2312）。")) from error


def read_page(file: Path, path: str) -> tuple[SourceFile, list[Problem]]:
    """Read a Markdown page whose front matter sits between two '---' lines."""
    text = read_text(file, path)
    lines = text.splitlines()
    if not lines or not _FENCE.match(lines[0]):
        raise ReadError(Problem(path, 1, "缺少前置元数据（front matter）",
                                "文件第一行必须是 ---，接着写 YAML 字段，再用一行 --- 结束。"))
    closing = next((index for index in range(1, len(lines)) if _FENCE.match(lines[index])), None)
    # A Markdown heading before the closing line: the real closing line is missing and the
    # "---" found is a thematic break in the body. Blame the opening line, not the body.
    heading = next((index for index in range(1, closing or len(lines)) if _BODY_HEADING.match(lines[index])), None)
    if closing is None or heading is not None:
        where = f"、第 {heading + 1} 行“{lines[heading].strip()[:20]}”之前" if heading is not None else ""
        raise ReadError(Problem(path, 1, "前置元数据没有结束行 ---（第 1 行的 --- 没有配对）",
                                f"在 YAML 字段之后{where}加一行 ---，再写正文。"))
    data, key_lines, problems = parse_yaml("\n".join(lines[1:closing]), path, offset=1)
    if not isinstance(data, dict):
        raise ReadError(Problem(path, 2, "前置元数据必须是“字段: 值”的列表",
                                "每行写一个字段，例如 title: 三湾改编。"))
    body = "\n".join(lines[closing + 1:])
    return SourceFile(path, data, body, closing + 2, KeyLines(key_lines)), problems


def read_registry(file: Path, path: str) -> tuple[SourceFile, list[Problem]]:
    """Read a YAML data file (registry, vocabulary, packet, route)."""
    data, key_lines, problems = parse_yaml(read_text(file, path), path)
    return SourceFile(path, data, key_lines=KeyLines(key_lines)), problems
