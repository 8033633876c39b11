#!/usr/bin/env python3
"""A seed PDF as a build's worker makes it, against plain WeasyPrint over the same print HTML.

    python bench/seed_floor.py [--rounds 15] [--paper a4|letter|a5]

Both in this process, warm, alternating, CPU time: Versus's job (Markdown,
templates, WeasyPrint with Versus's layout fixes and memo, the structure fixes,
the text check) and ``weasyprint.HTML(string=print_html).write_pdf()`` over the
HTML that job laid out (``pdf --keep-html``), its fonts loaded and its
stylesheet parsed once for the process (given as a parsed sheet, the page's link
to it taken out: the same PDF). Prints each one's median and the median of the
pairwise ratios.
"""

from __future__ import annotations

import argparse
import gc
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from facts import page_job  # noqa: E402  (bench/ is not a package)

SLUG = "devops-vs-mlops"
LINK_RE = re.compile(r'<link rel="stylesheet"[^>]*>')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--paper", default="a4", choices=("a4", "letter", "a5"))
    args = parser.parse_args()
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from versus.build.jobs import make

    with tempfile.TemporaryDirectory(prefix="versus-seed-floor-") as folder:
        project = Path(folder)
        (project / "content").mkdir()
        shutil.copy(ROOT / "content" / f"{SLUG}.md", project / "content")
        (project / "versus.yaml").write_text(f"paper: {args.paper}\n", encoding="utf-8")
        subprocess.run([sys.executable, str(ROOT / "build.py"), "pdf", "--project",
                        str(project), "--keep-html", "-q"], check=True)
        printed = project / "output" / "print" / f"{SLUG}.html"
        fonts = FontConfiguration()
        # The stylesheet parsed once for the process, as a build's worker has it:
        # the page without its link, the parsed sheet given instead (the same PDF).
        html, linked = LINK_RE.subn("", printed.read_text(encoding="utf-8"), count=1)
        assert linked == 1, "the print HTML links no stylesheet"
        sheet = weasyprint.CSS(filename=str(printed.parent / "assets" / "versus.css"),
                               font_config=fonts)

        def plain():
            weasyprint.HTML(string=html, base_url=str(printed)).write_pdf(
                stylesheets=[sheet], font_config=fonts)

        job = page_job(project, SLUG)
        runs = {"versus": lambda: make(job), "plain": plain}
        for run in runs.values():  # warm: fonts, stylesheets, templates
            run()
        times: dict[str, list[float]] = {name: [] for name in runs}
        for round_ in range(args.rounds):
            for name in (("versus", "plain") if round_ % 2 == 0 else ("plain", "versus")):
                gc.collect()
                start = time.process_time()
                runs[name]()
                times[name].append(time.process_time() - start)
    ratios = [a / b for a, b in zip(times["versus"], times["plain"])]
    print(f"- Versus's worker job, the seed on {args.paper.upper()}: median "
          f"{statistics.median(times['versus']):.3f} s CPU")
    print(f"- plain WeasyPrint over the same print HTML: median "
          f"{statistics.median(times['plain']):.3f} s CPU")
    print(f"- Versus / plain, median of {args.rounds} pairs: {statistics.median(ratios):.3f} "
          f"(min {min(ratios):.3f}, max {max(ratios):.3f})")


if __name__ == "__main__":
    main()
