"""The structure tree follows the text, not the layout (``versus.pdf.textstructure``):
one ``/P`` per paragraph across column and page breaks, ``dt``/``dd`` as ``Lbl`` and
``LBody`` of one ``LI``, a nested list inside its item, one ``/Link`` per link however
it wraps, footnotes as ``/Note`` with an ``/ID`` that their call links to."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pikepdf
import pypdf
import pytest

from conftest import REPO
from support.files import write
from support.tagged import (elements, parent_tree, pdfua_problems, qpdf_check,
                            unreachable_content)

FIXTURES = REPO / "tests" / "fixtures"
SEED, FEATURES = "devops-vs-mlops", "feature-handout"
LISTS = "lists-vs-links"
LISTS_HANDOUT = """---
items: [Lists, Links]
lang: en
attributes:
  Shape: {Lists: nested, Links: wrapped}
---
Lists nest and links wrap; see the
[long-form guide to distributed version control and its many branching workflows, with examples](https://example.org/guide)
before reading on.

## Details

- Outer one
    - inner a
    - inner b
- Outer two
    1. numbered inner
- Outer three
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory, build) -> Path:
    project = tmp_path_factory.mktemp("text-structure")
    (project / "content").mkdir()
    for name in (f"{SEED}.md", f"{FEATURES}.md", "history.png"):
        shutil.copy(FIXTURES / name, project / "content" / name)
    write(project, f"content/{LISTS}.md", LISTS_HANDOUT)
    build(project, "pdf", "--jobs", "1")
    return project / "output" / "pdf"


class Tagged:
    """A PDF's structure elements, with the text and position of their content."""

    def __init__(self, path: Path):
        self.pdf = pikepdf.open(path)
        self.pages = {page.objgen: index for index, page in enumerate(self.pdf.pages)}
        self.elements = elements(self.pdf)
        self.runs = _marked_runs(path)
        self.x = _positions(self.pdf)

    def of(self, kind: str) -> list[pikepdf.Dictionary]:
        return [element for element in self.elements if element.S == kind]

    def page(self, node, default=None):
        return self.pages.get(node.Pg.objgen) if "/Pg" in node else default

    def content(self, element, page=None) -> list[tuple[int, int]]:
        """(page, MCID) of the marked content below ``element``, in order."""
        page = self.page(element, page)
        found = []
        for kid in _kids(element):
            if isinstance(kid, int):
                found.append((page, kid))
            elif kid.get("/Type") == "/MCR":
                found.append((self.page(kid, page), int(kid.MCID)))
            elif kid.get("/Type") != "/OBJR":
                found.extend(self.content(kid, page))
        return found

    def text(self, element) -> str:
        parts, last = [], None
        for key in self.content(element):
            if last is not None and key[0] != last:  # a new page starts a new line
                parts.append("\n")
            parts.append(self.runs.get(key, ("", 0))[0])
            last = key[0]
        return _normal("".join(parts))

    def close(self):
        self.pdf.close()


@pytest.fixture(scope="module")
def tagged(built):
    opened = {}

    def read(slug: str) -> Tagged:
        if slug not in opened:
            opened[slug] = Tagged(built / f"{slug}.pdf")
        return opened[slug]
    yield read
    for pdf in opened.values():
        pdf.close()


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [int(kid) if not isinstance(kid, pikepdf.Dictionary) else kid for kid in kids]


def _marked_runs(path: Path) -> dict[tuple[int, int], tuple[str, float]]:
    """(page, MCID) -> (its text, the x where it starts), read with pypdf."""
    runs: dict[tuple[int, int], tuple[str, float]] = {}
    for index, page in enumerate(pypdf.PdfReader(path).pages):
        stack: list = []

        def before(operator, operands, cm, tm, stack=stack):
            if operator == b"BDC":
                properties = operands[1] if len(operands) > 1 else None
                stack.append(properties.get("/MCID") if isinstance(properties, dict)
                             else None)
            elif operator == b"BMC":
                stack.append(None)
            elif operator == b"EMC" and stack:
                stack.pop()

        def text(part, cm, tm, font, size, stack=stack, index=index):
            mcid = next((m for m in reversed(stack) if m is not None), None)
            if mcid is not None and part:
                key = (index, int(mcid))
                old, x = runs.get(key, ("", tm[4] * cm[0] + cm[4]))
                runs[key] = (old + part, x)
        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return runs


MARKED_AT = re.compile(  # the first text matrix before the marked content ends
    rb"<</MCID (\d+)>>\s*BDC(?:(?!EMC).)*?1 0 0 -1 ([-\d.]+) [-\d.]+ Tm", re.S)


def _positions(pdf: pikepdf.Pdf) -> dict[tuple[int, int], float]:
    """(page, MCID) -> the x, in CSS px, where its first text run starts."""
    found = {}
    for index, page in enumerate(pdf.pages):
        page.contents_coalesce()
        for match in MARKED_AT.finditer(page.obj.Contents.read_bytes()):
            found[(index, int(match.group(1)))] = float(match.group(2))
    return found


def _normal(text: str) -> str:
    """Text compared without line breaks, hyphenation or typographic quotes."""
    text = re.sub("[\u2010\u00ad-]\n", "", text)
    text = text.translate({0x2019: "'", 0x2018: "'", 0x201C: '"', 0x201D: '"'})
    return " ".join(text.split())


def _seed_paragraphs() -> list[str]:
    body = (FIXTURES / f"{SEED}.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    return [_normal(block) for block in body.split("\n\n")
            if block.strip() and not block.lstrip().startswith("#")]


def test_each_paragraph_of_the_seed_is_one_p(tagged):
    seed = tagged(SEED)
    texts = [seed.text(p) for p in seed.of("/P")]
    for paragraph in _seed_paragraphs():
        assert texts.count(paragraph) == 1, (paragraph[:60], [t[:60] for t in texts])


def test_a_p_spans_a_page_break_and_another_two_columns(tagged):
    seed = tagged(SEED)
    paragraphs = seed.of("/P")
    pages = [p for p in paragraphs if len({page for page, _ in seed.content(p)}) > 1]
    assert pages, "no paragraph goes on over a page break"
    middle = float(seed.pdf.pages[0].MediaBox[2]) / 2 / 0.75  # in px, as the Tm are
    columns = [p for p in paragraphs if len({page for page, _ in seed.content(p)}) == 1
               and len({seed.x[key] > middle for key in seed.content(p)
                        if key in seed.x}) == 2]
    assert columns, "no paragraph goes on from one column to the next"
    assert "and monitoring throughout the" in " ".join(seed.text(p) for p in columns + pages)


def test_the_parent_tree_names_the_joined_element_for_every_mcid(tagged):
    for slug in (SEED, FEATURES, LISTS):
        pdf = tagged(slug)
        assert unreachable_content(pdf.pdf) == []
        tree = parent_tree(pdf.pdf)
        for number, page in enumerate(pdf.pdf.pages):
            entry = tree[int(page.obj.StructParents)]
            for mcid, element in enumerate(entry):
                if isinstance(element, pikepdf.Dictionary):
                    assert (number, mcid) in pdf.content(element), (slug, number, mcid)


def test_terms_and_descriptions_are_the_label_and_body_of_one_item(tagged):
    features = tagged(FEATURES)
    lists = [lst for lst in features.of("/L")
             if any(features.text(kid) == "Changeset" for kid in features.elements
                    if kid.S == "/Lbl")]
    assert len(lists) == 1
    items = [kid for kid in _kids(lists[0]) if isinstance(kid, pikepdf.Dictionary)]
    assert [str(item.S) for item in items] == ["/LI"] * 3
    assert [[str(kid.S) for kid in _kids(item)] for item in items] == \
        [["/Lbl", "/LBody"]] * 3
    assert [features.text(_kids(item)[0]) for item in items] == \
        ["Changeset", "Bookmark", "Revision number"]
    assert features.text(_kids(items[1])[1]).startswith("A movable name")


def test_a_nested_list_is_in_its_item(tagged):
    lists = tagged(LISTS)
    nested = [lst for lst in lists.of("/L") if lst.P.S != "/Div"]
    assert len(nested) == 2
    for lst in nested:
        assert lst.P.S == "/LBody" and lst.P.P.S == "/LI"
    assert [lists.text(lst.P.P) for lst in nested] == [
        "• Outer one ◦ inner a ◦ inner b", "• Outer two 1. numbered inner"]
    assert not any(kid.S == "/L" for outer in lists.of("/L") for kid in _kids(outer)
                   if isinstance(kid, pikepdf.Dictionary))


def test_a_wrapped_link_is_one_link_with_an_objr_per_line(tagged):
    lists = tagged(LISTS)
    links = lists.of("/Link")
    assert len(links) == 1
    objrs = [kid for kid in _kids(links[0])
             if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"]
    assert len(objrs) >= 2
    tree = parent_tree(lists.pdf)
    for objr in objrs:
        assert str(objr.Obj.A.URI) == "https://example.org/guide"
        assert tree[int(objr.Obj.StructParent)].objgen == links[0].objgen
    assert lists.text(links[0]).startswith("long-form guide") and \
        lists.text(links[0]).endswith("with examples")


def test_footnotes_are_notes_with_ids_their_calls_link_to(tagged):
    features = tagged(FEATURES)
    notes = features.of("/Note")
    assert [features.text(note)[:14] for note in notes] == \
        ["1. Both were s", "2. Most of Git", "3. Enabled in "]
    ids = [bytes(note.ID) for note in notes]
    assert len(set(ids)) == 3
    names = features.pdf.Root.StructTreeRoot.IDTree.Names
    named = {bytes(names[i]): names[i + 1].objgen for i in range(0, len(names), 2)}
    assert all(named[key] == note.objgen for key, note in zip(ids, notes))
    tree = parent_tree(features.pdf)
    for number, note in enumerate(notes, start=1):
        assert _kids(note)[0].S == "/Lbl"
        siblings = _kids(note.P)
        call = siblings[[kid.objgen if isinstance(kid, pikepdf.Dictionary) else None
                         for kid in siblings].index(note.objgen) - 1]
        assert call.S == "/Link" and features.text(call) == str(number)
        assert [ref.objgen for ref in call.Ref] == [note.objgen]
        objr = next(kid for kid in _kids(call) if isinstance(kid, pikepdf.Dictionary)
                    and kid.get("/Type") == "/OBJR")
        annotation = objr.Obj
        assert annotation.Dest[0].objgen == note.Pg.objgen
        assert tree[int(annotation.StructParent)].objgen == call.objgen
        assert annotation.objgen in {a.objgen for a in objr.Pg.Annots}
    assert not [kid for kid in _kids(features.pdf.Root.StructTreeRoot.K)
                if kid.S == "/NonStruct"], "the footnote area is left in the tree"


def test_pdfua_and_qpdf_find_nothing_wrong(built):
    for slug in (SEED, FEATURES, LISTS):
        path = built / f"{slug}.pdf"
        assert pdfua_problems(path) == [], slug
        assert qpdf_check(path) == "", slug


def test_the_same_handout_gives_the_same_bytes(built, build, tmp_path):
    shutil.copytree(built.parent.parent / "content", tmp_path / "content")
    build(tmp_path, "pdf", "--jobs", "1")
    for slug in (FEATURES, LISTS):
        assert (built / f"{slug}.pdf").read_bytes() == \
            (tmp_path / "output" / "pdf" / f"{slug}.pdf").read_bytes(), slug


def test_a_tree_the_walk_does_not_recognise_is_left_as_written():
    import pydyf

    from versus.pdf.textstructure import follow_text

    pdf = pydyf.PDF()
    root = pydyf.Dictionary({"Type": "/StructTreeRoot"})
    pdf.add_object(root)
    document = pydyf.Dictionary({"Type": "/StructElem", "S": "/Document",
                                 "K": pydyf.Array()})
    pdf.add_object(document)
    root["K"] = pydyf.Array([document.reference])
    paragraph = pydyf.Dictionary({"Type": "/StructElem", "S": "/P", "K": pydyf.Array(),
                                  "P": document.reference})
    pdf.add_object(paragraph)
    document["K"].append(paragraph.reference)
    pdf.catalog["StructTreeRoot"] = root.reference

    class NoPages:
        pages: list = []

    follow_text(NoPages(), pdf)  # no box made the /P: nothing is changed
    assert document["K"] == [paragraph.reference] and paragraph["S"] == "/P"
