"""The booklet as one accessible document: one structure tree with a part per handout,
its own page numbers on every page, links a screen reader can name, and files that
pdfua and qpdf accept.

Page numbers are read as a reader sees them, with ``pdftotext`` page by page.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from support.files import write
from support.tagged import elements, parent_tree, pdfua_problems, qpdf_check, unreachable_content
from versus.booklet.assemble import Layout, Part, assemble

TABLE = "attributes:\n  Colour: {%s: Red, %s: Blue}\n  Size: {%s: Small, %s: Large}\n"
LONG = "\n\n".join(f"## Part {n}\n\n" + "Gamma differs from Delta in many ways. " * 45
                   for n in range(5))
HANDOUTS = {  # slug: (title, items, extra front matter, body)
    "alpha-vs-beta": ("Alpha vs. Beta", ("Alpha", "Beta"), "tags: [colour]\n",
                      "Alpha first. See [the table](#comparison).\n"),
    "gamma-vs-delta": ("Gamma vs. Delta", ("Gamma", "Delta"), "tags: [size]\n", LONG),
    "kafka-vs-pulsar": ("Kafka gegen Pulsar", ("Kafka", "Pulsar"), "lang: de\n",
                        "Ein Vergleich.\n\n## Mehr\n\nText.\n"),
}


def write_project(project: Path) -> Path:
    for slug, (title, (a, b), extra, body) in HANDOUTS.items():
        write(project, f"content/{slug}.md",
              f"---\nitems: [{a}, {b}]\ntitle: {title}\n{extra}"
              f"{TABLE % (a, b, a, b)}---\n{body}")
    write(project, "versus.yaml", "site_name: Field Guide\nsite_subtitle: Two by two\n")
    return project


@pytest.fixture(scope="module")
def project(tmp_path_factory, build) -> Path:
    project = write_project(tmp_path_factory.mktemp("tags") / "project")
    build(project, "booklet", "--jobs", "1")
    return project


@pytest.fixture(scope="module")
def duplex(tmp_path_factory, build) -> Path:
    project = write_project(tmp_path_factory.mktemp("duplex") / "project")
    build(project, "booklet", "--duplex", "--jobs", "1")
    return project


def booklet(project: Path) -> Path:
    return project / "output" / "booklet.pdf"


def page_texts(path: Path) -> list[str]:
    """Each page's text as pdftotext gives it."""
    with pikepdf.open(path) as pdf:
        count = len(pdf.pages)
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(path),
                            "-"], capture_output=True, text=True, check=True).stdout
            for n in range(1, count + 1)]


def contents_numbers(text: str) -> dict[str, int]:
    found = {}
    for title, *_ in HANDOUTS.values():
        match = re.search(re.escape(title) + r"[ .]*?(\d+)\s*$", text, re.MULTILINE)
        assert match, f"the contents does not list '{title}':\n{text}"
        found[title] = int(match.group(1))
    return found


# ------------------------------------------------------------------ structure

def test_one_part_per_handout_after_the_front_under_one_document(project):
    with pikepdf.open(booklet(project)) as pdf:
        root = pdf.Root.StructTreeRoot
        assert len(root.K) == 1 and root.K[0].S == "/Document"
        parts = list(root.K[0].K)
        assert [str(p.S) for p in parts] == ["/Part"] * 4
        assert [str(p.T) for p in parts] == ["Field Guide", "Alpha vs. Beta",
                                             "Gamma vs. Delta", "Kafka gegen Pulsar"]
        assert all(p.P.objgen == root.K[0].objgen for p in parts)
        kinds = {str(e.S) for e in elements(pdf)}
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Link"} <= kinds


def test_every_pages_marked_content_reaches_the_tree(project, duplex):
    for path in (booklet(project), booklet(duplex)):
        with pikepdf.open(path) as pdf:
            assert unreachable_content(pdf) == [], path


def test_every_page_and_link_key_is_in_the_parent_tree(project):
    with pikepdf.open(booklet(project)) as pdf:
        tree = parent_tree(pdf)
        next_key = int(pdf.Root.StructTreeRoot.ParentTreeNextKey)
        assert max(tree) < next_key
        pages = [int(page.obj.StructParents) for page in pdf.pages
                 if "/StructParents" in page.obj]
        assert len(pages) == len(set(pages)) and set(pages) <= set(tree)
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                element = tree[int(annot.StructParent)]
                objects = [kid.Obj.objgen for kid in element.K
                           if isinstance(kid, pikepdf.Dictionary) and "/Obj" in kid]
                assert annot.objgen in objects, "a link's key names another element"


def test_a_part_in_another_language_says_so(project):
    with pikepdf.open(booklet(project)) as pdf:
        assert str(pdf.Root.Lang) == "en"
        parts = {str(p.T): p for p in pdf.Root.StructTreeRoot.K[0].K}
        assert str(parts["Kafka gegen Pulsar"].Lang) == "de"
        assert "/Lang" not in parts["Alpha vs. Beta"]


def test_ids_are_unique_in_the_id_tree_and_headers_name_them(project):
    with pikepdf.open(booklet(project)) as pdf:
        found = [e for e in elements(pdf) if "/ID" in e]
        ids = [bytes(e.ID) for e in found]
        assert len(ids) == len(set(ids)) and len(ids) >= 3 * 5
        names = pdf.Root.StructTreeRoot.IDTree.Names
        tree = {bytes(names[i]): names[i + 1].objgen for i in range(0, len(names), 2)}
        assert tree == {bytes(e.ID): e.objgen for e in found}
        for cell in (e for e in elements(pdf) if e.S == "/TD"):
            assert all(bytes(h) in tree for h in cell.A.Headers)
        scopes = {str(e.A.Scope) for e in elements(pdf) if e.S == "/TH"}
    assert scopes == {"/Column", "/Row"}


def test_the_booklet_says_it_is_tagged_and_names_its_title_and_language(project):
    with pikepdf.open(booklet(project)) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        meta = pdf.open_metadata()
        assert meta["dc:title"] == "Field Guide"
        assert "en" in meta["dc:language"]


# ---------------------------------------------------------------------- links

def test_contents_links_are_described_by_the_handouts_titles(project):
    with pikepdf.open(booklet(project)) as pdf:
        described = [str(annot.Contents) for annot in pdf.pages[1].obj.Annots]
    # WeasyPrint makes one annotation per line and box of a link: several per entry.
    assert list(dict.fromkeys(described)) == [title for title, *_ in HANDOUTS.values()]
    assert not any(text.startswith("versus-booklet:") for text in described)


# ---------------------------------------------------------------- page numbers

def test_every_handout_page_shows_its_booklet_page_number(project):
    texts = page_texts(booklet(project))
    total = len(texts)
    starts = contents_numbers(texts[1])
    assert sorted(starts.values())[0] == 3
    for number, text in enumerate(texts[2:], start=3):
        assert re.findall(r"Page \d+ of \d+", text) == [f"Page {number} of {total}"], (
            number, text[-200:])
    for title, page in starts.items():
        assert title in " ".join(texts[page - 1].split()), (title, page)


def footer_x(path: Path, page: int) -> float:
    """Where the word 'Page' of the footer starts on ``page``, in points."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page),
                           str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    found = re.findall(r'<word xMin="([\d.]+)"[^>]*>Page</word>', html)
    assert len(found) == 1, (page, found)
    return float(found[0])


def test_duplex_puts_numbers_outside_and_handouts_on_right_hand_pages(duplex):
    path = booklet(duplex)
    texts = page_texts(path)
    starts = contents_numbers(texts[2])
    assert all(page % 2 == 1 for page in starts.values()), starts
    with pikepdf.open(path) as pdf:
        width = float(pdf.pages[0].mediabox[2])
    numbered = [n for n, text in enumerate(texts, start=1)
                if n > 3 and re.search(r"Page \d+ of", text)]
    assert any(n % 2 == 0 for n in numbered) and any(n % 2 for n in numbered)
    for number in numbered:
        x = footer_x(path, number)
        assert (x > width / 2) == (number % 2 == 1), (number, x)


def test_duplex_shifts_pages_towards_their_outer_edge(duplex):
    """Mirrored margins: a right-hand page's text sits further right than a left's."""
    path = booklet(duplex)
    texts = page_texts(path)
    long = contents_numbers(texts[2])["Gamma vs. Delta"]
    right, left = long + 2, long + 1  # two pages of running text
    margin = [min(float(x) for x in re.findall(
        r'<word xMin="([\d.]+)"', subprocess.run(
            ["pdftotext", "-bbox", "-f", str(n), "-l", str(n), str(path), "-"],
            capture_output=True, text=True, check=True).stdout)) for n in (right, left)]
    assert margin[0] - margin[1] == pytest.approx(2 * 4 * 72 / 25.4, abs=0.5), margin


# ------------------------------------------------------------------ validators

def test_pdfua_finds_no_error_in_the_booklet_or_its_handouts(project, duplex):
    paths = [booklet(project), booklet(duplex),
             *sorted((project / "output" / "pdf").glob("*.pdf"))]
    assert {path.name: pdfua_problems(path) for path in paths} == \
        {path.name: [] for path in paths}


def test_qpdf_finds_nothing_wrong(project, duplex):
    assert qpdf_check(booklet(project)) == ""
    assert qpdf_check(booklet(duplex)) == ""


# -------------------------------------------------------------- untagged input

def test_an_untagged_handout_is_bound_and_named(project, tmp_path):
    """A PDF without a structure tree cannot join the tree: it is bound, and said."""
    plain = pikepdf.new()
    plain.add_blank_page()
    plain.save(tmp_path / "plain.pdf")
    front = booklet(project).read_bytes()
    with pikepdf.open(booklet(project)) as pdf:
        count = len(pdf.pages)
    bound = assemble(front, [Part("plain", "Plain", count + 1, tmp_path / "plain.pdf")],
                     Layout(lang="en"), {"/Title": "T"}, {"dc:title": "T"})
    assert bound.untagged == ("pdf/plain.pdf",)
    write(tmp_path, "out.pdf", bound.data)
    assert qpdf_check(tmp_path / "out.pdf") == ""
    with pikepdf.open(tmp_path / "out.pdf") as pdf:
        assert len(pdf.pages) == count + 1
        assert unreachable_content(pdf) == []


def test_the_build_says_which_handout_is_bound_untagged(tmp_path, build, run_cli):
    project = write_project(tmp_path / "project")
    build(project, "booklet", "--jobs", "1")
    plain = pikepdf.new()
    plain.add_blank_page(page_size=(595.28, 841.89))
    plain.save(project / "output/pdf/alpha-vs-beta.pdf")  # as an older version made it
    result = run_cli("booklet", "--project", project, "--jobs", "1")
    assert "booklet.pdf: pdf/alpha-vs-beta.pdf has no structure tree: its pages are " \
        "in the booklet untagged" in result.output, result.output
    with pikepdf.open(booklet(project)) as pdf:
        assert unreachable_content(pdf) == []
        assert [str(p.T) for p in pdf.Root.StructTreeRoot.K[0].K] == [
            "Field Guide", "Gamma vs. Delta", "Kafka gegen Pulsar"]
