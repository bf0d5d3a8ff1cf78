"""The `jinggang` command: check content and build the site."""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .loader import Settings, load_content
from .problems import errors, format_report


def _settings(root: Path, config_file: Path) -> Settings:
    """Settings from the plugin's entry in mkdocs.yml, so check and build agree."""
    from mkdocs.config import load_config

    from .plugin import settings_from

    config = load_config(str(config_file))
    plugin = config.plugins["jinggang"]
    return settings_from(config, plugin.config)  # type: ignore[attr-defined]


def run_check(root: Path, config_file: Path) -> int:
    result = load_content(_settings(root, config_file))
    report = format_report(result.problems)
    if report:
        print(report)
    else:
        print("检查通过：没有发现问题。")
    return 1 if errors(result.problems) else 0


def run_build(root: Path, config_file: Path, site_dir: Path, *, strict: bool) -> int:
    """Build into a temporary folder beside site_dir; replace site_dir only on success."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{site_dir.name}.new-", dir=site_dir.parent))
    started = time.perf_counter()
    try:
        config = load_config(str(config_file), site_dir=str(staging), strict=strict)
        build(config)
    except MkDocsException as error:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"构建失败，{site_dir.name}/ 保持原样：\n{error}", file=sys.stderr)
        return 1
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    previous = site_dir.with_name(f"{site_dir.name}.old")
    shutil.rmtree(previous, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(previous)
    staging.rename(site_dir)
    shutil.rmtree(previous, ignore_errors=True)
    print(f"站点已生成：{site_dir}（{time.perf_counter() - started:.1f} 秒）")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jinggang", description="井冈传人：内容检查与站点构建")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="项目根目录（默认当前目录）")
    parser.add_argument("--config", type=Path, default=None, help="mkdocs.yml 路径（默认 ROOT/mkdocs.yml）")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="检查全部内容，按 文件:行号 列出问题")
    build_parser = commands.add_parser("build", help="检查并构建站点（失败时保留原有站点）")
    build_parser.add_argument("--site-dir", type=Path, default=None, help="输出目录（默认 ROOT/site）")
    build_parser.add_argument("--no-strict", action="store_true", help="不把 MkDocs 警告当作错误")
    args = parser.parse_args(argv)

    root = args.root.resolve()
    config_file = (args.config or root / "mkdocs.yml").resolve()
    if args.command == "check":
        return run_check(root, config_file)
    if args.command == "build":
        # The MkDocs API logs through "mkdocs" without a handler; show it as `mkdocs build` does.
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        mkdocs_log = logging.getLogger("mkdocs")
        mkdocs_log.addHandler(handler)
        mkdocs_log.setLevel(logging.INFO)
        return run_build(root, config_file, args.site_dir or root / "site", strict=not args.no_strict)
    return 2


if __name__ == "__main__":
    sys.exit(main())
