"""One handout's web page or PDF, made in a worker process (``versus.executors.workers``).

Converting content's Markdown and rendering the PDF both run in a worker, each
step under the handout's time limit: the worker's own timer first, then the
main process, which kills the worker of a step that overruns it.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from pathlib import Path

from ..content.handouts import Handout
from ..errors import MissingImage, RenderError, VersusError
from ..executors.limits import RENDERING, time_limit
from ..executors.workers import Limit, stage
from ..render.pages import Pages
from ..render.theme import Theme
from ..settings import Settings
from .samepage import page_digest

CONVERTING = "converting the Markdown"
WEB_PAGE_COST = 0.02
"""A web page's share of a worker's life (``local.TASKS_PER_WORKER``): 50,000 of
them before it is renewed, unless its memory asks for it first; a new one costs
as much as 40 pages (starting Python, the theme)."""


@dataclass(frozen=True)
class PageJob:
    """What a worker needs to make one output: plain, picklable data."""

    fmt: str
    """'html' (the web page), 'pdf', or 'print' (only the PDF's HTML)."""
    handout: Handout
    theme: tuple[Path, ...]
    settings: Settings
    timeout: float | None
    root: str = ""
    """The way up from a web page to ``output/``."""
    pdf: object = None
    """For 'pdf': the ``versus.pdf.renderer.PdfJob``, its ``html`` made by the worker."""
    roots: tuple[Path, ...] = ()
    """The project, then the theme's folders: where the templates' images must
    resolve (``versus.render.templateimages``); empty: not checked."""
    last_page: str | None = None
    """For 'pdf': the digest of the page the PDF on disk was rendered from, when it
    may be kept (``versus.build.samepage``); None: render."""
    context: str = ""
    """For 'pdf': what the page digest holds beyond the job (``samepage.context``)."""
    keep_html: bool = False
    """For 'pdf': send the print HTML back with the PDF (``--keep-html``)."""
    cache: str = ""
    """The folder keeping converted Markdown between builds (``versus.build.converted``);
    empty: none."""

    @property
    def cost(self) -> float:
        """A web page leaves a worker as it found it (its memory stays flat over
        thousands): it counts for little towards the worker's renewal."""
        return WEB_PAGE_COST if self.fmt == "html" else 1

    @property
    def target(self) -> str:
        """The output's path below ``output/`` (for 'print', the PDF's)."""
        fmt = "pdf" if self.fmt == "print" else self.fmt
        return f"{fmt}/{self.handout.slug}.{fmt}"


@dataclass(frozen=True)
class Output:
    """A made web page (text) or PDF (bytes), or the error that stopped it."""

    target: str
    data: bytes | str | None = None
    error: VersusError | None = None
    read: tuple[str, ...] = ()
    """Absolute paths of the files the PDF renderer read."""
    warnings: tuple[str, ...] = ()
    more: tuple[VersusError, ...] = ()
    """Errors besides ``error`` (the other images a web page cannot show)."""
    page: str | None = None
    """For a PDF: the digest of the page it was rendered from (``samepage``)."""
    kept: bool = False
    """The page is the one the PDF on disk was rendered from: nothing was rendered."""
    html: str | None = None
    """For a PDF with ``--keep-html``: the print HTML it was laid out from."""


def make(job: PageJob) -> Output:
    """Make the output of ``job``; never raises."""
    try:
        html = _html(job)
    except VersusError as error:
        return Output(job.target, error=error)
    missing = _missing_images(job, html)  # every one, at its place, before rendering
    if job.fmt != "html":  # the others the PDF renderer's sandbox refuses, saying why
        missing = [error for error in missing if isinstance(error, MissingImage)]
    if missing:
        return Output(job.target, error=missing[0], more=tuple(missing[1:]))
    if job.fmt != "pdf":
        return Output(job.target, data=html)
    page = page_digest(job.pdf, html, job.context)
    printed = html if job.keep_html else None
    if page == job.last_page:
        return Output(job.target, page=page, kept=True, html=printed)
    from ..pdf.renderer import render_job, warm_up

    stage(None)  # trusted set-up, not limited: WeasyPrint, the fonts, the theme's CSS
    try:
        warm_up(job.pdf.stylesheet, job.pdf.roots)
    except Exception:  # the render meets the same problem and reports it
        pass
    stage(RENDERING)
    result = render_job(dataclasses.replace(job.pdf, html=html))
    return Output(job.target, data=result.pdf, error=result.error, read=result.read,
                  warnings=result.warnings, page=page, html=printed)


def limit(seconds: float | None) -> Limit:
    """The time limit of page jobs: a stopped one is its handout's error."""
    return Limit(seconds, CONVERTING, _stopped)


def _stopped(job: PageJob, message: str) -> Output:
    return Output(job.target, error=RenderError(message, job.handout.source))


def _html(job: PageJob) -> str:
    # The first step: the limit's own ``what`` (no ``stage`` message needed).
    with time_limit(job.timeout, CONVERTING, str(job.handout.source)):
        medium = "screen" if job.fmt == "html" else "print"
        pages = pages_for(job.theme, job.settings)
        from .converted import converted

        content = converted(pages, job.handout, medium,
                            Path(job.cache) if job.cache else None)
        shown = set(content.images())
        html = pages.page(job.handout, content, medium, job.root)
        if job.roots:
            from ..render.templateimages import problems

            found = problems(pages, html, shown, job.handout.source, job.roots, medium)
            if found:
                raise found[0]
        return html


def _missing_images(job: PageJob, html: str) -> list[VersusError]:
    """The images the handout names that its page cannot show, as ``check``
    reports them; a page without an image is not parsed for them."""
    from ..security.sandbox import IMG_TAG_RE
    from ..content.imagerefs import missing

    if not job.roots or not IMG_TAG_RE.search(html):
        return []

    return missing(job.handout, html, job.roots)


@functools.lru_cache(maxsize=4)
def pages_for(theme: tuple[Path, ...], settings: Settings) -> Pages:
    """This worker's templates and Markdown converter (templates reload when edited)."""
    return Pages(Theme(theme), settings)
