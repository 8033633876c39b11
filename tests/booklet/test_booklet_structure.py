"""``versus.booklet.structure``: structure trees of bound documents merged into one, on small
documents made here with pikepdf."""

from __future__ import annotations

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

from versus.booklet.structure import Structure, StructureError


def tagged_document(pdf: pikepdf.Pdf, lang: str, role: str) -> tuple[Dictionary, list]:
    """A one-page document inside ``pdf``: a paragraph, a custom role, a link, an ID."""
    page = pdf.add_blank_page()
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot,
                                        RoleMap=Dictionary({role: Name.P})))
    document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document,
                                            P=root, K=Array()))
    paragraph = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name(role),
                                             P=document, Pg=page.obj, K=0,
                                             ID=String("cell-1")))
    annot = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link,
                                         Rect=[0, 0, 10, 10], StructParent=1))
    link = pdf.make_indirect(Dictionary(
        Type=Name.StructElem, S=Name.Link, P=document, Pg=page.obj,
        K=Array([Dictionary(Type=Name.OBJR, Obj=annot, Pg=page.obj)])))
    data = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.TD, P=document,
                                        A=Dictionary(O=Name.Table,
                                                     Headers=Array([String("cell-1")]))))
    document.K = Array([paragraph, link, data])
    root.K = Array([document])
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(
        [0, Array([paragraph]), 1, link])))
    page.obj.StructParents = 0
    page.obj.Annots = Array([annot])
    return root, [page]


@pytest.fixture
def merged() -> pikepdf.Pdf:
    pdf = pikepdf.new()
    structure = Structure(pdf, "en")
    for number, (lang, role) in enumerate([("en", "/Note"), ("de", "/Aside")]):
        root, pages = tagged_document(pdf, lang, role)
        structure.add(root, pages, f"Doc {number}", lang, f"doc{number}")
    structure.install()
    return pdf


def test_one_part_per_document_titled_under_one_document(merged):
    document = merged.Root.StructTreeRoot.K[0]
    assert document.S == "/Document"
    assert [(str(p.S), str(p.T)) for p in document.K] == [("/Part", "Doc 0"),
                                                          ("/Part", "Doc 1")]
    assert all(p.P.objgen == document.objgen for p in document.K)
    assert document.P.objgen == merged.Root.StructTreeRoot.objgen


def test_keys_are_renumbered_in_pages_annotations_and_the_parent_tree(merged):
    root = merged.Root.StructTreeRoot
    nums = root.ParentTree.Nums
    assert [int(nums[i]) for i in range(0, len(nums), 2)] == [0, 1, 2, 3]
    assert int(root.ParentTreeNextKey) == 4
    assert [int(page.obj.StructParents) for page in merged.pages] == [0, 2]
    assert [int(page.obj.Annots[0].StructParent) for page in merged.pages] == [1, 3]
    second_link = nums[7]
    assert second_link.K[0].Obj.objgen == merged.pages[1].obj.Annots[0].objgen


def test_role_maps_merge_and_languages_that_differ_are_kept(merged):
    root = merged.Root.StructTreeRoot
    assert dict(root.RoleMap) == {"/Note": Name.P, "/Aside": Name.P}
    parts = list(root.K[0].K)
    assert "/Lang" not in parts[0] and str(parts[1].Lang) == "de"
    assert merged.Root.MarkInfo.Marked is True


def test_ids_get_their_documents_prefix_and_headers_follow(merged):
    root = merged.Root.StructTreeRoot
    names = root.IDTree.Names
    assert [bytes(names[i]) for i in range(0, len(names), 2)] == [b"doc0/cell-1",
                                                                   b"doc1/cell-1"]
    cells = [kid for part in root.K[0].K for kid in part.K if kid.S == "/TD"]
    assert [[bytes(h) for h in cell.A.Headers] for cell in cells] == [
        [b"doc0/cell-1"], [b"doc1/cell-1"]]


def test_a_document_without_a_tree_is_refused():
    pdf = pikepdf.new()
    with pytest.raises(StructureError):
        Structure(pdf, "en").add(None, [], "Plain", "en", "plain")
