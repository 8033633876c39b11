"""One interface to run render jobs: in this process, or in watched worker processes.

An executor maps a picklable function over picklable jobs and yields results as
they complete. Only the main process writes outputs and the build state.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

from .workers import HEAVY_BYTES, Limit, WatchedPool

Job = TypeVar("Job")
Result = TypeVar("Result")
TASKS_PER_WORKER = 1000
"""A backstop: workers are renewed for the memory they hold
(``workers.HEAVY_BYTES``); a PDF worker's stays near 100 MB over hundreds of
renders, and each renewal costs a new worker's start (WeasyPrint, the fonts,
the stylesheet: about 1.5 s)."""


class Executor(Protocol):
    def map(self, fn: Callable[[Job], Result], jobs: Iterable[Job],
            limit: Limit | None = None) -> Iterator[Result]:
        """Run ``fn`` on every job; yield the results in completion order. With
        ``limit``, a job that overruns it yields ``limit.stopped(job, message)``."""

    def close(self) -> None:
        """Release workers; outstanding jobs are cancelled."""


class SerialExecutor:
    """Runs every job in this process, one after the other, with no time limit
    but the job's own (for tests and tools; builds use worker processes)."""

    def map(self, fn, jobs, limit=None):
        for job in jobs:
            yield fn(job)

    def close(self) -> None:
        pass


class ProcessExecutor(WatchedPool):
    """Worker processes, each job under a time limit this process enforces
    (``versus.executors.workers``); a worker is renewed when its memory swells, or
    after a bounded number of jobs.

    ``concurrent.futures`` cannot kill the worker of one job without breaking
    the pool, nor say when a job started; and on Python 3.11 its
    ``max_tasks_per_child`` can leave jobs waiting forever (CPython gh-115634).
    """

    def __init__(self, workers: int, tasks_per_worker: int = TASKS_PER_WORKER,
                 initializer: tuple | None = None, heavy_bytes: int = HEAVY_BYTES):
        super().__init__(workers, tasks_per_worker, initializer, heavy_bytes)


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
