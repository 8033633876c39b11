"""Every tagged PDF: header cells carry their scope, IDs have an ID tree, the running
header and page numbers are artifacts, and pdfua finds no error."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from support.files import write
from support.tagged import elements, pdfua_problems, qpdf_check, unreachable_content

HANDOUT = """---
items: [Kafka, Pulsar, NATS]
lang: en
attributes:
  Speed: {Kafka: fast, Pulsar: faster, NATS: fastest}
  Storage: {Kafka: log, Pulsar: BookKeeper, NATS: JetStream}
---
A comparison of three brokers.

## Details

| Own | table |
|-----|-------|
| a   | b     |
"""


@pytest.fixture(scope="module")
def handout(tmp_path_factory, build) -> Path:
    project = tmp_path_factory.mktemp("structure")
    write(project, "content/kafka-vs-pulsar-vs-nats.md", HANDOUT)
    build(project, "pdf", "--jobs", "1")
    return project / "output/pdf/kafka-vs-pulsar-vs-nats.pdf"


def test_header_cells_carry_column_and_row_scope(handout):
    with pikepdf.open(handout) as pdf:
        headers = [e for e in elements(pdf) if e.S == "/TH"]
        scopes = [str(e.A.Scope) for e in headers]
    # Attribute, Kafka, Pulsar, NATS; Speed, Storage; then the body's own table.
    assert scopes == ["/Column"] * 4 + ["/Row"] * 2 + ["/Column"] * 2, scopes


def test_elements_with_ids_are_in_the_id_tree(handout):
    with pikepdf.open(handout) as pdf:
        ids = {bytes(e.ID): e.objgen for e in elements(pdf) if "/ID" in e}
        assert ids, "WeasyPrint gives header cells IDs"
        names = pdf.Root.StructTreeRoot.IDTree.Names
        tree = {bytes(names[i]): names[i + 1].objgen for i in range(0, len(names), 2)}
        keys = [bytes(names[i]) for i in range(0, len(names), 2)]
    assert tree == ids
    assert keys == sorted(keys)


def test_every_marked_content_reaches_the_structure_tree(handout):
    with pikepdf.open(handout) as pdf:
        assert unreachable_content(pdf) == []
        page = pdf.pages[0]
        page.contents_coalesce()
        data = page.obj.Contents.read_bytes()
    assert b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC" in data


def test_pdfua_finds_no_error_and_nothing_about_tables(handout):
    assert pdfua_problems(handout) == []


def test_qpdf_finds_nothing_wrong(handout):
    assert qpdf_check(handout) == ""
