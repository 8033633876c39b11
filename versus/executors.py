"""One interface to run render jobs: in this process, or on a process pool.

An executor maps a picklable function over picklable jobs and yields results as
they complete. Only the main process writes outputs and the build state.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")
TASKS_PER_WORKER = 100


class Executor(Protocol):
    def map(self, fn: Callable[[Job], Result], jobs: Iterable[Job]) -> Iterator[Result]:
        """Run ``fn`` on every job; yield the results in completion order."""

    def close(self) -> None:
        """Release workers; outstanding jobs are cancelled."""


class SerialExecutor:
    """Runs every job in this process, one after the other."""

    def map(self, fn, jobs):
        for job in jobs:
            yield fn(job)

    def close(self) -> None:
        pass


class ProcessExecutor:
    """A pool of worker processes, each recycled after a bounded number of jobs."""

    def __init__(self, workers: int, tasks_per_worker: int = TASKS_PER_WORKER):
        self.workers = workers
        self._tasks_per_worker = tasks_per_worker
        self._pool = None

    def map(self, fn, jobs):
        import concurrent.futures
        import multiprocessing

        if self._pool is None:
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                max_tasks_per_child=self._tasks_per_worker)
        # Submitting as jobs are made lets workers start while the rest are prepared.
        futures = [self._pool.submit(fn, job) for job in jobs]
        try:
            for future in concurrent.futures.as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def make_executor(jobs: int) -> Executor:
    """A serial executor for one job, else a process pool of ``jobs`` workers."""
    return SerialExecutor() if jobs <= 1 else ProcessExecutor(jobs)
