"""PDF variants: each claims its standard in XMP and with its output intent, for the
handouts and the booklet; the setting, bleed and crop marks, and bad values."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from support.files import write
from support.tagged import pdfua_problems, qpdf_check

HANDOUT = """---
items: [Kafka, Pulsar]
date: 2026-02-01
attributes:
  Speed: {Kafka: fast, Pulsar: faster}
---
A comparison.
"""
# variant: (XMP key, value, output intent subtype or None, PDF version)
CLAIMS = {
    "pdf/ua-1": ("pdfuaid:part", "1", None, "1.7"),
    "pdf/ua-2": ("pdfuaid:part", "2", None, "2.0"),
    "pdf/a-2b": ("pdfaid:part", "2", "/GTS_PDFA1", "1.7"),
    "pdf/a-3b": ("pdfaid:part", "3", "/GTS_PDFA1", "1.7"),
    "pdf/a-4": ("pdfaid:part", "4", "/GTS_PDFA1", "2.0"),
    "pdf/x-4": ("pdfxid:GTS_PDFXVersion", "PDF/X-4", "/GTS_PDFX", "1.6"),
}


def project_at(root: Path) -> Path:
    write(root, "content/kafka-vs-pulsar.md", HANDOUT)
    write(root, "content/nats-vs-redis.md", HANDOUT.replace("Kafka", "NATS")
          .replace("Pulsar", "Redis"))
    return root


@pytest.fixture(scope="module", params=sorted(CLAIMS))
def built(request, tmp_path_factory, build) -> tuple[str, Path]:
    variant = request.param
    project = project_at(tmp_path_factory.mktemp(variant.replace("/", "-")))
    build(project, "booklet", "--jobs", "1", "--pdf-variant", variant)
    return variant, project


CLAIMS_KEYS = sorted({key for key, *_ in CLAIMS.values()})


def claims(path: Path) -> tuple[dict, list[str], str]:
    """The identification keys in the XMP, the output intents, the PDF version."""
    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        values = {key: meta.get(key) for key in CLAIMS_KEYS}
        intents = [str(i.S) for i in pdf.Root.get("/OutputIntents", [])]
        return values, intents, str(pdf.pdf_version)


def test_handouts_and_booklet_carry_their_variants_identification(built):
    variant, project = built
    key, value, intent, version = CLAIMS[variant]
    for path in (project / "output/pdf/kafka-vs-pulsar.pdf",
                 project / "output/booklet.pdf"):
        values, intents, pdf_version = claims(path)
        assert values[key] == value, (path.name, values)
        assert [k for k, v in values.items() if v] == [key], (path.name, values)
        assert intents == ([intent] if intent else []), (path.name, intents)
        assert pdf_version == version, path.name
        assert qpdf_check(path) == "", path.name


def test_the_booklet_states_its_title_in_xmp_and_info_only_before_pdf_2(built):
    variant, project = built
    with pikepdf.open(project / "output/booklet.pdf") as pdf:
        assert pdf.open_metadata()["dc:title"] == "Versus"
        if CLAIMS[variant][3] == "2.0":  # PDF 2.0 deprecates the info dictionary
            assert "/Info" not in pdf.trailer
        else:
            assert str(pdf.docinfo.Title) == "Versus"


def test_variants_keep_the_booklet_accessible(built):
    variant, project = built
    for path in (project / "output/pdf/kafka-vs-pulsar.pdf",
                 project / "output/booklet.pdf"):
        assert pdfua_problems(path) == [], (variant, path.name)


def test_plain_pdf_a_4_has_no_conformance_letter(tmp_path, build):
    project = project_at(tmp_path)
    build(project, "pdf", "--jobs", "1", "--pdf-variant", "pdf/a-4")
    with pikepdf.open(project / "output/pdf/kafka-vs-pulsar.pdf") as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfaid:part") == "4"
        assert meta.get("pdfaid:conformance") is None


def test_pdf_x_needs_a_date_never_the_clock(tmp_path, run_cli, monkeypatch):
    project = project_at(tmp_path)
    path = project / "content/kafka-vs-pulsar.md"
    path.write_text(HANDOUT.replace("date: 2026-02-01\n", ""), "utf-8")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    result = run_cli("pdf", "--project", project, "--pdf-variant", "pdf/x-4")
    assert result.exit_code == 1
    assert "kafka-vs-pulsar.md" in result.output and "pdf/x-4 needs a date" in \
        result.output, result.output
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    assert run_cli("pdf", "--project", project, "--pdf-variant", "pdf/x-4",
                   "--force").exit_code == 0
    with pikepdf.open(project / "output/pdf/kafka-vs-pulsar.pdf") as pdf:
        assert str(pdf.docinfo.CreationDate).startswith("D:20260101")


def test_the_setting_chooses_the_variant_and_the_option_overrides_it(tmp_path, build):
    project = project_at(tmp_path)
    write(project, "versus.yaml", "pdf_variant: pdf/a-2b\n")
    build(project, "pdf", "--jobs", "1")
    path = project / "output/pdf/kafka-vs-pulsar.pdf"
    with pikepdf.open(path) as pdf:
        assert pdf.open_metadata().get("pdfaid:part") == "2"
    build(project, "pdf", "--jobs", "1", "--pdf-variant", "pdf/ua-1")
    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfuaid:part") == "1" and meta.get("pdfaid:part") is None


def test_web_pages_do_not_depend_on_the_variant_setting(tmp_path, build):
    project = project_at(tmp_path)
    build(project, "html", "--jobs", "1")
    page = project / "output/html/kafka-vs-pulsar.html"
    before = page.stat().st_mtime_ns
    write(project, "versus.yaml", "pdf_variant: pdf/ua-1\n")
    result = build(project, "html", "--jobs", "1")
    assert page.stat().st_mtime_ns == before, result.output


def test_bleed_grows_the_page_around_its_trim_box_with_crop_marks(tmp_path, build):
    project = project_at(tmp_path)
    build(project, "pdf", "--jobs", "1", "--pdf-variant", "pdf/x-4", "--bleed", "3mm")
    with pikepdf.open(project / "output/pdf/kafka-vs-pulsar.pdf") as pdf:
        page = pdf.pages[0]
        media = [float(v) for v in page.mediabox]
        trim = [float(v) for v in page.trimbox]
    mm3 = 3 * 72 / 25.4
    assert trim[0] - media[0] > mm3 - 0.5 and media[2] - trim[2] > mm3 - 0.5, (media, trim)
    assert trim[2] - trim[0] == pytest.approx(595.28, abs=0.5)  # A4 once trimmed


def test_a_duplex_booklet_with_bleed_gives_every_page_a_trim_box(tmp_path, build):
    """PDF/X: the blank pages added for two-sided printing are print pages too."""
    project = project_at(tmp_path)
    build(project, "booklet", "--jobs", "1", "--duplex", "--pdf-variant", "pdf/x-4",
          "--bleed", "3mm")
    with pikepdf.open(project / "output/booklet.pdf") as pdf:
        boxes = {tuple(float(v) for v in page.trimbox) for page in pdf.pages}
        medias = {tuple(float(v) for v in page.mediabox) for page in pdf.pages}
        assert all("/TrimBox" in page.obj for page in pdf.pages)
    assert len(boxes) == 1 and len(medias) == 1, (boxes, medias)


@pytest.mark.parametrize("args, message", [
    (("--bleed", "3mm"), "--bleed needs --pdf-variant pdf/x-4"),
    (("--pdf-variant", "pdf/x-4", "--bleed", "lots"), "bleed must be a length"),
])
def test_bleed_needs_pdf_x_and_a_length(tmp_path, run_cli, args, message):
    project = project_at(tmp_path)
    result = run_cli("pdf", "--project", project, *args)
    assert result.exit_code == 1 and message in result.output, result.output
    assert not (project / "output/pdf").exists()


def test_an_unknown_variant_setting_is_one_line_with_its_place(tmp_path, run_cli):
    project = project_at(tmp_path)
    write(project, "versus.yaml", "site_name: X\npdf_variant: pdf/z-9\n")
    result = run_cli("pdf", "--project", project)
    assert result.exit_code == 1
    assert "versus.yaml:2:14: pdf_variant must be one of pdf/ua-1" in result.output, \
        result.output
