"""What a web build publishes beside its pages, and the index.

The theme's static files go to ``output/assets/``, content's images beside the
pages that show them, the site's ``static/`` folder to ``output/static/``; the
index, its tag pages, search index and sitemap are rewritten when stale.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..content.files import CONTENT_DIR
from ..content.handouts import Handout
from ..errors import ContentError
from ..output import mirror
from ..security import images, staticfiles
from ..web import data, site
from .plan import Decision

if TYPE_CHECKING:
    from .pipeline import Build


def publish(run: Build, index: tuple[Decision, dict], handouts: list[Handout]) -> None:
    """Copy the theme's static files and content's images; rewrite the index
    when it is stale."""
    for name, source in run.pages.theme.static_files().items():
        mirror(source, run.output / "assets" / name)
    content = run.project / CONTENT_DIR
    for source in run.scanned.assets(run.project):  # beside the pages that show them
        _publish_image(run, source, run.output / "html" / source.relative_to(content))
    static = staticfiles.folder(run.project)
    for source in staticfiles.files(run.project):  # the site's own: logo, CSS, fonts
        _publish_image(run, source,
                       run.output / staticfiles.OUTPUT_DIR / source.relative_to(static), static)
    decision, inputs = index
    if not decision.stale:
        return
    files = run.pages.index(sorted(handouts, key=lambda handout: handout.slug),
                            run.booklet_linked)
    path = run.output / site.INDEX
    same = path.is_file() and path.read_bytes() == files[site.INDEX].encode("utf-8")
    site.write_changed(run.output, files)  # the index's pages, tags, sitemap
    data.write(run.output, handouts, run.pages.typed_words, set(run.report.kept))
    if same:
        run.state.record(site.INDEX, inputs, {}, run.shared_inputs("html"))  # a body
        # edit leaves the list as it was
    else:
        run.done(site.INDEX, inputs, {})


def _publish_image(run: Build, source: Path, target: Path, static: Path | None = None) -> None:
    """Copy one content image (or, with ``static``, a file of the site's static
    folder) beside the web pages, or report why it may not be; a refused file is
    never left published."""
    try:
        if static is None:
            content = run.project / CONTENT_DIR
            mirror(source, target, read=lambda path: images.read_for_web(path, content))
        else:
            mirror(source, target,
                   read=lambda path: staticfiles.read(path, static, web=True))
    except (OSError, ValueError) as error:
        target.unlink(missing_ok=True)
        from ..security.sandbox import reason

        what = "image" if static is None else "file"
        run.report.errors.append(ContentError(f"{what} not published: {reason(error)}",
                                               source))
