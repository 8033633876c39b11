"""The images of a handout's page that the renderer would refuse, at their place.

``check`` reports them, and the build fails a web page for them as the PDF
fails: each is a ``ContentError`` at the ``path:line:col`` where the handout's
files name it.
"""

from __future__ import annotations

import difflib
import os
import posixpath
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

from ..errors import ContentError, MissingImage
from ..security.sandbox import LocalFiles, base_url, reason, refused_images
from .handouts import Handout


def refused(handout: Handout, html: str, roots: tuple[Path, ...],
            located_only: bool = False) -> list[tuple[str, ContentError]]:
    """Each refused ``<img src>`` of ``html`` with its error; with ``located_only``,
    only those the handout's own files name (not a template's)."""
    found = []
    base = base_url(roots[0], handout.source.parent)
    for src, error in refused_images(html, base, LocalFiles(roots)):
        path, line, column = locate(handout, src)
        if line is None and located_only:
            continue
        if isinstance(error, FileNotFoundError):
            found.append((src, MissingImage(not_found(src, handout.source.parent), path,
                                            line, column)))
        else:
            found.append((src, ContentError(f"image '{src}' is refused: {reason(error)}",
                                            path, line, column)))
    return found


def not_found(src: str, folder: Path) -> str:
    """The message for image ``src``, named in a file in ``folder``, that does not
    exist: with "did you mean" the file a case or a typo away, written as ``src``
    was (web servers and other systems tell 'Pic.png' from 'pic.png')."""
    message = f"image '{src}' not found"
    path = Path(url2pathname(unquote(urlsplit(urljoin(folder.resolve().as_uri() + "/",
                                                      src)).path)))
    try:
        names = sorted(os.listdir(path.parent))
    except OSError:  # its folder is missing too
        return message
    wanted = path.name
    close = ([name for name in names if name.casefold() == wanted.casefold()]
             or difflib.get_close_matches(wanted, names, n=1, cutoff=0.8))
    if not close:
        return message
    written = unquote(urlsplit(src).path)
    return f"{message}; did you mean '{posixpath.join(posixpath.dirname(written), close[0])}'?"


def locate(handout: Handout, text: str) -> tuple[Path, int | None, int | None]:
    """Where ``text`` first appears in the handout's files, as path, line, column."""
    for path in handout.inputs:
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        offset = source.find(text)
        if offset >= 0:
            line = source.count("\n", 0, offset) + 1
            return path, line, offset - (source.rfind("\n", 0, offset) + 1) + 1
    return handout.source, None, None


def missing(handout: Handout, html: str, roots: tuple[Path, ...]) -> list[ContentError]:
    """The handout's images its page cannot show, as ``check`` reports them: each
    Markdown image at its ``![``, then the others (raw HTML, table cells) the
    handout's files name, where they name them."""
    from .lint import lint_handout

    linted = [finding.error for finding in lint_handout(handout.source, handout.slug,
                                                        set(), roots)
              if finding.code == "missing-image"]
    shown = [str(error) for error in linted]
    return linted + [error for src, error in refused(handout, html, roots, located_only=True)
                     if not any(f"image '{src}'" in text for text in shown)]
