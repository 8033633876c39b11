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

Job = TypeVar("Job")
Result = TypeVar("Result")
TASKS_PER_WORKER = 100
CONNECT_TIMEOUT = 10
"""Seconds to wait for a Dask scheduler to answer."""


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
    """A pool of worker processes, renewed after a bounded number of jobs each.

    Renewing the whole pool between rounds keeps memory flat without
    ``max_tasks_per_child``, which on Python 3.11 can leave jobs waiting forever
    once a worker retires (CPython gh-115634).
    """

    def __init__(self, workers: int, tasks_per_worker: int = TASKS_PER_WORKER):
        self.workers = workers
        self._round = workers * tasks_per_worker
        self._pool = None

    def map(self, fn, jobs):
        import concurrent.futures
        import itertools
        import multiprocessing

        jobs = iter(jobs)
        while True:
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_ignore_interrupts)
            # Submitting as jobs are made lets workers start while the rest are prepared.
            futures = [self._pool.submit(fn, job)
                       for job in itertools.islice(jobs, self._round)]
            try:
                for future in concurrent.futures.as_completed(futures):
                    yield future.result()
            finally:
                self.close()
            if len(futures) < self._round:
                return

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _ignore_interrupts() -> None:
    """Ctrl-C reaches the whole process group: the main process alone handles it."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def make_executor(jobs: int, scheduler: str | None = None) -> Executor:
    """The Dask cluster at ``scheduler`` if given; else a serial executor for one
    job, or a process pool of ``jobs`` workers."""
    if scheduler:
        return DaskExecutor(scheduler)
    return SerialExecutor() if jobs <= 1 else ProcessExecutor(jobs)


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

    def map(self, fn, jobs):
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
