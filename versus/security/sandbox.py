"""What a page may read: the sandbox every URL of a handout goes through.

The PDF renderer's fetcher (``versus.pdf.renderer``), the cluster client packing a job's
files and ``check`` all ask one ``Sandbox``, so they accept and refuse alike:

- a scheme is compared parsed and in lower case (``FILE:``, ``HtTp:``), against an
  allow-list: ``file`` (only the project's and theme's virtual URLs), ``data``,
  and ``http``/``https`` when remote fetching is allowed;
- a project file, ``data:`` URL or remote body must be an image (``versus.security.images``),
  read no further than the size cap; a file of the site's ``static/`` folder may
  also be a stylesheet or a font, by the rules of ``versus.security.staticfiles``;
- an SVG may not draw itself, directly or through other SVGs, nor draw more
  images in all than ``MAX_SVG_DRAWS`` (``SvgGraph``).

Pages are rendered at ``file:///versus-project/<folder>/`` (``base_url``) so that
file names, and the PDF, are the same on every machine.
"""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

from . import images

MAX_RESOURCE_BYTES = images.MAX_BYTES
VIRTUAL_ROOT = "/versus-project"
VIRTUAL_THEME = "/versus-theme"
STATIC = "static"
SITE_STATIC = "static"
"""``file:///versus-project/static/...``: the site's own files (``versus.security.staticfiles``)."""
ASSETS = "assets"
"""``file:///versus-project/assets/...``: the theme's static files, where the web
pages find them (output/assets/), so a template's ``{{ root }}assets/x`` works in
print too."""
PROJECT_PREFIX, THEME_PREFIX = "project:", "theme:"
"""How files read on a cluster worker are named in ``PdfResult.read``."""
SCHEMES = ("file", "data", "http", "https")
CSS_HEADERS = {"Content-Type": "text/css"}
IMG_TAG_RE = re.compile(r"<img\b", re.IGNORECASE)
MAX_SVG_DRAWS = 1000
"""Images an SVG may draw, counting those its images draw in turn."""
MAX_SVG_DEPTH = 8
"""How deep SVG images may draw SVG images."""
MAX_DOCUMENT_BYTES = 5 * images.MAX_BYTES
MAX_DOCUMENT_PIXELS = 4 * images.MAX_PIXELS
"""What one page's images may weigh in all: the renderer reads and decodes each
URL on its own, so one 17 MB PNG shown as ``big.png?1`` to ``?300`` costs 300 times."""


class RemoteRefused(PermissionError):
    """An http(s) URL while remote fetching is off: a warning, not an error."""


class LocalFiles:
    """The project and theme files, read from disk (builds on this machine)."""

    def __init__(self, roots: tuple[Path, ...]):
        self.project, self.theme_dirs = roots[0].resolve(), roots[1:]

    def project_file(self, relative: str) -> tuple[bytes, str]:
        """The bytes of a file below the project, and its path; a file whose real
        path lies in the site's ``static/`` is read by that folder's rules, however
        its URL reaches it (``content/st -> ../static``)."""
        from . import staticfiles

        path = (self.project / relative).resolve()
        static = staticfiles.folder(self.project).resolve()
        if path.is_relative_to(static):
            return staticfiles.read(path, static), str(path)
        return _read_inside(path, self.project)

    def theme_file(self, name: str) -> tuple[bytes, str]:
        """The bytes of ``static/name`` from the first theme folder that has it."""
        for folder in self.theme_dirs:
            path = (folder / STATIC / name).resolve()
            if path.is_file():
                return _read_inside(path, folder.resolve())
        raise FileNotFoundError("no such file in the theme")

    def static_file(self, name: str) -> tuple[bytes, str]:
        """The bytes of ``static/name`` of the site, by ``versus.security.staticfiles``'s rules."""
        from . import staticfiles

        root = staticfiles.folder(self.project)
        path = root / name
        return staticfiles.read(path, root), str(path)


class PackedFiles:
    """Project files read here to send along with a cluster job: the bytes of each
    one read, or the error that refused it, so the worker says what we would."""

    def __init__(self, local: LocalFiles):
        self.local = local
        self.project = local.project
        self.assets: dict[str, bytes] = {}
        self.refused: dict[str, Exception] = {}

    def project_file(self, relative: str) -> tuple[bytes, str]:
        """As ``LocalFiles.project_file``, remembering the outcome."""
        try:
            data, origin = self.local.project_file(relative)
        except (OSError, ValueError) as error:
            self.refused[relative] = error
            raise
        self.assets[relative] = data
        return data, origin

    def theme_file(self, name: str) -> tuple[bytes, str]:
        """As ``LocalFiles.theme_file``: a cluster worker is sent the theme once."""
        return self.local.theme_file(name)

    def static_file(self, name: str) -> tuple[bytes, str]:
        """As ``LocalFiles.static_file``, remembering the outcome."""
        key = f"{SITE_STATIC}/{name}"
        try:
            data, origin = self.local.static_file(name)
        except (OSError, ValueError) as error:
            self.refused[key] = error
            raise
        self.assets[key] = data
        return data, origin


class ShippedFiles:
    """Files the client sent along (builds on a cluster: no shared filesystem)."""

    def __init__(self, assets: dict[str, bytes], static: dict[str, bytes],
                 refused: dict[str, Exception] | None = None):
        self.assets, self.static, self.refused = assets, static, refused or {}

    def project_file(self, relative: str) -> tuple[bytes, str]:
        """The bytes sent for a file below the project, and its name."""
        if relative in self.refused:
            raise self.refused[relative]
        if relative not in self.assets:
            raise FileNotFoundError("no such file")
        return self.assets[relative], f"{PROJECT_PREFIX}{relative}"

    def theme_file(self, name: str) -> tuple[bytes, str]:
        """The bytes sent for ``static/name`` of the theme, and its name."""
        if name not in self.static:
            raise FileNotFoundError("no such file in the theme")
        return self.static[name], f"{THEME_PREFIX}{name}"

    def static_file(self, name: str) -> tuple[bytes, str]:
        """The bytes sent for ``static/name`` of the site (packed as a project file)."""
        return self.project_file(f"{SITE_STATIC}/{name}")


def _read_inside(path: Path, root: Path) -> tuple[bytes, str]:
    if not path.is_relative_to(root):
        raise PermissionError("outside the project")
    if not path.is_file():
        raise FileNotFoundError("no such file")
    return images.read_inside(path, root, "outside the project"), str(path)


class Sandbox:
    """Reads what a page refers to, by the rules in this module's docstring.

    ``remote(url, headers)`` fetches an http(s) URL and returns a response with
    ``read``, ``close`` and ``headers``; without it, or without ``allow_remote``,
    such a URL raises ``RemoteRefused``. ``read`` collects the origin of every
    file read (paths, or names on a cluster worker).
    """

    def __init__(self, files, allow_remote: bool = False, remote=None):
        self.files, self.allow_remote, self.remote = files, allow_remote, remote
        self.read: set[str] = set()
        self.svgs = SvgGraph(self)
        self.image_bytes = self.image_pixels = 0
        self._files: dict[str, tuple[bytes, str]] = {}
        """Each file read, by its path: ``big.png?1`` and ``big.png?2`` read it once."""

    def load(self, url: str, headers=None):
        """The checked bytes ``url`` names, where they came from ('project',
        'theme', 'data' or 'remote') and response headers (or None)."""
        parts = parse_url(url)
        scheme = parts.scheme if parts else ""
        if scheme not in SCHEMES:
            raise PermissionError(f"the '{scheme}:' scheme is not allowed"
                                  if scheme else "not an absolute URL")
        if scheme == "file":
            (data, kind), received = self._file(parts), None
            if kind in ("static", "theme") and parts.path.lower().endswith(".css"):
                received = CSS_HEADERS  # WeasyPrint applies a <link> only if it is CSS
        elif scheme == "data":
            (data, received), kind = self._data(parts), "data"
        else:
            (data, received), kind = self._remote(parts, headers), "remote"
        if kind != "theme":
            if kind != "static" or images.is_image_name(parts.path):
                self._spend(len(data), images.pixels(data))
            if images.is_svg(data):
                self.svgs.check(parts, data)
        return data, kind, received

    def _spend(self, size: int, pixels: int) -> None:
        """Count an image the renderer decodes against the page's budget."""
        self.image_bytes += size
        self.image_pixels += pixels
        if self.image_bytes > MAX_DOCUMENT_BYTES:
            raise ValueError(f"the page's images pass {MAX_DOCUMENT_BYTES // 2**20} MiB "
                             "in all")
        if self.image_pixels > MAX_DOCUMENT_PIXELS:
            raise ValueError(f"the page's images pass {MAX_DOCUMENT_PIXELS // 1_000_000} "
                             "million pixels in all")

    def _file(self, parts: SplitResult) -> tuple[bytes, str]:
        path = posixpath.normpath(unquote(parts.path))
        if path not in self._files:
            self._files[path] = self._read_file(path)
        return self._files[path]

    def _read_file(self, path: str) -> tuple[bytes, str]:
        site_static, assets = (f"{VIRTUAL_ROOT}/{folder}/" for folder in (SITE_STATIC, ASSETS))
        if path.startswith(site_static):
            data, origin = self.files.static_file(path[len(site_static):])
            kind = "static"
        elif path.startswith(assets) and self._in_theme(path[len(assets):]):
            data, origin = self.files.theme_file(path[len(assets):])
            kind = "theme"
        elif path.startswith(VIRTUAL_ROOT + "/"):
            data, origin = self.files.project_file(path[len(VIRTUAL_ROOT) + 1:])
            kind = "project"
        elif path.startswith(f"{VIRTUAL_THEME}/{STATIC}/"):
            data, origin = self.files.theme_file(path[len(VIRTUAL_THEME) + len(STATIC) + 2:])
            kind = "theme"
        else:
            raise PermissionError("outside the project")
        self.read.add(origin)
        return data, kind

    def _in_theme(self, name: str) -> bool:
        """Whether the theme has ``static/name`` (else ``assets/`` is the project's)."""
        try:
            self.files.theme_file(name)
        except (OSError, ValueError):
            return False
        return True

    @staticmethod
    def _data(parts: SplitResult):
        from urllib.request import DataHandler, Request

        response = DataHandler().data_open(Request(parts.geturl()))
        return response.read(MAX_RESOURCE_BYTES + 1), response.headers

    def _remote(self, parts: SplitResult, headers):
        if not (self.allow_remote and self.remote):
            raise RemoteRefused("remote fetching is off")
        response = self.remote(parts.geturl(), headers)
        try:  # a remote body may be endless: read one byte past the cap
            return response.read(MAX_RESOURCE_BYTES + 1), response.headers
        finally:
            response.close()


class SvgGraph:
    """Refuses an SVG that draws itself, directly or through other SVGs, or that
    draws more images than ``MAX_SVG_DRAWS`` in all.

    WeasyPrint draws an SVG's ``<image>`` each time the SVG is drawn and catches
    every exception while it does: SVGs drawing each other recurse without end,
    and a few SVGs drawing another many times multiply like billion laughs.
    """

    def __init__(self, sandbox: Sandbox):
        self.sandbox = sandbox
        self.draws: dict[str, int] = {}
        """Images each checked SVG draws in all, by its key."""

    def check(self, parts: SplitResult, data: bytes) -> None:
        """Raise ``ValueError`` if the SVG ``data`` at ``parts`` is refused."""
        self._draws(parts, data, ())

    def _draws(self, parts: SplitResult, data: bytes, chain: tuple[str, ...]) -> int:
        key = _svg_key(parts)
        if key in self.draws:
            return self.draws[key]
        chain += (key,)
        if len(chain) > MAX_SVG_DEPTH:
            raise ValueError(f"SVG images drawn more than {MAX_SVG_DEPTH} deep")
        total = 0
        for reference in images.svg_references(data):
            target = parse_url(urljoin(parts.geturl(), reference))
            if target is None or target.scheme not in ("file", "data"):
                total += 1  # drawn once, fetched (or refused) on its own
                continue
            if _svg_key(target) in chain:
                names = [short(name) for name in chain + (_svg_key(target),)]
                raise ValueError("SVG images draw each other: " + " -> ".join(names))
            try:
                child = self._load(target)
            except (OSError, ValueError):
                child = None  # refused when it is fetched, with its own reason
            total += 1 + (self._draws(target, child, chain) if child is not None else 0)
            if total > MAX_SVG_DRAWS:
                raise ValueError(f"SVG images draw more than {MAX_SVG_DRAWS} images")
        self.draws[key] = total
        return total

    def _load(self, parts: SplitResult) -> bytes | None:
        """The SVG ``parts`` names, or None for a theme file or another image."""
        if parts.scheme == "file":
            data, kind = self.sandbox._file(parts)
            if kind == "theme":
                return None
        else:
            data = self.sandbox._data(parts)[0]
        return data if images.is_svg(images.check(data)) else None


def parse_url(url: str) -> SplitResult | None:
    """``url`` split, with its scheme in lower case; None when it cannot be parsed."""
    try:
        return urlsplit(url.strip())
    except ValueError:
        return None


def _svg_key(parts: SplitResult) -> str:
    """What names one SVG document: a file's normalised URL without query or fragment."""
    if parts.scheme == "file":
        return "file://" + posixpath.normpath(unquote(parts.path))
    return parts.geturl()


def references(html: str) -> list[str]:
    """Every ``src``, ``href`` and ``data`` attribute value in ``html``, in order."""
    found: list[str] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend(value for name, value in attrs
                         if name in ("src", "href", "data") and value)

    Collector().feed(html)
    return found


def image_sources(html: str) -> list[str]:
    """Every ``<img src>`` in ``html``, in order."""
    if not IMG_TAG_RE.search(html):  # most pages have none: no need to parse them
        return []
    found: list[str] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "img":
                found.extend(value for name, value in attrs if name == "src" and value)

    Collector().feed(html)
    return found


def refused_images(html: str, base: str, files) -> list[tuple[str, Exception]]:
    """Each ``<img src>`` in ``html`` the sandbox refuses, with the reason; remote
    images are left to the build, which warns about them."""
    sandbox, refused = Sandbox(files), []
    for src in dict.fromkeys(image_sources(html)):
        try:
            sandbox.load(urljoin(base, src))
        except RemoteRefused:
            continue
        except (OSError, ValueError) as error:
            refused.append((src, error))
    return refused


def base_url(project: Path, folder: Path) -> str:
    """The URL a handout in ``folder`` is rendered at: the same on every machine.

    WeasyPrint names images after their URL, so a URL with the checkout's path
    in it would make the PDF differ from one checkout to the next. The fetcher
    maps ``file:///versus-project/...`` back to the project (the first root).
    """
    relative = folder.resolve().relative_to(project.resolve()).as_posix()
    return f"file://{VIRTUAL_ROOT}/{relative}/".replace("/./", "/")


def short(url: str) -> str:
    """``url`` as a message shows it: project files by their path, long ones cut."""
    prefix = f"file://{VIRTUAL_ROOT}/"
    if url.startswith(prefix):
        url = unquote(url[len(prefix):])
    return url if len(url) < 120 else url[:117] + "..."


def reason(error: Exception) -> str:
    """What went wrong, in a few words; never empty."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror  # not its errno, which is its first argument
    text = str(error.args[0]) if error.args else ""
    return text.strip() or type(error).__name__
