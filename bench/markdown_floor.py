#!/usr/bin/env python3
"""A web page against its Markdown floor, per page in one warm process: Versus's
conversion of a handout for the screen (``Pages.convert``: lead, cells, body,
notes) and the whole page as a build's worker makes it (``jobs.make``), each
with the inline-pattern gates on and off (``versus.render.gates``), against
stock Python-Markdown converting the same file (front matter off) with the
same stock extensions, as the web build's floor does (bench/scale.py); and the
page made again with its conversion kept (``versus.build.converted``), as after
a template edit.

    python bench/markdown_floor.py [--rounds 31] [--runs 20] [SOURCE.md ...]

The ways alternate within each round (the order turns round by round); each
is CPU time over --runs conversions. Prints, per source, each way's median
time and the median of its pairwise ratios to the floor of the same round.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SOURCES = ["content/devops-vs-mlops.md", "tests/fixtures/databases-six.md",
           "tests/fixtures/feature-handout.md", "tests/fixtures/sourced-databases.md"]


def converters():
    """The floor's converter, and Versus's with the gates on and off."""
    import markdown

    from versus.render import gates
    from versus.render.converter import MARKDOWN_CONFIG, MARKDOWN_EXTENSIONS, Markdown

    floor = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS,
                              extension_configs=MARKDOWN_CONFIG)
    made = {}
    for name, switch in (("gates on", "1"), ("gates off", "0")):
        os.environ[gates.SWITCH] = switch
        made[name] = Markdown()
    del os.environ[gates.SWITCH]
    assert made["gates on"].gated and not made["gates off"].gated
    return floor, made


def ways(source: Path, floor, versus: dict, kept: Path):
    """What one round times for ``source``: name -> one call; the page made with
    its conversion kept in ``kept`` (``versus.build.converted``) too."""
    from versus.build.jobs import PageJob, make, pages_for
    from versus.content.handouts import load_handout
    from versus.render.theme import Theme
    from versus.settings import load_settings

    settings = load_settings(ROOT)
    theme = Theme.for_project(ROOT)
    handout = load_handout(source, source.stem, settings)
    text = source.read_text("utf-8").split("\n---\n", 1)[-1]
    job = PageJob("html", handout, theme.dirs, settings, None, "../",
                  roots=(ROOT, *theme.dirs))
    pages = pages_for(theme.dirs, settings)

    def converting(converter):
        def run():
            pages.__dict__["markdown"] = converter
            pages.convert(handout, "screen")
        return run

    def page(converter):
        def run():
            pages.__dict__["markdown"] = converter
            output = make(job)
            assert output.error is None, output.error
        return run

    found = {"floor": lambda: floor.reset().convert(text)}
    for name, converter in versus.items():
        found[f"conversion, {name}"] = converting(converter)
        found[f"web page, {name}"] = page(converter)
    again = dataclasses.replace(job, cache=str(kept))

    def page_again():
        output = make(again)
        assert output.error is None, output.error
    page_again()  # converts and keeps it: every later call takes it
    found["web page, conversion kept"] = page_again
    return found


def measure(found: dict, rounds: int, runs: int) -> dict[str, list[float]]:
    """Each way's CPU milliseconds per call, round by round, alternating."""
    for run in found.values():  # warm: templates, regular expressions, caches
        for _ in range(3):
            run()
    times: dict[str, list[float]] = {name: [] for name in found}
    names = list(found)
    for round_ in range(rounds):
        order = names if round_ % 2 == 0 else names[::-1]
        for name in order:
            gc.collect()  # the other ways' garbage is not this one's cost
            started = time.process_time()
            for _ in range(runs):
                found[name]()
            times[name].append((time.process_time() - started) / runs * 1e3)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("sources", nargs="*", default=SOURCES)
    args = parser.parse_args()
    floor, versus = converters()
    for source in args.sources:
        with tempfile.TemporaryDirectory(prefix="versus-kept-") as kept:
            times = measure(ways(ROOT / source, floor, versus, Path(kept)), args.rounds,
                            args.runs)
        print(f"{source}: floor {statistics.median(times['floor']):.3f} ms")
        for name, values in times.items():
            if name == "floor":
                continue
            ratios = [a / b for a, b in zip(values, times["floor"])]
            print(f"  {name}: {statistics.median(values):.3f} ms, "
                  f"{statistics.median(ratios):.2f} × the floor "
                  f"(pairs: min {min(ratios):.2f}, max {max(ratios):.2f})")


if __name__ == "__main__":
    main()
