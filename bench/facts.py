#!/usr/bin/env python3
"""What sources cost a PDF: the seed handout with 30 sourced cells (10 sources, each
with a title and a date, so a Sources list of 10 entries) against the same handout
with the same cells as plain text, each made as a build's worker makes it
(Markdown, templates, WeasyPrint, the structure fixes), in this process, warm,
alternating.

    python bench/facts.py [--rounds 15] [--write]
    python bench/facts.py --only sourced|plain [--renders 10]

Prints each one's median and the median of the pairwise ratios (sourced / plain);
``--write`` puts them in bench/RESULTS.md under "## Sources".
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from report import replace_section  # noqa: E402

ITEMS = ("DevOps", "MLOps")
ATTRIBUTES = ("Focus", "Goal", "Tools", "Team Structure", "Metrics", "Lifecycle",
              "Versioning", "Testing", "Deployment", "Monitoring", "Automation",
              "Skills", "Cost", "Maturity", "Adoption")
HEADING = "## Sources"
SEED = ROOT / "content" / "devops-vs-mlops.md"


def handout(sourced: bool) -> str:
    """The seed's text with a table of 30 cells (15 attributes, 2 items), sourced
    (10 sources, each with a title and a date) or plain."""
    lines = ["---", f"items: [{', '.join(ITEMS)}]"]
    if sourced:
        lines.append("sources:")
        for number in range(10):
            lines.append(f"  s{number}: {{title: \"Reference manual, chapter {number + 1}\", "
                         f"url: \"https://docs.example.org/manual/{number + 1}/\", "
                         f"accessed: 2026-11-0{number % 9 + 1}}}")
    lines.append("attributes:")
    for row, name in enumerate(ATTRIBUTES):
        lines.append(f"  {name}:")
        for column, item in enumerate(ITEMS):
            text = f"What {item} brings to {name.lower()}, in a few words"
            if sourced:
                lines.append(f"    {item}: {{value: \"{text}\", source: s{(row + column) % 10}, "
                             f"as_of: 2026-11-{10 + row:02d}}}")
            else:
                lines.append(f"    {item}: \"{text}\"")
    body = SEED.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    return "\n".join(lines) + "\n---\n" + body


def page_job(project: Path, slug: str):
    """The job a build's worker gets for the PDF of ``slug``."""
    from versus.build.jobs import PageJob
    from versus.build.making import render_context
    from versus.content.handouts import load_handout
    from versus.pdf.renderer import PdfJob
    from versus.render.theme import Theme
    from versus.security.sandbox import base_url
    from versus.settings import load_settings

    settings = load_settings(project)
    theme = Theme.for_project(project)
    path = project / "content" / f"{slug}.md"
    loaded = load_handout(path, slug, settings)
    stylesheet, roots = render_context(project, theme)
    pdf = PdfJob(slug=slug, source=str(path), html="",
                 base_url=base_url(project, path.parent), paper=settings.paper,
                 stylesheet=stylesheet, roots=roots)
    return PageJob("pdf", loaded, theme.dirs, settings, None, "../", pdf,
                   (project, *theme.dirs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--only", choices=("sourced", "plain"),
                        help="make only this one's PDF, --renders times, and print nothing "
                             "(to time the whole process from outside)")
    parser.add_argument("--renders", type=int, default=10)
    args = parser.parse_args()
    from versus.build.jobs import make

    with tempfile.TemporaryDirectory(prefix="versus-facts-") as folder:
        project = Path(folder)
        (project / "content").mkdir()
        for slug, sourced in (("sourced", True), ("plain", False)):
            (project / "content" / f"{slug}.md").write_text(handout(sourced))
        jobs = {slug: page_job(project, slug) for slug in ("sourced", "plain")}
        assert sum(cell.source is not None for row in jobs["sourced"].handout.attributes
                   for cell in row.cells) == 30
        for job in jobs.values():  # warm: fonts, stylesheet, templates
            output = make(job)
            assert output.error is None, output.error
        if args.only:
            for _ in range(args.renders):
                make(jobs[args.only])
            return
        times: dict[str, list[float]] = {"sourced": [], "plain": []}
        for round_ in range(args.rounds):
            order = ("sourced", "plain") if round_ % 2 == 0 else ("plain", "sourced")
            for slug in order:
                gc.collect()  # the other's garbage is not this one's cost
                start = time.process_time()
                make(jobs[slug])
                times[slug].append(time.process_time() - start)
    ratios = [a / b for a, b in zip(times["sourced"], times["plain"])]
    lines = [f"- sourced (the seed's text, 30 sourced cells, 10 sources): median "
             f"{statistics.median(times['sourced']):.3f} s a PDF",
             f"- plain (the same cells without sources): median "
             f"{statistics.median(times['plain']):.3f} s a PDF",
             f"- sourced / plain, median of {args.rounds} pairs: "
             f"{statistics.median(ratios):.3f} (min {min(ratios):.3f}, "
             f"max {max(ratios):.3f})"]
    print("\n".join(lines))
    if args.write:
        replace_section(ROOT / "bench" / "RESULTS.md", HEADING, "\n".join([
            HEADING, "",
            "What sources cost a PDF (`python bench/facts.py --rounds "
            f"{args.rounds} --write`), each made as a build's worker makes it, in one "
            "warm process, the two alternating:", "", *lines, ""]))


if __name__ == "__main__":
    main()
