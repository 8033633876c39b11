"""HTML -> PDF with WeasyPrint: fonts, the sandboxed fetcher, metadata.

This is the only module that imports WeasyPrint, and it does so lazily: a build
with nothing to render never pays for it. A process keeps one ``PdfRenderer``
per theme, so fonts are loaded and the stylesheet parsed once, not per handout.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import RenderError

MAX_RESOURCE_BYTES = 20 * 1024 * 1024
VIRTUAL_ROOT = "/versus-project"


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


@dataclass(frozen=True)
class PdfResult:
    """A rendered PDF, or the error that stopped it."""

    slug: str
    pdf: bytes | None = None
    error: RenderError | None = None
    read: tuple[str, ...] = ()
    """Absolute paths of every file the renderer read: stylesheet, fonts, images."""


def render_job(job: PdfJob) -> PdfResult:
    """Render one job with this process's renderer for its theme; never raises."""
    try:
        renderer = renderer_for(job.stylesheet, job.roots, _digest(job.stylesheet))
        pdf, read = renderer.render(job)
        return PdfResult(job.slug, pdf=pdf, read=read)
    except RenderError as error:
        return PdfResult(job.slug, error=error)
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
    return PdfRenderer(Path(stylesheet), tuple(Path(root) for root in roots))


class PdfRenderer:
    """WeasyPrint with one font configuration and one parsed stylesheet."""

    def __init__(self, stylesheet: Path, roots: tuple[Path, ...]):
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        self._weasyprint = weasyprint
        self.fetcher = _sandboxed_fetcher(weasyprint, roots)
        self.font_config = FontConfiguration()
        self.stylesheet = weasyprint.CSS(filename=str(stylesheet),
                                         font_config=self.font_config,
                                         url_fetcher=self.fetcher)
        if self.fetcher.failures:
            raise RenderError(self.fetcher.failures[0], str(stylesheet))
        self.theme_read = {str(stylesheet)} | self.fetcher.read

    @functools.cache
    def _page_css(self, paper: str):
        return self._weasyprint.CSS(string=f"@page {{ size: {paper}; }}",
                                    font_config=self.font_config)

    def render(self, job: PdfJob) -> tuple[bytes, tuple[str, ...]]:
        """The PDF of ``job`` and the files read; a failed fetch is a ``RenderError``."""
        self.fetcher.failures.clear()
        self.fetcher.read.clear()
        document = self._weasyprint.HTML(string=job.html, base_url=job.base_url,
                                         url_fetcher=self.fetcher)
        pdf = document.write_pdf(stylesheets=[self.stylesheet, self._page_css(job.paper)],
                                 font_config=self.font_config, pdf_tags=True,
                                 pdf_variant=job.variant)
        if self.fetcher.failures:
            raise RenderError(self.fetcher.failures[0], job.source)
        return pdf, tuple(sorted(self.theme_read | self.fetcher.read))


def _sandboxed_fetcher(weasyprint, roots: tuple[Path, ...]):
    """A URL fetcher that reads only ``data:`` and files below ``roots``."""

    class SandboxedFetcher(weasyprint.URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
            self.failures: list[str] = []
            self.read: set[str] = set()

        def fetch(self, url, headers=None):
            try:
                if url.startswith("file:"):
                    return self._fetch_file(url)
                return super().fetch(url, headers)
            except Exception as error:
                self.failures.append(f"cannot load '{_short(url)}': {_reason(error)}")
                raise

        def _fetch_file(self, url):
            from urllib.request import url2pathname

            path = url2pathname(unquote(urlsplit(url).path))
            if path.startswith(VIRTUAL_ROOT + "/"):
                path = roots[0] / path[len(VIRTUAL_ROOT) + 1:]
            path = Path(path).resolve()
            if not any(path.is_relative_to(root) for root in roots):
                raise PermissionError("outside the project")
            if not path.is_file():
                raise FileNotFoundError("no such file")
            if path.stat().st_size > MAX_RESOURCE_BYTES:
                raise ValueError(f"larger than {MAX_RESOURCE_BYTES // 2**20} MiB")
            data = path.read_bytes()
            self.read.add(str(path))
            return weasyprint.urls.URLFetcherResponse(url, data)

    return SandboxedFetcher()


def base_url(project: Path, folder: Path) -> str:
    """The URL a handout in ``folder`` is rendered at: the same on every machine.

    WeasyPrint names images after their URL, so a URL with the checkout's path
    in it would make the PDF differ from one checkout to the next. The fetcher
    maps ``file:///versus-project/...`` back to the project (the first root).
    """
    relative = folder.resolve().relative_to(project.resolve()).as_posix()
    return f"file://{VIRTUAL_ROOT}/{relative}/".replace("/./", "/")


def _short(url: str) -> str:
    prefix = f"file://{VIRTUAL_ROOT}/"
    if url.startswith(prefix):
        url = unquote(url[len(prefix):])
    return url if len(url) < 120 else url[:117] + "..."


def _reason(error: Exception) -> str:
    return str(error.args[0]) if error.args else type(error).__name__
