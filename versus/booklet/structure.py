"""One structure tree for PDFs bound together: a ``Part`` per document, with pikepdf.

Binding pages copies their marked content but not the structure tree that
gives it meaning. ``Structure`` collects each bound document's tree under one
``/Document`` element, as a ``/Part`` titled after the document, and keeps it
consistent: the parent tree's keys (and the pages' ``/StructParents`` and the
annotations' ``/StructParent`` that point into it) are renumbered, role maps,
class maps and namespaces are merged, element IDs get the document's prefix so
that two handouts' IDs cannot collide (and the ``/Headers`` naming them follow),
and a part whose language differs from the booklet's carries its own ``/Lang``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from ..pdf.structure import add_id_tree, parent_tree, walk


class StructureError(Exception):
    """A bound document's structure tree cannot be merged."""


class Structure:
    """The structure tree of a booklet, built up one bound document at a time."""

    def __init__(self, pdf: pikepdf.Pdf, lang: str):
        self.pdf, self.lang = pdf, lang
        self.document = pdf.make_indirect(Dictionary(Type=Name.StructElem,
                                                     S=Name.Document, K=Array()))
        self.nums: list[tuple[int, object]] = []
        self.next_key = 0
        self.role_map: dict[str, object] = {}
        self.class_map: dict[str, object] = {}
        self.namespaces: dict[str, Dictionary] = {}
        self.tagged: list[Dictionary] = []
        """Elements with an ``/ID``, for the ID tree."""

    def add(self, root: Dictionary, pages: Sequence[pikepdf.Page], title: str,
            lang: str, prefix: str) -> None:
        """Adopt ``root`` (a ``/StructTreeRoot`` already in this PDF) as one part.

        ``pages`` are the document's pages as bound, ``prefix`` makes its IDs unique.
        """
        if not isinstance(root, Dictionary) or "/ParentTree" not in root:
            raise StructureError("it has no structure tree")
        offset = self.next_key
        pairs = parent_tree(root)
        for key, value in pairs:
            self.nums.append((key + offset, value))
        self.next_key = offset + (max((key for key, _ in pairs), default=-1) + 1)
        for page in pages:
            _renumber(page, offset)
        for name, value in root.get("/RoleMap", Dictionary()).items():
            self.role_map.setdefault(name, value)
        for name, value in root.get("/ClassMap", Dictionary()).items():
            self.class_map.setdefault(name, value)
        self.document.K.append(self._part(root, title, lang))
        self._rename_ids(root, prefix)

    def _part(self, root: Dictionary, title: str, lang: str) -> Dictionary:
        """The document's top element, made a ``/Part`` of the booklet's document."""
        kids = root.get("/K")
        kids = list(kids) if isinstance(kids, Array) else [kids] if kids else []
        if len(kids) == 1 and kids[0].get("/S") in ("/Document", "/Part"):
            part = kids[0]
        else:  # several top elements: one part around them
            part = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, K=Array(kids)))
            for kid in kids:
                if isinstance(kid, Dictionary):
                    kid.P = part
        part.S, part.P, part.T = Name.Part, self.document, String(title)
        if lang and lang != self.lang:
            part.Lang = String(lang)
        if "/NS" in part:
            part.NS = self._namespace(part.NS)
        return part

    def _namespace(self, namespace: Dictionary) -> Dictionary:
        """One namespace object per namespace name, however many documents used it."""
        return self.namespaces.setdefault(str(namespace.get("/NS", "")), namespace)

    def _rename_ids(self, root: Dictionary, prefix: str) -> None:
        """``prefix/`` before every ID below ``root`` and in the headers naming them."""
        for element in walk(root):
            if "/ID" in element:
                element.ID = String(prefix.encode() + b"/" + bytes(element.ID))
                self.tagged.append(element)
            for attributes in _attribute_objects(element):
                headers = attributes.get("/Headers")
                if isinstance(headers, Array):
                    attributes.Headers = Array(
                        [String(prefix.encode() + b"/" + bytes(h)) for h in headers])

    def install(self) -> None:
        """Make the merged tree this PDF's structure tree, with MarkInfo."""
        root = self.pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot,
                                                 K=Array([self.document])))
        self.document.P = root
        flat = Array()
        for key, value in sorted(self.nums, key=lambda pair: pair[0]):
            flat.append(key)
            flat.append(value)
        root.ParentTree = self.pdf.make_indirect(Dictionary(Nums=flat))
        root.ParentTreeNextKey = self.next_key
        if self.role_map:
            root.RoleMap = Dictionary(self.role_map)
        if self.class_map:
            root.ClassMap = Dictionary(self.class_map)
        if self.namespaces:
            root.Namespaces = Array(list(self.namespaces.values()))
            self.document.NS = next(iter(self.namespaces.values()))
        add_id_tree(self.pdf, root, self.tagged)
        self.pdf.Root.StructTreeRoot = root
        self.pdf.Root.MarkInfo = Dictionary(Marked=True)


def _renumber(page: pikepdf.Page, offset: int) -> None:
    """Move a page's and its annotations' keys into the parent tree by ``offset``."""
    if "/StructParents" in page.obj:
        page.obj.StructParents = int(page.obj.StructParents) + offset
    for annot in page.obj.get("/Annots", Array()):
        if "/StructParent" in annot:
            annot.StructParent = int(annot.StructParent) + offset


def _attribute_objects(element: Dictionary) -> list[Dictionary]:
    attributes = element.get("/A")
    if isinstance(attributes, Dictionary):
        return [attributes]
    if isinstance(attributes, Array):
        return [a for a in attributes if isinstance(a, Dictionary)]
    return []
