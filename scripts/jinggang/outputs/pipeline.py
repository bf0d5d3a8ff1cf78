"""One spine for every rendered download: packets, field kits, lecture notes and share cards.

A job goes prepare → hash → restore from the cache or render → write atomically → prune.
An output says what its files are called, how an item becomes HTML and how that HTML
becomes bytes; the spine owns the cache (store.py), the browser, parallel rendering, the
one error path (the message names the item's file; the previous file stays) and pruning.
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..content.dependencies import compact, reading
from .context import RenderContext
from .markdown import ItemError, content_hash
from .prepared import PreparedRecord
from .printer import FINISHING, PDF_OPTIONS, Metadata, Printer, page_count, run_coroutine
from .store import RenderStore

Item = TypeVar("Item")


class Status(StrEnum):
    PENDING = "pending"
    CACHED = "cached"
    RENDERED = "rendered"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"pending": "未生成", "cached": "未变化（缓存）", "rendered": "已生成", "failed": "失败"}[self.value]


@dataclass
class Job(Generic[Item]):
    item: Item
    name: str  # the file's path under the output folder
    source: str  # the content file an error names
    html: str = ""
    digest: str = ""
    metadata: Metadata | None = None
    status: Status = Status.PENDING
    pages: int = 0
    size: int = 0
    prints: int = 0
    seconds: float = 0.0
    error: str = ""
    final_html: str = ""  # the printed HTML, kept only for the packets benchmark
    reads: frozenset[str] = frozenset()  # what prepare read of the model (content/dependencies.py)

    def fail(self, error: BaseException) -> None:
        """Record why the file was not made; an ItemError already names the file at fault."""
        self.status = Status.FAILED
        self.error = str(error) if isinstance(error, ItemError) else f"{self.source}：{type(error).__name__}: {error}"


class Output(ABC, Generic[Item]):
    """A kind of download. The defaults print one PDF per item on the shared printer."""

    label: str  # what the files are, for progress and messages: 讲义包, 研学手册 …
    format_version: str  # bump when the post-processing changes, so cached files are made again
    context: RenderContext
    prune_pattern = "*.pdf"

    @abstractmethod
    def name(self, item: Item) -> str: ...

    @abstractmethod
    def source(self, item: Item) -> str: ...

    @abstractmethod
    def prepare(self, job: Job[Item]) -> None:
        """Set the job's html and metadata; raise ItemError naming the file when the item cannot be made."""

    @abstractmethod
    def keep(self) -> set[str]:
        """Names of every file this output should have: the others' sources are gone."""

    def beside(self, item: Item) -> list[str]:
        """Files prepare writes beside the job's own, which the cache does not restore."""
        return []

    def hash_inputs(self) -> tuple[str, ...]:
        """Besides the HTML, what changes the bytes (format version, print options, fonts …)."""
        return (self.format_version, FINISHING, repr(sorted(PDF_OPTIONS.items())))

    def engine(self, parallel: int) -> Any:
        return Printer(parallel, fonts_dir=self.context.fonts_dir)

    async def render(self, engine: Any, job: Job[Item]) -> bytes:
        assert job.metadata is not None
        pdf: bytes = await engine.print_document(job.html, job.metadata)
        job.pages, job.prints = page_count(pdf), 1
        return pdf

    def record(self, job: Job[Item]) -> dict[str, Any]:
        return {"pages": job.pages, "size": job.size}

    def done(self, job: Job[Item]) -> str:
        """One line on a file just made."""
        return f"  生成 {job.name}：{job.pages} 页，{job.seconds:.2f} 秒"


def run_output(output: Output[Item], items: Sequence[Item], store: RenderStore, *, parallel: int, prune: bool,
               console: Console | None = None, prepared: PreparedRecord | None = None) -> list[Job[Item]]:
    """Make every item's file, from the cache where its inputs are unchanged; with the record of
    the last run (prepared.py), jobs that read nothing changed are not even prepared."""
    jobs = plan_jobs(output, items, store, prepared)
    if any(job.status is Status.PENDING for job in jobs):
        with rendering_progress(console or Console(stderr=True, soft_wrap=True)) as progress:
            run_coroutine(render_pending(output, jobs, store, parallel, progress))
    if prune:
        store.prune(output.keep(), output.prune_pattern)
    return jobs


def rendering_progress(console: Console) -> Progress:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, console=console, transient=True)


def plan_jobs(output: Output[Item], items: Sequence[Item], store: RenderStore,
              prepared: PreparedRecord | None = None) -> list[Job[Item]]:
    """Every item's job, restored from the cache where its inputs are unchanged; the jobs left
    PENDING are to render (render_pending)."""
    remembered = prepared.unchanged() if prepared is not None else {}

    def restored_unprepared(job: Job[Item]) -> bool:
        last = remembered.get(job.name)
        if last is None or not all(store.output(name).is_file() for name in output.beside(job.item)):
            return False
        saved = store.restore(job.name, last[0])
        if saved is None:
            return False
        job.digest, job.reads = last
        job.status, job.pages, job.size = Status.CACHED, int(saved.get("pages", 0)), int(saved.get("size", 0))
        return True

    jobs = prepare_jobs(output, items, skip=restored_unprepared)
    for job in jobs:
        if job.status in (Status.FAILED, Status.CACHED):
            continue
        saved = store.restore(job.name, job.digest)
        if saved is not None:
            job.status, job.pages, job.size = Status.CACHED, int(saved.get("pages", 0)), int(saved.get("size", 0))
    return jobs


def prepare_jobs(output: Output[Item], items: Sequence[Item],
                 skip: Callable[[Job[Item]], bool] | None = None) -> list[Job[Item]]:
    """Each item's job with its HTML, digest (the cache's key) and what it read of the model,
    nothing rendered: `run_output` goes on from here, `jinggang changes` reads the reads.
    A job skip() is true for is left as skip() left it."""
    jobs = [Job(item, output.name(item), output.source(item)) for item in items]
    left = [job for job in jobs if skip is None or not skip(job)]
    if not left:
        return jobs
    # The same for every job (templates, fonts, the browser): once, not once a card.
    try:
        shared_inputs = output.hash_inputs()
    except Exception as error:
        for job in left:
            job.fail(error)
        return jobs
    for job in left:
        try:
            with reading() as reads:
                output.prepare(job)
            job.reads = compact(reads)
            job.digest = content_hash(job.html, *shared_inputs)
        except Exception as error:
            job.fail(error)
    return jobs


async def render_jobs(output: Output[Item], jobs: Sequence[Job[Item]], store: RenderStore, engine: Any,
                      progress: Progress) -> None:
    """Render prepared jobs on an open engine; each failure stays with its job."""
    overall = progress.add_task(output.label, total=len(jobs))

    async def render_one(job: Job[Item]) -> None:
        started = time.perf_counter()
        try:
            data = await output.render(engine, job)
            job.size, job.seconds = len(data), time.perf_counter() - started
            store.save(job.name, job.digest, data, **output.record(job))
            job.status = Status.RENDERED
            progress.console.print(output.done(job))
        except Exception as error:
            job.fail(error)
        finally:
            progress.advance(overall)

    await asyncio.gather(*(render_one(job) for job in jobs))


async def render_pending(output: Output[Item], jobs: Sequence[Job[Item]], store: RenderStore, parallel: int,
                         progress: Progress) -> None:
    """Render the PENDING jobs on an engine of their own, closed afterwards."""
    pending = [job for job in jobs if job.status is Status.PENDING]
    if not pending:
        return
    engine = output.engine(parallel)
    try:
        await render_jobs(output, pending, store, engine, progress)
    finally:
        await engine.close()


def summary_table(output: Output[Any], jobs: Sequence[Job[Any]]) -> Table:
    table = Table(title=output.label)
    for column in ("文件", "状态", "页数", "用时（秒）", "说明"):
        table.add_column(column)
    for job in jobs:
        table.add_row(job.name, job.status.label, str(job.pages or ""),
                      f"{job.seconds:.2f}" if job.status is Status.RENDERED else "", job.error)
    return table
