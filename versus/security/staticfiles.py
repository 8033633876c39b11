"""The site's own files in ``static/`` (logo, extra CSS, fonts): which are published
to ``output/static/`` and what a page or a PDF may read of them.

They follow the rules of content's images (``versus.security.images``): only regular files
whose real path lies inside ``static/``, not hidden, named like an image, a
stylesheet or a font; an image must pass the image checks, and one published
beside the web pages must be an SVG without script. Anything else there — a
``.env``, a ``.html``, a link to ``~/.ssh`` — is never published nor read.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..settings import HIDDEN_PREFIXES, SITE_STATIC
from . import images

OUTPUT_DIR = SITE_STATIC
"""Where below output/ the site's static files are published."""
STYLE_SUFFIXES = {".css", ".woff", ".woff2", ".ttf", ".otf"}
SUFFIXES = images.SUFFIXES | STYLE_SUFFIXES
"""What the site's static files may be: images, stylesheets, fonts."""


def folder(project: Path) -> Path:
    """The site's static folder."""
    return project / SITE_STATIC


def files(project: Path) -> list[Path]:
    """The files below ``static/`` a build publishes (each checked when it is read):
    named with ``SUFFIXES``, no part of their path hidden ('.' or '_')."""
    root = folder(project)
    if not root.is_dir():
        return []
    return [path for path in sorted(root.rglob("*"))
            if path.suffix.lower() in SUFFIXES
            and not any(part.startswith(HIDDEN_PREFIXES) for part in path.relative_to(root).parts)
            and (path.is_file() or path.is_symlink())]


def read(path: Path, root: Path, web: bool = False) -> bytes:
    """The bytes of the static file ``path`` below ``root``, or an ``OSError`` or
    ``ValueError`` saying why it may not be read; ``web``: to publish beside pages."""
    relative = path.relative_to(root) if path.is_relative_to(root) else None
    if relative is None or any(part.startswith(HIDDEN_PREFIXES) for part in relative.parts):
        raise PermissionError(f"not a file {SITE_STATIC}/ publishes")
    if path.suffix.lower() not in SUFFIXES:
        raise PermissionError(f"not a file {SITE_STATIC}/ publishes (only images, "
                              f"stylesheets and fonts: {', '.join(sorted(SUFFIXES))})")
    if not os.path.lexists(path):
        raise FileNotFoundError("no such file")
    if path.suffix.lower() in images.SUFFIXES:
        return images.read_for_web(path, root) if web else images.read(path, root)
    return images.read_inside(path, root)
