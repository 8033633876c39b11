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
import contextlib
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ is not a package

from harness import RESULTS, BenchError, Samples, Setup, log, make_project  # noqa: E402
from measures import find_pandoc, latency, run_round, start_cluster, tagging  # noqa: E402
from report import (CpuSnapshot, keep_other_sections, load_average, report,  # noqa: E402
                    source_digest, versus_revision)


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
    if args.output.is_file():  # the sections other benchmarks wrote stay
        text = keep_other_sections(args.output.read_text(encoding="utf-8"), text)
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
