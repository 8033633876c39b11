"""Sourced cells as a reader meets them: a mark in the cell, a list of sources at the
end of the handout (each once, numbered as read, its name, address and date in the
handout's language), the mark a link to its entry in the PDF and on the web page."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from support.files import write
from support.tagged import elements, pdfua_problems
from support.webcheck import axe, chromium, show, vnu

HANDOUT = """\
---
items: [PostgreSQL, MySQL]
lang: {lang}
sources:
  pg-docs: {{title: PostgreSQL 17 documentation, url: "https://www.postgresql.org/docs/17/", accessed: 2026-10-01}}
attributes:
  Licence:
    PostgreSQL:
      value: PostgreSQL Licence
      source: https://www.postgresql.org/about/licence/
      as_of: 2026-11-01
    MySQL: GPLv2 with the FOSS exception
  JSON:
    PostgreSQL: {{value: jsonb with GIN indexes, source: pg-docs, as_of: 2026-11-03}}
    MySQL: {{value: A JSON column type, source: "https://dev.mysql.com/doc/refman/8.4/en/json.html"}}
  Replication:
    PostgreSQL: {{value: Streaming and logical, source: pg-docs}}
    MySQL: Group replication
---
PostgreSQL and MySQL are relational databases.

## Detail

Both are widely used.
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory, request) -> Path:
    root = tmp_path_factory.mktemp("sources")
    write(root, "content/pg-vs-my.md", HANDOUT.format(lang="en"))
    write(root, "content/de/pg-vs-my.md", HANDOUT.format(lang="de"))
    write(root, "content/plain.md", "---\nitems: [A, B]\nattributes:\n  Focus:\n"
                                    "    A: one\n    B: two\n---\nLead.\n")
    from click.testing import CliRunner

    from versus.cli.main import main

    for command in ("html", "pdf"):
        result = CliRunner().invoke(main, [command, "--project", str(root)])
        assert result.exit_code == 0, result.output
    return root


def text(pdf: Path, *options: str) -> str:
    return " ".join(subprocess.run(["pdftotext", *options, str(pdf), "-"],
                                   capture_output=True, text=True, check=True).stdout.split())


def test_the_pdf_prints_marks_and_the_sources_once_each_in_reading_order(project):
    read = text(project / "output/pdf/pg-vs-my.pdf", "-raw")  # in the order drawn
    assert ("Licence PostgreSQL Licence[1] GPLv2 with the FOSS exception JSON jsonb with "
            "GIN indexes[2] A JSON column type[3] Replication Streaming and logical[2] "
            "Group replication") in read
    printed = text(project / "output/pdf/pg-vs-my.pdf")
    sources = printed[printed.index("Sources"):]
    assert re.search(
        r"1\. www\.postgresql\.org, https://www\.postgresql\.org/about/licence/, "
        r"as of November 1, 2026 "
        r"2\. PostgreSQL 17 documentation, https://www\.postgresql\.org/docs/17/, "
        r"as of November 3, 2026 "
        r"3\. dev\.mysql\.com, https://dev\.mysql\.com/doc/refman/8\.4/en/json\.html "
        r"Related comparisons • PostgreSQL vs\. MySQL Comparisons may", sources), sources


def test_the_dates_are_in_the_handouts_language(project):
    printed = text(project / "output/pdf/de/pg-vs-my.pdf")
    assert "Quellen" in printed
    assert "Stand 1. November 2026" in printed


def test_a_handout_without_sources_prints_no_list(project):
    printed = text(project / "output/pdf/plain.pdf")
    assert "Sources" not in printed and "[1]" not in printed
    page = (project / "output/html/plain.html").read_text()
    assert "source-ref" not in page and 'class="sources"' not in page


def test_each_mark_links_to_its_entry_in_the_pdf(project):
    with pikepdf.open(project / "output/pdf/pg-vs-my.pdf") as pdf:
        names = {}
        for name, dest in pikepdf.NameTree(pdf.Root.Names.Dests).items():
            names[name] = dest
        inside, outside = [], []
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                if annot.get("/Subtype") != "/Link":
                    continue
                action = annot.get("/A")
                if action is not None and action.get("/S") == "/URI":
                    outside.append(str(action.URI))
                elif "/Dest" in annot or (action is not None and action.get("/S") == "/GoTo"):
                    dest = annot.get("/Dest", action.get("/D") if action else None)
                    inside.append(str(dest))
        assert {name for name in inside if name.startswith("source-")} == {
            "source-1", "source-2", "source-3"}
        assert all(name in names for name in inside if name.startswith("source-"))
        assert "https://www.postgresql.org/docs/17/" in outside
        kinds = [str(element.S) for element in elements(pdf)]
        assert kinds.count("/Link") >= 4 + 3  # the cells' marks and the list's addresses
    assert pdfua_problems(project / "output/pdf/pg-vs-my.pdf") == []


def test_the_web_page_links_marks_to_the_list_and_sources_to_their_address(project):
    page = project / "output/html/pg-vs-my.html"
    html = page.read_text()
    assert html.count('href="#source-2"') == 2
    assert '<li id="source-2">2. PostgreSQL 17 documentation,' \
           ' <a href="https://www.postgresql.org/docs/17/">' in html
    assert vnu([page]) == []
    with chromium() as driver:
        show(driver, page, width=390)
        assert axe(driver) == []
        driver.find_element("css selector", 'a[href="#source-3"]').click()
        assert driver.execute_script("return location.hash") == "#source-3"


def test_the_booklet_keeps_each_handouts_list_and_its_links(project, run_cli):
    result = run_cli("booklet", "--project", project)
    assert result.exit_code == 0, result.output
    booklet = project / "output/booklet.pdf"
    printed = text(booklet)
    assert printed.count("Sources") == 1 and printed.count("Quellen") == 1
    with pikepdf.open(booklet) as pdf:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
        marks = []
        for number, page in enumerate(pdf.pages):
            for annot in page.get("/Annots", []):
                dest = annot.get("/Dest")
                if annot.get("/Subtype") == "/Link" and isinstance(dest, pikepdf.Array):
                    marks.append((number, pages[dest[0].objgen]))
        # each handout is one page here: every mark leads to its own handout's page
        assert len([1 for page, target in marks if page == target]) >= 2 * 4
