"""Which box of the laid-out document made each structure element WeasyPrint wrote.

WeasyPrint 70 builds its structure tree page by page from the boxes it laid out
(``weasyprint/pdf/tags.py``, ``_build_box_tree``) and keeps no trace of the box
behind an element. The finisher needs that trace: two elements made by boxes of
the same HTML element are fragments of one paragraph, list or link, cut by a
column or page break. ``sources`` walks the pages' boxes in the order WeasyPrint
does, so the n-th structure element it creates is the n-th step of the walk, and
checks each step's structure type against the element: any difference (another
WeasyPrint, another rule) and it returns None, and the finisher leaves the tree
as WeasyPrint wrote it.

Each element gets a ``Source``: its box, the HTML element and tag (``p``,
``a``, ``span::footnote-call``), and the key that fragments share.
"""

from __future__ import annotations

from dataclasses import dataclass

import pydyf


@dataclass(frozen=True)
class Source:
    """The box that made a structure element, and what it stands for."""

    box: object
    tag: str
    """The element's structure type as WeasyPrint chose it, without the slash."""
    html: object | None
    """The HTML element (lxml) of the box; None for an anonymous page area."""
    html_tag: str | None
    """``p``, ``dd``, ``span::footnote-call``; None without an HTML element."""
    text: bool = False
    """Whether the element holds one run of text (a text box's marked content)."""
    item: object | None = None
    """For a list WeasyPrint hung on the outer list: the HTML list item it is in."""

    @property
    def key(self) -> tuple | None:
        """What every fragment of one element shares; None: never a fragment
        (a run of text, a page area)."""
        if self.html is None or self.text:
            return None
        return (self.html, self.html_tag, self.tag)


def sources(document, pdf: pydyf.PDF) -> dict[int, Source] | None:
    """The source of each structure element WeasyPrint created, by object number;
    None if the walk and the elements do not agree."""
    from weasyprint.pdf.tags import _get_pdf_tag

    created = _created_elements(pdf)
    if created is None:
        return None
    steps: list[Source] = []
    walker = _Walker(steps, _get_pdf_tag)
    for page in document.pages:
        walker.visit(page._page_box, "Document")
    if len(steps) != len(created):
        return None
    found = {}
    for step, element in zip(steps, created):
        if element.get("S") != f"/{step.tag}":
            return None
        found[element.number] = step
    return found


def _created_elements(pdf: pydyf.PDF) -> list | None:
    """The structure elements below the document element, in the order of creation."""
    root = pdf.catalog.get("StructTreeRoot")
    if not isinstance(root, bytes):
        return None
    root = pdf.objects[int(root.split()[0])]
    kids = root.get("K")
    if not isinstance(kids, list) or len(kids) != 1:
        return None
    start = int(kids[0].split()[0])
    return [item for item in pdf.objects[start + 1:]
            if isinstance(item, dict) and item.get("Type") == "/StructElem"]


class _Walker:
    """WeasyPrint 70's ``_build_box_tree``, recording the elements it would create
    instead of creating them. Recursion follows the boxes' nesting, as there."""

    def __init__(self, steps: list[Source], pdf_tag):
        from weasyprint.formatting_structure import boxes
        from weasyprint.layout.absolute import AbsolutePlaceholder

        self.steps, self.pdf_tag = steps, pdf_tag
        self.boxes, self.placeholder = boxes, AbsolutePlaceholder

    def record(self, box, tag: str, text: bool = False, item=None) -> None:
        html = box.element
        self.steps.append(Source(box, tag, html,
                                 None if html is None else box.element_tag, text, item))

    def visit(self, box, parent: str, item=None) -> None:  # noqa: C901 (WeasyPrint's)
        boxes = self.boxes
        if isinstance(box, self.placeholder):
            box = box._box
        element_tag = None if box.element is None else box.element_tag
        tag = self.pdf_tag(element_tag)
        if element_tag in ("html", "body") or isinstance(box, boxes.PageBox):
            if isinstance(box, boxes.ParentBox) and not isinstance(box, boxes.LineBox):
                for child in box.children:
                    self.visit(child, parent)
                return
        elif isinstance(box, boxes.MarginBox):
            for child in box.children:
                self.visit(child, parent)
            return
        elif tag in ("TD", "TH"):
            if parent in ("TD", "TH"):
                tag = "NonStruct"
        elif tag == "LI":
            no_bullet = box.element_tag == "li" and (
                "list-item" not in box.style["display"]
                or box.style["list_style_type"] == "none")
            if parent == "LI":
                tag = "LBody"
            elif parent == "LBody":
                tag = "NonStruct"
            elif box.element_tag in ("dt", "dd") or no_bullet:
                self.record(box, "LI")  # the list item WeasyPrint wraps around it
                self.visit(box, "LI")
                return
        self.record(box, tag, item=item)
        children = getattr(box, "children", ())
        if tag == "Table" and box.is_table_wrapper:
            table = box.get_wrapped_table()
            if table:
                children = [grandchild for child in box.children for grandchild in
                            (child.children if child is table else [child])]
        if box.widget_annotation:
            self.record(box, "Form")
        for child in children:
            for item in child.children if isinstance(child, boxes.LineBox) else [child]:
                if isinstance(item, boxes.TextBox):
                    if tag != "Link":
                        self.record(item, "Span", text=True)
                elif item.element_tag in ("ul", "ol") and tag == "LI":
                    self.visit(item, parent, box.element)  # hung on the outer list
                else:
                    self.visit(item, tag)
