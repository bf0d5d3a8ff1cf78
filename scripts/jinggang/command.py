"""The `jinggang` command's entry point: it loads the command (cli.py) and runs it.

A Ctrl-C while the modules load ends the command quietly. Left to Python, it printed a traceback
or, raised inside a class being made, a RuntimeError (1 in 10 commands interrupted in their first
0.3 s). Nothing is written before the modules are loaded, so there is nothing to clean up."""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

INTERRUPTED = "\n已中断：临时文件已清理，原有的站点和下载文件保持不变。"


def run() -> None:
    # A Ctrl-C that is ignored (a command started in the background) stays ignored.
    catches = signal.getsignal(signal.SIGINT) is signal.default_int_handler
    if catches:
        signal.signal(signal.SIGINT, _interrupted_while_loading)
    from .cli import run as run_command

    if catches:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        run_command()
    except KeyboardInterrupt:  # before the command's own handling began (its arguments), or after it ended
        _end_interrupted()


def _interrupted_while_loading(_number: int, _frame: FrameType | None) -> None:
    _end_interrupted()


def _end_interrupted() -> None:
    print(INTERRUPTED, file=sys.stderr, flush=True)
    os._exit(130)
