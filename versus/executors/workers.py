"""Worker processes this process watches: time limits no library can swallow.

Every job runs in a worker process, and this process knows when it started.
A job that overruns its limit (plus ``GRACE_SECONDS``) has its worker killed
with SIGKILL, which no ``except BaseException`` and no long call into C can
ignore; the job is reported as stopped, a new worker takes the place of the
old one, and the other jobs go on. The worker's own timer (``versus.executors.limits``)
stays the first, cheap line: it stops Python code in time and keeps the
worker, and its loaded renderer, alive.

Workers die with this process: on Linux the kernel kills them when it dies
(``PR_SET_PDEATHSIG``), and each also exits when it sees its parent change.
They run in a process group of their own, so Ctrl-C reaches only this
process, which kills them at once. They are plain ``python -c`` processes
talking over a socket pair, so no ``multiprocessing`` resource tracker is
started, and none is left behind.
"""

from __future__ import annotations

import collections
import logging
import math
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import VersusError

GRACE_SECONDS = 1.0
"""How long past its limit a job may run before its worker is killed: time for
the worker's own timer to stop it and send the error back."""
PARENT_POLL_SECONDS = 0.5
PR_SET_PDEATHSIG = 1
WORKER_CODE = ("import sys; sys.path[:] = sys.argv[3:]; "
               "from versus.executors.workers import run_worker; "
               "run_worker(int(sys.argv[1]), int(sys.argv[2]))")
"""A worker imports Versus, and then the jobs' modules, from this process's path."""
AHEAD = 2
"""Jobs sent to a worker at once, so that it never waits for the next one."""
HEAVY_BYTES = 250 * 10**6
"""A worker that holds more memory than this after a job is renewed once its
jobs are done: a job that swelled its heap leaves no swollen process behind."""
_END = object()


@dataclass(frozen=True)
class Limit:
    """How long each step of a job may take, and what a stopped job yields."""

    seconds: float | None
    what: str
    """What a job does until it says otherwise with ``stage``."""
    stopped: Callable[[Any, str], Any]
    """``(job, message)``: the result of a job stopped or whose worker died."""


_channel = None
"""In a worker: the connection to the parent, for ``stage``."""


def stage(what: str | None) -> None:
    """In a worker: the job now does ``what``, with a full time limit again; or
    with None, trusted set-up that is not limited (loading WeasyPrint)."""
    if _channel is not None:
        _channel.send(("stage", what))


class WatchedPool:
    """Up to ``workers`` processes, started as jobs need them (or by ``start``),
    each renewed when it holds more than ``heavy_bytes`` after a job, or after
    ``tasks_per_worker`` jobs. A job may count for less than one (its
    ``cost``): one that leaves nothing behind need not pay for a new worker's
    start so often."""

    def __init__(self, workers: int, tasks_per_worker: int,
                 initializer: tuple | None = None, heavy_bytes: int = HEAVY_BYTES):
        self.workers, self.tasks_per_worker = max(1, workers), tasks_per_worker
        self.heavy_bytes = heavy_bytes
        self.initializer = initializer
        """``(function, *arguments)`` run in each worker as it starts."""
        self._idle: list[_Worker] = []
        self._eager = False

    def start(self) -> None:
        """Start every worker now and wait until each ran the initializer; from
        now on a new one starts whenever one ends."""
        self._eager = True
        started = [_Worker(self.initializer, self.heavy_bytes)
                   for _ in range(self.workers - len(self._idle))]
        self._idle.extend(started)  # so that close() ends them, even on Ctrl-C here
        for worker in started:
            try:
                worker.conn.recv()  # "ready"
            except (EOFError, OSError):  # the next build starts another
                self._idle.remove(worker)
                worker.kill()

    def map(self, fn: Callable, jobs: Iterable, limit: Limit | None = None) -> Iterator:
        """Run ``fn`` on every job in the workers; yield results as they come."""
        jobs, again, busy = iter(jobs), collections.deque(), {}
        try:
            while True:
                while self._room(busy) and (
                        job := again.popleft() if again else next(jobs, _END)) is not _END:
                    worker = self._take() if len(busy) < self.workers else min(
                        self._roomy(busy), key=lambda worker: len(worker.queue))
                    worker.give(fn, job)
                    busy[worker.conn] = worker
                if not busy:
                    return
                yield from self._collect(busy, limit, again)
        finally:  # stopped early (an error, --fail-fast, Ctrl-C): end the rest now
            for worker in busy.values():
                worker.kill()

    def _room(self, busy: dict) -> bool:
        """Whether a job can be sent now: a worker is free, or one has room."""
        return len(busy) < self.workers or bool(self._roomy(busy))

    def _roomy(self, busy: dict) -> list[_Worker]:
        """The busy workers that may be sent one more job."""
        return [worker for worker in busy.values() if len(worker.queue) < AHEAD
                and worker.done + sum(map(_cost, worker.queue)) < self.tasks_per_worker]

    def _take(self) -> _Worker:
        """An idle worker that is still alive, or a new one."""
        while self._idle:
            worker = self._idle.pop()
            if worker.process.poll() is None:
                return worker
            worker.kill()
        return _Worker(self.initializer, self.heavy_bytes)

    def _collect(self, busy: dict, limit: Limit | None, again: collections.deque) -> list:
        """Wait for news from the busy workers; the results of the jobs that ended.
        The jobs sent ahead to a worker that is killed or dies go to ``again``."""
        from multiprocessing.connection import wait

        deadlines = [w.deadline for w in busy.values() if w.deadline is not None]
        timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        results = []
        for conn in wait(list(busy), timeout):
            worker = busy[conn]
            try:
                failed = self._read(worker, limit, results)
            except (EOFError, OSError):  # the worker died: a crash, or killed
                del busy[conn]
                message = self._lost(worker, limit, worker.kill())
                results.append(limit.stopped(worker.queue.popleft(), message))
                again.extend(worker.queue)
                continue
            if failed is not None:  # raised here, where it is not taken for a death
                raise failed
            if not worker.queue:
                del busy[conn]
                self._release(worker)
        now = time.monotonic()
        for conn, worker in list(busy.items()):
            if worker.deadline is not None and worker.deadline <= now:
                del busy[conn]
                worker.kill()
                self._replace()
                results.append(limit.stopped(worker.queue.popleft(), f"{worker.what} took "
                                             f"longer than {limit.seconds:g} s; stopped"))
                again.extend(worker.queue)
        return results

    @staticmethod
    def _read(worker: _Worker, limit: Limit | None, results: list) -> BaseException | None:
        """Read what the worker sent; add the results of the jobs that ended. A
        job's error that is no handout's is returned, for the caller to raise."""
        while worker.conn.poll():
            kind, value = worker.conn.recv()
            if kind == "started":
                worker.begin(limit and limit.what, limit)
            elif kind == "stage":
                worker.begin(value, limit)
            elif kind == "heavy":  # sent before its job's result: renewed when free
                worker.done = math.inf
            elif kind in ("done", "error"):
                job, what = worker.queue.popleft(), worker.what
                worker.done += _cost(job)
                worker.begin(None, None)
                if kind == "error" and isinstance(value, MemoryError) and limit:
                    # one handout's fault, not the build's; a fresh worker
                    # follows, since the heap of this one may stay swollen
                    worker.done = math.inf
                    results.append(limit.stopped(job, f"{what or limit.what} ran out of "
                                                      "memory; stopped"))
                    continue
                if kind == "error" and not (limit and isinstance(value, OSError)):
                    return value
                results.append(value if kind == "done" else limit.stopped(
                    job, f"{what or limit.what} failed: {_os_error(value)}"))
            # "ready": the initializer ran
        return None

    def _lost(self, worker: _Worker, limit: Limit | None, status: int | None) -> str:
        self._replace()
        reason = f"its worker process died ({_describe(status)})"
        if limit is None:
            raise VersusError(reason)
        return f"{worker.what or limit.what} failed: {reason}"

    def _release(self, worker: _Worker) -> None:
        """A worker whose jobs are all done: idle, or renewed after enough jobs."""
        if worker.done < self.tasks_per_worker:
            self._idle.append(worker)
        else:
            worker.kill()
            self._replace()

    def _replace(self) -> None:
        """After a worker ended: start its successor now if workers are kept warm."""
        if self._eager and len(self._idle) < self.workers:
            self._idle.append(_Worker(self.initializer, self.heavy_bytes))

    def close(self) -> None:
        """End every idle worker (busy ones end with their ``map``)."""
        self._eager = False
        while self._idle:
            self._idle.pop().kill()


class _Worker:
    """One worker process, the jobs sent to it, and when the running one must end."""

    def __init__(self, initializer: tuple | None, heavy_bytes: int = HEAVY_BYTES):
        from multiprocessing import Pipe

        ours, theirs = Pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", WORKER_CODE, str(theirs.fileno()), str(os.getpid()),
                 *sys.path], pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                stdout=sys.__stderr__ or subprocess.DEVNULL,  # stdout may carry JSON
                process_group=0)
        finally:
            theirs.close()
        self.conn = ours
        self.conn.send(_verbosity())
        self.conn.send(initializer)
        self.conn.send(heavy_bytes)
        self.queue: collections.deque = collections.deque()
        """The jobs sent, the first one running (or about to)."""
        self.what, self.deadline = None, None
        self.done = 0.0
        """The jobs run, each counted at its ``cost``."""

    def give(self, fn: Callable, job) -> None:
        """Send ``job``; its time starts when the worker says it has started it."""
        self.queue.append(job)
        self.conn.send((fn, job))

    def begin(self, what: str | None, limit: Limit | None) -> None:
        """The job now does ``what``: its limit starts again (None: no limit)."""
        self.what = what
        self.deadline = (time.monotonic() + limit.seconds + GRACE_SECONDS
                         if what is not None and limit and limit.seconds else None)

    def kill(self) -> int | None:
        """End the process at once; its exit status."""
        if self.process.poll() is None:
            self.process.kill()
        self.conn.close()
        return self.process.wait()


def _cost(job) -> float:
    """How much of a worker's life ``job`` uses: 1 unless it says less."""
    return getattr(job, "cost", 1)


def _os_error(error: OSError) -> str:
    """An OSError a job raised, in words (its file, if it names one)."""
    text = error.strerror or str(error) or type(error).__name__
    return f"{error.filename}: {text}" if error.filename else text


def _describe(status: int | None) -> str:
    if status is not None and status < 0:
        try:
            return signal.Signals(-status).name
        except ValueError:
            pass
    return f"exit status {status}"


def _verbosity() -> int | None:
    """The CLI's log level as ``versus.log.configure`` takes it, if it set one."""
    logger = logging.getLogger("versus")
    if not logger.handlers:
        return None
    return {logging.WARNING: -1, logging.INFO: 0}.get(logger.level, 1)


def run_worker(fd: int, parent: int) -> None:
    """A worker's life: run the jobs the parent sends until it goes away."""
    global _channel
    from multiprocessing.connection import Connection

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent alone handles Ctrl-C
    _die_with(parent)
    conn = Connection(fd)
    verbosity = conn.recv()
    if verbosity is not None:
        from .. import log

        log.configure(verbosity)
    initializer, heavy_bytes = conn.recv(), conn.recv()
    if initializer:
        try:
            initializer[0](*initializer[1:])
        except Exception:  # the first job meets the same problem and reports it
            pass
    conn.send(("ready", None))
    _channel = conn
    while True:
        try:
            fn, job = conn.recv()
        except EOFError:
            return
        except Exception as error:  # a job that does not unpickle here
            conn.send(("error", VersusError(f"{type(error).__name__}: {error}")))
            continue
        conn.send(("started", None))
        try:
            reply = ("done", fn(job))
        except Exception as error:
            reply = ("error", error)
        if _resident_bytes() > heavy_bytes:
            conn.send(("heavy", None))
        try:
            conn.send(reply)
        except Exception as error:  # a result or error that does not pickle
            conn.send(("error", VersusError(f"{type(error).__name__}: {error}")))


def _resident_bytes() -> int:
    """The memory this process holds now (its resident set). Not the high-water
    mark ``getrusage`` gives: on Linux a process started by another keeps that
    one's mark, so a worker of a big build would start out looking swollen."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):  # no /proc: the mark, the best there is
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024  # else kilobytes


def _die_with(parent: int) -> None:
    """Exit when the parent does: the kernel's signal on Linux, else a watcher."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # it died before the signal was asked for
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    # Where there is no PR_SET_PDEATHSIG (not Linux), and should it not fire.
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)
