"""What every measure of ``bench.py`` stands on: the corpus project, timing a
command and the peak memory of its workers, and the samples each round adds to."""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from corpus import make_corpus

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TIMEOUT_BASE, TIMEOUT_PER_HANDOUT = 120, 2.0
"""A build taking longer than base + per handout × N seconds is stopped as hung."""
BIN = Path(sys.executable).parent
RESULTS = BENCH / "RESULTS.md"
JOBS = 2
PANDOC_REQUIREMENT = "pypandoc-binary>=1.13,<2"
POLL_SECONDS = 0.05
CHEAP_RUNS = 3
"""Runs per round of the measures that take about a second or less (d, e, e1, g)."""
MB = 1_000_000
PANDOC_TIMEOUT = 300
EDIT_TARGET = 0
"""Index of the handout that measure (e) edits."""


class BenchError(Exception):
    """A measured command failed; the benchmark stops with its message."""


@dataclass
class Samples:
    """Every timing of every measure, in the order taken, plus side observations."""

    times: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)
    worker_peaks: list[int] = field(default_factory=list)
    main_peaks: list[int] = field(default_factory=list)
    workers_seen: list[int] = field(default_factory=list)
    rewritten: dict[str, list[int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, key: str, watch: Stopwatch, scale: float = 1.0) -> None:
        """Record one run of measure ``key``: wall and CPU seconds, times ``scale``."""
        self.times.setdefault(key, []).append(watch.wall * scale)
        self.cpu.setdefault(key, []).append(watch.cpu * scale)

    def count_rewritten(self, key: str, count: int) -> None:
        """Record how many PDFs one run of measure ``key`` rewrote."""
        self.rewritten.setdefault(key, []).append(count)


@dataclass(frozen=True)
class Setup:
    """The temporary projects and folders one benchmark run works in."""

    project: Path
    single: Path
    floor_out: Path
    pandoc_out: Path
    count: int
    pandoc_subset: int
    pandoc: str | None
    scheduler: str | None = None


class Stopwatch:
    """Wall time of a block, and the CPU time (user + system) its processes used.

    CPU time counts the child processes waited for during the block (and with
    ``include_self`` this process too): it is far less disturbed than wall time
    by other work on a shared machine.
    """

    def __init__(self, include_self: bool = False):
        self.include_self = include_self
        self.wall = self.cpu = 0.0

    def _cpu_now(self) -> float:
        """CPU seconds used so far by waited-for children (and this process)."""
        who = [resource.RUSAGE_CHILDREN] + ([resource.RUSAGE_SELF] * self.include_self)
        return sum(usage.ru_utime + usage.ru_stime
                   for usage in map(resource.getrusage, who))

    def __enter__(self) -> Stopwatch:
        self._cpu_start = self._cpu_now()
        self._wall_start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self._wall_start
        self.cpu = self._cpu_now() - self._cpu_start


def run_timed(cmd: list[str], timeout: float, env: dict | None = None,
              sample_memory: bool = False) -> tuple[Stopwatch, PeakMonitor | None]:
    """Run ``cmd`` from the repository root, timed, its workers' memory sampled if asked.

    The command runs in its own session so that, if it fails to finish within
    ``timeout`` seconds (or the benchmark is interrupted), it is killed with every
    process it started; either way is a ``BenchError``.
    """
    with Stopwatch() as watch:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True,
                                   start_new_session=True)
        monitor = PeakMonitor(process.pid) if sample_memory else None
        with monitor or contextlib.nullcontext():
            try:
                _, stderr = process.communicate(timeout=timeout)
            except BaseException as error:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()
                if isinstance(error, subprocess.TimeoutExpired):
                    raise BenchError(f"no result after {timeout:.0f} s, killed: "
                                     f"{' '.join(cmd)}") from None
                raise
    check_result(cmd, process.returncode, stderr)
    return watch, monitor


def build_timeout(count: int) -> float:
    """How long a build of ``count`` handouts may take before it counts as hung."""
    return TIMEOUT_BASE + TIMEOUT_PER_HANDOUT * count


def check_result(cmd: list[str], status: int, stderr: str) -> None:
    """Raise ``BenchError`` if a command failed."""
    if status != 0:
        tail = "\n".join(stderr.strip().splitlines()[-15:])
        raise BenchError(f"exit {status}: {' '.join(cmd)}\n{tail}")


def build_cmd(project: Path, *options: str) -> list[str]:
    """``python build.py pdf --project P OPTIONS -q``."""
    return [sys.executable, "build.py", "pdf", "--project", str(project), *options, "-q"]


def pdf_times(project: Path) -> dict[str, int]:
    """Modification time of every PDF of ``project``, to count what a build rewrote."""
    return {path.name: path.stat().st_mtime_ns
            for path in (project / "output" / "pdf").glob("*.pdf")}


def changed(before: dict[str, int], after: dict[str, int]) -> int:
    """How many PDFs are new or were rewritten between two ``pdf_times``."""
    return sum(1 for name, stamp in after.items() if before.get(name) != stamp)


def children_of(pid: int) -> list[int]:
    """Direct children of ``pid`` via /proc/<pid>/task/*/children, else a /proc scan."""
    tasks = Path(f"/proc/{pid}/task")
    try:
        files = list(tasks.glob("*/children"))
        if files:
            return [int(child) for path in files for child in path.read_text().split()]
    except OSError:
        return []
    return [int(entry.name) for entry in Path("/proc").iterdir()
            if entry.name.isdigit() and status_field(int(entry.name), "PPid") == pid]


def status_field(pid: int, name: str) -> int | None:
    """The integer field ``name`` of /proc/<pid>/status (kB for memory), or None."""
    return proc_field(f"/proc/{pid}/status", name)


def proc_field(path: str, name: str) -> int | None:
    """The integer after ``name:`` in a /proc file of ``name: value`` lines, or None."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def is_worker(pid: int) -> bool:
    """Whether child ``pid`` is a Versus worker process (``versus.executors.workers``).

    Only direct children count: a worker's own short-lived children (WeasyPrint's
    library look-up runs gcc and ldconfig) carry its command line until they exec.
    """
    try:
        return b"run_worker(" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class PeakMonitor:
    """Polls the VmHWM of a process and of its worker children from a thread."""

    def __init__(self, pid: int):
        self.pid = pid
        self.worker_kb: dict[int, int] = {}
        self.main_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> PeakMonitor:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        """Sample until stopped, every ``POLL_SECONDS``."""
        while True:
            self.sample()
            if self._stop.wait(POLL_SECONDS):
                return

    def sample(self) -> None:
        """Read the high-water mark of the main process and of each of its workers."""
        self.main_kb = max(self.main_kb, status_field(self.pid, "VmHWM") or 0)
        for child in children_of(self.pid):
            kb = status_field(child, "VmHWM")
            if kb and (child in self.worker_kb or is_worker(child)):
                self.worker_kb[child] = max(self.worker_kb.get(child, 0), kb)


def make_project(path: Path, count: int) -> None:
    """A project with ``count`` handouts and its own copy of the default theme."""
    make_corpus(path, count)
    shutil.copytree(ROOT / "versus" / "theme", path / "templates")


def log(message: str) -> None:
    """Progress on stderr, flushed at once so a background run can be followed."""
    print(message, file=sys.stderr, flush=True)


def first_line(cmd: list[str]) -> str:
    """The first line a command prints, or what went wrong."""
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (result.stdout.strip().splitlines() or ["?"])[0]
    except (OSError, subprocess.SubprocessError) as error:
        return f"unavailable ({error})"


def median(values: list[float]) -> float:
    """The median, NaN for no values."""
    return statistics.median(values) if values else float("nan")
