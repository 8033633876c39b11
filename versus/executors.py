"""One interface to run render jobs: in this process, a process pool, or Dask.

An executor maps a picklable function over picklable jobs and yields results as
they complete. Only the main process writes outputs and the build state.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol, TypeVar

from .workers import Limit, WatchedPool

Job = TypeVar("Job")
Result = TypeVar("Result")
TASKS_PER_WORKER = 100
CONNECT_TIMEOUT = 10
"""Seconds to wait for a Dask scheduler to answer."""


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
    (``versus.workers``); a worker is renewed after a bounded number of jobs.

    ``concurrent.futures`` cannot kill the worker of one job without breaking
    the pool, nor say when a job started; and on Python 3.11 its
    ``max_tasks_per_child`` can leave jobs waiting forever (CPython gh-115634).
    """

    def __init__(self, workers: int, tasks_per_worker: int = TASKS_PER_WORKER,
                 initializer: tuple | None = None):
        super().__init__(workers, tasks_per_worker, initializer)


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def make_executor(jobs: int, scheduler: str | None = None) -> Executor:
    """The Dask cluster at ``scheduler`` if given; else ``jobs`` watched worker
    processes (one job too runs in a worker: only there can it be stopped)."""
    if scheduler:
        return DaskExecutor(scheduler)
    return ProcessExecutor(jobs)


class DaskExecutor:
    """Renders on a Dask cluster; workers need Versus installed, not the project.

    Each render job travels with the bytes of the project files its page refers
    to; the theme's static files go to every worker once. Results come back as
    bytes, and only this process writes outputs and the build state.
    """

    def __init__(self, address: str, timeout: float | None = None):
        from .errors import VersusError

        try:
            from distributed import Client
        except ImportError:
            raise VersusError("--scheduler needs Dask: pip install 'versus[dask]'") from None
        self.address = address
        try:
            self.client = Client(address, timeout=timeout or CONNECT_TIMEOUT,
                                 set_as_default=False)
        except (OSError, TimeoutError) as error:
            raise VersusError(f"cannot reach the Dask scheduler at {address}: "
                              f"{error}") from None

    remote = True
    """Renders on other machines: pages are still made locally."""

    def map(self, fn, jobs, limit=None):
        from distributed import as_completed

        from .pdf import ThemeBundle, render_job, render_shipped, ship
        from .render import Theme

        if fn is not render_job:  # anything else runs as it is
            futures = [self.client.submit(fn, job, pure=False) for job in jobs]
            translate = None
        else:
            jobs = list(jobs)
            if not jobs:
                return
            theme_dirs = tuple(Path(root) for root in jobs[0].roots[1:])
            static = Theme(theme_dirs).static_files()
            bundle = self.client.scatter(ThemeBundle.of(static), broadcast=True,
                                         hash=False)
            futures = [self.client.submit(render_shipped, ship(job), bundle, pure=False,
                                          retries=2) for job in jobs]
            translate = _Origins(Path(jobs[0].roots[0]), static)
        try:
            for future in as_completed(futures, loop=self.client.loop):
                result = future.result()
                yield translate(result) if translate else result
        finally:
            self.client.cancel(futures)

    def close(self) -> None:
        self.client.close()


class _Origins:
    """Turns the names a worker gives the files it read back into local paths."""

    def __init__(self, project: Path, static: dict[str, Path]):
        self.project, self.static = project, static

    def __call__(self, result):
        from .fetch import PROJECT_PREFIX, THEME_PREFIX

        read = []
        for origin in result.read:
            if origin.startswith(PROJECT_PREFIX):
                read.append(str(self.project / origin[len(PROJECT_PREFIX):]))
            elif origin.startswith(THEME_PREFIX):
                read.append(str(self.static[origin[len(THEME_PREFIX):]]))
        return dataclasses.replace(result, read=tuple(read))
