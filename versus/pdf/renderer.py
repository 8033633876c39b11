"""HTML -> PDF with WeasyPrint: fonts, the sandboxed fetcher, metadata.

This is the only module that imports WeasyPrint, and it does so lazily: a build
with nothing to render never pays for it. Three modules reach into the layout on
its behalf once it has: ``versus.pdf.columnfix`` mends a multi-column bug,
``versus.pdf.linememo`` spares the column balancing its repeated line breaking,
and ``versus.pdf.textloss`` fails a PDF that would miss text;
``versus.pdf.compression`` has pydyf compress at zlib's default level; and
``versus.pdf.finisher`` mends the PDF's objects (links, tags) before WeasyPrint
writes them, so each PDF is written once. A process keeps one
``PdfRenderer`` per theme, so fonts are loaded and the stylesheet parsed once,
not per handout.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import RenderError
from ..executors.limits import RENDERING, time_limit
from ..security.sandbox import (STATIC, VIRTUAL_THEME, LocalFiles, RemoteRefused,
                                Sandbox, parse_url, reason, short)
from . import cjkjustify, columnfix, compression, hyphens, linememo, textloss
from .variants import page_css, register

REMOTE_TIMEOUT = 10
"""Seconds an http(s) fetch may take, with --allow-remote."""


@dataclass(frozen=True)
class PdfJob:
    """Everything a worker needs to render one handout: plain, picklable data."""

    slug: str
    source: str
    html: str
    base_url: str
    """Where relative references resolve: ``base_url(project, folder)``."""
    paper: str
    stylesheet: str
    roots: tuple[str, ...]
    """Folders it may read: the project first, then the theme's."""
    variant: str | None = None
    """A PDF variant WeasyPrint knows, such as 'pdf/ua-1'; None for plain tagged PDF."""
    bleed: str | None = None
    """Bleed around each page, with crop marks (``versus.pdf.variants``); None: none."""
    allow_remote: bool = False
    """Fetch http(s) images; without it they are left out with a warning."""
    timeout: float | None = None
    """Seconds the render may take (see ``versus.executors.limits``); None: no limit."""


@dataclass(frozen=True)
class PdfResult:
    """A rendered PDF, or the error that stopped it."""

    slug: str
    pdf: bytes | None = None
    error: RenderError | None = None
    read: tuple[str, ...] = ()
    """Absolute paths of every file the renderer read: stylesheet, fonts, images."""
    warnings: tuple[str, ...] = ()
    """What was left out: remote images not fetched."""


def render_job(job: PdfJob) -> PdfResult:
    """Render one job with this process's renderer for its theme; never raises."""
    return render_safely(
        job, lambda: renderer_for(job.stylesheet, job.roots, _digest(job.stylesheet)),
        renderer_for.cache_clear)


def render_safely(job: PdfJob, renderer: Callable[[], PdfRenderer],
                   forget: Callable[[], None]) -> PdfResult:
    """Render ``job`` with ``renderer()`` under its time limit; every failure is
    the job's error, and ``forget`` drops a renderer a failure may have spoiled."""
    try:
        made = renderer()
        with time_limit(job.timeout, RENDERING, job.source):
            pdf, read = made.render(job)
        return PdfResult(job.slug, pdf=pdf, read=read, warnings=tuple(made.fetcher.warnings))
    except RenderError as error:
        forget()  # a stopped render may leave it half-way
        return PdfResult(job.slug, error=error)
    except MemoryError:
        forget()
        return PdfResult(job.slug, error=RenderError(
            f"{RENDERING} ran out of memory; stopped", job.source))
    except Exception as error:  # WeasyPrint may fail in many ways on odd input.
        return PdfResult(job.slug, error=RenderError(
            f"PDF rendering failed: {type(error).__name__}: {error}", job.source))


def warm_up(stylesheet: str, roots: tuple[str, ...]) -> None:
    """Load WeasyPrint, the fonts and the stylesheet now, so the next render is quick."""
    renderer_for(stylesheet, roots, _digest(stylesheet))


def _digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@functools.lru_cache(maxsize=4)
def renderer_for(stylesheet: str, roots: tuple[str, ...], digest: str) -> PdfRenderer:
    """This process's renderer for a theme; ``digest`` renews it when the CSS changes."""
    return PdfRenderer(LocalFiles(tuple(Path(root) for root in roots)),
                       Path(stylesheet).name)


class PdfRenderer:
    """WeasyPrint with one font configuration and one parsed stylesheet.

    The stylesheet is parsed at a virtual URL, ``file:///versus-theme/static/``,
    so the fonts it loads come through the same fetcher, from the theme's
    folders or from the bytes a cluster client sent, and the PDF is the same.
    """

    def __init__(self, files, stylesheet: str):
        import pydyf
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        self._weasyprint = weasyprint
        register(weasyprint.pdf)  # plain PDF/A-4
        columnfix.install(weasyprint)  # no section lost after balanced columns
        linememo.install(weasyprint)  # lines broken once per document, not per try
        hyphens.install(weasyprint)  # soft hyphens in the text; none in a cell's last word
        cjkjustify.install(weasyprint)  # Chinese and Japanese justified between characters
        textloss.install()  # what is laid out is checked against what was built
        compression.install(pydyf)  # streams at zlib's level 6, not 9
        self.files = files
        self.fetcher = _sandboxed_fetcher(weasyprint, files)
        self.font_config = FontConfiguration()
        data, origin = files.theme_file(stylesheet)
        self.stylesheet = weasyprint.CSS(string=data.decode("utf-8"),
                                         base_url=f"file://{VIRTUAL_THEME}/{STATIC}/",
                                         font_config=self.font_config,
                                         url_fetcher=self.fetcher)
        if self.fetcher.failures:
            raise RenderError(self.fetcher.failures[0], origin)
        self.theme_read = {origin} | self.fetcher.read

    @functools.cache
    def _page_css(self, paper: str, bleed: str | None = None):
        return self._weasyprint.CSS(string=f"@page {{ size: {paper}; }}" + page_css(bleed),
                                    font_config=self.font_config)

    def render(self, job: PdfJob) -> tuple[bytes, tuple[str, ...]]:
        """The PDF of ``job`` and the files read; a failed fetch is a ``RenderError``."""
        from .finisher import finisher
        self.fetcher.start(job.allow_remote)
        options = {"stylesheets": [self.stylesheet, self._page_css(job.paper, job.bleed)],
                   "pdf_tags": True, "pdf_variant": job.variant}
        with _ImageFailures(self.fetcher), textloss.recording() as built:
            page = self._weasyprint.HTML(string=job.html, base_url=job.base_url,
                                         url_fetcher=self.fetcher)
            document = page.render(font_config=self.font_config, **options)
            lost = textloss.lost_text(built, document)
            if lost:  # a layout bug: no PDF rather than one missing a passage
                raise RenderError(f"the PDF lost text: {lost}", job.source)
            # Relative links, header scope, ID tree, artifacts: see versus.pdf.finisher.
            pdf = document.write_pdf(finisher=finisher(job.base_url),
                                     **self._identified(job.variant), **options)
        if self.fetcher.failures:
            raise RenderError(self.fetcher.failures[0], job.source)
        return pdf, tuple(sorted(self.theme_read | self.fetcher.read))

    def _identified(self, variant: str | None) -> dict:
        """A file identifier where the PDF's version requires one (2.0) and
        WeasyPrint's variant leaves it out (PDF/UA-2); elsewhere none is added,
        as hashing the whole file for it costs more than the rest of the finish."""
        _, values = self._weasyprint.pdf.VARIANTS.get(variant, (None, {}))
        version = values.get("pdf_version")
        if version and str(version) >= "2" and not values.get("pdf_identifier"):
            return {"pdf_identifier": True}
        return {}


class _ImageFailures(logging.Handler):
    """Turns WeasyPrint's 'Failed to load image' log lines into failures: an image
    that was fetched but could not be decoded (a decompression bomb, say)."""

    def __init__(self, fetcher):
        super().__init__(logging.ERROR)
        self.fetcher = fetcher

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("Failed to load image") and len(record.args) == 2:
            url, problem = record.args
            if url in self.fetcher.refused:
                return  # already a warning (remote) or a failure (refused)
            why = str(problem).strip() or "the image could not be decoded"
            self.fetcher.failures.append(f"cannot load '{short(url)}': {why}")
            self.fetcher.refused.add(url)

    def __enter__(self):
        logging.getLogger("weasyprint").addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger("weasyprint").removeHandler(self)


def _sandboxed_fetcher(weasyprint, files):
    """WeasyPrint's URL fetcher on top of a ``Sandbox`` (see ``versus.security.sandbox``):
    refusals become failures of the handout, remote images left out warnings."""

    class SandboxedFetcher(weasyprint.URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"data", "http", "https"},
                             allow_redirects=False, timeout=REMOTE_TIMEOUT)
            self.start(allow_remote=False)

        def start(self, allow_remote: bool) -> None:
            """Forget the last document's fetches; set whether http(s) is allowed."""
            self.sandbox = Sandbox(files, allow_remote, remote=super().fetch)
            self.failures: list[str] = []
            self.warnings: list[str] = []
            self.refused: set[str] = set()

        @property
        def read(self) -> set[str]:
            """The files read for the current document."""
            return self.sandbox.read

        def fetch(self, url, headers=None):
            try:
                data, _, received = self.sandbox.load(url, headers)
            except RemoteRefused:
                self.refused.add(url)
                self.warnings.append(f"remote image '{short(url)}' not fetched "
                                     "(--allow-remote fetches it); its alt text is shown")
                raise
            except Exception as error:
                self.refused.add(url)
                self.failures.append(f"cannot load '{short(url)}': {reason(error)}")
                raise
            return weasyprint.urls.URLFetcherResponse(parse_url(url).geturl(), data,
                                                      received)

    return SandboxedFetcher()


