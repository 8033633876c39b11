"""The structure tree made to follow the text, not the layout WeasyPrint cut it into.

WeasyPrint 70 builds the tree one page at a time, one element per box, so the
layout shows through: a paragraph cut by a column or page break is two ``/P``,
an article over two pages two ``/Art``, a link wrapped onto two lines two
``/Link``; a definition list's terms and descriptions are sibling ``/LI``; a
nested list hangs on the outer ``/L`` beside its item; a footnote is a
``/NonStruct`` in an area at the page's foot that nothing in the text leads to.

``follow_text`` mends that on the objects about to be written, knowing from
``versus.pdf.tagsource`` which HTML element made each structure element:

- notes: the footnote becomes ``/Note`` with an ``/ID``, its number ``/Lbl``,
  and moves into the text right after its call; the call becomes a ``/Link``
  with ``/Ref`` to the note and a link annotation to where the note is printed;
- nested lists go into the ``/LBody`` of their item;
- fragments: neighbouring elements made by the same HTML element become one,
  top down, so an article joined across a page break brings the halves of its
  paragraph next to each other, and they join in turn. Marked content from
  another page than the element's ``/Pg`` becomes an ``/MCR`` naming its page;
  the parent tree then names the joined element. A table's later parts join
  its first without the header row repeated on their pages (an artifact);
- definition lists: each term and its descriptions one ``/LI``, the term its
  ``/Lbl``, each description an ``/LBody``.

Each element is visited a bounded number of times: the work is linear in the tree.
"""

from __future__ import annotations

import pydyf

from .tagsource import Source, sources

PX = 0.75
"""pt per CSS px: WeasyPrint's scale at zoom 1."""


def follow_text(document, pdf: pydyf.PDF) -> None:
    """Notes, nested lists, fragments and definition lists, as described above."""
    found = sources(document, pdf)
    if found is None:  # not the tree this walk knows: leave it as it is
        return
    tree = _Tree(pdf, found)
    tree.notes(document)
    if any(source.item is not None for source in found.values()):
        tree.nest_lists()  # only a list hung on its outer list has one
    tree.join()
    if any(source.html_tag == "dl" for source in found.values()):
        tree.definition_lists()
    tree.rename_parents()


class _Tree:
    def __init__(self, pdf: pydyf.PDF, found: dict[int, Source]):
        self.pdf, self.found = pdf, found
        self.root = self.get(pdf.catalog["StructTreeRoot"])
        self.document = self.get(self.root["K"][0])
        self.joined: dict[int, bytes] = {}
        """Object number of an element joined into another -> that other's reference."""

    def get(self, value):
        """The object ``value`` refers to (``b"12 0 R"``), else None."""
        if isinstance(value, bytes) and value.endswith(b" 0 R"):
            return self.pdf.objects[int(value[:-4])]
        return None

    def element(self, value) -> dict | None:
        item = self.get(value)
        return item if isinstance(item, dict) and item.get("Type") == "/StructElem" \
            else None

    def source(self, element: dict | None) -> Source | None:
        return None if element is None else self.found.get(element.number)

    def kids(self, element: dict) -> list[dict]:
        return [kid for kid in map(self.element, element["K"]) if kid is not None]

    def adopt(self, parent: dict, kid: dict, index: int | None = None) -> None:
        if index is None:
            parent["K"].append(kid.reference)
        else:
            parent["K"].insert(index, kid.reference)
        kid["P"] = parent.reference

    def drop(self, element: dict) -> None:
        """``element`` out of its parent's kids, and emptied: nothing refers to it."""
        parent = self.get(element.get("P"))
        if isinstance(parent, dict) and isinstance(parent.get("K"), list):
            parent["K"].remove(element.reference)
        element.clear()

    def new_element(self, tag: str, parent: dict, source: Source) -> dict:
        element = pydyf.Dictionary({"Type": "/StructElem", "S": f"/{tag}",
                                    "K": pydyf.Array(), "P": parent.reference})
        if "Pg" in parent:
            element["Pg"] = parent["Pg"]
        self.pdf.add_object(element)
        self.found[element.number] = source
        return element

    def every(self) -> list[dict]:
        """Every element of the tree as it stands, parents before their kids."""
        found, pending = [], [self.document]
        while pending:
            element = pending.pop()
            found.append(element)
            pending.extend(reversed(self.kids(element)))
        return found

    # Notes

    def notes(self, document) -> None:
        """Footnote text as ``/Note`` after its call, the call a ``/Link`` to it."""
        from weasyprint.formatting_structure.boxes import FootnoteAreaBox

        calls, notes = {}, []
        for element in self.every():
            source = self.source(element)
            if source is None or source.box is None:
                continue
            if isinstance(source.box, FootnoteAreaBox):
                notes.extend(self.kids(element))
            elif source.html_tag is None:
                continue
            elif source.html_tag.endswith("::footnote-call") and not source.text:
                calls.setdefault(source.html, element)
            elif source.html_tag.endswith("::footnote-marker") and not source.text:
                element["S"] = "/Lbl"
        pages = {int(ref.split()[0]): index
                 for index, ref in enumerate(self.pdf.page_references)}
        areas = []
        for number, note in enumerate(notes, start=1):
            call = calls.get(self.source(note).html)
            if call is None:
                continue
            note["S"] = "/Note"
            note["ID"] = pydyf.String(f"note-{number}")
            area = self.get(note["P"])
            area["K"].remove(note.reference)
            areas.append(area)
            parent = self.get(call["P"])
            self.adopt(parent, note, parent["K"].index(call.reference) + 1)
            call["S"] = "/Link"
            call["Ref"] = pydyf.Array([note.reference])
            self.link(document, pages, call, note)
        for area in areas:
            if area and not self.kids(area) and area.get("P"):
                self.drop(area)

    def link(self, document, pages: dict[int, int], call: dict, note: dict) -> None:
        """A link annotation over the call, to the top of the note; in the call's
        ``/Link`` and the parent tree."""
        call_box, note_box = self.source(call).box, self.source(note).box
        call_page = call.get("Pg") or self.pdf.page_references[0]
        note_page = note.get("Pg") or call_page
        height = document.pages[pages[int(call_page.split()[0])]].height
        x, y = call_box.border_box_x(), call_box.border_box_y()
        rect = [x * PX, (height - y - call_box.border_height()) * PX,
                (x + call_box.border_width()) * PX, (height - y) * PX]
        note_height = document.pages[pages[int(note_page.split()[0])]].height
        target = [note_page, "/XYZ", note_box.border_box_x() * PX,
                  (note_height - note_box.border_box_y()) * PX, 0]
        text = " ".join("".join(self.source(note).html.itertext()).split())
        annotation = pydyf.Dictionary({
            "Type": "/Annot", "Subtype": "/Link", "Rect": pydyf.Array(rect),
            "BS": pydyf.Dictionary({"W": 0}), "F": 4,
            "Contents": pydyf.String(text), "Dest": pydyf.Array(target)})
        self.pdf.add_object(annotation)
        page = self.pdf.objects[int(call_page.split()[0])]
        page.setdefault("Annots", pydyf.Array()).append(annotation.reference)
        reference = pydyf.Dictionary({"Type": "/OBJR", "Obj": annotation.reference,
                                      "Pg": call_page})
        self.pdf.add_object(reference)
        call["K"].append(reference.reference)
        nums = self.get(self.root["ParentTree"])["Nums"]
        key = max(int(nums[index]) for index in range(0, len(nums), 2)) + 1
        annotation["StructParent"] = key
        nums.extend([key, call.reference])

    # Lists

    def nest_lists(self) -> None:
        """A list inside a list item, hung on the outer list, into the item's body."""
        for outer in self.every():
            if outer.get("S") != "/L":
                continue
            kept, items = pydyf.Array(), {}
            for value in outer["K"]:
                kid = self.element(value)
                source = self.source(kid)
                if source is not None and kid.get("S") == "/LI":
                    items[id(source.html)] = kid  # the latest part of each item
                item = items.get(id(source.item)) if source is not None \
                    and source.item is not None else None
                if item is None:
                    kept.append(value)
                    continue
                bodies = [body for body in self.kids(item) if body.get("S") == "/LBody"]
                body = bodies[-1] if bodies else self.new_element(
                    "LBody", item, Source(None, "LBody", source.item, "li"))
                if not bodies:
                    self.adopt(item, body)
                self.adopt(body, kid)
            outer["K"] = kept

    def definition_lists(self) -> None:
        """Each term (``/LI`` of a ``dt``) takes the descriptions after it."""
        for element in self.every():
            source = self.source(element)
            if source is None or source.html_tag != "dl":
                continue
            kept, term = pydyf.Array(), None
            for value in element["K"]:
                item = self.element(value)
                kind = self.source(item)
                kind = kind.html_tag if kind is not None else None
                if kind == "dd" and term is not None:
                    for body in self.kids(item):
                        self.adopt(term, body)
                    item.clear()
                    continue
                kept.append(value)
                term = item if kind == "dt" else None
                for body in self.kids(item) if kind == "dt" else ():
                    if body.get("S") == "/LBody":
                        body["S"] = "/Lbl"
            element["K"] = kept

    # Fragments

    def join(self) -> None:
        """Neighbours made by the same HTML element joined, top down."""
        pending = [self.document]
        while pending:
            element = pending.pop()
            kept, last, last_key = pydyf.Array(), None, None
            for value in element["K"]:
                kid = self.element(value)
                source = self.source(kid)
                key = source.key if source is not None else None
                if key is not None and key == last_key:
                    if kid["S"] == "/Table":
                        self.drop_repeated_head(kid)
                    self.absorb(last, kid)
                    continue
                kept.append(value)
                last, last_key = kid, key
            element["K"] = kept
            pending.extend(reversed(self.kids(element)))

    def drop_repeated_head(self, part: dict) -> None:
        """A table's later part without the header row WeasyPrint repeats on its
        page: read once, at the table's start; ``mend_tags`` makes the repeat an
        artifact, as nothing reaches its content any more."""
        part["K"] = pydyf.Array(value for value in part["K"]
                                if (self.element(value) or {}).get("S") != "/THead")

    def absorb(self, first: dict, other: dict) -> None:
        """``other``'s content after ``first``'s: marked content of another page
        as an ``/MCR`` with its page, kids re-parented; ``other`` emptied."""
        page, other_page = first.get("Pg"), other.get("Pg")
        kids = first["K"]
        for value in other["K"]:
            kid = self.element(value)
            if kid is not None:
                kid["P"] = first.reference
            elif isinstance(value, int) and other_page != page:
                value = pydyf.Dictionary({"Type": "/MCR", "MCID": value,
                                          "Pg": other_page})
            kids.append(value)
        for key in ("ID", "Alt", "Ref"):
            if key in other and key not in first:
                first[key] = other[key]
        self.joined[other.number] = first.reference
        other.clear()

    def rename_parents(self) -> None:
        """The parent tree names the joined element where it named a fragment."""
        if not self.joined:
            return
        nums = self.get(self.root["ParentTree"])["Nums"]
        for index in range(1, len(nums), 2):
            value = nums[index]
            if isinstance(value, list):
                value[:] = [self.renamed(item) for item in value]
            else:
                nums[index] = self.renamed(value)

    def renamed(self, value):
        while isinstance(value, bytes) and value.endswith(b" 0 R") \
                and int(value[:-4]) in self.joined:
            value = self.joined[int(value[:-4])]
        return value
