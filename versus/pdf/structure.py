"""Tagged PDFs read and written with pikepdf, as the booklet binds them.

A handout's PDF leaves the renderer already mended (``versus.pdf.finisher``:
header scope, ID tree, margin-box text made ``/Header`` and ``/Footer``
pagination artifacts). The booklet opens the handouts again to bind them; it
walks their structure trees, reads their parent trees, builds one ID tree for
the whole and saves the result with the helpers here, which do for pikepdf
objects what the finisher does for WeasyPrint's.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pikepdf
from pikepdf import Array, Dictionary

from .finisher import FOOTER, HEADER

__all__ = ["FOOTER", "HEADER", "add_id_tree", "parent_tree", "save", "walk"]


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
