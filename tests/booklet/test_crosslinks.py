"""Links between handouts jump inside the booklet that binds them both."""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from versus.booklet.crosslinks import handout_of, link_inside


def test_a_relative_pdf_address_names_the_handout_it_leads_to():
    assert handout_of("tea", "coffee.pdf") == "coffee"
    assert handout_of("db/pg-vs-my", "../tea.pdf") == "tea"
    assert handout_of("tea", "db/pg-vs-my.pdf#comparison") == "db/pg-vs-my"
    assert handout_of("tea", "caf%C3%A9.pdf") == "café"
    for other in ("https://example.org/tea.pdf", "tea.html", "../../outside.pdf",
                  "mailto:someone@example.org"):
        assert handout_of("tea", other) is None, other


def booklet(uris: list[str]) -> pikepdf.Pdf:
    """Three pages; the first carries a link to each of ``uris``."""
    pdf = pikepdf.new()
    for _ in range(3):
        pdf.add_blank_page(page_size=(595, 842))
    pdf.pages[0].obj.Annots = Array([pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 10, 10],
        A=Dictionary(S=Name.URI, URI=String(uri)))) for uri in uris])
    return pdf


def test_a_link_to_a_bound_handout_goes_to_its_first_page_and_others_stay():
    pdf = booklet(["db/pg-vs-my.pdf", "left-out.pdf", "https://example.org/"])
    turned = link_inside(pdf, {"tea": 0, "db/pg-vs-my": 2}, {0: "tea", 1: "tea", 2: "db/pg-vs-my"})
    first, left_out, remote = pdf.pages[0].obj.Annots
    assert turned == 1
    assert "/A" not in first and first.Dest[0].objgen == pdf.pages[2].obj.objgen
    assert str(left_out.A.URI) == "left-out.pdf"
    assert str(remote.A.URI) == "https://example.org/"
