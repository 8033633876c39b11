#!/usr/bin/env python3
"""The line memo (versus/pdf/linememo.py): handouts rendered to PDF in one process.

    python bench/linememo.py [--renders 20]          the seed, 20 times
    VERSUS_LINE_MEMO=0 python bench/linememo.py      the same without the memo
    python bench/linememo.py --same 200              corpus handouts both ways:
                                                     are the PDFs the same bytes?

The seed (content/devops-vs-mlops.md) or the corpus (bench/corpus.py) goes
through Versus's own renderer (``render_job``: the theme, the sandbox, the
column fix, the text check), on A4, as a worker renders it. Time the whole
process with and without the memo, alternately; one render's cost is about
the difference over ``--renders``. With ``--same N`` the first N corpus
handouts are each rendered with the memo and without it, and the PDFs compared.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path[:0] = [str(BENCH), str(ROOT)]

from corpus import SEED, make_corpus  # noqa: E402  (bench/ is not a package)
from versus.build.making import render_context  # noqa: E402
from versus.content.handouts import load_handout  # noqa: E402
from versus.pdf import linememo  # noqa: E402
from versus.pdf.renderer import PdfJob, render_job  # noqa: E402
from versus.render.pages import Pages  # noqa: E402
from versus.render.theme import Theme  # noqa: E402
from versus.security.sandbox import base_url  # noqa: E402
from versus.settings import Settings  # noqa: E402


def job(project: Path, source: Path) -> PdfJob:
    """The A4 render job of the handout at ``source``, its print HTML made here."""
    settings, theme = Settings(), Theme.for_project(project)
    html = Pages(theme, settings).handout(load_handout(source, source.stem, settings),
                                          "print")
    stylesheet, roots = render_context(project, theme)
    return PdfJob(slug=source.stem, source=str(source), html=html,
                  base_url=base_url(project, source.parent), paper=settings.paper,
                  stylesheet=stylesheet, roots=roots)


def pdf(render: PdfJob) -> bytes:
    result = render_job(render)
    if result.error is not None:
        raise SystemExit(str(result.error))
    return result.pdf


def same(count: int) -> None:
    """Render ``count`` corpus handouts with and without the memo; compare."""
    project = Path(tempfile.mkdtemp(prefix="versus-linememo-"))
    differ, calls, hits = [], 0, 0
    for source in make_corpus(project, count):
        render = job(project, source)
        os.environ[linememo.SWITCH] = "0"
        without = pdf(render)
        os.environ[linememo.SWITCH] = "1"
        with_memo = pdf(render)
        memo = linememo.last()
        calls, hits = calls + memo.calls, hits + memo.hits
        if with_memo != without:
            differ.append(source.name)
    print(f"{count} handouts, {count - len(differ)} the same bytes with and without "
          f"the memo; split_first_line calls {calls}, answered by the memo {hits}")
    if differ:
        raise SystemExit("different: " + ", ".join(differ))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--same", type=int, metavar="N", default=0)
    args = parser.parse_args()
    if args.same:
        same(args.same)
        return
    project = Path(tempfile.mkdtemp(prefix="versus-linememo-"))
    (project / "content").mkdir()
    source = project / "content" / SEED.name
    source.write_bytes(SEED.read_bytes())
    render = job(project, source)
    for _ in range(args.renders):
        pdf(render)


if __name__ == "__main__":
    main()
