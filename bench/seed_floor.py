#!/usr/bin/env python3
"""A seed PDF as a build's worker makes it, against plain WeasyPrint over the same print HTML.

    python bench/seed_floor.py [--rounds 15] [--paper a4|letter|a5] [--handout FILE.md]

Each side in a process of its own, warm, the two asked for one render in turn,
CPU time taken inside each process: Versus's job (Markdown, templates,
WeasyPrint with Versus's layout fixes and memo, the structure fixes, the text
check) and ``weasyprint.HTML(string=print_html).write_pdf()`` over the HTML that
job laid out (``pdf --keep-html``), in a process that never imports Versus (its
changes to WeasyPrint are made in the process that imports them), with its
fonts loaded and its stylesheet parsed once (given as a parsed sheet, the page's
link to it taken out: the same PDF). Prints each one's median and the median of
the pairwise ratios.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLUG = "devops-vs-mlops"
LINK_RE = re.compile(r'<link rel="stylesheet"[^>]*>')

_render = None
"""This process's one render, set by its pool's initializer."""


def versus_side(project: str, slug: str) -> None:
    """Pool initializer: Versus's worker job for the handout, made once."""
    global _render
    sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]
    from facts import page_job  # bench/ is not a package

    from versus.build.jobs import make

    job = page_job(Path(project), slug)
    _render = lambda: make(job)  # noqa: E731


def plain_side(printed: str) -> None:
    """Pool initializer: plain WeasyPrint, its fonts and the stylesheet loaded once."""
    global _render
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    assert "versus" not in sys.modules
    page = Path(printed)
    fonts = FontConfiguration()
    html, linked = LINK_RE.subn("", page.read_text(encoding="utf-8"), count=1)
    assert linked == 1, "the print HTML links no stylesheet"
    sheet = weasyprint.CSS(filename=str(page.parent / "assets" / "versus.css"),
                           font_config=fonts)
    _render = lambda: weasyprint.HTML(string=html, base_url=printed).write_pdf(  # noqa: E731
        stylesheets=[sheet], font_config=fonts)


def timed() -> float:
    """One render in this process: its CPU seconds."""
    gc.collect()  # the last render's garbage is not this one's cost
    started = time.process_time()
    _render()
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--paper", default="a4", choices=("a4", "letter", "a5"))
    parser.add_argument("--handout", type=Path, default=ROOT / "content" / f"{SLUG}.md",
                        help="another handout than the seed (its own folder's images aside)")
    args = parser.parse_args()
    slug = args.handout.stem
    spawn = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="versus-seed-floor-") as folder:
        project = Path(folder)
        (project / "content").mkdir()
        shutil.copy(args.handout, project / "content")
        (project / "versus.yaml").write_text(f"paper: {args.paper}\n", encoding="utf-8")
        subprocess.run([sys.executable, str(ROOT / "build.py"), "pdf", "--project",
                        str(project), "--keep-html", "-q"], check=True)
        printed = project / "output" / "print" / f"{slug}.html"
        sides = {"versus": spawn.Pool(1, versus_side, (str(project), slug)),
                 "plain": spawn.Pool(1, plain_side, (str(printed),))}
        try:
            for pool in sides.values():  # warm: fonts, stylesheets, templates
                pool.apply(timed)
            times: dict[str, list[float]] = {name: [] for name in sides}
            for round_ in range(args.rounds):
                for name in (("versus", "plain") if round_ % 2 == 0 else ("plain", "versus")):
                    times[name].append(sides[name].apply(timed))
        finally:
            for pool in sides.values():
                pool.terminate()
    ratios = [a / b for a, b in zip(times["versus"], times["plain"])]
    print(f"- Versus's worker job, {slug} on {args.paper.upper()}: median "
          f"{statistics.median(times['versus']):.3f} s CPU")
    print(f"- plain WeasyPrint over the same print HTML: median "
          f"{statistics.median(times['plain']):.3f} s CPU")
    print(f"- Versus / plain, median of {args.rounds} pairs: {statistics.median(ratios):.3f} "
          f"(min {min(ratios):.3f}, max {max(ratios):.3f})")


if __name__ == "__main__":
    main()
