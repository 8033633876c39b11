"""On the web page, each Markdown table in a box of its own that scrolls sideways."""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown.treeprocessors import Treeprocessor

SCROLL_CLASS = "table-scroll"
"""The box's class; handout.html makes each one a focusable, labelled region (the
raw HTML policy keeps a class but not ``tabindex``, ``role`` or ``aria-label``)."""


class TableScroll(Treeprocessor):
    """Wraps every table in ``<div class="table-scroll">``, on the web page only:
    on a phone a wide table scrolls inside its box, never the page."""

    def run(self, root: etree.Element) -> None:
        if not self.md.versus_screen or root.find(".//table") is None:
            return
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "table":
                    box = etree.Element("div", {"class": SCROLL_CLASS})
                    box.tail, child.tail = child.tail, None
                    box.append(child)
                    parent[index] = box
