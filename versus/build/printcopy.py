"""The print HTML each PDF is laid out from, kept in ``output/print/`` (``pdf --keep-html``).

WeasyPrint is given the handout's print HTML, the theme's stylesheet and an
``@page`` rule for the paper. ``--keep-html`` writes that HTML to
``output/print/<slug>.html`` with the rest said in its head: a ``<base>`` at the
handout's folder in content/ (where its images resolve, as in the render), a
link to the theme's stylesheet (copied with its fonts to ``output/print/assets/``)
and the ``@page`` rule. A theme author opens it in a browser or in WeasyPrint
(``weasyprint output/print/<slug>.html x.pdf``) and sees the page Versus laid out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..output import mirror, write_atomic
from ..pdf.variants import page_css
from ..render.theme import STATIC_DIR, STYLESHEET

if TYPE_CHECKING:
    from .pipeline import Build

PRINT_DIR = "print"
ASSETS = "assets"


def target(slug: str) -> str:
    """Where the print HTML of ``slug`` goes, below ``output/``."""
    return f"{PRINT_DIR}/{slug}.html"


def standalone(page: str, slug: str, paper: str, bleed: str | None) -> str:
    """``page`` with a head that makes it open from ``output/print/`` as it rendered."""
    import html  # not at start-up: a build with nothing to do never needs it

    depth = slug.count("/")
    up_to_project = "../" * (depth + 2)  # output/print/<folders>/ -> the project
    folder = slug.rpartition("/")[0]
    base = up_to_project + "content/" + (f"{folder}/" if folder else "")
    # relative to the base: back up to the project, then into output/print/assets
    stylesheet = ("../" * (depth + 1) + f"output/{PRINT_DIR}/{ASSETS}/"
                  + STYLESHEET.removeprefix(f"{STATIC_DIR}/"))
    head = (f'\n<base href="{html.escape(base)}">'
            f'\n<link rel="stylesheet" href="{html.escape(stylesheet)}">'
            f"\n<style>@page {{ size: {paper}; }}{page_css(bleed)}</style>")
    start = page.find("<head>")
    if start < 0:
        return head.lstrip("\n") + "\n" + page
    start += len("<head>")
    return page[:start] + head + page[start:]


def assets(run: Build) -> None:
    """Copy the theme's static files (the stylesheet, its fonts) beside the pages."""
    for name, source in run.pages.theme.static_files().items():
        mirror(source, run.output / PRINT_DIR / ASSETS / name)


def keep(run: Build, slug: str, page: str) -> None:
    """Write the print HTML of ``slug``."""
    text = standalone(page, slug, run.pages.settings.paper, run.options.bleed)
    write_atomic(run.output / target(slug), text)
