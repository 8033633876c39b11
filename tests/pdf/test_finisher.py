"""The PDF mended before it is written (``versus.pdf.finisher``): written once, never
reopened; links made relative in the pages' annotations; margin-box text made a
header or footer artifact by where it stands; PDF 2.0 files identified."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pikepdf
import pydyf
import pytest

from conftest import REPO
from versus.build.making import render_context
from versus.content.handouts import load_handout
from versus.pdf import finisher
from versus.pdf.renderer import PdfJob, render_job
from versus.render.pages import Pages
from versus.render.theme import Theme
from versus.security.sandbox import VIRTUAL_ROOT, base_url
from versus.settings import Settings

SEED = REPO / "tests" / "fixtures" / "devops-vs-mlops.md"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("finisher")
    (project / "content").mkdir()
    shutil.copy(SEED, project / "content" / SEED.name)
    return project


def render(project: Path, variant: str | None = None) -> bytes:
    """The seed's PDF, rendered in this process as a worker renders it."""
    settings, theme = Settings(), Theme.for_project(project)
    source = project / "content" / SEED.name
    html = Pages(theme, settings).handout(load_handout(source, source.stem, settings),
                                          "print")
    stylesheet, roots = render_context(project, theme)
    result = render_job(PdfJob(slug=source.stem, source=str(source), html=html,
                               base_url=base_url(project, source.parent),
                               paper="A4", stylesheet=stylesheet, roots=roots,
                               variant=variant))
    assert result.error is None, str(result.error)
    return result.pdf


def test_the_pdf_is_written_once_never_reopened(project, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the renderer reopened its PDF")

    monkeypatch.setattr(pikepdf, "open", refuse)
    monkeypatch.setattr(pikepdf.Pdf, "open", refuse)
    data = render(project)
    monkeypatch.undo()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/IDTree" in pdf.Root.StructTreeRoot


@pytest.mark.parametrize("variant", ["pdf/ua-2", "pdf/a-4"])
def test_pdf_2_files_carry_a_file_identifier(project, variant):
    with pikepdf.open(io.BytesIO(render(project, variant))) as pdf:
        assert str(pdf.pdf_version) == "2.0"
        assert len(pdf.trailer.ID) == 2


def test_the_same_seed_gives_the_same_bytes(project):
    assert render(project) == render(project)


def test_links_to_project_files_become_relative_in_the_annotations():
    pdf = pydyf.PDF()
    action = pydyf.Dictionary({"S": "/URI", "URI": pydyf.String(
        f"file://{VIRTUAL_ROOT}/content/other/a-vs-b.pdf#table")})
    link = pydyf.Dictionary({"Type": "/Annot", "Subtype": "/Link", "A": action,
                             "Contents": pydyf.String("x")})
    outside = pydyf.Dictionary({"S": "/URI", "URI": pydyf.String("https://example.org/")})
    pdf.add_object(link)
    pdf.add_page(pydyf.Dictionary({"Type": "/Page", "Annots": pydyf.Array([link.reference]),
                                   "A": outside}))
    finisher.relative_links(pdf, f"file://{VIRTUAL_ROOT}/content/")
    assert action["URI"].string == "other/a-vs-b.pdf#table"
    assert link["Contents"].string == "other/a-vs-b.pdf#table"
    assert outside["URI"].string == "https://example.org/"


def test_margin_box_text_is_a_header_above_the_middle_and_a_footer_below():
    def marked(mcid: int, top: float) -> list:
        return ["/P", pydyf.Dictionary({"MCID": mcid}), b"BDC", b"BT",
                f"1 0 0 -1 10 {top} Tm".encode(), b"ET", b"EMC"]

    items = marked(0, 20) + marked(1, 500) + marked(2, 1100)
    height = 842.0  # A4 in pt; WeasyPrint's text matrix is in px from the top
    done = finisher._artifacts(items, {0, 2}, height)
    data = b"\n".join(item.data if isinstance(item, dict)
                      else item if isinstance(item, bytes) else item.encode()
                      for item in done)
    assert data.count(finisher.HEADER) == 1 and data.count(finisher.FOOTER) == 1
    assert data.index(finisher.HEADER) < data.index(b"<</MCID 1>>") < \
        data.index(finisher.FOOTER)
    assert finisher._artifacts(items, set(), height) is items
