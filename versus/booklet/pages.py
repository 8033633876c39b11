"""The booklet's own pages (cover, contents, page numbers) rendered with
WeasyPrint, and bound in front of and over the handout PDFs (``assemble``)."""

from __future__ import annotations

import collections
import dataclasses
import datetime
import io
import logging
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..errors import RenderError
from ..output import BOOKLET
from ..render.pages import Pages
from ..render.theme import BOOKLET_TEMPLATE, STATIC_DIR, STYLESHEET
from ..settings import Settings
from .assemble import LINK_SCHEME

logger = logging.getLogger(__name__)
MAX_PASSES = 5
GUTTER_MM = 4
"""How far a duplex page moves towards its outer edge: 22 mm inside, 14 outside."""
DUPLEX_STYLESHEET = f"{STATIC_DIR}/booklet.css"
"""Where page numbers go on a duplex booklet's pages (the theme may override it)."""


@dataclass(frozen=True)
class ContentsEntry:
    """One handout as the cover and contents show it."""

    slug: str
    title: str
    tagline: str
    items: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    date: datetime.date | None = None
    page: int = 0
    """Its first page in the booklet, counting the cover as page 1."""

    @property
    def link(self) -> str:
        return LINK_SCHEME + self.slug


@dataclass(frozen=True)
class ContentsPart:
    """A part of the booklet (``parts:`` of a booklet in versus.yaml) as the contents
    and its title page show it."""

    title: str
    entries: tuple[ContentsEntry, ...]
    number: int = 1
    page: int = 0
    """Where it starts: its title page, or else its first handout."""
    key: str = ""
    """What its entry in the contents links to: its title page, or its first handout."""

    @property
    def link(self) -> str:
        return LINK_SCHEME + self.key


@dataclass(frozen=True)
class BookletPdf:
    """The assembled booklet."""

    data: bytes
    pages: int
    starts: dict[str, int]
    """Each handout's first page, 1-based."""
    front_pages: int
    """How many pages the cover and contents take."""


def render_booklet(pages: Pages, entries: list[ContentsEntry], output: Path, project: Path,
                   duplex: bool, fallback_date: datetime.date | None = None,
                   front_guess: int | None = None, bleed: str | None = None,
                   parts: list[ContentsPart] | None = None, part_pages: bool = False,
                   name: str = BOOKLET) -> tuple[BookletPdf, tuple[str, ...]]:
    """Render cover and contents for ``entries`` and bind them with their PDFs.

    With ``parts`` (which then hold the entries) the contents and the outline
    group the handouts under their parts' titles, and with ``part_pages`` each
    part starts with a title page. The contents gives page numbers that depend
    on its own length: it is rendered with ``front_guess`` (or the least it can
    take) front pages, then again with the count it really took, until the two
    agree. Returns the booklet and the files the renderer read (stylesheet, fonts).
    """
    from .assemble import Layout, Part, assemble

    dates = [entry.date for entry in entries if entry.date]
    date = max(dates) if dates else fallback_date
    render = _Renderer(pages, project, pages.settings.pdf_variant or None, bleed)
    # What is bound after the front, in order: (part, its title page's PDF) or an entry.
    bound_docs: list = []
    title_pages: dict[int, tuple] = {}
    for part in parts or ():
        if part_pages:
            title_pages[part.number] = (part, render.part_page(part, duplex, date))
            bound_docs.append(title_pages[part.number])
        bound_docs.extend(part.entries)
    if not parts:
        bound_docs = list(entries)
    paths = {entry.slug: output / "pdf" / f"{entry.slug}.pdf" for entry in entries}
    counts = [_page_count(doc[1] if isinstance(doc, tuple) else paths[doc.slug].read_bytes())
              for doc in bound_docs]
    least = 3 if duplex else 2  # cover (and its blank back), one contents page
    front_pages = max(front_guess or least, least)
    for _ in range(MAX_PASSES):
        starts = dict(zip(map(id, bound_docs), page_starts(front_pages, counts, duplex)))
        placed = [dataclasses.replace(e, page=starts[id(e)]) for e in entries]
        placed_parts = [_place(part, starts, title_pages.get(part.number))
                        for part in parts or ()]
        front = render.front(placed, duplex, date, placed_parts)
        if _page_count(front) == front_pages:
            break
        front_pages = _page_count(front)  # the contents took more or fewer: renumber
    else:
        raise RenderError(f"the contents page numbers did not settle after {MAX_PASSES} "
                          "passes", pages.theme.find(BOOKLET_TEMPLATE))
    last = bound_docs[-1]
    total = starts[id(last)] + counts[-1] - 1
    layout = Layout(lang=pages.settings.lang, duplex=duplex,
                    gutter=GUTTER_MM * 72 / 25.4 if duplex else 0.0,
                    numbers=render.numbers(total, duplex))
    titles = {id(e): part.title for part in parts or () for e in part.entries}
    bound = []
    for doc in bound_docs:
        if isinstance(doc, tuple):
            part, data = doc
            bound.append(Part(f"part:{part.number}", part.title, starts[id(doc)], None,
                              part.title, data))
        else:
            bound.append(Part(doc.slug, doc.title, starts[id(doc)], paths[doc.slug],
                              titles.get(id(doc), "")))
    title = pages.settings.site_name
    result = assemble(front, bound, layout, _metadata(pages.settings, date),
                      _xmp(title, pages.settings.lang, date))
    for untagged in result.untagged:
        logger.warning("%s: %s has no structure tree: its pages are in the booklet "
                       "untagged", name, untagged)
    return (BookletPdf(result.data, total, {e.slug: e.page for e in placed}, front_pages),
            tuple(sorted(render.read)))


def _place(part: ContentsPart, starts: dict[int, int], title_page) -> ContentsPart:
    """``part`` with its entries' pages and its own: its ``title_page``'s, if it has
    one, else its first entry's."""
    entries = tuple(dataclasses.replace(e, page=starts[id(e)]) for e in part.entries)
    if title_page is not None:
        return dataclasses.replace(part, entries=entries, page=starts[id(title_page)],
                                   key=f"part:{part.number}")
    return dataclasses.replace(part, entries=entries, page=entries[0].page,
                               key=entries[0].slug)


def _page_count(data: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def page_starts(front_pages: int, counts: list[int], duplex: bool) -> list[int]:
    """The first page of each handout after ``front_pages``; odd ones when duplex."""
    starts, page = [], front_pages + 1
    for count in counts:
        if duplex and page % 2 == 0:
            page += 1  # a blank left-hand page
        starts.append(page)
        page += count
    return starts


class _Renderer:
    """Renders the booklet's own pages through this process's cached renderer."""

    def __init__(self, pages: Pages, project: Path, variant: str | None,
                 bleed: str | None):
        self.pages, self.project, self.variant, self.bleed = (pages, project, variant,
                                                              bleed)
        self.read: set[str] = set()

    def front(self, entries: list[ContentsEntry], duplex: bool,
              date: datetime.date | None, parts: list[ContentsPart] = ()) -> bytes:
        """The cover and contents."""
        html = self.pages.booklet(entries, date=date, duplex=duplex,
                                  tags=tag_counts(entries), parts=parts)
        return self._render(html, self.pages.theme.find(BOOKLET_TEMPLATE), self.variant)

    def part_page(self, part: ContentsPart, duplex: bool,
                  date: datetime.date | None) -> bytes:
        """The title page of ``part``: booklet.html drawn for it (``part`` set)."""
        entries = list(part.entries)
        html = self.pages.booklet(entries, date=date, duplex=duplex,
                                  tags=tag_counts(entries), part=part)
        return self._render(html, self.pages.theme.find(BOOKLET_TEMPLATE), self.variant)

    def numbers(self, total: int, duplex: bool) -> bytes:
        """``total`` empty pages showing only the theme's page footer: the stamps."""
        style = ""
        words = self.pages.words(self.pages.settings.lang).css("page_of")
        if duplex:  # the theme's footer on the outer edge
            style = self.pages.theme.find(DUPLEX_STYLESHEET).read_text("utf-8")
            style += f" @page :left {{ @bottom-left {{ content: {words}; }} }}"
        style += f" @page {{ @bottom-right {{ content: {words}; }} }}"
        html = (f'<!DOCTYPE html><html lang="{self.pages.settings.lang}" '
                f'dir="{self.pages.words(self.pages.settings.lang).direction}"><head>'
                f"<title>pages</title><style>{style} div {{ break-after: page; }}"
                "</style></head><body>" + "<div></div>" * total + "</body></html>")
        return self._render(html, self.pages.theme.find(STYLESHEET), None)

    def _render(self, html: str, source: Path, variant: str | None) -> bytes:
        from ..pdf.renderer import PdfJob, render_job
        from ..security.sandbox import base_url  # virtual: static files resolve as for a page

        theme = self.pages.theme
        job = PdfJob(slug="booklet", source=str(source), html=html,
                     base_url=base_url(self.project, self.project),
                     paper=self.pages.settings.paper,
                     stylesheet=str(theme.find(STYLESHEET)), variant=variant,
                     bleed=self.bleed,
                     roots=tuple(str(p) for p in (self.project, *theme.dirs)))
        result = render_job(job)
        if result.error:
            raise result.error
        self.read.update(result.read)
        return result.pdf


def tag_counts(entries: list[ContentsEntry]) -> list[tuple[str, int]]:
    """Every tag of the handouts with how many carry it, the most used first."""
    counts = collections.Counter(tag for entry in entries for tag in entry.tags)
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0].lower()))


def _metadata(settings: Settings, date: datetime.date | None) -> dict[str, str]:
    info = {"/Title": settings.site_name, "/Creator": f"Versus {__version__}",
            "/Producer": f"Versus {__version__} with WeasyPrint and pikepdf"}
    if settings.author:
        info["/Author"] = settings.author
    if date:
        info["/CreationDate"] = info["/ModDate"] = f"D:{date:%Y%m%d}"
    return info


def _xmp(title: str, lang: str, date: datetime.date | None) -> dict:
    """The XMP properties the booklet states about itself (with its variant's)."""
    xmp = {"dc:title": title, "dc:language": [lang],
           "pdf:Producer": f"Versus {__version__} with WeasyPrint and pikepdf",
           "xmp:CreatorTool": f"Versus {__version__}"}
    if date:
        xmp["xmp:CreateDate"] = xmp["xmp:ModifyDate"] = date.isoformat()
    return xmp
