#!/usr/bin/env python3
"""Table cells: one Python-Markdown run per cell against all of a handout's cells
in one run, as paragraphs between separator comments, and against what Versus
does: plain cells skip the converter (``Markdown.inline``), the others take a run.

    python bench/cells.py [--rounds 10] [--runs 100]

Both go through the same reset-reused converter (``Pages.markdown``); the joined
way is defined here, with the guard that sends a cell which could reach past its
paragraph through the per-cell way. It prints whether both give the same page for
the seed and the test fixtures, and the median time of a whole web page each way.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from versus.content.handouts import load_handout  # noqa: E402
from versus.render.pages import Pages
from versus.render.theme import Theme
from versus.render.converter import Markdown
from versus.settings import load_settings  # noqa: E402

MARK = "<!--versus-cell-->"
UNSAFE = re.compile(r"[\r\n\f\v]|versus-cell|^\s|^(?:[-*+>#<|:=]|!!!|\d+[.)]|`{3}|~{3}"
                    r"|\[[^\]]*\]:)")
SOURCES = ["content/devops-vs-mlops.md", "tests/fixtures/databases-six.md",
           "tests/fixtures/feature-handout.md"]


def per_cell(self, texts, screen=False):
    return [self.convert_inline(text, screen) for text in texts]


def versus_way(self, texts, screen=False):
    return [self.inline(text, screen) for text in texts]


def joined(self, texts, screen=False):
    if len(texts) < 2 or any(map(UNSAFE.search, texts)):
        return per_cell(self, texts, screen)
    self._md.versus_screen = screen
    parts = self._md.reset().convert(f"\n\n{MARK}\n\n".join(texts)).split(MARK)
    if len(parts) != len(texts):
        return per_cell(self, texts, screen)
    return [self._unwrap(part.strip("\n"), screen) for part in parts]


def _unwrap(self, html, screen):
    from markupsafe import Markup

    from versus.render.converter import PARAGRAPH_RE

    html = self._clean(html, screen)
    match = PARAGRAPH_RE.match(html)
    if match and "<p>" not in match.group(1):
        html = match.group(1)
    return Markup(html)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    Markdown._unwrap = _unwrap
    settings = load_settings(ROOT)
    pages = Pages(Theme.for_project(ROOT), settings)
    same = True
    for source in SOURCES:
        handout = load_handout(ROOT / source, Path(source).stem, settings)
        for screen in (False, True):
            pages.markdown.start(handout.items, {}, screen)
            texts = [t for a in handout.attributes for t in (a.name, *a.values)]
            one = per_cell(pages.markdown, texts, screen)
            pages.markdown.start(handout.items, {}, screen)
            two = joined(pages.markdown, texts, screen)
            pages.markdown.start(handout.items, {}, screen)
            three = versus_way(pages.markdown, texts, screen)
            same &= one == two == three
    print("same cells every way:", same)
    handout = load_handout(ROOT / SOURCES[0], "devops-vs-mlops", settings)
    texts = [t for a in handout.attributes for t in (a.name, *a.values)]
    ways = (("per cell", per_cell), ("joined", joined), ("plain ones skip", versus_way))
    times = {name: [] for name, _ in ways}
    for _ in range(args.rounds):
        for name, way in ways:
            started = time.perf_counter()
            for _ in range(args.runs):
                pages.markdown.start(handout.items, {}, True)
                way(pages.markdown, texts, True)
            times[name].append((time.perf_counter() - started) / args.runs * 1e3)
    page = []
    for _ in range(args.runs):
        started = time.perf_counter()
        pages.handout(handout, "screen")
        page.append((time.perf_counter() - started) * 1e3)
    for name, values in times.items():
        print(f"{len(texts)} cells {name}: {statistics.median(values):.3f} ms "
              f"(min {min(values):.3f})")
    print(f"the whole web page: {statistics.median(page):.3f} ms")


if __name__ == "__main__":
    main()
