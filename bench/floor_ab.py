#!/usr/bin/env python3
"""(a) a full PDF build against (b) plain WeasyPrint over the same print HTML, alternating.

    python bench/floor_ab.py [--count 200] [--rounds 3] [--off VAR ...]

Times only measures (a) and (b) of bench.py, as it takes them, on a fresh corpus
of ``--count`` handouts; with ``--off VAR`` each round also times (a) with the
environment variable VAR set to 0 (a speed-up switched off). Prints each run and
the median of the pairwise ratios (a)/(b).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Samples, Setup, make_project  # noqa: E402
from measures import floor, full_build  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--off", action="append", default=[],
                        help="also time (a) with this environment variable set to 0")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="versus-ab-") as folder:
        temp = Path(folder)
        setup = Setup(project=temp / "project", single=temp / "single",
                      floor_out=temp / "floor", pandoc_out=temp / "pandoc",
                      count=args.count, pandoc_subset=0, pandoc=None)
        make_project(setup.project, args.count)
        samples = Samples()
        for round_ in range(args.rounds):
            steps = ["a", "b", *args.off]
            if round_ % 2:
                steps.reverse()
            for step in steps:
                if step == "b":
                    floor(setup, samples)
                elif step == "a":
                    full_build(setup, samples)
                else:
                    os.environ[step] = "0"
                    try:
                        full_build(setup, samples)
                    finally:
                        del os.environ[step]
                    samples.times[step] = samples.times.get(step, []) + [
                        samples.times["a"].pop()]
                    samples.cpu[step] = samples.cpu.get(step, []) + [
                        samples.cpu["a"].pop()]
            print(f"round {round_ + 1}: " + ", ".join(
                f"{key} {samples.times[key][-1]:.2f} s (cpu {samples.cpu[key][-1]:.1f})"
                for key in ["a", "b", *args.off]), flush=True)
    for key in ["a", *args.off]:
        ratios = [x / y for x, y in zip(samples.times[key], samples.times["b"])]
        cpu = [x / y for x, y in zip(samples.cpu[key], samples.cpu["b"])]
        print(f"{key}/b: median {statistics.median(ratios):.3f} "
              f"({min(ratios):.3f}-{max(ratios):.3f}); CPU {statistics.median(cpu):.3f}")


if __name__ == "__main__":
    main()
