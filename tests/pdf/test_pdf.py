"""The PDF itself: fonts, validity, metadata, bookmarks, paper, running header/footer,
and a long comparison table that breaks across pages."""

from __future__ import annotations

import datetime
import re

import pikepdf
import pypdf
import pytest

TITLE = "DevOps vs. MLOps"
TAGLINE = "What's the Difference?"
TAGS = "engineering, operations, machine learning"
SECTIONS = ["Definition", "Focus", "Tools and Technologies", "Workflow",
            "Team Collaboration", "Benefits"]
BUNDLED_FAMILY_RE = re.compile(r"^(Inter|JetBrains-?Mono)(-[A-Za-z-]+)?$")
PAPER = {"A4": (595.28, 841.89), "Letter": (612.0, 792.0), "A5": (419.53, 595.28)}


def normalize(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def pdf_path(project, slug="alpha-vs-beta"):
    return project / "output" / "pdf" / f"{slug}.pdf"


# ------------------------------------------------------------------ fonts

def _fonts(pdf: pikepdf.Pdf):
    """Every font dictionary reachable from the pages (forms and Type3 included)."""
    seen, found = set(), []

    def visit_resources(resources):
        if not isinstance(resources, pikepdf.Dictionary):
            return
        fonts = resources.get("/Font")
        if isinstance(fonts, pikepdf.Dictionary):
            for name, font in fonts.items():
                key = font.objgen if font.is_indirect else id(font)
                if key in seen:
                    continue
                seen.add(key)
                found.append((name, font))
                if font.get("/Subtype") == "/Type3":
                    visit_resources(font.get("/Resources"))
        xobjects = resources.get("/XObject")
        if isinstance(xobjects, pikepdf.Dictionary):
            for xobject in xobjects.values():
                key = xobject.objgen if xobject.is_indirect else id(xobject)
                if key in seen:
                    continue
                seen.add(key)
                if xobject.get("/Subtype") == "/Form":
                    visit_resources(xobject.get("/Resources"))

    for page in pdf.pages:
        visit_resources(page.obj.get("/Resources"))
        for annotation in page.obj.get("/Annots", []):
            appearance = annotation.get("/AP")
            if isinstance(appearance, pikepdf.Dictionary):
                for stream in appearance.values():
                    if isinstance(stream, pikepdf.Stream):
                        visit_resources(stream.get("/Resources"))
    return found


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs are drawn by content streams inside the PDF
    if font.get("/Subtype") == "/Type0":
        return all(_embedded(descendant) for descendant in font.DescendantFonts)
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _base_name(font) -> str:
    return str(font.get("/BaseFont", "")).lstrip("/").split("+", 1)[-1]


def check_fonts(path):
    with pikepdf.open(path) as pdf:
        fonts = _fonts(pdf)
        assert fonts, f"{path.name}: no fonts found at all"
        not_embedded = [_base_name(font) or str(name) for name, font in fonts
                        if not _embedded(font)]
        assert not not_embedded, f"{path.name}: fonts not embedded: {not_embedded}"
        foreign = sorted({_base_name(font) for _, font in fonts
                          if not BUNDLED_FAMILY_RE.match(_base_name(font))})
        assert not foreign, (f"{path.name}: fonts other than the bundled Inter / "
                             f"JetBrains Mono are used: {foreign}")
        return {_base_name(font) for _, font in fonts}


def test_seed_fonts_are_embedded_and_bundled(seed_pdf):
    names = check_fonts(seed_pdf)
    assert any(name.startswith("Inter") for name in names), names


def test_code_and_emphasis_use_bundled_fonts(make_project, build):
    body = ("Lead with *italic*, **bold** and `inline code`.\n\n## Code\n\n"
            "```\ndef compare(a, b):\n    return a != b\n```\n")
    project = make_project(body=body)
    build(project, "pdf")
    names = check_fonts(pdf_path(project))
    assert any(name.replace("-", "").startswith("JetBrainsMono") for name in names), (
        f"code is not set in the bundled JetBrains Mono; fonts used: {sorted(names)}")
    assert any("Italic" in name for name in names), sorted(names)


# ------------------------------------------------------------------ validity

def test_qpdf_check_finds_no_problems(seed_pdf):
    with pikepdf.open(seed_pdf) as pdf:
        check = getattr(pdf, "check_pdf_syntax", None) or pdf.check
        problems = check()
    assert problems == [], f"qpdf reports problems in the seed PDF: {problems}"


# ------------------------------------------------------------------ metadata

def test_document_information(seed_pdf):
    reader = pypdf.PdfReader(seed_pdf)
    info = reader.metadata
    assert info is not None, "the PDF has no document information dictionary"
    assert info.title == TITLE
    assert info.subject == TAGLINE
    assert info.get("/Keywords") == TAGS
    raw = str(info.get("/CreationDate", ""))
    assert raw.startswith("D:20261126"), (
        f"CreationDate is {raw!r}; expected the front matter date 2026-11-26")
    assert info.creation_date.date() == datetime.date(2026, 11, 26)


def test_catalog_language(seed_pdf):
    with pikepdf.open(seed_pdf) as pdf:
        lang = pdf.Root.get("/Lang")
        assert lang is not None, "the PDF catalog has no /Lang entry"
        assert str(lang) == "en"


def test_catalog_language_follows_the_handout(make_project, build):
    project = make_project(lang="de")
    build(project, "pdf")
    with pikepdf.open(pdf_path(project)) as pdf:
        assert str(pdf.Root.get("/Lang")) == "de"


# ------------------------------------------------------------------ bookmarks

def _outline_tree(reader, items):
    tree, last = [], None
    for item in items:
        if isinstance(item, list):
            assert last is not None, "outline children without a parent"
            tree[-1] = (tree[-1][0], tree[-1][1], _outline_tree(reader, item))
        else:
            tree.append((item.title, reader.get_destination_page_number(item), []))
            last = item
    return tree


def test_outline_has_the_headings_nested(seed_pdf, seed_pdf_text):
    reader = pypdf.PdfReader(seed_pdf)
    tree = _outline_tree(reader, reader.outline)
    shape = [(title, [(t2, [t3 for t3, _, _ in c2]) for t2, _, c2 in children])
             for title, _, children in tree]
    assert shape == [(TITLE, [("Comparison", []), ("Further Detail", SECTIONS),
                              ("Conclusion", [])])], f"outline: {shape}"
    # each bookmark points at the page where its heading is printed
    pages = {}
    for fragment in seed_pdf_text.body():
        pages.setdefault(normalize(fragment.text), []).append(fragment.page)

    def walk(nodes):
        for title, page, children in nodes:
            assert page in pages.get(normalize(title), []), (
                f"bookmark {title!r} points at page {page + 1}, but the heading is on "
                f"page(s) {[p + 1 for p in pages.get(normalize(title), [])]}")
            walk(children)
    walk(tree)


# ------------------------------------------------------------------ paper size

def assert_paper(path, paper):
    reader = pypdf.PdfReader(path)
    width, height = PAPER[paper]
    for number, page in enumerate(reader.pages, 1):
        box = page.mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(
            (width, height), abs=0.5), (
            f"{path.name} page {number} is {float(box.width):.2f} x "
            f"{float(box.height):.2f} pt; expected {paper} ({width} x {height})")


def test_seed_is_a4_by_default(seed_pdf):
    assert_paper(seed_pdf, "A4")


def test_paper_option_letter(make_project, build):
    project = make_project()
    build(project, "pdf", "--paper", "Letter")
    assert_paper(pdf_path(project), "Letter")


def test_paper_setting_a5(make_project, build):
    project = make_project(settings={"paper": "A5"})
    build(project, "pdf")
    assert_paper(pdf_path(project), "A5")


def test_paper_option_overrides_the_setting(make_project, build):
    project = make_project(settings={"paper": "A5"})
    build(project, "pdf", "--paper", "letter")
    assert_paper(pdf_path(project), "Letter")


# ------------------------------------------------------------------ running text

def test_page_numbers(seed_pdf_text):
    pdf = seed_pdf_text
    first = [f.text.strip() for f in pdf.footer(0)]
    assert first == [f"Page 1 of {pdf.page_count}"], (
        f"page 1 footer is {first}; expected 'Page 1 of {pdf.page_count}'")
    last = [f.text.strip() for f in pdf.footer(pdf.page_count - 1)]
    assert last == [f"Page {pdf.page_count} of {pdf.page_count}"], last


def test_running_header_on_page_two_not_page_one(seed_pdf_text):
    pdf = seed_pdf_text
    assert pdf.page_count >= 2
    assert [f.text for f in pdf.header(0)] == [], (
        f"page 1 has a running header: {[f.text for f in pdf.header(0)]}")
    second = [f.text.strip() for f in pdf.header(1)]
    assert TITLE in second, f"page 2 header is {second}; expected the title {TITLE!r}"


# ------------------------------------------------------------------ long table

def test_long_table_repeats_its_header_on_every_page(make_project, build, read_pdf):
    rows = {f"Row {n:02d}": {"A": f"Value {n} of A, which is a fairly long text that "
                                  "wraps onto a second line in its cell",
                             "B": f"Value {n} of B"} for n in range(1, 41)}
    project = make_project(items=("A", "B"), attributes=rows,
                           body="A short lead.\n\n## After\n\nThe end.\n")
    build(project, "pdf")
    pdf = read_pdf(pdf_path(project))
    names = {normalize(name): name for name in rows}
    where: dict[str, list] = {}
    for fragment in pdf.body():
        for key, name in names.items():
            if normalize(fragment.text).startswith(key):
                where.setdefault(name, []).append(fragment)
    assert sorted(where) == sorted(rows), (
        f"rows missing from the PDF: {sorted(set(rows) - set(where))}")
    doubled = [name for name, found in where.items() if len(found) != 1]
    assert not doubled, f"rows printed more than once or cut: {doubled}"
    pages = sorted({found[0].page for found in where.values()})
    assert len(pages) >= 2, f"the 40-row table fits on page(s) {pages}; expected a split"
    for page in pages:
        lines = pdf.lines(page)
        headers = [i for i, line in enumerate(lines)
                   if normalize(line) == normalize("Attribute A B")]
        assert len(headers) == 1, (
            f"page {page + 1} holds table rows but {len(headers)} header rows "
            f"'Attribute | A | B'; its lines start: {lines[:4]}")
        first_row = min(i for i, line in enumerate(lines)
                        if any(normalize(line).startswith(key) for key in names))
        assert headers[0] < first_row, (
            f"page {page + 1}: the header row is not above the table rows")
    footer = [f.text.strip() for f in pdf.footer(0)]
    assert footer == [f"Page 1 of {pdf.page_count}"], footer
