"""Binding PDFs with pypdf: pages in order, blank versos, links and the outline.

WeasyPrint gives every document its own named destinations, and every handout
has one called 'comparison'; joined in one file they would collide. So before a
handout joins the booklet, its links to named destinations become links to
pages and its names are dropped; the booklet names each handout's first page
by its slug instead (``booklet.pdf#devops-vs-mlops``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, DictionaryObject, Fit, FloatObject, NameObject,
                           NullObject, TextStringObject)

from .booklet import LINK_SCHEME, Entry


def assemble(front: PdfReader, entries: Sequence[Entry], readers: Sequence[PdfReader],
             duplex: bool, info: dict[str, str], lang: str = "") -> bytes:
    """Cover and contents (``front``), then each handout from ``entries[i].page`` on."""
    writer = PdfWriter()
    writer.pdf_header = "%PDF-1.7"
    writer.append(front)  # its outline: the contents entry
    front_count = len(writer.pages)
    for entry, reader in zip(entries, readers):
        if duplex and len(writer.pages) % 2 == 1:
            box = writer.pages[-1].mediabox
            writer.add_blank_page(box.width, box.height)  # the handout starts on the right
        if len(writer.pages) + 1 != entry.page:
            raise RuntimeError(f"{entry.slug} lands on page {len(writer.pages) + 1}, "
                               f"not on page {entry.page} as the contents says")
        _resolve_named_links(reader)
        writer.append(reader, import_outline=False)
        _add_outline(writer, reader, entry)
        writer.add_named_destination(entry.slug, entry.page - 1)
    _link_contents(writer, front_count, {entry.slug: entry.page for entry in entries})
    writer.add_metadata(info)
    if lang:
        writer.root_object[NameObject("/Lang")] = TextStringObject(lang)
    writer.page_mode = "/UseOutlines"
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _resolve_named_links(reader: PdfReader) -> None:
    """Point the links of ``reader`` at pages instead of names, and drop the names."""
    names = _named_destinations(reader)
    for page in reader.pages:
        for ref in page.get("/Annots", None) or ():
            annot = ref.get_object()
            if isinstance(annot.get("/Dest"), str):
                annot[NameObject("/Dest")] = names.get(str(annot["/Dest"]), NullObject())
            action = annot.get("/A")
            if action is not None:
                action = action.get_object()
                if action.get("/S") == "/GoTo" and isinstance(action.get("/D"), str):
                    action[NameObject("/D")] = names.get(str(action["/D"]), NullObject())
    tree = reader.root_object.get("/Names")
    if tree is not None:
        tree.get_object().pop("/Dests", None)


def _named_destinations(reader: PdfReader) -> dict[str, ArrayObject]:
    """Every name in the ``/Dests`` name tree of ``reader`` with its destination array."""
    found: dict[str, ArrayObject] = {}
    tree = reader.root_object.get("/Names")
    pending = [tree.get_object().get("/Dests")] if tree is not None else []
    while pending:
        node = pending.pop()
        if node is None:
            continue
        node = node.get_object()
        pairs = node.get("/Names", [])
        for name, value in zip(pairs[::2], pairs[1::2]):
            value = value.get_object()
            if isinstance(value, DictionaryObject):
                value = value.get("/D")
            found[str(name)] = value
        pending.extend(node.get("/Kids", []))
    return found


def _add_outline(writer: PdfWriter, reader: PdfReader, entry: Entry) -> None:
    """One closed outline entry for the handout, its own bookmarks beneath."""
    height = writer.pages[entry.page - 1].mediabox.top
    parent = writer.add_outline_item(title=entry.title, page_number=entry.page - 1,
                                     fit=Fit.xyz(top=height), is_open=False)
    _copy_outline(writer, reader, _below_title(reader.outline, entry.title), parent,
                  entry.page - 1)


def _below_title(outline: list, title: str) -> list:
    """The bookmarks under the handout's own title bookmark (its h1), when it has one."""
    if (outline and not isinstance(outline[0], list)
            and " ".join(str(outline[0].title).split()) == " ".join(title.split())):
        rest = outline[1:]
        children = rest[0] if rest and isinstance(rest[0], list) else []
        return children + rest[1 if children else 0:]
    return outline


def _copy_outline(writer: PdfWriter, reader: PdfReader, items: list, parent,
                  offset: int) -> None:
    last = parent
    for item in items:
        if isinstance(item, list):
            _copy_outline(writer, reader, item, last, offset)
            continue
        page = reader.get_destination_page_number(item)
        if page is None or page < 0:
            continue
        last = writer.add_outline_item(title=str(item.title), page_number=offset + page,
                                       parent=parent,
                                       fit=Fit.xyz(left=item.left, top=item.top),
                                       is_open=False)


def _link_contents(writer: PdfWriter, front_count: int, starts: dict[str, int]) -> None:
    """Turn the contents entries' placeholder URIs into links to the handouts' pages."""
    for page in writer.pages[:front_count]:
        for ref in page.get("/Annots", None) or ():
            annot = ref.get_object()
            action = annot.get("/A")
            uri = str(action.get_object().get("/URI", "")) if action is not None else ""
            if not uri.startswith(LINK_SCHEME):
                continue
            target = writer.pages[starts[uri[len(LINK_SCHEME):]] - 1]
            del annot["/A"]
            annot[NameObject("/Dest")] = ArrayObject([
                target.indirect_reference, NameObject("/XYZ"), NullObject(),
                FloatObject(target.mediabox.top), NullObject()])
