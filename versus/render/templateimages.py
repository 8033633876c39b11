"""Images a page shows because a template put them there (a logo, an icon): each
must resolve, in both media, against the theme's and the site's static files.

A template's ``<img src="{{ root }}static/logo.svg">`` reaches ``output/static/``
from a web page and ``static/`` of the site in print (``versus.security.sandbox``); one that
does not resolve is an error of the template that names it, never of the handout.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

from ..errors import TemplateError
from ..security.sandbox import (VIRTUAL_ROOT, LocalFiles, RemoteRefused, Sandbox, base_url,
                                image_sources, reason)

WEB_PAGES, CONTENT = f"file://{VIRTUAL_ROOT}/html/", f"file://{VIRTUAL_ROOT}/content/"


def problems(pages, html: str, shown: set[str], source: Path,
             roots: tuple[Path, ...], medium: str = "print") -> list[TemplateError]:
    """An error for each image of ``html`` that its content (``shown``) did not put
    there and that the sandbox refuses; ``source`` is the handout's file. On a web
    page (``medium`` 'screen'), output/html/ holds content's published images."""
    sandbox, found = Sandbox(LocalFiles(roots)), []
    base = base_url(roots[0], source.parent)
    for src in dict.fromkeys(image_sources(html)):
        if src in shown:
            continue
        url = urljoin(base, src)
        if medium == "screen":
            url = url.replace(WEB_PAGES, CONTENT, 1) if url.startswith(WEB_PAGES) else url
        try:
            sandbox.load(url)
        except RemoteRefused:
            continue  # a remote image is the build's warning
        except (OSError, ValueError) as error:
            problem = ("not found" if isinstance(error, FileNotFoundError)
                       else f"is refused: {reason(error)}")
            path, line = _place(pages, src)
            found.append(TemplateError(f"image '{src}' {problem}", path, line))
    return found


def _place(pages, src: str) -> tuple[Path, int | None]:
    """The template, and line, that names ``src``; else the handout's template."""
    tail = src.lstrip("./")
    used = pages.templates_used()
    for path in used:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, 1):
            if tail and tail in line:
                return path, number
    return pages.theme.find("handout.html"), None
