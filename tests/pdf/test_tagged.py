"""Tagged PDFs, the PDF/UA and PDF/A variants, and reproducible output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from support.files import write
from support.tagged import elements
from versus.cli.main import main

HANDOUT = """---
items: [Kafka, Pulsar]
lang: de
attributes:
  Speed:
    Kafka: fast
    Pulsar: faster
---
Ein Vergleich.

![Ein Diagramm der Architektur](diagram.png)

## Details

- eins
- zwei
"""
# A 1x1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path, "content/kafka-vs-pulsar.md", HANDOUT)
    write(tmp_path, "content/diagram.png", PNG)
    return tmp_path


def build(project: Path, *options: str, env=None) -> Path:
    result = CliRunner().invoke(main, ["pdf", "--project", str(project), "--jobs", "1",
                                       *options], env=env)
    assert result.exit_code == 0, result.output
    return project / "output/pdf/kafka-vs-pulsar.pdf"


def structure(pdf: pikepdf.Pdf) -> list[tuple[str, pikepdf.Dictionary]]:
    """Every structure element, depth first, as (type, element)."""
    return [(str(node.S), node) for node in elements(pdf)]


def test_pdfs_are_tagged_with_language_headings_tables_lists_and_alt_text(project):
    with pikepdf.open(build(project)) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == "de"
        kinds = [kind for kind, _ in structure(pdf)]
        for kind in ("/H1", "/H2", "/Table", "/TH", "/TD", "/L", "/LI", "/Figure"):
            assert kind in kinds, f"no {kind} in the structure tree: {sorted(set(kinds))}"
        headers = [element for kind, element in structure(pdf) if kind == "/TH"]
        assert len(headers) == 3 + 1  # Attribute, Kafka, Pulsar; and the row header
        figure = next(element for kind, element in structure(pdf) if kind == "/Figure")
        assert str(figure.Alt) == "Ein Diagramm der Architektur"


@pytest.mark.parametrize("variant, key, value", [
    ("pdf/ua-1", "pdfuaid:part", "1"),
    ("pdf/a-3b", "pdfaid:part", "3"),
])
def test_variants_declare_their_conformance(project, variant, key, value):
    with pikepdf.open(build(project, "--pdf-variant", variant)) as pdf:
        assert pdf.open_metadata().get(key) == value
        assert pdf.Root.MarkInfo.Marked is True
        assert not pdf.check_pdf_syntax()


def test_changing_the_variant_rebuilds_the_pdf(project):
    path = build(project)
    plain = path.read_bytes()
    assert build(project, "--pdf-variant", "pdf/ua-1").read_bytes() != plain


def test_same_inputs_give_identical_bytes_across_runs_and_paths(project, tmp_path_factory):
    first = build(project).read_bytes()
    html = (project / "output/html").exists()
    again = build(project, "--force").read_bytes()
    elsewhere = tmp_path_factory.mktemp("other-checkout") / "deeper" / "path"
    shutil.copytree(project / "content", elsewhere / "content")
    moved = build(elsewhere).read_bytes()
    assert first == again == moved
    assert not html  # only PDFs were asked for


def test_html_is_identical_across_paths(project, tmp_path_factory):
    runner = CliRunner()
    elsewhere = tmp_path_factory.mktemp("copy")
    shutil.copytree(project / "content", elsewhere / "content")
    for root in (project, elsewhere):
        assert runner.invoke(main, ["html", "--project", str(root)]).exit_code == 0
    for name in ("html/kafka-vs-pulsar.html", "index.html"):
        assert (project / "output" / name).read_bytes() == \
            (elsewhere / "output" / name).read_bytes()


def test_dates_come_from_source_date_epoch_never_the_clock(project):
    undated = build(project)
    with pikepdf.open(undated) as pdf:
        assert "/CreationDate" not in pdf.docinfo
    dated = build(project, env={"SOURCE_DATE_EPOCH": "1767225600"})  # 2026-01-01
    with pikepdf.open(dated) as pdf:
        assert str(pdf.docinfo.CreationDate).startswith("D:20260101")
