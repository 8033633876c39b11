"""Same page, same PDF: a stale PDF whose print HTML and render inputs are unchanged is kept.

A template edit that changes no page (a comment, a block another medium uses)
makes every PDF stale by its inputs, yet WeasyPrint would lay out the same
page again. The worker makes the print HTML first; its digest, with the render
job's options and the tools' versions, is the page's. When it equals the one
recorded with the PDF, and none of the files the last render read (stylesheet,
fonts, images) has changed, the PDF on disk is the one a render would write:
it is kept, and only its record is renewed.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .pipeline import Build

UNUSED = ("html", "source", "timeout")
"""PdfJob fields a rendered PDF does not depend on: the HTML is hashed apart;
the source path and the time limit only shape errors."""


def page_digest(pdf_job, html: str, context: str) -> str:
    """The digest of what WeasyPrint is given: the print HTML, the render job's
    options (paper, variant, bleed, base URL) and ``context``."""
    options = {key: value for key, value in dataclasses.asdict(pdf_job).items()
               if key not in UNUSED}
    # where the stylesheet and the theme's folders are, from the project: a copy
    # of the project is the same page (what was read from them is in the record)
    project = Path(pdf_job.roots[0]) if pdf_job.roots else Path("/")
    options["roots"] = [_within(project, root) for root in pdf_job.roots]
    options["stylesheet"] = _within(project, pdf_job.stylesheet)
    digest = hashlib.sha256(json.dumps([context, options], sort_keys=True).encode())
    digest.update(html.encode("utf-8"))
    return digest.hexdigest()


def _within(project: Path, path: str) -> str:
    """``path`` from ``project`` when inside it, else as it is."""
    try:
        return "./" + Path(path).relative_to(project).as_posix()
    except ValueError:
        return path


@functools.cache
def context() -> str:
    """What a render depends on beyond its job: the tools' versions and the date
    the PDF's metadata carries."""
    from ..render.pages import source_date
    from .plan import tool_versions

    return json.dumps([tool_versions(), str(source_date())])


def last_page(run: Build, target: str) -> str | None:
    """The page digest ``target`` may be kept at, or None when it must be rendered:
    forced, never recorded, missing from output/, fetching remote images (which
    may have changed), or a file its last render read has changed."""
    if run.options.force or run.options.allow_remote or target not in run.present:
        return None
    page = run.state.pages.get(target)
    record = run.state.records.get(target)
    if page is None or record is None or run.state.read_changes(record[2], run.digests):
        return None
    return page


def last_read(run: Build, target: str) -> dict[str, str]:
    """The files the kept PDF's last render read, by digest (unchanged: see
    ``last_page``)."""
    return json.loads(run.state.sets[run.state.records[target][2]])
