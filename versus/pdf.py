"""HTML -> PDF with WeasyPrint: fonts, the sandboxed fetcher, metadata.

This is the only module that imports WeasyPrint, and it does so lazily: a build
with nothing to render never pays for it. A process keeps one ``PdfRenderer``
per theme, so fonts are loaded and the stylesheet parsed once, not per handout.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import RenderError

MAX_RESOURCE_BYTES = 20 * 1024 * 1024
VIRTUAL_ROOT = "/versus-project"
REMOTE_TIMEOUT = 10
"""Seconds an http(s) fetch may take, with --allow-remote."""
VIRTUAL_THEME = "/versus-theme"
STATIC = "static"
PROJECT_PREFIX, THEME_PREFIX = "project:", "theme:"
"""How files read on a cluster worker are named in ``PdfResult.read``."""


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
    allow_remote: bool = False
    """Fetch http(s) images; without it they are left out with a warning."""
    timeout: float | None = None
    """Seconds the render may take (see ``versus.limits``); None: no limit."""


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
    from .limits import time_limit

    try:
        renderer = renderer_for(job.stylesheet, job.roots, _digest(job.stylesheet))
        with time_limit(job.timeout, "rendering the PDF", job.source):
            pdf, read = renderer.render(job)
        return PdfResult(job.slug, pdf=pdf, read=read,
                         warnings=tuple(renderer.fetcher.warnings))
    except RenderError as error:
        renderer_for.cache_clear()  # a stopped render may leave it half-way
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
    return PdfRenderer(LocalFiles(tuple(Path(root) for root in roots)),
                       Path(stylesheet).name)


class LocalFiles:
    """The project and theme files, read from disk (builds on this machine)."""

    def __init__(self, roots: tuple[Path, ...]):
        self.project, self.theme_dirs = roots[0].resolve(), roots[1:]

    def project_file(self, relative: str) -> tuple[bytes, str]:
        """The bytes of a file below the project, and its path."""
        data, origin = _read_inside((self.project / relative).resolve(), self.project)
        return _image_only(data), origin

    def theme_file(self, name: str) -> tuple[bytes, str]:
        """The bytes of ``static/name`` from the first theme folder that has it."""
        for folder in self.theme_dirs:
            path = (folder / STATIC / name).resolve()
            if path.is_file():
                return _read_inside(path, folder.resolve())
        raise FileNotFoundError("no such file in the theme")


class ShippedFiles:
    """Files the client sent along (builds on a cluster: no shared filesystem)."""

    def __init__(self, assets: dict[str, bytes], static: dict[str, bytes]):
        self.assets, self.static = assets, static

    def project_file(self, relative: str) -> tuple[bytes, str]:
        if relative not in self.assets:
            raise FileNotFoundError("no such file")
        return _image_only(self.assets[relative]), f"{PROJECT_PREFIX}{relative}"

    def theme_file(self, name: str) -> tuple[bytes, str]:
        if name not in self.static:
            raise FileNotFoundError("no such file in the theme")
        return self.static[name], f"{THEME_PREFIX}{name}"


IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


def _image_only(data: bytes) -> bytes:
    """``data`` if it is a PNG, JPEG, GIF, WebP or SVG image: content refers to
    nothing else, and other formats (EPS, say) would reach other decoders."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if (data.startswith(IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
            or head.startswith((b"<svg", b"<?xml", b"<!--", b"<!DOCTYPE svg"))):
        return data
    raise ValueError("not a PNG, JPEG, GIF, WebP or SVG image")


def _read_inside(path: Path, root: Path) -> tuple[bytes, str]:
    if not path.is_relative_to(root):
        raise PermissionError("outside the project")
    if not path.is_file():
        raise FileNotFoundError("no such file")
    if path.stat().st_size > MAX_RESOURCE_BYTES:
        raise ValueError(f"larger than {MAX_RESOURCE_BYTES // 2**20} MiB")
    return path.read_bytes(), str(path)


class PdfRenderer:
    """WeasyPrint with one font configuration and one parsed stylesheet.

    The stylesheet is parsed at a virtual URL, ``file:///versus-theme/static/``,
    so the fonts it loads come through the same fetcher, from the theme's
    folders or from the bytes a cluster client sent, and the PDF is the same.
    """

    def __init__(self, files, stylesheet: str):
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        self._weasyprint = weasyprint
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
    def _page_css(self, paper: str):
        return self._weasyprint.CSS(string=f"@page {{ size: {paper}; }}",
                                    font_config=self.font_config)

    def render(self, job: PdfJob) -> tuple[bytes, tuple[str, ...]]:
        """The PDF of ``job`` and the files read; a failed fetch is a ``RenderError``."""
        self.fetcher.start(job.allow_remote)
        with _ImageFailures(self.fetcher):
            document = self._weasyprint.HTML(string=job.html, base_url=job.base_url,
                                             url_fetcher=self.fetcher)
            pdf = document.write_pdf(
                stylesheets=[self.stylesheet, self._page_css(job.paper)],
                font_config=self.font_config, pdf_tags=True, pdf_variant=job.variant,
                finisher=_relative_links(job.base_url))
        if self.fetcher.failures:
            raise RenderError(self.fetcher.failures[0], job.source)
        return pdf, tuple(sorted(self.theme_read | self.fetcher.read))


def _relative_links(base: str):
    """A WeasyPrint finisher: links to project files (another handout's PDF, made
    ``x.pdf`` by ``render``) become relative again, as the PDFs sit in output/pdf/
    like the handouts in content/; WeasyPrint makes every link absolute."""
    prefix, folder = f"file://{VIRTUAL_ROOT}/", urlsplit(base).path

    def finish(document, pdf) -> None:
        for obj in pdf.objects:
            action = obj.get("A") if isinstance(obj, dict) else None
            uri = action.get("URI") if isinstance(action, dict) else None
            if uri is not None and uri.string.startswith(prefix):
                parts = urlsplit(uri.string)
                relative = posixpath.relpath(parts.path, folder)
                uri.string = relative + (f"#{parts.fragment}" if parts.fragment else "")
                if "Contents" in obj:
                    obj["Contents"].string = uri.string

    return finish


class _ImageFailures(logging.Handler):
    """Turns WeasyPrint's 'Failed to load image' log lines into failures: an image
    that was fetched but could not be decoded (a decompression bomb, say)."""

    def __init__(self, fetcher):
        super().__init__(logging.ERROR)
        self.fetcher = fetcher

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("Failed to load image") and len(record.args) == 2:
            url, reason = record.args
            if url in self.fetcher.refused:
                return  # already a warning (remote) or a failure (refused)
            self.fetcher.failures.append(f"cannot load '{_short(url)}': {reason}")
            self.fetcher.refused.add(url)

    def __enter__(self):
        logging.getLogger("weasyprint").addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger("weasyprint").removeHandler(self)


def _sandboxed_fetcher(weasyprint, files):
    """A URL fetcher for ``data:`` URLs and the project's and theme's virtual URLs."""

    class SandboxedFetcher(weasyprint.URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"file", "data", "http", "https"},
                             allow_redirects=False, timeout=REMOTE_TIMEOUT)
            self.start(allow_remote=False)

        def start(self, allow_remote: bool) -> None:
            """Forget the last document's fetches; set whether http(s) is allowed."""
            self.allow_remote = allow_remote
            self.failures: list[str] = []
            self.warnings: list[str] = []
            self.refused: set[str] = set()
            self.read: set[str] = set()

        def fetch(self, url, headers=None):
            if url.startswith(("http:", "https:")) and not self.allow_remote:
                self.refused.add(url)
                self.warnings.append(f"remote image '{_short(url)}' not fetched "
                                     "(--allow-remote fetches it); its alt text is shown")
                raise PermissionError("remote fetching is off")
            try:
                if url.startswith("file:"):
                    return self._fetch_file(url)
                return super().fetch(url, headers)
            except Exception as error:
                self.refused.add(url)
                self.failures.append(f"cannot load '{_short(url)}': {_reason(error)}")
                raise

        def _fetch_file(self, url):
            path = posixpath.normpath(unquote(urlsplit(url).path))
            if path.startswith(VIRTUAL_ROOT + "/"):
                data, origin = files.project_file(path[len(VIRTUAL_ROOT) + 1:])
            elif path.startswith(f"{VIRTUAL_THEME}/{STATIC}/"):
                data, origin = files.theme_file(path[len(VIRTUAL_THEME) + len(STATIC) + 2:])
            else:
                raise PermissionError("outside the project")
            self.read.add(origin)
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


@dataclass(frozen=True)
class ThemeBundle:
    """The theme's static files as bytes, sent once to each cluster worker."""

    digest: str
    files: dict[str, bytes]

    @classmethod
    def of(cls, static: dict[str, Path]) -> ThemeBundle:
        """Read ``static`` (name -> path, as ``Theme.static_files`` gives)."""
        files = {name: path.read_bytes() for name, path in sorted(static.items())}
        digest = hashlib.sha256()
        for name, data in files.items():
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        return cls(digest.hexdigest(), files)


@dataclass(frozen=True)
class ShippedJob:
    """A render job with the project files its page refers to, for a cluster."""

    job: PdfJob
    assets: dict[str, bytes]


def ship(job: PdfJob) -> ShippedJob:
    """``job`` with the bytes of every project file its HTML refers to."""
    from html.parser import HTMLParser
    from urllib.parse import urljoin

    references: list[str] = []

    class References(HTMLParser):
        def handle_starttag(self, tag, attrs):
            references.extend(value for name, value in attrs
                              if name in ("src", "href", "data") and value)

    References().feed(job.html)
    files, assets = LocalFiles(tuple(Path(root) for root in job.roots)), {}
    for reference in references:
        path = posixpath.normpath(unquote(urlsplit(urljoin(job.base_url, reference)).path))
        if path.startswith(VIRTUAL_ROOT + "/"):
            relative = path[len(VIRTUAL_ROOT) + 1:]
            try:
                assets[relative] = files.project_file(relative)[0]
            except (OSError, ValueError):
                pass  # the worker reports it, as a local render would
    return ShippedJob(job, assets)


def render_shipped(shipped: ShippedJob, theme: ThemeBundle) -> PdfResult:
    """Render a shipped job on a cluster worker; never raises."""
    job = shipped.job
    try:
        renderer = _shipped_renderer(theme, Path(job.stylesheet).name)
        renderer.files.assets = shipped.assets  # this job's images
        pdf, read = renderer.render(job)
        return PdfResult(job.slug, pdf=pdf, read=read,
                         warnings=tuple(renderer.fetcher.warnings))
    except RenderError as error:
        return PdfResult(job.slug, error=error)
    except Exception as error:
        return PdfResult(job.slug, error=RenderError(
            f"PDF rendering failed: {type(error).__name__}: {error}", job.source))


_SHIPPED_RENDERERS: dict[tuple[str, str], PdfRenderer] = {}
"""This worker process's renderer for the theme it was last sent (one at a time)."""


def _shipped_renderer(theme: ThemeBundle, stylesheet: str) -> PdfRenderer:
    key = (theme.digest, stylesheet)
    if key not in _SHIPPED_RENDERERS:
        _SHIPPED_RENDERERS.clear()
        _SHIPPED_RENDERERS[key] = PdfRenderer(ShippedFiles({}, theme.files), stylesheet)
    return _SHIPPED_RENDERERS[key]
