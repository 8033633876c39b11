"""The booklet: a cover, a contents page and every handout's PDF in one file.

``make_booklet`` first brings the handout PDFs up to date through the pipeline
(unchanged handouts are not rendered again), then renders only the cover and
contents and a document of page numbers with WeasyPrint, and binds them to the
handout PDFs with pikepdf (``versus.booklet.assemble``): one structure tree for the
whole booklet, each handout's footer replaced by the booklet's page number. The contents
gives each handout's first page in the booklet and links to it; every handout
page shows its booklet page number; the outline has one entry per handout with
the handout's own bookmarks beneath.

The booklet is an output like the others: its record in the build state lists
the handout PDFs, templates, stylesheet, fonts, settings and options it was made
from, and with none of them changed it is neither rebuilt nor is WeasyPrint
imported.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import fnmatch
import io
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..build.pipeline import BuildOptions, BuildReport, Listener, build
from ..build.plan import Digests, installed_version, tool_versions, value_digest
from ..build.state import STATE_FILE, BuildState
from ..content.handouts import load_handout
from ..content.files import data_files, discover
from ..errors import Problems, RenderError, VersusError
from ..executors.local import Executor
from ..output import OUTPUT_DIR, write_atomic
from ..render.pages import Pages, source_date
from ..render.theme import BOOKLET_TEMPLATE, STATIC_DIR, STYLESHEET, Theme
from ..settings import Settings, load_settings
from .assemble import LINK_SCHEME

logger = logging.getLogger(__name__)
BOOKLET = "booklet.pdf"
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


@dataclass
class BookletReport:
    """What ``make_booklet`` did: the handout build's report and the booklet's own."""

    build: BuildReport
    path: Path | None = None
    """The booklet written by this run; ``None`` when up to date or not written."""
    up_to_date: bool = False
    handouts: int = 0
    pages: int = 0
    errors: list[VersusError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.build.ok and not self.errors


class _Tracker(Listener):
    """Passes events on and notes which handout PDFs are up to date after the build."""

    def __init__(self, inner: Listener):
        self.inner = inner
        self.fresh: set[str] = set()

    def planned(self, decisions) -> None:
        self.fresh.update(d.target for d in decisions if not d.stale)
        self.inner.planned(decisions)

    def started(self, total: int) -> None:
        self.inner.started(total)

    def finished(self, target: str, error) -> None:
        if error is None:
            self.fresh.add(target)
        self.inner.finished(target, error)

    def slugs(self) -> list[str]:
        """The handouts whose PDF is now current: the booklet's handouts."""
        return sorted(target[len("pdf/"):-len(".pdf")] for target in self.fresh
                      if target.startswith("pdf/") and target.endswith(".pdf"))


@dataclass(frozen=True)
class Selection:
    """Which handouts a booklet binds: those with any of ``tags`` or whose slug
    matches any of the shell patterns ``globs``; every handout when both are empty."""

    tags: tuple[str, ...] = ()
    globs: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.tags or self.globs)

    def slugs(self, project: Path) -> list[str]:
        """The selected handouts' slugs (a handout that does not load has no tags)."""
        found = discover(project)[0]
        chosen = {slug for slug, _ in found
                  if any(fnmatch.fnmatchcase(slug, glob) for glob in self.globs)}
        wanted = {tag.casefold() for tag in self.tags}
        if wanted:
            settings = load_settings(project)
            for slug, path in found:
                if slug not in chosen and _tags(path, slug, settings) & wanted:
                    chosen.add(slug)
        return sorted(chosen)

    def describe(self) -> str:
        return " or ".join([*(f"--tag {tag}" for tag in self.tags),
                            *(f"--match {glob}" for glob in self.globs)])


def _tags(path: Path, slug: str, settings: Settings) -> set[str]:
    try:
        return {tag.casefold() for tag in load_handout(path, slug, settings).tags}
    except Problems:  # the build reports it, if it is built
        return set()


def make_booklet(project: Path, options: BuildOptions, duplex: bool = False,
                 executor: Executor | None = None,
                 listener: Listener | None = None,
                 selection: Selection = Selection()) -> BookletReport:
    """Build the stale handout PDFs, then ``output/booklet.pdf`` if it is stale.

    ``options.formats`` says what the handout build makes (``pdf`` at least). The
    booklet holds every handout (or the ``selection``) whose PDF is current after
    that build: handouts that failed are reported in ``report.build``; one whose
    last good PDF stays is bound as it last loaded (``BuildReport.kept``), with a
    warning.
    """
    started = time.perf_counter()
    project = project.resolve()
    listener = listener or Listener()
    tracker = _Tracker(listener)
    formats = tuple(dict.fromkeys((*options.formats, "pdf")))
    chosen: tuple[str, ...] = ()
    if selection:
        report = BookletReport(BuildReport())
        try:
            chosen = tuple(selection.slugs(project))
        except Problems as problems:  # bad settings: no handout can be read
            report.errors.extend(problems.errors)
            return report
        if not chosen:
            report.errors.append(VersusError(
                f"no handout is selected by {selection.describe()}: booklet not written",
                project / "content"))
            return report
    every = dataclasses.replace(options, formats=formats, targets=chosen)
    report = BookletReport(build(project, every, executor, tracker))
    try:
        if report.build.ok or options.keep_going:
            kept = [slug for slug in report.build.kept
                    if (project / OUTPUT_DIR / "pdf" / f"{slug}.pdf").is_file()]
            slugs = sorted({*tracker.slugs(), *kept})
            _Booklet(project, options, duplex, report).make(slugs, listener)
    except VersusError as error:
        report.errors.append(error)
    except Problems as problems:
        report.errors.extend(problems.errors)
    report.seconds = time.perf_counter() - started
    return report


class _Booklet:
    """One booklet: plan it against the build state, then render and assemble it."""

    def __init__(self, project: Path, options: BuildOptions, duplex: bool,
                 report: BookletReport):
        self.project, self.options, self.duplex, self.report = (project, options,
                                                                duplex, report)
        self.output = project / OUTPUT_DIR
        self.target = self.output / BOOKLET
        self.state = BuildState.load(self.output / STATE_FILE)

    def make(self, slugs: list[str], listener: Listener) -> None:
        try:
            settings = load_settings(self.project).replace(
                paper=self.options.paper, pdf_variant=self.options.pdf_variant)
        except Problems:
            return  # the handout build has reported them
        if not slugs:
            self._none_left()
            return
        pages = Pages(Theme.for_project(self.project), settings)
        sources = dict(discover(self.project)[0])
        digests = Digests(self.project, self.state.files)
        inputs = self._inputs(slugs, sources, pages, digests)
        decision = self.state.decide(BOOKLET, self.target, inputs, digests,
                                     self.options.force)
        listener.planned([decision])
        if not decision.stale:
            self.report.up_to_date = True
            return
        entries = [self._entry(slug, sources[slug], settings) for slug in slugs]
        # The last booklet's count of cover and contents pages is the best first
        # guess: when right, the contents is rendered once instead of twice.
        facts = dict(self.state.remembered(BOOKLET))
        key = "front_pages_duplex" if self.duplex else "front_pages"
        guess = facts.get(key)
        pdf, read = render_booklet(pages, entries, self.output, self.project,
                                   self.duplex, source_date(), guess,
                                   self.options.bleed)
        write_atomic(self.target, pdf.data)
        self.state.record(BOOKLET, inputs,
                          {digests.name(Path(p)): digests.of(Path(p)) for p in read})
        self.state.remember(BOOKLET, **{**facts, key: pdf.front_pages})
        self.state.learn(digests)
        self.state.save()
        self.report.path = self.target
        self.report.handouts, self.report.pages = len(entries), pdf.pages

    def _inputs(self, slugs: list[str], sources: dict[str, Path], pages: Pages,
                digests: Digests) -> dict[str, str]:
        """Everything the booklet is made from, by digest."""
        paths = [self.output / "pdf" / f"{slug}.pdf" for slug in slugs]
        paths += [p for slug in slugs for p in (sources[slug], *data_files(sources[slug]))]
        paths += [*pages.templates_used(BOOKLET_TEMPLATE), pages.theme.find(STYLESHEET),
                  pages.theme.find(DUPLEX_STYLESHEET), *pages.translations()]
        inputs = digests.files(paths)
        settings = dataclasses.asdict(pages.settings)
        settings.pop("scheduler")  # where PDFs are rendered does not change them
        inputs.update({f"setting {key}": value_digest(value)
                       for key, value in settings.items()})
        inputs["handouts"] = value_digest(slugs)
        inputs["duplex"] = value_digest(self.duplex)
        inputs["SOURCE_DATE_EPOCH"] = value_digest(source_date())
        inputs["versions"] = value_digest(
            f"{tool_versions()}, pikepdf {installed_version('pikepdf')}")
        inputs["option bleed"] = value_digest(self.options.bleed)
        return inputs

    def _entry(self, slug: str, source: Path, settings: Settings) -> ContentsEntry:
        handout = self.report.build.kept.get(slug)  # failed: bound as it last loaded
        if handout is None:
            handout = load_handout(source, slug, settings)  # loaded fine for its PDF
        else:
            self.report.build.warnings.append(VersusError(
                "using the last good version in the booklet", source))
        return ContentsEntry(slug=slug, title=handout.title, tagline=handout.tagline,
                     items=handout.items, tags=handout.tags, date=handout.date)

    def _none_left(self) -> None:
        """No handout to bind: drop a booklet of handouts that are all gone."""
        if self.report.build.ok and self.report.build.handouts == 0:
            if self.target.exists():
                self.target.unlink()
                logger.info("removed %s: no handouts are left", BOOKLET)
            self.state.forget(BOOKLET)
            if self.state.changed:
                self.state.save()


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
                   ) -> tuple[BookletPdf, tuple[str, ...]]:
    """Render cover and contents for ``entries`` and bind them with their PDFs.

    The contents gives page numbers that depend on its own length: it is rendered
    with ``front_guess`` (or the least it can take) front pages, then again with
    the count it really took, until the two agree. Returns the booklet and the
    files the renderer read (stylesheet, fonts).
    """
    from .assemble import Layout, Part, assemble

    paths = [output / "pdf" / f"{entry.slug}.pdf" for entry in entries]
    counts = [_page_count(path.read_bytes()) for path in paths]
    dates = [entry.date for entry in entries if entry.date]
    date = max(dates) if dates else fallback_date
    least = 3 if duplex else 2  # cover (and its blank back), one contents page
    front_pages = max(front_guess or least, least)
    render = _Renderer(pages, project, pages.settings.pdf_variant or None, bleed)
    for _ in range(MAX_PASSES):
        starts = page_starts(front_pages, counts, duplex)
        placed = [dataclasses.replace(e, page=p) for e, p in zip(entries, starts)]
        front = render.front(placed, duplex, date)
        if _page_count(front) == front_pages:
            break
        front_pages = _page_count(front)  # the contents took more or fewer: renumber
    else:
        raise RenderError(f"the contents page numbers did not settle after {MAX_PASSES} "
                          "passes", pages.theme.find(BOOKLET_TEMPLATE))
    total = starts[-1] + counts[-1] - 1
    layout = Layout(lang=pages.settings.lang, duplex=duplex,
                    gutter=GUTTER_MM * 72 / 25.4 if duplex else 0.0,
                    numbers=render.numbers(total, duplex))
    parts = [Part(e.slug, e.title, e.page, path) for e, path in zip(placed, paths)]
    title = pages.settings.site_name
    bound = assemble(front, parts, layout, _metadata(pages.settings, date),
                     _xmp(title, pages.settings.lang, date))
    for name in bound.untagged:
        logger.warning("%s: %s has no structure tree: its pages are in the booklet "
                       "untagged", BOOKLET, name)
    return (BookletPdf(bound.data, total, {e.slug: e.page for e in placed}, front_pages),
            tuple(sorted(render.read)))


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
              date: datetime.date | None) -> bytes:
        """The cover and contents."""
        html = self.pages.booklet(entries, date=date, duplex=duplex,
                                  tags=tag_counts(entries))
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
