"""Links between handouts inside a booklet: a handout's link to another handout's PDF
jumps to that handout's first page when the booklet holds it.

Each handout PDF links its neighbours by relative address (``db/pg-vs-my.pdf``,
``../tea.pdf``: ``versus.pdf.finisher``), right beside one another in output/pdf/.
Bound in one file those addresses lead out of the booklet; one to a handout bound
in it becomes a link to the page where that handout starts, and one to a handout
left out stays as it is.
"""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit

import pikepdf
from pikepdf import Array, Dictionary, Name


def link_inside(pdf: pikepdf.Pdf, starts: dict[str, int], owners: dict[int, str]) -> int:
    """Turn links between handouts into links to pages: ``starts`` gives each bound
    handout's first page (0-based), ``owners`` the handout of each handout page.
    The number of links turned."""
    turned = 0
    for index, slug in owners.items():
        page = pdf.pages[index]
        for annot in page.obj.get("/Annots", Array()):
            action = annot.get("/A")
            if not isinstance(action, Dictionary) or action.get("/S") != Name.URI:
                continue
            target = handout_of(slug, str(action.get("/URI", "")))
            if target not in starts:
                continue
            start = pdf.pages[starts[target]]
            del annot["/A"]
            annot.Dest = Array([start.obj, Name.XYZ, None, float(start.mediabox[3]), None])
            turned += 1
    return turned


def handout_of(slug: str, uri: str) -> str | None:
    """The slug of the handout PDF that ``uri``, written in ``slug``'s PDF, leads to;
    None for any other address."""
    parts = urlsplit(uri)
    if parts.scheme or parts.netloc or not parts.path.endswith(".pdf"):
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(slug), unquote(parts.path)))
    return None if path.startswith("../") else path[:-len(".pdf")]
