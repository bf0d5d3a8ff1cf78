"""mkdocs.yml, read as every command reads it, and its mistakes said in Chinese with a line.

MkDocs logs each invalid setting in English ("Config value 'site_url': The URL isn't valid,
it should include the http:// (scheme)") and then raises Abort with no line; a YAML mistake
becomes a ConfigurationError carrying PyYAML's English. Here both become problems like the
content's: `mkdocs.yml:LINE: 错误: …` and a hint how to fix it. The line comes from the file
itself, composed into YAML nodes (tags such as !!python/name are kept, never run).
"""

from __future__ import annotations

import difflib
import logging
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..content.problems import Problem, Severity, did_you_mean
from ..content.source import os_reason
from ..content.yaml_errors import yaml_problem

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

# mkdocs.yml is a page of settings: anything larger is not one.
MAX_CONFIG_BYTES = 1_000_000


class ConfigFileError(Exception):
    """mkdocs.yml cannot be used; problems say where and why, in Chinese."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(problem.format() for problem in problems))
        self.problems = problems


def load_mkdocs_config(config_file: Path, **overrides: Any) -> MkDocsConfig:
    """mkdocs.yml loaded and validated by MkDocs; a ConfigFileError with Chinese problems if not."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    shown = config_file.name
    _require_regular_file(config_file, shown)
    with _captured_messages() as messages:
        try:
            config = load_config(str(config_file), **overrides)
        except OSError as error:  # stat said a regular file, and still it cannot be opened (chmod 000)
            raise ConfigFileError([Problem(shown, 1, f"无法读取配置文件：{os_reason(error)}",
                                           "检查文件的读取权限。")]) from None
        except ConfigurationError as error:
            cause = error.__context__
            if isinstance(cause, yaml.YAMLError):
                raise ConfigFileError([yaml_problem(cause, shown)]) from None
            raise ConfigFileError([_unreadable_config(str(error), config_file)]) from None
        except Abort:  # strict: warnings stop the build too, so here they are errors
            problems = [problem for record in messages if (problem := _translated(record, config_file, fatal=True))]
            fallback = Problem(shown, 1, "mkdocs.yml 的配置无效", "运行 mkdocs build 查看详情。")
            raise ConfigFileError(problems or [fallback]) from None
    for record in messages:  # not strict: MkDocs goes on after warnings, said here in Chinese
        if (problem := _translated(record, config_file)) is not None:
            logging.getLogger("mkdocs.plugins.jinggang").warning(problem.format())
    return config


def _unreadable_config(detail: str, config_file: Path) -> Problem:
    """MkDocs could not read the settings at all (not a YAML mistake)."""
    inherited = re.match(r"Inherited config file '([^']+)' does not exist", detail)
    if inherited:
        return Problem(config_file.name, config_line(config_file, ["INHERIT"]),
                       f"INHERIT 指向的配置文件 {inherited.group(1)} 不存在",
                       "检查 INHERIT 的路径（相对于 mkdocs.yml）。")
    return Problem(config_file.name, 1, "无法读取 mkdocs.yml 的设置", f"检查文件是否完整。（MkDocs 的原话：{detail}）")


def _require_regular_file(config_file: Path, shown: str) -> None:
    """Refuse what would block or crash a read: a missing file, a folder, a pipe, a huge file."""
    try:
        info = config_file.stat()
    except FileNotFoundError:
        raise ConfigFileError([Problem(shown, 1, f"找不到配置文件 {config_file}",
                                       "在项目根目录运行命令，或用 --root、--config 指明它的位置。")]) from None
    except OSError as error:
        raise ConfigFileError([Problem(shown, 1, f"无法读取配置文件：{os_reason(error)}",
                                       "检查文件权限，以及符号链接是否指向真实的文件。")]) from None
    if stat.S_ISDIR(info.st_mode):
        raise ConfigFileError([Problem(shown, 1, f"{shown} 是一个目录，不是文件", "把它换成 MkDocs 的配置文件。")])
    if not stat.S_ISREG(info.st_mode):
        raise ConfigFileError([Problem(shown, 1, "配置文件不是普通文件（可能是管道、设备或套接字）",
                                       "把它换成普通的文本文件。")])
    if info.st_size > MAX_CONFIG_BYTES:
        raise ConfigFileError([Problem(shown, 1, f"配置文件太大（{info.st_size:,} 字节）",
                                       "mkdocs.yml 只放站点设置：检查是否误把别的文件存成了它。")])


@contextmanager
def _captured_messages() -> Iterator[list[logging.LogRecord]]:
    """MkDocs' own English lines about the config, held back while it is loaded."""
    logger = logging.getLogger("mkdocs.config")
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(logging.WARNING)
    propagate, level = logger.propagate, logger.level
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.WARNING)  # whatever the "mkdocs" logger's level, warnings are heard here
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
        logger.setLevel(level)


_CONFIG_VALUE = re.compile(r"^Config value '([^']+)': (.*)$", re.S)
_PLUGIN_OPTION = re.compile(r"^Plugin '([^']+)' option '([^']+)': (.*)$", re.S)
_TYPES = {"bool": "布尔值（true 或 false）", "int": "整数", "str": "文字", "list": "列表", "dict": "“键: 值”的映射",
          "float": "数字", "NoneType": "空值"}
_TYPE_HINTS = {"bool": "写 true 或 false（不加引号）。", "int": "写一个整数，例如 365（不加引号）。",
               "str": "写一段文字；含冒号、# 或以符号开头时加引号。", "list": "写成列表：每项另起一行，以“- ”开头。",
               "dict": "写成映射：下一行比它多缩进两个空格，写“键: 值”。"}


def _translated(record: logging.LogRecord, config_file: Path, *, fatal: bool = False) -> Problem | None:
    match = _CONFIG_VALUE.match(record.getMessage())
    if match is None:
        return None
    name, detail = match.groups()
    path: list[str] = [name]
    known = _known_settings(None)
    plugin = _PLUGIN_OPTION.match(detail)
    if name == "plugins" and plugin is not None:
        plugin_name, option, detail = plugin.groups()
        path, known, name = ["plugins", plugin_name, option], _known_settings(plugin_name), option
    message, hint, value = _message_for(name, detail, known, config_file)
    if value is not None:
        path.append(value)
    severity = Severity.ERROR if fatal or record.levelno >= logging.ERROR else Severity.WARNING
    return Problem(config_file.name, config_line(config_file, path), message, hint, severity)


def _message_for(name: str, detail: str, known: list[str], config_file: Path) -> tuple[str, str, str | None]:
    """(message, hint, the value the line should point at) for MkDocs' English detail."""
    detail = detail.strip()
    if match := re.match(r"Unrecognised configuration name: (.+)$", detail):
        guess = difflib.get_close_matches(match.group(1), known, n=1, cutoff=0.6)
        hint = did_you_mean(match.group(1), guess[0]) if guess else "删除这一行，或查阅文档里的配置项名称。"
        return f"没有名为 {match.group(1)} 的配置项", hint, None
    if detail.startswith("Required configuration not provided"):
        return f"缺少必填的配置项 {name}", f"在 mkdocs.yml 里加一行 {name}: …（例如 site_name: 井冈传人）。", None
    if match := re.match(r"Expected type: <class '(\w+)'> but received: <class '(\w+)'>", detail):
        wanted, got = match.groups()
        return (f"配置项 {name} 的类型不对：应当是{_TYPES.get(wanted, wanted)}，这里写的是{_TYPES.get(got, got)}",
                _TYPE_HINTS.get(wanted, "按文档写成正确的类型。"), None)
    if detail.startswith("The URL isn't valid"):
        return f"{name} 不是完整的网址", "写成以 https:// 开头的完整网址，例如 https://example.org/jinggang/。", None
    if match := re.match(r"Unrecognised theme name: '([^']+)'\. The available installed themes are: (.+)$", detail):
        themes = [theme.strip() for theme in match.group(2).split(",")]
        guess = difflib.get_close_matches(match.group(1), themes, n=1, cutoff=0.5)
        hint = did_you_mean(match.group(1), guess[0]) if guess else f"已安装的主题：{'、'.join(themes)}。"
        return f"没有安装名为 {match.group(1)} 的主题", hint, match.group(1)
    if match := re.match(r'The "([^"]+)" plugin is not installed', detail):
        guess = difflib.get_close_matches(match.group(1), _installed_plugins(), n=1, cutoff=0.6)
        hint = did_you_mean(match.group(1), guess[0]) if guess else \
            "检查拼写；若是新插件，把它的包加进 pyproject.toml 并运行 make setup。"
        return f"没有安装名为 {match.group(1)} 的插件", hint, match.group(1)
    if match := re.match(r"Failed to load extension '([^']+)'", detail):
        return (f"找不到 Markdown 扩展 {match.group(1)}",
                "检查拼写（例如 admonition、pymdownx.details）；"
                "若是新扩展，把它的包加进 pyproject.toml 并运行 make setup。", match.group(1))
    if match := re.match(r"The path '([^']+)' isn't an existing (directory|file)", detail):
        kind = "目录" if match.group(2) == "directory" else "文件"
        where = _relative(Path(match.group(1)), config_file.parent)
        return (f"{name} 指向的{kind} {where} 不存在",
                f"检查 {name} 的拼写（相对于 mkdocs.yml 所在的目录），或先建好它。", None)
    return f"配置项 {name} 的值无效", f"按 MkDocs 或 Material 的文档改正这一项。（MkDocs 的原话：{detail}）", None


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _known_settings(plugin: str | None) -> list[str]:
    """The setting names MkDocs (or our plugin) knows, for "did you mean"."""
    if plugin is None:
        from mkdocs.config.defaults import MkDocsConfig

        return [key for key, _ in MkDocsConfig._schema]
    if plugin == "jinggang":
        from .config import JinggangConfig

        return [key for key, _ in JinggangConfig._schema]
    return []


def _installed_plugins() -> list[str]:
    from mkdocs.plugins import get_plugins

    return sorted(get_plugins())


def config_line(config_file: Path, path: list[str]) -> int:
    """The line of the deepest part of path found in mkdocs.yml: a key, or a list item by its name.

    Lists such as plugins and markdown_extensions hold names or one-key mappings; an item is
    found by that name. A key that is missing points at its parent, and at line 1 at the top.
    """
    return _walk(config_file, path)[0]


def config_value_line(config_file: Path, path: list[str], value: str) -> int:
    """The line of the first scalar equal to value under path (a nav entry's page, say)."""
    line, node = _walk(config_file, path)
    found = _scalar(node, value)
    return found.start_mark.line + 1 if found is not None else line


def _walk(config_file: Path, path: list[str]) -> tuple[int, Any]:
    try:
        node = yaml.compose(config_file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return 1, None
    line = 1
    for part in path:
        found = _child(node, part)
        if found is None:
            break
        marker, node = found
        line = marker.start_mark.line + 1
    return line, node


def _scalar(node: Any, value: str) -> yaml.ScalarNode | None:
    if isinstance(node, yaml.ScalarNode):
        return node if node.value == value else None
    children = [child for pair in node.value for child in pair] if isinstance(node, yaml.MappingNode) else \
        list(node.value) if isinstance(node, yaml.SequenceNode) else []
    return next((found for child in children if (found := _scalar(child, value)) is not None), None)


def _child(node: Any, name: str) -> tuple[yaml.Node, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == name:
                return key, value
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if isinstance(item, yaml.ScalarNode) and item.value == name:
                return item, item
            if isinstance(item, yaml.MappingNode) and (inner := _child(item, name)) is not None:
                return inner
    elif isinstance(node, yaml.ScalarNode) and node.value == name:
        return node, node
    return None
