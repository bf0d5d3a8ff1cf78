"""Work of a build that makes everything, done in forked processes beside MkDocs's own.

MkDocs builds the pages on one core; at 2,000 lessons the packet builder's 2,200 item scripts
(6-7 s), the search's reading of 2,210 built pages (about 4 s) and the share panels' 2,200 QR
codes (about 2 s) were done on the same core while the machine's other one waited. A forked
process has the model as this process read it, so only what it is sent (pages to read) and what
it sends back (its result) cross a pipe.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

from mkdocs.exceptions import PluginError

# This process's ends of every work's pipes: a process forked later gets copies, which it
# closes (with a copy of a work's inbox open elsewhere, that inbox would never end).
_PARENT_ENDS: set[Connection] = set()
# Signals that stop a build, held while a process forks (_signals_held), and those that arrived then.
_HELD = ("SIGINT", "SIGTERM", "SIGHUP")
_ARRIVED: list[int] = []
STOP_SECONDS = 10  # a stopped work's process is killed if it has not ended by then


class ForkedFailed(PluginError):
    """The work failed in its process; the message says what went wrong. It is the build's
    error as it stands: MkDocs reports a plugin's error without a traceback."""


class ForkedWork:
    """work(inbox) in a forked process, started now; `send` feeds its inbox, `result` ends it.

    A failure is said as `label：…`, or as describe(error) says it (an exception object does not
    always cross a pipe)."""

    def __init__(self, work: Callable[[Connection], Any], label: str, *,
                 describe: Callable[[Exception], str] | None = None) -> None:
        self._label = label
        self._outcome: tuple[bool, Any] | None = None  # (done, value), once collect_if_done took it
        if describe is None:
            def describe(error: Exception) -> str:
                return f"{label}：{type(error).__name__}: {error}"
        context = multiprocessing.get_context("fork")
        inbox, self._sending = context.Pipe(duplex=False)
        self._receiving, outbox = context.Pipe(duplex=False)
        # Output printed but not flushed yet would be printed again by the child.
        sys.stdout.flush()
        sys.stderr.flush()
        _PARENT_ENDS.update((self._sending, self._receiving))
        self._process = context.Process(target=_run, args=(work, describe, inbox, outbox), daemon=True)
        # Objects that exist now are left out of the collector's passes until every work has ended:
        # a pass writes to each object it visits, and a page written in either process is copied
        # (2,000 lessons: the processes together 429 -> 380 MB at the peak).
        gc.freeze()
        try:
            with _signals_held():
                self._process.start()
        except BaseException:  # Ctrl-C as it forked: the work is not wanted, nor left running
            inbox.close()
            outbox.close()
            self.stop()
            raise
        inbox.close()
        outbox.close()

    @staticmethod
    def available() -> bool:
        """Where processes fork, and not inside a daemon process (the offline site's build runs in
        one, beside the downloads: multiprocessing does not let it start children)."""
        return "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon

    def send(self, message: Any) -> None:
        try:
            self._sending.send(message)
        except OSError as error:  # it ended early: say why, and let go of it
            outcome = self._outcome_message()
            self._process.join()
            self._close()
            raise ForkedFailed(outcome) from error

    def end_inbox(self) -> None:
        """Nothing more to send: the work goes on with what it has."""
        self._sending.close()

    def collect_if_done(self) -> None:
        """Take the outcome now if the work has sent it, without waiting: a process whose outcome
        is larger than a pipe holds waits until it is read, keeping its memory (the QR codes'
        drawer, until MkDocs's process reached the first page with a share panel)."""
        if self._outcome is None and not self._receiving.closed and self._receiving.poll():
            self._outcome = self._received()

    @property
    def done(self) -> bool:
        """Whether collect_if_done took the outcome: the process has ended."""
        return self._outcome is not None

    def result(self) -> Any:
        """What work returned, once it has; ForkedFailed with its message when it failed."""
        self.end_inbox()
        done, value = self._outcome if self._outcome is not None else self._received()
        if not done:
            raise ForkedFailed(str(value))
        return value

    def _received(self) -> tuple[bool, Any]:
        try:
            done, value = self._receiving.recv()
        except EOFError:
            done, value = False, self._crashed()
        finally:
            self._process.join()
            self._close()
        return done, value

    def _outcome_message(self) -> str:
        try:
            done, value = self._receiving.recv()
        except (EOFError, OSError):
            return self._crashed()
        return f"{self._label}：进程提前结束" if done else str(value)

    def _crashed(self) -> str:
        self._process.join(timeout=5)
        return f"{self._label}：做这件事的进程意外退出（退出码 {self._process.exitcode}）"

    def stop(self) -> None:
        """The build failed elsewhere: the work is not wanted."""
        if self._process.pid is not None:  # started
            if self._process.is_alive():
                self._process.terminate()
            self._process.join(timeout=STOP_SECONDS)
            if self._process.exitcode is None:  # it did not end: a stop must not wait for ever
                self._process.kill()
                self._process.join()
        self._close()

    def _close(self) -> None:
        for end in (self._sending, self._receiving):
            end.close()
            _PARENT_ENDS.discard(end)
        if not _PARENT_ENDS:  # the last work ended: what became garbage meanwhile is collected
            gc.unfreeze()


def _run(work: Callable[[Connection], Any], describe: Callable[[Exception], str], inbox: Connection,
         outbox: Connection) -> None:
    for end in _PARENT_ENDS:  # copies of the parent's ends, this work's own among them
        end.close()
    # The parent stops this process (SIGTERM) when the build fails, and handles Ctrl-C itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    # Blocked since the fork (_signals_held): a SIGTERM sent before the handlers above were set
    # was kept pending, and ends this process now. (Delivered between the fork and Python's own
    # after-fork reset, it was dropped, and the parent's stop waited for ever.)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _held_numbers())
    try:
        outcome: tuple[bool, Any] = (True, work(inbox))
    except Exception as error:  # the parent says it; a traceback here would be a second report
        outcome = (False, describe(error))
    try:
        outbox.send(outcome)
    except OSError:  # the parent is gone
        pass
    finally:
        outbox.close()
        inbox.close()


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Within the block, the signals that stop a build are blocked and noted, and raised once it
    ends; a process forked within it starts with them blocked (_run unblocks them).

    CPython runs the parent's at-fork callbacks (logging registers some) right after a fork and
    drops an exception raised in one as unraisable: a Ctrl-C whose handler ran there was lost,
    and the build went on to the end (1 in 40 builds interrupted in their first second)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread handles signals, and only it may set their handlers
        return
    previous: dict[int, Any] = {}
    for number in _held_numbers():
        if signal.getsignal(number) is not None:  # None: set outside Python, could not be put back
            previous[number] = signal.signal(number, _note_arrival)
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, _held_numbers())
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # one that waited is handled here
        arrived = list(dict.fromkeys(_ARRIVED))
        _ARRIVED.clear()
        for number in arrived:
            signal.raise_signal(number)


def _held_numbers() -> set[int]:
    return {getattr(signal, name) for name in _HELD if hasattr(signal, name)}


def _note_arrival(number: int, _frame: object) -> None:
    _ARRIVED.append(number)
