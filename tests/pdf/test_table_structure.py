"""A comparison over two pages is one table in the PDF's structure: one header row, read
once, every attribute's row in one body; the header row repeated on the second page is
drawn but is an artifact."""

from __future__ import annotations

import re
import subprocess

import pikepdf
import pytest

from tests.support.tagged import elements, pdfua_problems, qpdf_check, unreachable_content

ROWS = 40


@pytest.fixture(scope="module")
def long_table(tmp_path_factory, build):
    project = tmp_path_factory.mktemp("long-table")
    (project / "content").mkdir()
    rows = "\n".join(f"  Row {number}: {{A: 'value {number} of A, a few words long', "
                     f"B: 'value {number} of B, a few words too'}}" for number in range(ROWS))
    (project / "content" / "long.md").write_text(
        f"---\ntitle: Long table\nitems: [A, B]\nattributes:\n{rows}\n---\n"
        "A lead.\n\n## Part\n\nBody.\n", encoding="utf-8")
    build(project, "pdf")
    return project / "output" / "pdf" / "long.pdf"


def kids(element, tag: str) -> list:
    values = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
    return [kid for kid in values if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == tag]


def test_the_table_runs_over_two_pages_with_its_header_drawn_on_each(long_table):
    text = subprocess.run(["pdftotext", str(long_table), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = text.split("\f")
    assert all("Attribute" in page for page in pages[:2])
    assert "Row 0\n" in pages[0] + "\n" and f"Row {ROWS - 1}" in pages[1]


def test_one_table_one_header_row_every_row_in_one_body(long_table):
    with pikepdf.open(long_table) as pdf:
        tables = [element for element in elements(pdf) if element.S == "/Table"]
        assert len(tables) == 1
        (head,), (body,) = kids(tables[0], "/THead"), kids(tables[0], "/TBody")
        assert len(kids(head, "/TR")) == 1
        assert len(kids(body, "/TR")) == ROWS
        assert unreachable_content(pdf) == []


def test_the_repeated_header_row_is_an_artifact(long_table):
    with pikepdf.open(long_table) as pdf:
        page = pdf.pages[1]
        page.contents_coalesce()
        content = page.obj.Contents.read_bytes()
        header_cells = [element for element in elements(pdf) if element.S == "/TH"
                        and element.get("/Pg") is not None
                        and element.Pg.objgen == page.obj.objgen]
        assert not [cell for cell in header_cells if cell.P.S == "/TR" and
                    cell.P.P.S == "/THead"]  # no header cell of this page is read
        assert len(re.findall(rb"/Artifact\s*<<[^>]*/Pagination", content)) >= 3
    assert pdfua_problems(long_table) == []
    assert qpdf_check(long_table) == ""
