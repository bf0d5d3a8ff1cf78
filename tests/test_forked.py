"""Work done in a forked process beside the build (website/forked.py): results, failures and ends."""

from __future__ import annotations

import os
import threading
import time
from multiprocessing.connection import Connection

import pytest

from jinggang.website.forked import ForkedFailed, ForkedWork

pytestmark = pytest.mark.skipif(not ForkedWork.available(), reason="processes do not fork here")


def summed(inbox: Connection) -> int:
    total = 0
    while True:
        try:
            total += inbox.recv()
        except EOFError:
            return total


def test_the_work_reads_what_it_is_sent_and_gives_back_its_result() -> None:
    work = ForkedWork(summed, "合计")
    for number in range(1, 101):
        work.send(number)
    assert work.result() == 5050


def test_two_works_at_once_each_see_the_end_of_their_own_inbox() -> None:
    # The second is forked while the first's ends are open here: it must not keep the first's
    # inbox open, or the first would wait for more forever.
    first, second = ForkedWork(summed, "第一"), ForkedWork(summed, "第二")
    first.send(1)
    second.send(2)
    results: list[int] = []
    waiting = threading.Thread(target=lambda: results.append(first.result()), daemon=True)
    waiting.start()
    waiting.join(timeout=60)  # a failure here, not a run that never ends
    assert results == [1], "the first work never saw the end of its inbox"
    assert second.result() == 2


def test_an_outcome_larger_than_a_pipe_ends_its_process_once_collected() -> None:
    # The packet builder's outcome (every script's reads) does not fit in a pipe: its process
    # waits for it to be read. collect_if_done reads it as soon as it is sent, and the process
    # ends then, not when the build asks for the result at its end.
    outcome = "讲" * 1_000_000
    work = ForkedWork(lambda _inbox: outcome, "自选讲义包")
    pid = work._process.pid
    assert pid is not None
    deadline = time.monotonic() + 60
    while not work.done and time.monotonic() < deadline:
        work.collect_if_done()
        time.sleep(0.01)
    assert work.done, "the outcome was never collected"
    with pytest.raises(ProcessLookupError):  # ended and reaped, before result() is asked for
        os.kill(pid, 0)
    assert work.result() == outcome


def test_nothing_is_collected_from_a_work_still_at_work() -> None:
    work = ForkedWork(summed, "合计")
    work.send(2)
    work.collect_if_done()  # it waits for the end of its inbox: nothing to take, and no waiting here
    assert not work.done
    work.send(3)  # its inbox is still open
    assert work.result() == 5


def test_a_failure_is_said_with_the_label_or_as_described() -> None:
    def failing(_inbox: Connection) -> None:
        raise ValueError("坏了")

    with pytest.raises(ForkedFailed, match=r"^搜索：ValueError: 坏了$"):
        ForkedWork(failing, "搜索").result()
    with pytest.raises(ForkedFailed, match=r"^自选讲义包：坏了。$"):
        ForkedWork(failing, "自选讲义包", describe=lambda error: f"自选讲义包：{error}。").result()


def test_a_process_that_dies_is_said_with_its_exit_code() -> None:
    def dying(_inbox: Connection) -> None:
        os._exit(3)

    work = ForkedWork(dying, "搜索")
    with pytest.raises(ForkedFailed, match=r"^搜索：做这件事的进程意外退出（退出码 3）$"):
        for number in range(100_000):  # it dies at once: the pipe fills or breaks long before
            work.send(number)
        work.result()


def test_a_stopped_work_ends_without_a_result() -> None:
    work = ForkedWork(summed, "合计")
    work.send(1)
    work.stop()
    work.stop()  # twice: the build's error path may reach it again


def test_the_collector_leaves_the_forked_objects_alone_until_the_last_work_ends() -> None:
    """While a work runs, the objects both processes share stay out of the collector's passes
    (gc.freeze: a pass would copy their pages); once the last one ends, garbage made meanwhile
    is collected again."""
    import gc

    first, second = ForkedWork(summed, "第一"), ForkedWork(summed, "第二")
    assert gc.get_freeze_count() > 0
    assert first.result() == 0
    assert gc.get_freeze_count() > 0  # the second still runs
    second.stop()
    assert gc.get_freeze_count() == 0


INTERRUPTED_AS_IT_FORKS = """
import multiprocessing, os, signal, sys
from jinggang.website.forked import ForkedWork

signal.signal(signal.SIGINT, signal.default_int_handler)
armed = [True]

def interrupt() -> None:  # Ctrl-C at the worst moment: among the parent's at-fork callbacks
    if armed and os.getpid() == parent:
        armed.clear()
        os.kill(parent, signal.SIGINT)

parent = os.getpid()
os.register_at_fork(after_in_parent=interrupt)

def waiting(inbox):
    try:
        inbox.recv()
    except EOFError:
        pass

try:
    work = ForkedWork(waiting, "等待")
except KeyboardInterrupt:
    print("interrupted; processes left:", len(multiprocessing.active_children()), flush=True)
    sys.exit(0)
print("went on", flush=True)
work.result()
"""


def test_ctrl_c_while_a_work_forks_interrupts_the_build() -> None:
    """CPython drops an exception raised in an at-fork callback: the KeyboardInterrupt of a Ctrl-C
    handled there was lost and the build went to its end. ForkedWork raises it after the fork, and
    the process it forked does not outlive it."""
    import subprocess
    import sys

    ended = subprocess.run([sys.executable, "-c", INTERRUPTED_AS_IT_FORKS], capture_output=True, text=True,
                           timeout=60)
    assert ended.stdout == "interrupted; processes left: 0\n", ended.stderr
    assert "Exception ignored" not in ended.stderr

