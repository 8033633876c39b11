#!/usr/bin/env python3
"""Benchmark Versus against its floor (plain WeasyPrint) and its peer (Pandoc).

Run it with ``make bench`` or ``python bench/bench.py --count 200``. It builds a
corpus of N handouts in a temporary project (deleted afterwards), runs every
measure in several interleaved rounds, prints a table of medians and writes it,
with the ratios against the targets and the machine it ran on, to
``bench/RESULTS.md``.

Measures (wall time unless said otherwise):

    a  full build:  python build.py pdf --project P --jobs 2 --force -q
    b  floor:       WeasyPrint in Pool(2) over the same print HTML Versus renders
    c  peer:        pandoc --pdf-engine=weasyprint, 2 at a time (a subset, scaled)
    d  no-op build: python build.py pdf --project P -q, right after a build
    e  one handout edited, then built; e1: full build of a one-handout project
    f  one template edited (templates/handout.html), everything rebuilt, 2 jobs
    g  startup:     python -c "import click, jinja2, yaml, markdown"
    h  peak RSS (VmHWM) of each worker process during the full builds
    i  the full build rendered on a 2-worker Dask LocalCluster (--scheduler)
    j  save -> PDF latency of `build.py watch` on a two-page handout
    k  the booklet of all handouts, their PDFs up to date
    m  one in-process render of the seed, untagged (m0) and tagged (m1)
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import dataclasses
import datetime
import functools
import hashlib
import importlib
import multiprocessing
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from corpus import make_corpus  # noqa: E402  (bench/ is not a package)

BIN = Path(sys.executable).parent
RESULTS = BENCH / "RESULTS.md"
JOBS = 2
PANDOC_REQUIREMENT = "pypandoc-binary>=1.13,<2"
POLL_SECONDS = 0.05
CHEAP_RUNS = 3
"""Runs per round of the measures that take about a second or less (d, e, e1, g)."""
MB = 1_000_000
TIMEOUT_BASE, TIMEOUT_PER_HANDOUT = 120, 2.0
"""A build taking longer than base + per handout × N seconds is stopped as hung."""
PANDOC_TIMEOUT = 300
EDIT_TARGET = 0
"""Index of the handout that measure (e) edits."""

LABELS = {
    "a": "(a) full build, {count} PDFs, --jobs 2 --force",
    "b": "(b) floor: plain WeasyPrint, Pool(2)",
    "c": "(c) peer: Pandoc + WeasyPrint, 2 at a time",
    "d": "(d) no-op build",
    "e": "(e) one handout edited, rebuilt",
    "e1": "(e1) full build of a one-handout project",
    "f": "(f) one template edited, all rebuilt, --jobs 2",
    "g": "(g) startup: import click, jinja2, yaml, markdown",
    "i": "(i) full build through a 2-worker Dask LocalCluster, --force",
    "k": "(k) booklet of all handouts, their PDFs up to date",
    "m0": "(m0) one seed render in-process, untagged PDF",
    "m1": "(m1) one seed render in-process, tagged PDF (the default)",
    "j": "(j) watch: save -> PDF of a two-page handout",
}


METHOD = """\
## How each measure is taken

- (a) `python build.py pdf --project P --jobs 2 --force -q` as a subprocess.
- (b) the print HTML Versus renders for each handout (got in-process with
  `Pages(Theme.for_project(P), settings).handout(h, "print")`) through WeasyPrint in
  a spawn `multiprocessing.Pool(2)` whose initializer makes one `FontConfiguration`
  and parses the project's `templates/static/versus.css` once per process; each PDF
  written to a temporary folder; process start included. Its PDFs are the same bytes
  as Versus's.
- (c) `pandoc FILE.md -o FILE.pdf --pdf-engine=weasyprint` (pandoc from
  `pypandoc-binary`, the venv's `weasyprint` first on PATH), two at a time.
- (d) `python build.py pdf --project P -q` after a full build, nothing changed.
- (e) a sentence appended to one content file, then `build.py pdf --project P
  --jobs 2 -q`; (e1) `build.py pdf --project P1 --jobs 2 --force -q` on a project
  holding one handout, run alternately with (e).
- (f) `{# bench #}` appended to the project's own copy of `templates/handout.html`,
  then `build.py pdf --project P --jobs 2 -q`.
- (g) `python -c "import click, jinja2, yaml, markdown"`.
- (h) VmHWM from /proc/PID/status of each worker child of the build, every 50 ms.
- (i) `build.py pdf --project P --force -q --scheduler ADDRESS` with a 2-worker
  `distributed.LocalCluster` (processes, one thread each) on 127.0.0.1, started once.
- (j) `bench/latency.py`: `build.py watch` on a one-handout project; each save's
  time until the new PDF is in place, polled every 2 ms; 15 saves.
- (k) `build.py booklet --project P -q` after deleting output/booklet.pdf: no
  handout is re-rendered (checked); the cover and contents are rendered, then a
  page-number document of as many pages as the booklet, and the 200 PDFs are
  bound with pikepdf into one structure tree, their footers replaced by the
  booklet's page numbers. A second booklet with nothing changed is not rebuilt.
- (m0), (m1) the seed's print HTML through one WeasyPrint in this process, 10 times
  each, alternating, with `pdf_tags` off and on.

Both projects carry a copy of the default theme (`versus/theme/`) as `templates/`. CPU s is user + system
time of the measured processes (from `getrusage`): it moves much less than wall time
when other work shares the machine.
"""


WHY_MISSES = """\
## When (c) or (d) misses

- (c) Pandoc renders each document in a new WeasyPrint process, and about 0.9 s of
  its time per document is WeasyPrint starting (half of that is its search for
  system libraries). Versus pays that once per worker and is at the floor (a ≈ b),
  so (c)/(a) cannot pass (c)/(b): 4.9 to 5.5 in the runs on this machine, short of 6.
- (d) A build with nothing to do imports click, jinja2 and yaml as (g) does, plus
  Versus's own modules (about 30 ms), then hashes and stats the 200 handouts'
  files and reads the build state (about 25 ms): about 1.45 to 1.55 × (g), so on
  a shared machine it lands either side of 1.5 from run to run.
"""


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


# --- running and timing commands -------------------------------------------------

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


# --- (h) peak memory of the build's child processes ------------------------------

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
    """Whether child ``pid`` is a multiprocessing worker (not the resource tracker).

    Only direct children count: a worker's own short-lived children (WeasyPrint's
    library look-up runs gcc and ldconfig) carry its command line until they exec.
    """
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
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


def full_build(setup: Setup, samples: Samples) -> None:
    """(a) and (h): a forced full build with 2 jobs, its workers' memory sampled."""
    cmd = build_cmd(setup.project, "--jobs", str(JOBS), "--force")
    watch, monitor = run_timed(cmd, build_timeout(setup.count), sample_memory=True)
    samples.add("a", watch)
    built = len(pdf_times(setup.project))
    if built != setup.count:
        raise BenchError(f"full build left {built} PDFs, expected {setup.count}")
    samples.worker_peaks.append(max(monitor.worker_kb.values(), default=0) * 1024)
    samples.main_peaks.append(monitor.main_kb * 1024)
    samples.workers_seen.append(len(monitor.worker_kb))


# --- (b) the floor: plain WeasyPrint in a process pool ---------------------------

@functools.lru_cache(maxsize=1)
def floor_renderer(stylesheet: str, paper: str):
    """This process's WeasyPrint, FontConfiguration and parsed stylesheets (made once)."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    sheets = [weasyprint.CSS(filename=stylesheet, font_config=fonts),
              weasyprint.CSS(string=f"@page {{ size: {paper}; }}", font_config=fonts)]
    return weasyprint, fonts, sheets


def floor_init(stylesheet: str, paper: str) -> None:
    """Pool initializer: load fonts and parse the stylesheet once per process."""
    floor_renderer(stylesheet, paper)


def floor_render(job: tuple[str, str, str, str, str]) -> None:
    """Render one print HTML to a PDF file with this process's renderer."""
    stylesheet, paper, html, base_url, target = job
    weasyprint, fonts, sheets = floor_renderer(stylesheet, paper)
    weasyprint.HTML(string=html, base_url=base_url).write_pdf(
        target, stylesheets=sheets, font_config=fonts)


def floor_jobs(setup: Setup) -> tuple[list[tuple], str, str]:
    """The print HTML Versus renders for every handout, as floor jobs."""
    from versus.content.files import discover
    from versus.content.handouts import load_handout
    from versus.render.pages import Pages
    from versus.render.theme import STYLESHEET, Theme
    from versus.settings import load_settings

    settings = load_settings(setup.project)
    pages = Pages(Theme.for_project(setup.project), settings)
    found, errors = discover(setup.project)
    if errors or len(found) != setup.count:
        raise BenchError(f"the corpus: {len(found)} handouts, {errors[:3]}")
    handouts = [load_handout(path, slug, settings) for slug, path in found]
    stylesheet = str(pages.theme.find(STYLESHEET))
    jobs = [(stylesheet, settings.paper, pages.handout(handout, "print"),
             handout.source.parent.as_uri() + "/",
             str(setup.floor_out / (handout.slug.replace("/", "--") + ".pdf")))
            for handout in handouts]
    return jobs, stylesheet, settings.paper


def floor(setup: Setup, samples: Samples) -> None:
    """(b): the same print HTML through WeasyPrint in Pool(2), process start included."""
    jobs, stylesheet, paper = floor_jobs(setup)
    shutil.rmtree(setup.floor_out, ignore_errors=True)
    setup.floor_out.mkdir(parents=True)
    with Stopwatch(include_self=True) as watch:
        pool = multiprocessing.get_context("spawn").Pool(
            JOBS, initializer=floor_init, initargs=(stylesheet, paper))
        try:
            for _ in pool.imap_unordered(floor_render, jobs, chunksize=1):
                pass
            pool.close()
            pool.join()
        finally:
            pool.terminate()
    samples.add("b", watch)
    written = len(list(setup.floor_out.glob("*.pdf")))
    if written != setup.count:
        raise BenchError(f"floor wrote {written} PDFs, expected {setup.count}")


# --- (c) the peer: Pandoc with WeasyPrint ----------------------------------------

def find_pandoc() -> tuple[str | None, str]:
    """The pandoc binary of ``pypandoc-binary`` (installed on demand), or why not."""
    try:
        metadata.version("pypandoc-binary")
    except metadata.PackageNotFoundError:
        print(f"installing {PANDOC_REQUIREMENT} into the venv ...", file=sys.stderr)
        result = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                                 PANDOC_REQUIREMENT], capture_output=True, text=True)
        if result.returncode != 0:
            return None, f"pip install failed: {result.stderr.strip()[-300:]}"
        importlib.invalidate_caches()
    try:
        import pypandoc

        return pypandoc.get_pandoc_path(), ""
    except (ImportError, OSError) as error:
        return None, f"pandoc not found: {error}"


def pandoc_env() -> dict[str, str]:
    """The environment with the venv's bin (and its ``weasyprint``) first on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def pandoc_one(pandoc: str, source: Path, target: Path, env: dict) -> None:
    """Convert one Markdown file to PDF with Pandoc and WeasyPrint."""
    run_timed([pandoc, str(source), "-o", str(target), "--pdf-engine=weasyprint"],
              PANDOC_TIMEOUT, env)


def peer(setup: Setup, samples: Samples) -> None:
    """(c): Pandoc on a subset of the Markdown files, 2 at a time, scaled to all."""
    sources = sorted((setup.project / "content").glob("*.md"))[:setup.pandoc_subset]
    shutil.rmtree(setup.pandoc_out, ignore_errors=True)
    setup.pandoc_out.mkdir(parents=True)
    env = pandoc_env()
    with Stopwatch() as watch:
        with concurrent.futures.ThreadPoolExecutor(JOBS) as pool:
            futures = [pool.submit(pandoc_one, setup.pandoc, source,
                                   setup.pandoc_out / (source.stem + ".pdf"), env)
                       for source in sources]
            for future in futures:
                future.result()
    samples.add("c_subset", watch)
    samples.add("c", watch, scale=setup.count / len(sources))


# --- the other measures -----------------------------------------------------------

def no_op(setup: Setup, samples: Samples) -> None:
    """(d): a build right after a build, nothing to do."""
    before = pdf_times(setup.project)
    samples.add("d", run_timed(build_cmd(setup.project), build_timeout(setup.count))[0])
    samples.count_rewritten("d", changed(before, pdf_times(setup.project)))


def startup(samples: Samples) -> None:
    """(g): start Python and import the libraries Versus needs."""
    samples.add("g", run_timed([sys.executable, "-c",
                                "import click, jinja2, yaml, markdown"], TIMEOUT_BASE)[0])


def edit_one(setup: Setup, samples: Samples, number: int) -> None:
    """(e): append a sentence to one handout, then build; one PDF is rebuilt."""
    source = sorted((setup.project / "content").glob("*.md"))[EDIT_TARGET]
    with source.open("a", encoding="utf-8") as handle:
        handle.write(f"\nThis sentence was added by benchmark edit {number}.\n")
    before = pdf_times(setup.project)
    samples.add("e", run_timed(build_cmd(setup.project, "--jobs", str(JOBS)),
                               build_timeout(setup.count))[0])
    samples.count_rewritten("e", changed(before, pdf_times(setup.project)))


def single_full(setup: Setup, samples: Samples) -> None:
    """(e1): the forced full build of a project holding one handout."""
    samples.add("e1", run_timed(build_cmd(setup.single, "--jobs", str(JOBS), "--force"),
                                build_timeout(1))[0])


def edit_template(setup: Setup, samples: Samples) -> None:
    """(f): append a Jinja comment to the project's handout template, then build."""
    template = setup.project / "templates" / "handout.html"
    with template.open("a", encoding="utf-8") as handle:
        handle.write("{# bench #}\n")
    before = pdf_times(setup.project)
    samples.add("f", run_timed(build_cmd(setup.project, "--jobs", str(JOBS)),
                               build_timeout(setup.count))[0])
    samples.count_rewritten("f", changed(before, pdf_times(setup.project)))


def cluster_build(setup: Setup, samples: Samples) -> None:
    """(i): the forced full build, rendered on the Dask cluster."""
    cmd = build_cmd(setup.project, "--force", "--scheduler", setup.scheduler)
    samples.add("i", run_timed(cmd, build_timeout(setup.count))[0])
    if len(pdf_times(setup.project)) != setup.count:
        raise BenchError("the cluster build left PDFs missing")


def booklet(setup: Setup, samples: Samples) -> None:
    """(k): bind the booklet; its handout PDFs are up to date, so none is rendered."""
    (setup.project / "output" / "booklet.pdf").unlink(missing_ok=True)
    before = pdf_times(setup.project)
    cmd = [sys.executable, str(ROOT / "build.py"), "booklet", "--project",
           str(setup.project), "-q"]
    samples.add("k", run_timed(cmd, build_timeout(setup.count))[0])
    samples.count_rewritten("k", changed(before, pdf_times(setup.project)))


def tagging(samples: Samples, renders: int = 10) -> None:
    """(m0), (m1): the seed handout rendered in this process, untagged and tagged."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from versus.content.handouts import load_handout
    from versus.render.pages import Pages
    from versus.render.theme import STYLESHEET, Theme
    from versus.settings import load_settings

    settings = load_settings(ROOT)
    pages = Pages(Theme.for_project(ROOT), settings)
    seed = ROOT / "content" / "devops-vs-mlops.md"
    html = pages.handout(load_handout(seed, "devops-vs-mlops", settings), "print")
    fonts = FontConfiguration()
    css = weasyprint.CSS(filename=str(pages.theme.find(STYLESHEET)), font_config=fonts)
    document = functools.partial(weasyprint.HTML, string=html, base_url=str(ROOT))
    for _ in range(renders):
        for key, tags in (("m0", False), ("m1", True)):
            with Stopwatch(include_self=True) as watch:
                document().write_pdf(stylesheets=[css], font_config=fonts, pdf_tags=tags)
            samples.add(key, watch)


def latency(samples: Samples, saves: int = 15) -> None:
    """(j): save -> PDF under `build.py watch` (bench/latency.py)."""
    from latency import measure

    for seconds in measure(saves):
        samples.times.setdefault("j", []).append(seconds)
        samples.cpu.setdefault("j", []).append(float("nan"))


def run_round(setup: Setup, samples: Samples, number: int) -> None:
    """One round of every measure, interleaved so that noise hits them alike.

    (a) and (b) run back to back, in turns (b first in every other round); (d)
    follows the full build with nothing changed in the project in between.
    """
    steps = [("a", lambda: full_build(setup, samples)),
             ("b", lambda: floor(setup, samples))][::-1 if number % 2 else 1]
    steps += [("d", lambda: no_op(setup, samples)),
              ("g", lambda: startup(samples))] * CHEAP_RUNS
    for run in range(CHEAP_RUNS):
        steps += [("e", functools.partial(edit_one, setup, samples,
                                          number * CHEAP_RUNS + run)),
                  ("e1", lambda: single_full(setup, samples))]
    steps.append(("f", lambda: edit_template(setup, samples)))
    steps.append(("k", lambda: booklet(setup, samples)))
    if setup.scheduler:
        steps.append(("i", lambda: cluster_build(setup, samples)))
    if setup.pandoc:
        steps.append(("c", lambda: peer(setup, samples)))
    for key, step in steps:
        step()
        log(f"  round {number + 1}: {key} {samples.times[key][-1]:.3f} s")


def start_cluster(stack: contextlib.ExitStack, samples: Samples) -> str | None:
    """A 2-worker Dask LocalCluster on 127.0.0.1 for (i); its address."""
    try:
        from distributed import LocalCluster
    except ImportError:
        samples.notes.append("(i) not measured: Dask is not installed")
        return None
    cluster = stack.enter_context(LocalCluster(
        n_workers=JOBS, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None))
    return cluster.scheduler_address


def make_project(path: Path, count: int) -> None:
    """A project with ``count`` handouts and its own copy of the default theme."""
    make_corpus(path, count)
    shutil.copytree(ROOT / "versus" / "theme", path / "templates")


def log(message: str) -> None:
    """Progress on stderr, flushed at once so a background run can be followed."""
    print(message, file=sys.stderr, flush=True)


# --- the machine ------------------------------------------------------------------

def first_line(cmd: list[str]) -> str:
    """The first line a command prints, or what went wrong."""
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (result.stdout.strip().splitlines() or ["?"])[0]
    except (OSError, subprocess.SubprocessError) as error:
        return f"unavailable ({error})"


def versus_revision() -> str:
    """The commit measured, and the files of the engine and theme changed since it."""
    commit = first_line(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--",
                            "versus", "build.py"],
                           capture_output=True, text=True).stdout.split("\n")
    edited = sorted(line[3:] for line in dirty if line.strip())
    return commit + (f" plus uncommitted changes to {', '.join(edited)}" if edited
                     else " (clean)")


def source_digest() -> str:
    """A digest of the engine's and the theme's files, to notice edits during a run."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "versus").rglob("*")):
        if "__pycache__" in path.parts:
            continue
        if path.is_file():
            digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def cpu_model() -> str:
    """The processor model from /proc/cpuinfo."""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def memory_total() -> str:
    """Total memory from /proc/meminfo, in GiB."""
    kb = proc_field("/proc/meminfo", "MemTotal")
    return f"{kb / 2**20:.1f} GiB" if kb else "unknown"


def harfbuzz_subset() -> str:
    """Whether libharfbuzz-subset is installed (``ldconfig -p | grep harfbuzz-subset``)."""
    try:
        listing = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    except OSError as error:
        return f"unknown ({error})"
    found = [line.strip() for line in listing.splitlines() if "harfbuzz-subset" in line]
    return f"yes: {found[0]}" if found else "no"


@dataclass(frozen=True)
class CpuSnapshot:
    """Machine-wide busy CPU time (/proc/stat) and this benchmark's own, in seconds."""

    busy: float
    ours: float

    @classmethod
    def now(cls) -> CpuSnapshot:
        """Read both clocks."""
        fields = [int(n) for n in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        busy = (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")
        ours = sum(usage.ru_utime + usage.ru_stime for usage in map(
            resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))
        return cls(busy, ours)


def other_load(start: CpuSnapshot, wall: float) -> str:
    """How much of the machine other processes took while the benchmark ran."""
    end = CpuSnapshot.now()
    others = max(0.0, (end.busy - start.busy) - (end.ours - start.ours))
    cores = len(os.sched_getaffinity(0))
    return (f"{others:.0f} CPU s, {others / (wall * cores):.0%} of the "
            f"{cores} cores over the {wall / 60:.1f} min")


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: how busy the shared machine was."""
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def machine(pandoc: str | None, load_at_start: str, others: str,
            revision: str) -> list[tuple[str, str]]:
    """What the benchmark ran on."""
    cores = len(os.sched_getaffinity(0))
    return [
        ("nproc", f"{cores} (os.cpu_count() = {os.cpu_count()})"),
        ("memory", memory_total()),
        ("CPU", cpu_model()),
        ("kernel", platform.release()),
        ("Python", f"{platform.python_version()} ({sys.executable})"),
        ("WeasyPrint", metadata.version("weasyprint")),
        ("Versus", f"{metadata.version('versus')}, commit {revision}"),
        ("Pandoc", first_line([pandoc, "--version"]) if pandoc else "not available"),
        ("libharfbuzz-subset0", harfbuzz_subset()),
        ("load average (1, 5, 15 min)", f"{load_at_start} at the start, "
                                        f"{load_average()} at the end"),
        ("CPU used by other processes during the benchmark", others),
    ]


# --- the report -------------------------------------------------------------------

def median(values: list[float]) -> float:
    """The median, NaN for no values."""
    return statistics.median(values) if values else float("nan")


@dataclass(frozen=True)
class Ratio:
    """One measure over another, three ways."""

    of_medians: float
    """Ratio of the wall-time medians: what the targets are judged on."""
    paired: list[float]
    """Per-run ratios of runs taken side by side (same round, same iteration)."""
    cpu: float
    """Ratio of the CPU-time medians: little moved by other work on the machine."""


def ratio(samples: Samples, top: str, bottom: str) -> Ratio:
    """Measure ``top`` over measure ``bottom``."""
    num, den = samples.times.get(top, []), samples.times.get(bottom, [])
    cpu_num, cpu_den = samples.cpu.get(top, []), samples.cpu.get(bottom, [])
    return Ratio(median(num) / median(den), [a / b for a, b in zip(num, den)],
                 median(cpu_num) / median(cpu_den))


def verdict(value: float, limit: float, at_most: bool) -> str:
    """PASS or MISS, and by how much (relative to ``limit``), for ``value``."""
    if value != value:  # NaN: not measured
        return "n/a"
    ok = value <= limit if at_most else value >= limit
    margin = abs(value - limit) / limit
    return f"PASS ({margin:.1%} to spare)" if ok else f"MISS (by {margin:.1%})"


def table_rows(samples: Samples, setup: Setup) -> list[str]:
    """The markdown table of measures: median, min, max and number of runs."""
    rows = ["| measure | median s | min s | max s | runs | median CPU s |",
            "|---|---:|---:|---:|---:|---:|"]
    for key, label in LABELS.items():
        values = samples.times.get(key, [])
        label = label.format(count=setup.count)
        if key == "c" and values:
            label += (f" — timed on {min(setup.pandoc_subset, setup.count)} handouts, "
                      f"scaled ×{setup.count / min(setup.pandoc_subset, setup.count):g}")
        if not values:
            rows.append(f"| {label} | not measured | | | 0 |")
            continue
        rows.append(f"| {label} | {median(values):.3f} | {min(values):.3f} | "
                    f"{max(values):.3f} | {len(values)} | "
                    f"{median(samples.cpu[key]):.3f} |")
    peaks = samples.worker_peaks
    if peaks:
        rows.append(f"| (h) peak RSS per worker (VmHWM), MB (not s) | "
                    f"{median(peaks) / MB:.1f} | {min(peaks) / MB:.1f} | "
                    f"{max(peaks) / MB:.1f} | {len(peaks)} | |")
    return rows


def target_rows(samples: Samples) -> list[str]:
    """The ratios against the targets, PASS or MISS."""
    rows = ["| target | ratio of medians | side-by-side runs: median (range) "
            "| CPU-time ratio | result (on the ratio of medians) |",
            "|---|---:|---:|---:|---|"]
    for label, top, bottom, limit, at_most in (
            ("(a) ≤ 1.10 × (b)", "a", "b", 1.10, True),
            ("(c) ≥ 6 × (a)", "c", "a", 6.0, False),
            ("(d) ≤ 1.5 × (g)", "d", "g", 1.5, True),
            ("(e) ≤ 1.3 × (e1)", "e", "e1", 1.3, True),
            ("(i) ≤ 1.25 × (a)", "i", "a", 1.25, True)):
        found = ratio(samples, top, bottom)
        paired = (f"{median(found.paired):.2f} ({min(found.paired):.2f}–"
                  f"{max(found.paired):.2f})" if found.paired else "")
        rows.append(f"| {label} | {found.of_medians:.3f} | {paired} | {found.cpu:.2f} | "
                    f"{verdict(found.of_medians, limit, at_most)} |")
    peak = max(samples.worker_peaks, default=0) / MB
    rows.append(f"| (h) ≤ 250 MB per worker | {peak:.1f} MB (max of all runs) | | | "
                f"{verdict(peak if peak else float('nan'), 250, True)} |")
    save = median(samples.times.get("j", [float("nan")]))
    rows.append(f"| (j) save → PDF ≤ 0.35 s (median) | {save:.3f} s | | | "
                f"{verdict(save, 0.35, True)} |")
    tagged = ratio(samples, "m1", "m0")
    rows.append(f"| tagging cost: (m1) / (m0), no target | {tagged.of_medians:.3f} | | "
                f"{tagged.cpu:.2f} | |")
    booklet_share = ratio(samples, "k", "a")
    rows.append(f"| booklet: (k) / (a), no target | {booklet_share.of_medians:.3f} | | "
                f"{booklet_share.cpu:.2f} | |")
    return rows


def check_lines(samples: Samples, setup: Setup) -> list[str]:
    """Sanity checks: what each incremental build rewrote, workers seen, main memory."""
    expected = {"d": 0, "e": 1, "f": setup.count, "k": 0}
    lines = []
    for key, want in expected.items():
        got = samples.rewritten.get(key, [])
        flag = "as expected" if all(n == want for n in got) else "**UNEXPECTED**"
        lines.append(f"- PDFs rewritten by ({key}): {got} (expected {want} each): {flag}")
    lines.append(f"- worker processes seen per full build: {samples.workers_seen}")
    if samples.main_peaks:
        lines.append(f"- peak RSS of the main build process: "
                     f"{max(samples.main_peaks) / MB:.1f} MB")
    lines += [f"- {note}" for note in samples.notes]
    return lines


def command_line(args: argparse.Namespace) -> str:
    """The command that ran this benchmark, as a user would type it."""
    explicit = (f"python bench/bench.py --count {args.count} --repeat {args.repeat} "
                f"--pandoc-subset {args.pandoc_subset}")
    via_make = "`make bench` → " if os.environ.get("MAKELEVEL") else ""
    return f"{via_make}`{explicit}`"


def report(samples: Samples, setup: Setup, args: argparse.Namespace, elapsed: float,
           load_at_start: str, cpu_at_start: CpuSnapshot, revision: str) -> str:
    """RESULTS.md: the table, the targets, the checks, the machine and the command."""
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    lines = ["# Versus benchmark results", "",
             f"{setup.count} handouts (bench/corpus.py), {args.repeat} interleaved rounds; "
             f"measures under a second run {CHEAP_RUNS}× per round. Medians of wall "
             f"time, ratios taken between measures of the same run.", "",
             *table_rows(samples, setup), "", "## Targets", "",
             *target_rows(samples), "",
             "MB = 10^6 bytes. (c) ran Pandoc on the first "
             f"{min(setup.pandoc_subset, setup.count)} Markdown files and was scaled "
             "linearly to the whole corpus (pandoc's default HTML style, no Versus CSS).",
             "", WHY_MISSES, "## Checks", "", *check_lines(samples, setup), "", METHOD,
             "## Machine", "",
             *(f"- {name}: {value}"
               for name, value in machine(setup.pandoc, load_at_start,
                                          other_load(cpu_at_start, elapsed),
                                          revision)), "",
             f"Date: {now}; the whole benchmark took {elapsed / 60:.1f} min.", "",
             f"Command: {command_line(args)} (`make bench ARGS='...'` passes options).",
             ""]
    return "\n".join(lines)


# --- main -------------------------------------------------------------------------

def parse_args() -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200, help="handouts in the corpus")
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds of every measure (the median is reported)")
    parser.add_argument("--pandoc-subset", type=int, default=20,
                        help="handouts Pandoc converts per round, scaled to --count")
    parser.add_argument("--output", type=Path, default=RESULTS,
                        help="where to write the results (markdown)")
    args = parser.parse_args()
    if args.count < 1 or args.repeat < 1 or args.pandoc_subset < 1:
        parser.error("--count, --repeat and --pandoc-subset must be at least 1")
    return args


def main() -> int:
    """Make the projects, run the rounds, print and write the results."""
    args = parse_args()
    # As a user runs Versus: its modules compiled once and cached, as pip compiled
    # the libraries'; with this variable set, Versus is compiled at every start.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    load_at_start, cpu_at_start = load_average(), CpuSnapshot.now()
    revision, source_at_start = versus_revision(), source_digest()
    pandoc, why = find_pandoc()
    with tempfile.TemporaryDirectory(prefix="versus-bench-") as temp:
        temp = Path(temp)
        setup = Setup(project=temp / "project", single=temp / "single",
                      floor_out=temp / "floor", pandoc_out=temp / "pandoc",
                      count=args.count, pandoc_subset=min(args.pandoc_subset, args.count),
                      pandoc=pandoc)
        make_project(setup.project, args.count)
        make_project(setup.single, 1)
        samples = Samples()
        if why:
            samples.notes.append(f"(c) not measured: {why}")
        with contextlib.ExitStack() as stack:
            setup = dataclasses.replace(setup, scheduler=start_cluster(stack, samples))
            for number in range(args.repeat):
                log(f"round {number + 1} of {args.repeat}")
                run_round(setup, samples, number)
        log("tagging and watch latency")
        tagging(samples)
        latency(samples)
        if source_digest() != source_at_start:
            samples.notes.append("**versus/ or templates/ changed while the benchmark "
                                 "ran: the runs mix two versions of the code**")
            log("warning: versus/ or templates/ changed during the run")
        text = report(samples, setup, args, time.perf_counter() - started,
                      load_at_start, cpu_at_start, revision)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    log(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        sys.exit(1)
