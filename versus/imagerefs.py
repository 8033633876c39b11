"""The images of a handout's page that the renderer would refuse, at their place.

``check`` reports them, and the build fails a web page for them as the PDF
fails: each is a ``ContentError`` at the ``path:line:col`` where the handout's
files name it.
"""

from __future__ import annotations

from pathlib import Path

from .content import Handout
from .errors import ContentError
from .fetch import LocalFiles, base_url, reason, refused_images


def refused(handout: Handout, html: str, roots: tuple[Path, ...],
            located_only: bool = False) -> list[tuple[str, ContentError]]:
    """Each refused ``<img src>`` of ``html`` with its error; with ``located_only``,
    only those the handout's own files name (not a template's)."""
    found = []
    base = base_url(roots[0], handout.source.parent)
    for src, error in refused_images(html, base, LocalFiles(roots)):
        problem = ("not found" if isinstance(error, FileNotFoundError)
                   else f"is refused: {reason(error)}")
        path, line, column = locate(handout, src)
        if line is not None or not located_only:
            found.append((src, ContentError(f"image '{src}' {problem}", path, line, column)))
    return found


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
