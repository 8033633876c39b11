#!/usr/bin/env python3
"""Measure the site index: build time and size for N handouts, and the filter's
time from a keystroke to the results in headless Chromium.

    python bench/index.py --count 200 --count 10000

For each count it makes a corpus (bench/corpus.py) in a temporary project, runs
``build.py html`` once (wall time, every page and the index), then times the
index alone in this process (``Pages.index`` over the loaded handouts: the
index's pages, the tags' pages, search-index.js; medians of --repeat runs) and
prints the sizes. With ``--filter`` (default on) it opens output/index.html from
disk and times typing: from the input event to the list laid out, for a few
queries, the median of --repeat runs each.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT), str(ROOT / "tests")]

from corpus import make_corpus  # noqa: E402  (bench/ is not a package)

QUERIES = ("d", "devops", "mlops9999", "machine learning", "operations devops12")
TYPE = """
const box = document.getElementById('filter');
box.value = arguments[0];
const start = performance.now();
box.dispatchEvent(new Event('input'));
document.body.offsetHeight;  // the list laid out, not only built
return [performance.now() - start, document.querySelectorAll('#handouts > li').length];
"""


def index_seconds(project: Path, repeat: int) -> tuple[float, float]:
    """Seconds to load every handout, and the median seconds of ``Pages.index``."""
    from versus.content.handouts import load_handout
    from versus.content.files import discover
    from versus.render.pages import Pages
    from versus.render.theme import Theme
    from versus.settings import load_settings

    settings = load_settings(project)
    started = time.perf_counter()
    handouts = sorted((load_handout(path, slug, settings)
                       for slug, path in discover(project)[0]), key=lambda h: h.slug)
    loaded = time.perf_counter() - started
    pages = Pages(Theme.for_project(project), settings)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        pages.index(handouts)
        times.append(time.perf_counter() - started)
    return loaded, statistics.median(times)


def filter_ms(index: Path, repeat: int) -> dict[str, tuple[float, int]]:
    """Median milliseconds from the input event to the list laid out, per query."""
    from support.webcheck import chromium, show

    found = {}
    with chromium() as driver:
        show(driver, index)
        for query in QUERIES:
            runs = [driver.execute_script(TYPE, query) for _ in range(repeat)]
            found[query] = (statistics.median(run[0] for run in runs), runs[0][1])
    return found


def measure(count: int, repeat: int, run_filter: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="versus-index-") as folder:
        project = Path(folder)
        make_corpus(project, count)
        started = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "build.py"), "html", "-q",
                        "--project", str(project)], check=True)
        build = time.perf_counter() - started
        loaded, index = index_seconds(project, repeat)
        output = project / "output"
        listing = sum(p.stat().st_size for p in output.glob("index*.html"))
        tags = sum(p.stat().st_size for p in (output / "tags").glob("*.html"))
        print(f"\n{count:,} handouts")
        print(f"  build.py html (all pages and the index): {build:.1f} s wall")
        print(f"  loading the handouts: {loaded:.2f} s; Pages.index: {index:.2f} s "
              f"(median of {repeat})")
        print(f"  index.html {(output / 'index.html').stat().st_size / 1000:.1f} kB; "
              f"search-index.js {(output / 'search-index.js').stat().st_size / 1000:.1f} kB;"
              f" all {len(list(output.glob('index*.html')))} index pages "
              f"{listing / 1000:.0f} kB; tag pages {tags / 1000:.0f} kB")
        if run_filter:
            for query, (ms, listed) in filter_ms(output / "index.html", repeat).items():
                print(f"  filter {query!r}: {ms:.1f} ms, {listed} listed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, action="append")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-filter", dest="filter", action="store_false")
    args = parser.parse_args()
    for count in args.count or [200, 10_000]:
        measure(count, args.repeat, args.filter)


if __name__ == "__main__":
    main()
