"""Finishing WeasyPrint's tagged PDFs with pikepdf: header scope, ID tree, artifacts.

WeasyPrint 70 tags a page well but leaves three things for later: header cells
(``/TH``) carry no ``/Scope`` although the HTML says ``scope="col"`` or
``"row"``; elements carry ``/ID`` without an ``/IDTree`` in the structure tree
root; and the text of margin boxes (running header, page numbers) is marked
content whose structure elements hang outside the tree, so nothing reaches it.
``finish`` fixes all three after ``write_pdf``: the scope of a header cell
follows HTML's own rule (a row of header cells heads columns, a header cell
among data cells heads its row), and margin-box text becomes a pagination
artifact, ``/Header`` in the upper half of the page and ``/Footer`` below it,
which is what lets the booklet swap a handout's page numbers for its own.

The header scope belongs in WeasyPrint (its issue 2508, "PDF/UA: Tags for
header cells in tables are missing", open for WeasyPrint 70); this step stays
until a release sets it, and is harmless after.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name

MARKED = re.compile(rb"/(\w+)\s*<</MCID (\d+)>>\s*BDC")
TEXT_MATRIX = re.compile(rb"1 0 0 -1 [-\d.]+ ([-\d.]+) Tm")
PX = 0.75
"""WeasyPrint draws in CSS pixels on a page flipped to start at the top: pt per px."""
FOOTER = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC"
HEADER = b"/Artifact <</Type /Pagination /Subtype /Header>> BDC"


def finish(data: bytes) -> bytes:
    """``data``, a tagged PDF from WeasyPrint, with scopes, an ID tree and artifacts."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/StructTreeRoot" not in pdf.Root:
            return data
        root = pdf.Root.StructTreeRoot
        elements = list(walk(root))
        for element in elements:
            if element.get("/S") == "/TH":
                set_scope(element)
        add_id_tree(pdf, root, elements)
        unreached = {element.objgen for element in _parent_tree_elements(root)}
        unreached -= {element.objgen for element in elements}
        if unreached:
            _margin_boxes_to_artifacts(pdf, root, unreached)
        return save(pdf)


def save(pdf: pikepdf.Pdf) -> bytes:
    """The bytes of ``pdf``, the same for the same content (no clock, no random ID)."""
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def walk(node) -> Iterator[Dictionary]:
    """Every structure element below ``node`` (a root or an element), depth first."""
    pending = [node]
    seen: set[tuple[int, int]] = set()
    while pending:
        current = pending.pop()
        if not isinstance(current, Dictionary) or current.get("/Type") in ("/MCR",
                                                                           "/OBJR"):
            continue
        if current.is_indirect:
            if current.objgen in seen:
                continue
            seen.add(current.objgen)
        if current is not node:
            yield current
        kids = current.get("/K")
        if isinstance(kids, Array):
            pending.extend(reversed(list(kids)))
        elif kids is not None:
            pending.append(kids)


def set_scope(header: Dictionary) -> None:
    """``/Scope`` on a ``/TH``: ``/Column`` in a row of header cells, else ``/Row``."""
    row = header.get("/P")
    cells = [kid for kid in row.get("/K", Array())
             if isinstance(kid, Dictionary)] if isinstance(row, Dictionary) else []
    scope = Name.Column if all(cell.get("/S") == "/TH" for cell in cells) else Name.Row
    attributes = header.get("/A")
    if isinstance(attributes, Array):  # several attribute objects: find the table one
        found = [a for a in attributes if isinstance(a, Dictionary)
                 and a.get("/O") == "/Table"]
        attributes = found[0] if found else None
    if not isinstance(attributes, Dictionary):
        attributes = Dictionary(O=Name.Table)
        header.A = attributes
    attributes.Scope = scope


def add_id_tree(pdf: pikepdf.Pdf, root: Dictionary, elements: list[Dictionary]) -> None:
    """An ``/IDTree`` in ``root`` naming every element that has an ``/ID``."""
    tagged = [element for element in elements if "/ID" in element]
    if not tagged:
        if "/IDTree" in root:
            del root["/IDTree"]
        return
    pairs: dict[bytes, Dictionary] = {}
    for element in tagged:
        pairs.setdefault(bytes(element.ID), element)
    names = Array()
    for key in sorted(pairs):  # a name tree's keys are sorted by their bytes
        names.append(pikepdf.String(key))
        names.append(pairs[key])
    root.IDTree = pdf.make_indirect(Dictionary(Names=names))


def _parent_tree_elements(root: Dictionary) -> Iterator[Dictionary]:
    for _key, value in parent_tree(root):
        yield from (value if isinstance(value, Array) else [value])


def parent_tree(root: Dictionary) -> list[tuple[int, object]]:
    """The (key, value) pairs of the number tree ``root.ParentTree``, in order."""
    found, pending = [], [root.get("/ParentTree")]
    while pending:
        node = pending.pop()
        if not isinstance(node, Dictionary):
            continue
        nums = node.get("/Nums", Array())
        found.extend((int(nums[i]), nums[i + 1]) for i in range(0, len(nums) - 1, 2))
        pending.extend(node.get("/Kids", Array()))
    return sorted(found, key=lambda pair: pair[0])


def _margin_boxes_to_artifacts(pdf: pikepdf.Pdf, root: Dictionary,
                               unreached: set[tuple[int, int]]) -> None:
    """Mark content whose element nothing reaches as a header or footer artifact."""
    tree = dict(parent_tree(root))
    for page in pdf.pages:
        if "/StructParents" not in page.obj:
            continue
        mcids = tree.get(int(page.obj.StructParents))
        if not isinstance(mcids, Array):
            continue
        orphans = {index for index, element in enumerate(mcids)
                   if isinstance(element, Dictionary) and element.is_indirect
                   and element.objgen in unreached}
        if not orphans:
            continue
        height = float(page.mediabox[3]) - float(page.mediabox[1])
        page.contents_coalesce()
        data = page.obj.Contents.read_bytes()
        page.obj.Contents = pdf.make_stream(_artifacts(data, orphans, height))
        for index in orphans:
            mcids[index] = None  # null: an artifact has no element


def _artifacts(data: bytes, orphans: set[int], height: float) -> bytes:
    def replace(match: re.Match) -> bytes:
        if int(match.group(2)) not in orphans:
            return match.group(0)
        position = TEXT_MATRIX.search(data, match.end())
        low = position is not None and float(position.group(1)) * PX > height / 2
        return FOOTER if low else HEADER
    return MARKED.sub(replace, data)
