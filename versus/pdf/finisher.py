"""What WeasyPrint's tagged PDF lacks, added to its objects before it is written.

WeasyPrint 70 tags a page well but leaves three things for later: header cells
(``/TH``) carry no ``/Scope`` although the HTML says ``scope="col"`` or
``"row"``; elements carry ``/ID`` without an ``/IDTree`` in the structure tree
root; and the text of margin boxes (running header, page numbers) is marked
content whose structure elements hang outside the tree, so nothing reaches it.
It also makes every link absolute, while a link to another handout's PDF must
stay relative, as the PDFs sit in output/pdf/ like the handouts in content/.

``finisher`` gives ``write_pdf`` a function that mends all four on the pydyf
objects WeasyPrint is about to write, so the PDF is written once, never parsed
again. It visits only what it changes: the pages' annotations, the structure
tree, the parent tree, and the content of the pages with margin-box text. The
scope of a header cell follows HTML's own rule (a row of header cells heads
columns, a header cell among data cells heads its row), and margin-box text
becomes a pagination artifact, ``/Header`` in the upper half of the page and
``/Footer`` below it, which is what lets the booklet swap a handout's page
numbers for its own. The margin boxes' elements stay in the file, though
nothing in the document leads to them any more (a reader never meets them;
pikepdf's save used to leave them out). References are read as pydyf writes
them, ``b"12 0 R"``, the object being ``pdf.objects[12]``.

Before those, ``versus.pdf.textstructure`` makes the tree follow the text rather
than the layout: a paragraph, list or link cut by a column, page or line break is
one element again; definition lists, nested lists and footnotes are tagged as
their HTML reads.

The header scope belongs in WeasyPrint (its issue 2508, "PDF/UA: Tags for
header cells in tables are missing", open for WeasyPrint 70); this step stays
until a release sets it, and is harmless after.
"""

from __future__ import annotations

import codecs
import posixpath
import re
from collections.abc import Callable
from itertools import islice
from urllib.parse import urlsplit

import pydyf

from ..security.sandbox import VIRTUAL_ROOT
from .textstructure import follow_text

TEXT_MATRIX = re.compile(rb"1 0 0 -1 [-\d.]+ ([-\d.]+) Tm")
PX = 0.75
"""WeasyPrint draws in CSS pixels on a page flipped to start at the top: pt per px."""
FOOTER = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC"
HEADER = b"/Artifact <</Type /Pagination /Subtype /Header>> BDC"
NULL = b"null"


def finisher(base_url: str) -> Callable[[object, pydyf.PDF], None]:
    """A ``write_pdf`` finisher for a page at ``base_url``: links made relative,
    then, if the PDF is tagged, a tree that follows the text, scopes, an ID tree
    and artifacts."""
    def finish(document, pdf: pydyf.PDF) -> None:
        relative_links(pdf, base_url)
        follow_text(document, pdf)
        mend_tags(pdf)
    return finish


def relative_links(pdf: pydyf.PDF, base_url: str) -> None:
    """Links to project files (another handout's PDF, made ``x.pdf`` by ``render``)
    made relative to ``base_url``'s folder; WeasyPrint makes every link absolute."""
    prefix, folder = f"file://{VIRTUAL_ROOT}/", urlsplit(base_url).path
    for page in _pages(pdf):
        for annotation in _resolved(pdf, page.get("Annots", ())):
            if not isinstance(annotation, dict):
                continue
            action = _resolve(pdf, annotation.get("A"))
            uri = action.get("URI") if isinstance(action, dict) else None
            if isinstance(uri, pydyf.String) and str(uri.string).startswith(prefix):
                parts = urlsplit(uri.string)
                relative = posixpath.relpath(parts.path, folder)
                uri.string = relative + (f"#{parts.fragment}" if parts.fragment else "")
                if isinstance(annotation.get("Contents"), pydyf.String):
                    annotation["Contents"].string = uri.string


def mend_tags(pdf: pydyf.PDF) -> None:
    """Scopes on header cells, an ID tree, margin-box text made artifacts."""
    root = _resolve(pdf, pdf.catalog.get("StructTreeRoot"))
    if not isinstance(root, dict):
        return
    elements = walk(pdf, root)
    for element in elements:
        if element.get("S") == "/TH":
            set_scope(pdf, element)
    add_id_tree(pdf, root, elements)
    tree = parent_tree(pdf, root)
    unreached = {_number(element) for _key, value in tree
                 for element in (value if isinstance(value, list) else [value])}
    unreached -= {_number(element) for element in elements} | {None}
    if unreached:
        _margin_boxes_to_artifacts(pdf, dict(tree), unreached)


def walk(pdf: pydyf.PDF, node: dict) -> list[dict]:
    """Every structure element below ``node`` (a root or an element), depth first."""
    found, pending, seen = [], [node], set()
    while pending:
        current = _resolve(pdf, pending.pop())
        if not isinstance(current, dict) or current.get("Type") in ("/MCR", "/OBJR"):
            continue
        number = _number(current)
        if number is not None:
            if number in seen:
                continue
            seen.add(number)
        if current is not node:
            found.append(current)
        kids = current.get("K")
        if isinstance(kids, list):
            pending.extend(reversed(kids))
        elif kids is not None:
            pending.append(kids)
    return found


def set_scope(pdf: pydyf.PDF, header: dict) -> None:
    """``/Scope`` on a ``/TH``: ``/Column`` in a row of header cells, else ``/Row``."""
    row = _resolve(pdf, header.get("P"))
    cells = [kid for kid in _resolved(pdf, row.get("K", ()))
             if isinstance(kid, dict)] if isinstance(row, dict) else []
    scope = "/Column" if all(cell.get("S") == "/TH" for cell in cells) else "/Row"
    attributes = _resolve(pdf, header.get("A"))
    if isinstance(attributes, list):  # several attribute objects: find the table one
        found = [a for a in _resolved(pdf, attributes) if isinstance(a, dict)
                 and a.get("O") == "/Table"]
        attributes = found[0] if found else None
    if not isinstance(attributes, dict):
        attributes = pydyf.Dictionary({"O": "/Table"})
        header["A"] = attributes
    attributes["Scope"] = scope


def add_id_tree(pdf: pydyf.PDF, root: dict, elements: list[dict]) -> None:
    """An ``/IDTree`` in ``root`` naming every element that has an ``/ID``."""
    pairs: dict[bytes, dict] = {}
    for element in elements:
        if "ID" in element:
            pairs.setdefault(_string_bytes(element["ID"]), element)
    if not pairs:
        root.pop("IDTree", None)
        return
    names = pydyf.Array()
    for key in sorted(pairs):  # a name tree's keys are sorted by their bytes
        element = pairs[key]
        names.append(pydyf.String(key))
        number = _number(element)
        names.append(element if number is None else element.reference)
    tree = pydyf.Dictionary({"Names": names})
    pdf.add_object(tree)
    root["IDTree"] = tree.reference


def parent_tree(pdf: pydyf.PDF, root: dict) -> list[tuple[int, object]]:
    """The (key, value) pairs of the number tree ``root.ParentTree``, in order."""
    found, pending = [], [root.get("ParentTree")]
    while pending:
        node = _resolve(pdf, pending.pop())
        if not isinstance(node, dict):
            continue
        nums = _resolve(pdf, node.get("Nums", ()))
        found.extend((int(nums[i]), _resolve_array(pdf, nums[i + 1]))
                     for i in range(0, len(nums) - 1, 2))
        pending.extend(_resolve(pdf, node.get("Kids", ())))
    return sorted(found, key=lambda pair: pair[0])


def _margin_boxes_to_artifacts(pdf: pydyf.PDF, tree: dict[int, object],
                               unreached: set[int]) -> None:
    """Mark content whose element nothing reaches as a header or footer artifact."""
    for page in _pages(pdf):
        if "StructParents" not in page:
            continue
        mcids = tree.get(int(page["StructParents"]))
        if not isinstance(mcids, list):
            continue
        orphans = {index for index, element in enumerate(mcids)
                   if _number(element) in unreached}
        if not orphans:
            continue
        box = [float(value) for value in _resolve(pdf, page["MediaBox"])]
        stream = _resolve(pdf, page["Contents"])
        stream.stream = _artifacts(stream.stream, orphans, box[3] - box[1])
        for index in orphans:
            mcids[index] = NULL  # an artifact has no element


def _artifacts(items: list, orphans: set[int], height: float) -> list:
    """The content ``items`` with each orphan's ``/Tag <</MCID n>> BDC`` an artifact's;
    the first text matrix after it says where it is."""
    done, start = [], 0
    for index, item in enumerate(items):
        if not (isinstance(item, dict) and item.get("MCID") in orphans
                and _marks(items, index)):
            continue
        matches = (_text_matrix(later) for later in islice(items, index + 2, None))
        position = next((match for match in matches if match is not None), None)
        low = position is not None and float(position.group(1)) * PX > height / 2
        done += items[start:index - 1]
        done.append(FOOTER if low else HEADER)
        start = index + 2
    return done + items[start:] if start else items


def _marks(items: list, index: int) -> bool:
    """Whether the property list at ``index`` begins marked content: ``/Tag`` before
    it, ``BDC`` after it, as pydyf's ``begin_marked_content`` puts them."""
    return (0 < index < len(items) - 1 and items[index + 1] == b"BDC"
            and isinstance(items[index - 1], str) and items[index - 1].startswith("/"))


def _text_matrix(item) -> re.Match | None:
    return TEXT_MATRIX.search(item) if isinstance(item, bytes) else None


def _pages(pdf: pydyf.PDF) -> list[dict]:
    return [pdf.objects[number] for number in pdf.pages["Kids"][::3]]


def _resolve(pdf: pydyf.PDF, value):
    """The object ``value`` refers to if it is a reference (``b"12 0 R"``), else itself."""
    number = _reference(value)
    return value if number is None else pdf.objects[number]


def _resolved(pdf: pydyf.PDF, values) -> list:
    return [_resolve(pdf, value) for value in _resolve(pdf, values)]


def _resolve_array(pdf: pydyf.PDF, value):
    resolved = _resolve(pdf, value)
    return resolved if isinstance(resolved, list) else value


def _reference(value) -> int | None:
    if isinstance(value, bytes) and value.endswith(b" 0 R"):
        number = value[:-4]
        if number.isdigit():
            return int(number)
    return None


def _number(value) -> int | None:
    """The object number ``value`` is or refers to; None for a direct object."""
    if isinstance(value, pydyf.Object):
        return value.number
    return _reference(value)


def _string_bytes(value) -> bytes:
    """The bytes pydyf writes between the parentheses (or as hex) of a string."""
    text = value.string if isinstance(value, pydyf.String) else value
    if isinstance(text, bytes):
        return text
    try:
        return str(text).encode("ascii")
    except UnicodeEncodeError:
        return codecs.BOM_UTF16_BE + str(text).encode("utf-16-be")
