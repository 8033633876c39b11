"""Multi-column layout: what follows a run of balanced columns is never dropped.

WeasyPrint 70 balances the columns before a ``column-span: all`` heading; when a
balancing step passes the room left on the page although the columns fit there,
it used to end the layout and leave the heading and the rest out of the PDF
(``versus.pdf.columnfix``). Blocks of fixed height make the case exact, whatever
the fonts: 100 px of page under the first block, then columns holding a 55 px
and an 85 px block.
"""

from __future__ import annotations

import io
import types

import pypdf
import pytest

from versus.pdf import columnfix
from versus.build.making import render_context
from versus.pdf.renderer import PdfJob, render_job
from versus.render.theme import Theme

PAGE = """<!DOCTYPE html><html lang="en"><head><title>Columns</title><style>
@page {{ size: 200px 300px; margin: 0;
        @top-left {{ content: none }} @top-right {{ content: none }}
        @bottom-right {{ content: none }} }}
body {{ margin: 0; font-size: 8px; line-height: 10px }}
div, h2, p {{ margin: 0; padding: 0; border: none }}
.columns {{ columns: 2; column-gap: 0 }}
.columns h2 {{ column-span: all; font-size: 8px }}
</style></head><body>
<div style="height: 200px">Above the columns.</div>
<div class="columns">
<div style="height: {first}px">First block.</div>
<div style="height: {second}px">Second block.</div>
<h2>Verdict</h2><p>The closing paragraph.</p>
</div></body></html>"""


def pages_text(tmp_path, first: int, second: int) -> list[str]:
    """The text of each page of the PDF of ``PAGE``, rendered in this process."""
    stylesheet, roots = render_context(tmp_path, Theme.for_project(tmp_path))
    job = PdfJob(slug="columns", source=str(tmp_path / "content" / "columns.md"),
                 html=PAGE.format(first=first, second=second),
                 base_url="file:///versus-project/content/", paper="A4",
                 stylesheet=stylesheet, roots=roots)
    result = render_job(job)
    assert result.error is None, str(result.error)
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(result.pdf)).pages]


def test_the_heading_after_columns_that_fill_the_page_goes_to_the_next_page(tmp_path):
    pages = pages_text(tmp_path, 55, 85)
    assert len(pages) == 2
    assert "First block." in pages[0] and "Second block." in pages[0]
    assert "Verdict" in pages[1] and "The closing paragraph." in pages[1]


def test_columns_that_leave_room_keep_the_heading_on_their_page(tmp_path):
    pages = pages_text(tmp_path, 30, 40)
    assert len(pages) == 1
    assert "Verdict" in pages[0] and "The closing paragraph." in pages[0]


def test_runs_are_counted_as_weasyprint_lays_them_out():
    def child(spans: bool):
        return types.SimpleNamespace(style={"column_span": "all" if spans else "none"})

    def laid(is_column: bool):
        return types.SimpleNamespace(is_column=is_column)

    children = [child(True), child(False), child(False), child(True), child(False)]
    assert columnfix.run_starts(children) == [0, 1, 3, 4]
    assert columnfix.run_starts(children, 2) == [2, 3, 4]  # resumed inside a run
    # A heading, the two columns of one run, a heading: three runs, the last left out.
    assert columnfix.runs_laid_out([laid(False), laid(True), laid(True), laid(False)]) == 3


@pytest.mark.parametrize("version", ["69.0", "71.0"])
def test_other_weasyprint_versions_are_left_alone(version):
    from weasyprint.layout import block

    before = block.columns_layout
    assert columnfix.install(types.SimpleNamespace(__version__=version)) is False
    assert block.columns_layout is before
