"""Time limits on one handout's work, so one pathological input cannot stall a build.

A limit is an interval timer (SIGALRM) in the thread that does the work, which
must be a process's main thread: worker processes run their jobs there (and the
booklet renders its cover there). Elsewhere (a Dask worker's threads) no limit
is set. The timer interrupts Python code; a long call into a C library is
stopped when it returns, and code that catches ``BaseException`` may swallow
it. It is the first, cheap line: the main process watches each worker's job
too and kills the worker of one that overruns (``versus.executors.workers``).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

from ..errors import RenderError

RENDER_SECONDS = 120.0
"""How long one handout's HTML or PDF may take by default."""
REPEAT_SECONDS = 0.2
"""How soon the timer interrupts again if its first interruption was lost."""
RENDERING = "rendering the PDF"
"""What a PDF render does, as a time limit's message names it."""


class _Expired(BaseException):
    """Raised by the timer; a BaseException, so that no ``except Exception`` in
    a library swallows it."""


@contextlib.contextmanager
def time_limit(seconds: float | None, what: str, path: str) -> Iterator[None]:
    """Stop the block after ``seconds`` with a ``RenderError`` of ``path``."""
    if (not seconds or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return
    active = [True]

    def expire(signum, frame):
        if active[0]:
            raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    # The timer repeats: an interruption raised where it is ignored (inside a
    # garbage-collector callback, say) is raised again a moment later.
    signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT_SECONDS)
    try:
        try:
            yield
        finally:
            active[0] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Expired:
        raise RenderError(f"{what} took longer than {seconds:g} s; stopped", path) from None
    finally:
        signal.signal(signal.SIGALRM, previous)
