"""Binding PDFs with pikepdf: pages in order, blank versos, page numbers, links, outline.

The cover and contents come first (their PDF is the base the handouts are added
to); each handout's pages follow with their structure tree merged into the
booklet's (``versus.booklet.structure``). WeasyPrint gives every document its own named
destinations, and every handout has one called 'comparison'; joined in one file
they would collide. So before a handout joins the booklet, its links to named
destinations become links to pages; the booklet names each handout's first page
by its slug instead (``booklet.pdf#devops-vs-mlops``). A handout's own page
numbers (its footer artifacts, see ``versus.pdf.finisher``) are taken out and the
booklet's numbers stamped in their place, as artifacts too.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from ..pdf.structure import FOOTER, HEADER, save
from . import crosslinks
from .structure import Structure, StructureError

LINK_SCHEME = "versus-booklet:"
"""Contents entries link to this made-up URI; assembly turns it into a page link."""
FOOTER_BLOCK = re.compile(re.escape(FOOTER) + rb".*?EMC", re.DOTALL)
HEADER_BLOCK = re.compile(re.escape(HEADER) + rb".*?EMC", re.DOTALL)
NUMBER_FORM = Name("/VersusPageNumber")


@dataclass(frozen=True)
class Part:
    """One handout to bind: where its PDF is and where it starts; or, with no
    ``path``, the title page of a part of the booklet (its PDF is ``data``)."""

    slug: str
    title: str
    page: int
    """Its first page in the booklet, 1-based."""
    path: Path | None
    section: str = ""
    """The title of the part of the booklet it is in; empty when there are none."""
    data: bytes = b""


@dataclass(frozen=True)
class Layout:
    """How the booklet's pages are laid out and named."""

    lang: str = ""
    duplex: bool = False
    gutter: float = 0.0
    """Points a handout page moves towards the outer edge when duplex (binding)."""
    numbers: bytes | None = None
    """A PDF whose page N shows booklet page N's number, stamped on handout pages."""


@dataclass(frozen=True)
class Bound:
    """The booklet's bytes, and the handouts whose pages are in it without tags."""

    data: bytes
    untagged: tuple[str, ...] = ()
    """What has no structure tree: 'pdf/<slug>.pdf', or 'its cover and contents'."""


def assemble(front: bytes, parts: Sequence[Part], layout: Layout,
             info: dict[str, str], xmp: dict) -> Bound:
    """Cover and contents (``front``), then each handout from ``part.page`` on."""
    pdf = pikepdf.open(io.BytesIO(front))
    front_count = len(pdf.pages)
    structure = Structure(pdf, layout.lang)
    untagged = [] if _adopt(structure, pdf.Root.get("/StructTreeRoot"), list(pdf.pages),
                            info["/Title"], layout.lang, "front") \
        else ["its cover and contents"]
    blanks, outline, names, titles = set(), [], {}, set()
    owners: dict[int, str] = {}  # each handout page's handout
    group = None  # the outline entry of the part being bound, if parts
    for part in parts:
        if layout.duplex and len(pdf.pages) % 2 == 1:
            blanks.add(_add_blank(pdf))  # the handout starts on the right
        if len(pdf.pages) + 1 != part.page:
            raise RuntimeError(f"{part.slug} lands on page {len(pdf.pages) + 1}, "
                               f"not on page {part.page} as the contents says")
        first = len(pdf.pages)
        entry, tagged = _bind(pdf, part, structure)
        if part.path is None:  # a part's title page: no number, no entry of its own
            titles.update(range(first, len(pdf.pages)))
        if part.section and (group is None or group[0] != part.section
                             or part.path is None):
            group = (part.section, first, None, _top(pdf, first), [])
            outline.append(group)
        if part.path is not None:
            (group[4] if part.section else outline).append(entry)
            names[part.slug] = part.page - 1
            owners.update(dict.fromkeys(range(first, len(pdf.pages)), part.slug))
        if not tagged:  # bound all the same, and said so
            untagged.append(f"pdf/{part.slug}.pdf" if part.path is not None
                            else f"the title page of part '{part.title}'")
    structure.install()
    _link_contents(pdf, front_count, parts)
    handout_pages = [i for i in range(front_count, len(pdf.pages))
                     if i not in blanks and i not in titles]
    _paginate(pdf, handout_pages, layout)
    _outline(pdf, outline)
    _name_destinations(pdf, names)
    crosslinks.link_inside(pdf, names, owners)
    _describe(pdf, info, xmp, layout.lang)
    return Bound(save(pdf), tuple(untagged))


def _bind(pdf: pikepdf.Pdf, part: Part, structure: Structure) -> tuple[tuple, bool]:
    """Append ``part``'s pages and structure; its outline entry (title, page, left,
    top, its bookmarks), and if tagged."""
    # Copied objects are read from their source when the booklet is written: a
    # source in memory holds no file open, however many handouts there are.
    source = pikepdf.open(io.BytesIO(part.path.read_bytes() if part.path else part.data))
    _resolve_named_links(source)
    first = len(pdf.pages)
    pdf.pages.extend(source.pages)
    index = {page.objgen: n for n, page in enumerate(source.pages)}
    with source.open_outline() as own:
        items = _below_title(list(own.root), part.title)
        bookmarks = _bookmarks(items, index, first) if part.path else []
    root = source.Root.get("/StructTreeRoot")
    # The same copier maps the pages again: the tree's /Pg are the pages bound.
    root = pdf.copy_foreign(root) if isinstance(root, Dictionary) else None
    tagged = _adopt(structure, root, list(pdf.pages)[first:], part.title,
                    str(source.Root.get("/Lang", "")), part.slug)
    return (part.title, first, None, _top(pdf, first), bookmarks), tagged


def _top(pdf: pikepdf.Pdf, index: int) -> float:
    return float(pdf.pages[index].mediabox[3])


def _adopt(structure: Structure, root, pages: list, title: str, lang: str,
           prefix: str) -> bool:
    """Add ``root`` to ``structure``; if it cannot be, untag ``pages`` and say so."""
    try:
        structure.add(root, pages, title, lang, prefix)
        return True
    except StructureError:
        for page in pages:  # their keys point into a tree that is not there
            _drop_keys(page)
        return False


def _add_blank(pdf: pikepdf.Pdf) -> int:
    """A blank page like the last one (PDF/X: every page has its trim box); its index."""
    last = pdf.pages[-1].obj
    blank = pdf.add_blank_page()
    for box in ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox"):
        if box in last:
            blank.obj[box] = Array([float(v) for v in last[box]])
    return len(pdf.pages) - 1


def _drop_keys(page: pikepdf.Page) -> None:
    if "/StructParents" in page.obj:
        del page.obj["/StructParents"]
    for annot in page.obj.get("/Annots", Array()):
        if "/StructParent" in annot:
            del annot["/StructParent"]


def _resolve_named_links(source: pikepdf.Pdf) -> None:
    """Point the links of ``source`` at pages instead of names, and drop the names."""
    names = {}
    if "/Names" in source.Root and "/Dests" in source.Root.Names:
        for name, value in pikepdf.NameTree(source.Root.Names.Dests).items():
            names[name] = value.D if isinstance(value, Dictionary) else value
        del source.Root.Names.Dests
    for page in source.pages:
        for annot in page.obj.get("/Annots", Array()):
            dest = annot.get("/Dest")
            if isinstance(dest, (String, Name)):
                annot.Dest = names.get(str(dest).lstrip("/"), None)
            action = annot.get("/A")
            if isinstance(action, Dictionary) and action.get("/S") == "/GoTo" \
                    and isinstance(action.get("/D"), (String, Name)):
                action.D = names.get(str(action.D).lstrip("/"), None)


def _below_title(items: list, title: str) -> list:
    """The bookmarks under the handout's own title bookmark (its h1), when it has one."""
    if items and " ".join(items[0].title.split()) == " ".join(title.split()):
        return list(items[0].children) + items[1:]
    return items


def _bookmarks(items: list, index: dict, first: int) -> list:
    """(title, booklet page index, left, top, children) of each bookmark with a page."""
    found = []
    for item in items:
        dest = item.destination
        if not isinstance(dest, Array) or not len(dest) or dest[0].objgen not in index:
            continue
        left = float(dest[2]) if len(dest) > 2 and dest[2] is not None else None
        top = float(dest[3]) if len(dest) > 3 and dest[3] is not None else None
        found.append((item.title, first + index[dest[0].objgen], left, top,
                      _bookmarks(list(item.children), index, first)))
    return found


def _outline(pdf: pikepdf.Pdf, entries: list) -> None:
    """One closed outline entry per handout, its own bookmarks beneath; in a
    booklet of parts, one open entry per part with its handouts' beneath."""
    with pdf.open_outline() as outline:
        outline.root.extend(_items(entries))
    pdf.Root.PageMode = Name.UseOutlines


def _items(bookmarks: list) -> list:
    items = []
    for title, page, left, top, children in bookmarks:
        item = pikepdf.OutlineItem(title, page, "XYZ", left=left, top=top)
        item.children.extend(_items(children))
        items.append(item)
    return items


def _link_contents(pdf: pikepdf.Pdf, front_count: int, parts: Sequence[Part]) -> None:
    """Turn the contents entries' placeholder URIs into links named by their titles."""
    by_slug = {part.slug: part for part in parts}
    for page in list(pdf.pages)[:front_count]:
        for annot in page.obj.get("/Annots", Array()):
            action = annot.get("/A")
            uri = str(action.get("/URI", "")) if isinstance(action, Dictionary) else ""
            if not uri.startswith(LINK_SCHEME):
                continue
            part = by_slug[uri[len(LINK_SCHEME):]]
            target = pdf.pages[part.page - 1]
            del annot["/A"]
            annot.Dest = Array([target.obj, Name.XYZ, None,
                                float(target.mediabox[3]), None])
            annot.Contents = String(part.title)  # what a screen reader says


def _paginate(pdf: pikepdf.Pdf, handout_pages: list[int], layout: Layout) -> None:
    """Replace the handouts' footers with the booklet's numbers; shift for binding.

    A landscape page (five or six items) is turned a quarter (``/Rotate``) to stand
    as the booklet's portrait pages do; the reader turns the booklet to read it.
    Its number, the binding shift and the links follow the page as bound: the
    number at its foot, on its outer side; it has no running head, as a book's
    turned pages have none."""
    numbers = pikepdf.open(io.BytesIO(layout.numbers)) if layout.numbers else None
    for index in handout_pages:
        page = pdf.pages[index]
        page.contents_coalesce()
        turned = _turn(page)
        data = FOOTER_BLOCK.sub(b"", page.obj.Contents.read_bytes())
        if turned:  # its running head would run up the outer edge, into the number
            data = HEADER_BLOCK.sub(b"", data)
        shift = layout.gutter if index % 2 == 0 else -layout.gutter  # index 0: right
        move = (f"1 0 0 1 0 {shift:g} cm\n" if turned else f"1 0 0 1 {shift:g} 0 cm\n")
        move = move.encode() if layout.duplex else b""
        # The number's page stands upright on a turned page, its origin at the foot.
        foot = float(page.mediabox[2]) + TURNED_DROP
        upright = (f"0 1 -1 0 {foot:g} {float(page.mediabox[1]):g} cm ".encode()
                   if turned else b"")
        stamp = b""
        if numbers is not None and index < len(numbers.pages):
            form = pdf.copy_foreign(numbers.pages[index].as_form_xobject())
            # A handout's pages share one resource dictionary: each gets its own.
            resources = Dictionary(dict(page.obj.Resources.items()))
            resources.XObject = Dictionary(dict(resources.get("/XObject", {}).items()))
            resources.XObject[NUMBER_FORM] = form
            page.obj.Resources = resources
            stamp = (FOOTER + b"\nq " + upright + NUMBER_FORM.unparse() + b" Do Q\nEMC\n")
        page.obj.Contents = pdf.make_stream(b"q\n" + move + data + b"\nQ\n" + stamp)
        if layout.duplex and shift:
            _shift_annotations(page, shift, turned)


TURN = 90
"""How a landscape page is turned in the booklet: a quarter clockwise, the top of
its text to the right, the start of its lines at the head of the booklet."""
TURNED_DROP = 5 * 72 / 25.4
"""How much lower a turned page's number stands: its foot is the landscape page's
side margin (15 mm in versus.css), 5 mm less than a page's foot margin (20 mm)."""


def _turn(page: pikepdf.Page) -> bool:
    """Turn ``page`` upright if it is landscape and not turned already; if it was.

    Turned, the page as bound has its foot on the media box's right edge and its
    left-to-right along the media box's y."""
    box = [float(value) for value in page.mediabox]
    if box[2] - box[0] <= box[3] - box[1] or int(page.obj.get("/Rotate", 0)) % 360:
        return False
    page.obj.Rotate = TURN
    return True


def _shift_annotations(page: pikepdf.Page, shift: float, turned: bool = False) -> None:
    for annot in page.obj.get("/Annots", Array()):
        x0, y0, x1, y1 = (float(value) for value in annot.Rect)
        annot.Rect = Array([x0, y0 + shift, x1, y1 + shift] if turned
                           else [x0 + shift, y0, x1 + shift, y1])


def _name_destinations(pdf: pikepdf.Pdf, names: dict[str, int]) -> None:
    """``booklet.pdf#slug`` opens at the handout: one named destination per handout."""
    flat = Array()
    for slug in sorted(names, key=lambda name: name.encode()):
        page = pdf.pages[names[slug]]
        flat.append(String(slug))
        flat.append(Array([page.obj, Name.XYZ, None, float(page.mediabox[3]), None]))
    pdf.Root.Names = Dictionary(Dests=pdf.make_indirect(Dictionary(Names=flat)))


def _describe(pdf: pikepdf.Pdf, info: dict[str, str], xmp: dict[str, str],
              lang: str) -> None:
    """Document info, XMP (title, language, dates), the title shown, the language."""
    if pdf.pdf_version >= "2.0":  # PDF 2.0 (PDF/A-4, PDF/UA-2): XMP only
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
    else:
        pdf.trailer.Info = pdf.make_indirect(Dictionary(
            {key: String(value) for key, value in info.items()}))
    if lang:
        pdf.Root.Lang = String(lang)
    pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        for key, value in xmp.items():
            meta[key] = value
