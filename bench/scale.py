#!/usr/bin/env python3
"""How web builds, no-op builds, check and the build state grow with the site.

    python bench/scale.py --count 200 --count 2000 --count 10000 --huge 100000

For each --count it makes a corpus (bench/corpus.py) and times, as subprocesses of
``build.py``: the full web build (``html --force`` into an empty output/), then
again with the conversions it kept (as after a template edit), the
build with nothing to do (median of --repeat), ``check`` cold (no state) and warm
(nothing changed; up to --check-max handouts), with the peak RSS of the main
process (VmHWM, polled), and the floors: start-up (``import click, jinja2, yaml,
markdown``) and each handout's Markdown converted once with the same extensions
in 2 processes; and the disk's share: as many files as the full build made
(output/ and .versus/), as big, created in one process in a new folder beside
them. The full build, its floor and the cold check run --pairs rounds,
interleaved, and each ratio is the median of the rounds' ratios.
For --huge it measures the no-op and the state only: the state is made by a
build whose pages are stubs (``StubExecutor``: nothing is rendered), then the
real ``build.py html`` runs with nothing to do. Results go to stdout as a
Markdown section, and with --write into bench/RESULTS.md (replacing the section).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT)]

from corpus import make_corpus  # noqa: E402  (bench/ is not a package)
from report import replace_section  # noqa: E402
from tests.support.files import StubExecutor  # noqa: E402

HEADING = "## Scale"
STARTUP = [sys.executable, "-c", "import click, jinja2, yaml, markdown"]


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and the peak RSS (MB) of the process ``command`` starts."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    peak = 0
    while child.poll() is None:
        peak = max(peak, _hwm(child.pid))
        time.sleep(0.01)
    seconds = time.perf_counter() - started
    if child.returncode not in (0, 1):
        raise RuntimeError(f"{command} exited {child.returncode}: "
                           f"{child.stderr.read().decode()[-2000:]}")
    return seconds, peak / 1e6


def _hwm(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def median_of(command: list[str], repeat: int) -> tuple[float, float]:
    runs = [timed(command) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def versus(*args) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), *map(str, args), "-q"]


def _convert(path: str) -> int:
    from markdown import Markdown

    from versus.render.converter import MARKDOWN_CONFIG, MARKDOWN_EXTENSIONS

    md = _convert.md = getattr(_convert, "md", None) or Markdown(
        extensions=MARKDOWN_EXTENSIONS, extension_configs=MARKDOWN_CONFIG)
    text = Path(path).read_text("utf-8").split("\n---\n", 1)[-1]
    return len(md.reset().convert(text))


def floor_seconds(project: Path) -> float:
    """Every handout's Markdown (front matter off) converted once, 2 processes."""
    paths = [str(p) for p in sorted((project / "content").rglob("*.md"))]
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        sum(pool.map(_convert, paths, chunksize=64))
    return time.perf_counter() - started


def files_made(project: Path) -> list[int]:
    """The sizes of the files a build made: the site and what it keeps for itself."""
    return [path.stat().st_size for folder in ("output", ".versus")
            for path in (project / folder).rglob("*") if path.is_file()]


def creating_seconds(project: Path, sizes: list[int]) -> float:
    """Seconds to create files of ``sizes`` (a thousand to a folder) in a new folder
    in ``project``, in one process: what making that many files costs on this disk."""
    folder = Path(tempfile.mkdtemp(dir=project, prefix="files-"))
    try:
        started = time.perf_counter()
        for number, size in enumerate(sizes):
            if number % 1000 == 0:
                part = folder / str(number // 1000)
                part.mkdir()
            with open(part / f"{number}.html", "xb") as handle:
                handle.write(b"x" * size)
        return time.perf_counter() - started
    finally:
        shutil.rmtree(folder)


def state_mb(project: Path) -> float:
    return sum(p.stat().st_size for p in (project / ".versus").glob("state.db*")) / 1e6


def measure(count: int, repeat: int, check: bool, pairs: int) -> dict:
    """The figures at ``count`` handouts; the full build, its floor and the cold
    check are measured ``pairs`` times, interleaved (the ratios are the medians
    of each round's ratio: the machine's load changes between rounds)."""
    with tempfile.TemporaryDirectory(prefix="versus-scale-") as folder:
        project = Path(folder)
        make_corpus(project, count)
        row = {"count": count, "full_mb": 0.0}
        rounds = []
        for _ in range(pairs):
            shutil.rmtree(project / "output", ignore_errors=True)
            shutil.rmtree(project / ".versus", ignore_errors=True)
            floor = floor_seconds(project)
            full, peak = timed(versus("html", "--project", project, "--force",
                                      "--jobs", "2"))
            row["full_mb"] = max(row["full_mb"], peak)
            sizes = files_made(project)
            row["files"] = len(sizes)
            creating = creating_seconds(project, sizes)
            # Again, as after a template edit: every page made, the conversions kept.
            again, _ = timed(versus("html", "--project", project, "--force", "--jobs", "2"))
            cold = None
            if check:
                (project / ".versus").joinpath("state.db").unlink(missing_ok=True)
                cold, _ = timed(versus("check", "--project", project))
            rounds.append((full, floor, cold, again, creating))
        row["full"] = statistics.median(r[0] for r in rounds)
        row["floor"] = statistics.median(r[1] for r in rounds)
        row["full_floor"] = statistics.median(r[0] / r[1] for r in rounds)
        row["again"] = statistics.median(r[3] for r in rounds)
        row["again_floor"] = statistics.median(r[3] / r[1] for r in rounds)
        row["creating"] = statistics.median(r[4] for r in rounds)
        row["creating_floor"] = statistics.median(r[4] / r[1] for r in rounds)
        if check:
            row["check_cold"] = statistics.median(r[2] for r in rounds)
            row["cold_full"] = statistics.median(r[2] / r[0] for r in rounds)
        # One no-op first: files changed within 2 s of a save are read again once
        # (versus.build.state.RACY_NS), and a corpus just written may be that young.
        timed(versus("html", "--project", project))
        row["noop"], row["noop_mb"] = median_of(versus("html", "--project", project),
                                                repeat)
        row["state_mb"] = state_mb(project)
        if check:
            timed(versus("check", "--project", project))  # the same racy window
            row["check_warm"], _ = median_of(versus("check", "--project", project), repeat)
        return row


def measure_huge(count: int, repeat: int, keep: Path | None) -> dict:
    from versus.build.pipeline import BuildOptions, build

    folder = keep or Path(tempfile.mkdtemp(prefix="versus-scale-huge-"))
    try:
        if not (folder / "content").is_dir():
            make_corpus(folder, count)
        started = time.perf_counter()
        report = build(folder, BuildOptions(formats=("html",)), StubExecutor())
        assert report.ok, report.errors[:3]
        row = {"count": count, "stub_build": time.perf_counter() - started}
        timed(versus("html", "--project", folder))  # files just written are read once
        time.sleep(2.5)  # past the racy window, as any later build would be
        timed(versus("html", "--project", folder))
        row["noop"], row["noop_mb"] = median_of(versus("html", "--project", folder),
                                                repeat)
        row["state_mb"] = state_mb(folder)
        return row
    finally:
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def measure_pdfs(count: int) -> dict:
    """``count`` PDFs built with 2 local workers, then on a 2-worker Dask
    LocalCluster (the PDF side of a big site; one run each)."""
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory(prefix="versus-scale-pdf-") as folder:
        project = Path(folder)
        make_corpus(project, count)
        row = {"count": count}
        row["local"], _ = timed(versus("pdf", "--project", project, "--force",
                                       "--jobs", "2"))
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          host="127.0.0.1", dashboard_address=None) as cluster:
            row["dask"], _ = timed(versus("pdf", "--project", project, "--force",
                                          "--scheduler", cluster.scheduler_address))
        row["pdfs"] = len(list((project / "output" / "pdf").glob("*.pdf")))
        return row


def report(rows: list[dict], huge: dict | None, startup: float, command: str,
           pdfs: dict | None = None) -> str:
    lines = [HEADING, "",
             f"`{command}`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
             f"{os.cpu_count()} cores shared with other work (wall times are upper "
             "bounds). Corpus: bench/corpus.py (seed variants). Start-up (`import "
             f"click, jinja2, yaml, markdown`): {startup:.3f} s.", "",
             "| handouts | html full build | floor (Markdown once, 2 procs) | full / floor "
             "| per handout | files made | creating them alone | creating / floor "
             "| again, conversions kept | again / floor "
             "| no-op | no-op / start-up | check cold | check cold / full "
             "| check warm | check warm / start-up | peak RSS main, no-op / full "
             "| state file |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:"
             "|---:|---:|---:|"]
    for row in rows:
        cold = f"{row['check_cold']:.2f} s" if "check_cold" in row else "—"
        cold_full = f"{row['cold_full']:.2f}" if "cold_full" in row else "—"
        warm = f"{row['check_warm']:.3f} s" if "check_warm" in row else "—"
        ratio = f"{row['check_warm'] / startup:.1f}" if "check_warm" in row else "—"
        lines.append(
            f"| {row['count']:,} | {row['full']:.2f} s | {row['floor']:.2f} s "
            f"| {row['full_floor']:.2f} | {row['full'] / row['count'] * 1e3:.2f} ms "
            f"| {row['files']:,} | {row['creating']:.2f} s | {row['creating_floor']:.2f} "
            f"| {row['again']:.2f} s | {row['again_floor']:.2f} "
            f"| {row['noop']:.3f} s | {row['noop'] / startup:.2f} | {cold} | {cold_full} "
            f"| {warm} | {ratio} | {row['noop_mb']:.0f} / {row['full_mb']:.0f} MB "
            f"| {row['state_mb']:.1f} MB |")
    if huge:
        lines.append(
            f"| {huge['count']:,} | (state made by a stub build: "
            f"{huge['stub_build']:.0f} s) | | | | | | | | | {huge['noop']:.3f} s "
            f"| {huge['noop'] / startup:.2f} | — | — | — | — | {huge['noop_mb']:.0f} MB / — "
            f"| {huge['state_mb']:.1f} MB |")
    if pdfs:
        lines += ["", f"PDFs, {pdfs['count']:,} handouts ({pdfs['pdfs']:,} written), "
                  f"`pdf --force`: 2 local workers {pdfs['local']:.1f} s "
                  f"({pdfs['local'] / pdfs['count'] * 1e3:.1f} ms a handout), a 2-worker "
                  f"Dask LocalCluster {pdfs['dask']:.1f} s ({pdfs['dask'] / pdfs['local']:.2f} "
                  "× local)."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, action="append",
                        help="handouts in one corpus (repeatable; default 200, 2000, 10000)")
    parser.add_argument("--huge", type=int, default=0,
                        help="also the no-op and state at this many handouts")
    parser.add_argument("--keep-huge", type=Path,
                        help="make (or reuse) the huge corpus here and keep it")
    parser.add_argument("--check-max", type=int, default=2000,
                        help="time check only up to this many handouts")
    parser.add_argument("--repeat", type=int, default=5,
                        help="runs of each no-op and warm check (their median)")
    parser.add_argument("--pairs", type=int, default=1,
                        help="rounds of full build, floor and cold check, interleaved")
    parser.add_argument("--pdfs", type=int, default=0,
                        help="also build this many PDFs locally and on a Dask cluster")
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()
    # As a user runs Versus: its modules compiled once and cached, as pip compiled
    # the libraries'; with this variable set, Versus is compiled at every start.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    counts = args.count if args.count is not None else [200, 2000, 10000]
    startup = median_of(STARTUP, 9)[0]
    rows = []
    for count in counts:
        rows.append(measure(count, args.repeat, count <= args.check_max, args.pairs))
        print(rows[-1], flush=True)
    huge = measure_huge(args.huge, args.repeat, args.keep_huge) if args.huge else None
    if huge:
        print(huge, flush=True)
    pdfs = measure_pdfs(args.pdfs) if args.pdfs else None
    if pdfs:
        print(pdfs, flush=True)
    command = "python bench/scale.py " + " ".join(sys.argv[1:])
    section = report(rows, huge, startup, command, pdfs)
    print(section)
    if args.write:
        replace_section(BENCH / "RESULTS.md", HEADING, section)


if __name__ == "__main__":
    main()
