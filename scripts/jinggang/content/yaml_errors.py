"""PyYAML's English errors said in Chinese, with the line they point at and how to fix them.

Both the content files and mkdocs.yml are YAML, and an editor who forgot a quote or a
bracket should read what to do, not "expected <block end>, but found '<scalar>'". The
table covers the mistakes people make by hand (found by feeding such mistakes to PyYAML's
pure-Python and libyaml loaders, whose wording differs); anything else keeps PyYAML's own
words in the hint.
"""

from __future__ import annotations

import re

import yaml

from .problems import Problem

GENERAL_HINT = "检查这一行及上一行的缩进、冒号后的空格和引号是否成对；含冒号的文字请加引号。"

# (pattern over "context / problem", message, hint); the first that matches wins.
_TRANSLATIONS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern), message, hint) for pattern, message, hint in (
        (r"'\\t'|\\t|tab character",
         "YAML 中出现了 Tab 字符", "YAML 只能用空格缩进，把 Tab 换成两个空格。"),
        (r"mapping values are not allowed",
         "这里不能出现“键: 值”",
         "多半是文字里有没加引号的冒号（例如 标题: 三湾: 改编），或这一行多缩进了：含冒号的文字请加引号，"
         "同一级的键左对齐。"),
        (r"expected ',' or '\]'",
         "方括号 [ ] 没有闭合，或者列表项之间少了逗号", "检查这一行的 [ 有没有配对的 ]，各项之间用英文逗号隔开。"),
        (r"expected ',' or '\}'",
         "花括号 { } 没有闭合，或者各项之间少了逗号", "检查这一行的 { 有没有配对的 }，各项之间用英文逗号隔开。"),
        (r"quoted scalar / found unexpected end of stream",
         "引号没有配对：文件在引号闭合之前就结束了", "找到这一行开头的引号，在这段文字末尾补上同样的引号（\" 或 '）。"),
        (r"expected the node content, but found '<stream end>'",
         "文件在括号或引号闭合之前就结束了", "检查最后几行的 [ ]、{ } 和引号是否成对。"),
        (r"expected the node content",
         "这里缺少值", "在冒号或“- ”后面写上值；值以 [ 或 { 开头时，检查括号是否成对。"),
        (r"found unexpected end of stream",
         "文件意外结束（引号或括号没有闭合）", "检查最后几行的引号和括号是否成对。"),
        (r"could not find expected ':'",
         "缺少冒号：这一行应当写成“键: 值”",
         "在键后面加英文冒号和一个空格；如果这行是上一行文字的延续，把整段文字加上引号写在一行里。"),
        (r"expected '-' indicator|block collection / expected <block end>, but found '\?'",
         "列表项和“键: 值”混在了同一级",
         "列表的每一项都以“- ”开头并对齐；属于某一项的键要比“-”多缩进两个空格。"),
        (r"expected <block end>|did not find expected key",
         "缩进对不上：这一行和同一级的其他行没有对齐",
         "同一级的键要左对齐，下一级多缩进两个空格（只用空格）；也可能是引号后面还跟着文字，把整段文字放进引号里。"),
        (r"sequence entries are not allowed",
         "这里不能开始列表（“- ”）",
         "列表要另起一行，比它的键多缩进两个空格；如果“-”是文字的一部分，把整段文字加上引号。"),
        (r"unknown escape character",
         "双引号里的反斜杠 \\ 不是有效的转义", "改用单引号，或者把 \\ 写成 \\\\。"),
        (r"found unhashable key",
         "键不能是列表或映射", "键只能是文字：检查这一行开头是否多了 [、{ 或 ?。"),
        (r"undefined alias|scanning an alias|scanning an anchor",
         "以 * 或 & 开头的文字被当成了 YAML 的别名或锚点", "把这段文字加上引号。"),
        (r"found character '(?P<character>.)' that cannot start any token",
         "字符 {character} 不能出现在值的开头", "以 @、`、% 等符号开头的文字请加引号。"),
        (r"cannot start any token",
         "这一行的值以 YAML 不允许的字符开头", "以 @、`、% 等符号开头的文字请加引号。"),
        (r"Python object / cannot find '(?P<name>[^']+)' in the module '(?P<module>[^']+)'",
         "找不到 Python 对象 {module}.{name}（!!python 标签所指）",
         "检查模块和名称的拼写；若是新的扩展，把它的包加进 pyproject.toml 并运行 make setup。"),
        (r"Python object / .*No module named '?(?P<module>[\w.]+)",
         "找不到 Python 模块 {module}（!!python 标签所指）",
         "检查模块名的拼写；若是新的扩展，把它的包加进 pyproject.toml 并运行 make setup。"),
        (r"could not determine a constructor for the tag '(?P<tag>[^']+)'",
         "不认识的 YAML 标签 {tag}", "去掉以 ! 开头的标签；如果它是文字的一部分，把整段文字加上引号。"),
        (r"found another document",
         "一个文件里只能有一个 YAML 文档（多了一行 ---）", "删除多出来的 --- 行，或者把内容拆成两个文件。"),
        (r"<document start>|unknown directive",
         "以 % 开头的行被当成了 YAML 指令", "把这段文字加上引号。"),
        (r"special characters are not allowed|unacceptable character #x(?P<code>[0-9a-fA-F]+)",
         "文件里有不允许的控制字符", "删除这个看不见的字符（常来自复制粘贴）。"),
        (r"can't decode|invalid (?:start|continuation) byte|codec",
         "文件不是 UTF-8 编码", "用编辑器把文件另存为 UTF-8 编码（不要用 GBK/GB2312）。"),
    ))


def yaml_problem(error: yaml.YAMLError, path: str, offset: int = 0) -> Problem:
    """The Problem for a YAML error: where it is, what it means, how to fix it, in Chinese."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is None and isinstance(error, yaml.reader.ReaderError):
        return Problem(path, 1 + offset, "文件不是 UTF-8 编码，或者含有不允许的控制字符",
                       "用编辑器把文件另存为 UTF-8 编码，并删除看不见的控制字符。")
    line = (mark.line + 1 + offset) if mark is not None else 1 + offset
    problem = getattr(error, "problem", None) or ""
    context = getattr(error, "context", None) or ""
    said = f"{context} / {problem}" if problem else str(error)
    for pattern, message, hint in _TRANSLATIONS:
        match = pattern.search(said)
        if match:
            for name, value in match.groupdict().items():  # not str.format: messages show { } as text
                message = message.replace(f"{{{name}}}", value or "")
            return Problem(path, line, message, hint)
    return Problem(path, line, "YAML 语法错误", f"{GENERAL_HINT}（YAML 的原话：{problem or said}）")
