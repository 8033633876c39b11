"""What content may show as an image: formats known by their first bytes, caps, safe SVG.

The same rules hold for the PDF renderer's fetcher and for the images copied beside
the web pages, so an image is accepted or refused alike in both media:

- a PNG, JPEG, GIF, WebP or SVG file, by its first bytes (EPS, BMP or anything else
  would reach other decoders), whatever its name or ``data:`` media type;
- at most ``MAX_BYTES`` bytes and, for raster images, ``MAX_PIXELS`` pixels, read
  from the header before anything is decoded (a 17 KB PNG can claim 12000×12000);
- an SVG published beside a web page passes ``versus.security.svgpolicy``'s allow-list, since
  a browser runs its script when the SVG is opened on its own.
"""

from __future__ import annotations

import io
import os
import warnings
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from stat import S_ISREG
from urllib.parse import urljoin

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 50_000_000
"""About 7000 × 7000: an A4 page at 600 dpi is 35 million pixels."""
SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"}
"""The file names content images may have, to be published beside web pages."""
RASTER_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
SVG_STARTS = (b"<svg", b"<?xml", b"<!--", b"<!DOCTYPE svg")
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
URL_WHITESPACE = " \t\n\f\r"
TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")
REFERRING = {"image", "use", "feImage"}
"""SVG elements whose ``href`` draws another file."""


def is_image_name(path: str) -> bool:
    """Whether the file ``path`` is named like an image (``SUFFIXES``)."""
    return os.path.splitext(path)[1].lower() in SUFFIXES


def is_svg(data: bytes) -> bool:
    """Whether ``data`` starts like an SVG document."""
    return data[:64].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(SVG_STARTS)


def check(data: bytes) -> bytes:
    """``data`` if it is an image content may show; else a ``ValueError`` saying why."""
    pixels(data)
    return data


def pixels(data: bytes) -> int:
    """The pixels of ``data`` by its header (0 for an SVG) if it is an image content
    may show; else a ``ValueError`` saying why."""
    if len(data) > MAX_BYTES:
        raise ValueError(f"larger than {MAX_BYTES // 2**20} MiB")
    if is_svg(data):
        return 0
    if not (data.startswith(RASTER_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")):
        raise ValueError("not a PNG, JPEG, GIF, WebP or SVG image")
    width, height = _size(data)
    if width * height > MAX_PIXELS:
        raise ValueError(f"{width}×{height} pixels; at most "
                         f"{MAX_PIXELS // 1_000_000} million pixels")
    return width * height


def _size(data: bytes) -> tuple[int, int]:
    """Width and height from the image's header; nothing is decoded."""
    from PIL import Image

    try:
        with warnings.catch_warnings():  # the caller judges the size, not Pillow
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                return image.size
    except Image.DecompressionBombError:
        raise ValueError(f"more than {MAX_PIXELS // 1_000_000} million pixels") from None
    except Exception as error:  # Pillow raises many kinds on broken headers.
        raise ValueError(f"not a readable image ({type(error).__name__})") from None


def read(path: Path, root: Path) -> bytes:
    """The bytes of the image file ``path`` below ``root``, checked (``read_inside``)."""
    return check(read_inside(path, root))


def read_inside(path: Path, root: Path, outside: str | None = None) -> bytes:
    """The bytes of ``path``, a regular file whose real path lies inside ``root``, at
    most ``MAX_BYTES``; else an ``OSError`` or ``ValueError`` saying why (``outside``
    when it lies elsewhere).

    What is judged is the file opened: a link swapped in between a check and a
    copy would publish a file from anywhere, so the opened file's identity
    (``fstat``) must be that of the file at the real path, checked after opening."""
    outside = outside or f"a link to a file outside {root.name}/"
    root = Path(os.path.realpath(root))
    if not Path(os.path.realpath(path)).is_relative_to(root):
        raise PermissionError(outside)  # before opening: a device may act when opened
    # O_NONBLOCK: a FIFO swapped in opens at once, and is refused below
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    with os.fdopen(os.open(path, flags), "rb") as handle:
        opened = os.fstat(handle.fileno())
        real = os.path.realpath(path)
        if not Path(real).is_relative_to(root):
            raise PermissionError(outside)
        if not S_ISREG(opened.st_mode):
            raise ValueError("not a regular file")
        if not _same_file(opened, real):
            raise PermissionError("it was replaced while it was read")
        if opened.st_size > MAX_BYTES:
            raise ValueError(f"larger than {MAX_BYTES // 2**20} MiB")
        data = handle.read(MAX_BYTES + 1)  # a file may grow after its size was read
    if len(data) > MAX_BYTES:
        raise ValueError(f"larger than {MAX_BYTES // 2**20} MiB")
    return data


def _same_file(opened: os.stat_result, path: str) -> bool:
    try:
        found = os.stat(path)
    except OSError:
        return False
    return (found.st_dev, found.st_ino) == (opened.st_dev, opened.st_ino)


def read_for_web(path: Path, root: Path) -> bytes:
    """The bytes of the image ``path`` below ``root`` to publish beside the web
    pages: checked as for the PDF, and an SVG passes ``svg_script``."""
    data = read(path, root)
    if is_svg(data) and (reason := svg_script(data)):
        raise ValueError(f"an SVG a browser would run script from: {reason}")
    return data


def svg_references(data: bytes) -> list[str]:
    """The files an SVG draws (``<image>``, ``<use>``, ``<feImage>``), fragments aside,
    each read as WeasyPrint reads it: ``xlink:href`` before ``href``, tabs and
    newlines removed, joined to the element's own ``xml:base``."""
    references = []
    for element in _parse(data).iter():
        name = element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""
        if name not in REFERRING:
            continue
        href = next(filter(None, (_url(element.get(attribute))
                                  for attribute in (XLINK_HREF, "href"))), "")
        if href and not href.startswith("#"):
            base = _url(element.get(XML_BASE))
            references.append(urljoin(base, href) if base else href)
    return references


def _url(value: str | None) -> str:
    """An attribute's URL as WeasyPrint's ``parse_url`` reads it."""
    return (value or "").strip(URL_WHITESPACE).translate(TAB_OR_NEWLINE)


def svg_script(data: bytes) -> str | None:
    """What in an SVG a browser could run, or None: ``versus.security.svgpolicy``'s allow-list."""
    from .svgpolicy import unsafe

    return unsafe(data)


def _parse(data: bytes) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise ValueError(f"not a well-formed SVG ({error})") from None
