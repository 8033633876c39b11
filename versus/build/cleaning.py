"""``clean``: delete what Versus made in output/, and nothing else.

output/ is Versus's when a build wrote its marker there (``output.MARKER``; or the
lock file, for an output/ built before there was one). In it, ``clean`` deletes the
folders and files a build writes (``made``) and keeps anything else a user put
there, saying so; output/ itself goes when nothing is left in it. Any other
output/ — a user's own folder, a file, a link — is refused and left as it is.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import VersusError, display_path
from ..output import (BOOKLET, BOOKLETS_DIR, FORMATS, MARKER, OLD_LOCK_FILE, OUTPUT_DIR,
                      TEMP_PREFIX)
from ..security import staticfiles
from ..web import data, itempages, site
from . import printcopy
from .state import OLD_STATE_FILES

logger = logging.getLogger(__name__)
MADE_FOLDERS = {*FORMATS, "assets", staticfiles.OUTPUT_DIR, site.TAGS_DIR, data.DATA_DIR,
                itempages.ITEMS_DIR,
                printcopy.PRINT_DIR, BOOKLETS_DIR}
MADE_FILES = {site.INDEX, site.SEARCH_INDEX, site.SITEMAP, BOOKLET, OLD_LOCK_FILE,
              *OLD_STATE_FILES}
"""The files at the top of output/ a build writes (and an older version wrote)."""


class NotVersus(VersusError):
    """The output folder is not one Versus made: clean refuses to touch it."""


@dataclass
class Cleaned:
    """What ``clean`` did: the entries of output/ it deleted, and those it kept."""

    removed: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def made(name: str) -> bool:
    """Whether a build writes an entry of this name at the top of output/."""
    return (name in MADE_FOLDERS or name in MADE_FILES or name == MARKER
            or name.startswith(TEMP_PREFIX) or bool(site.LISTING_RE.match(name)))


def clean_project(project: Path) -> None:
    """Clean ``project``'s output/ and say what was removed and what was kept."""
    output = project / OUTPUT_DIR
    cleaned = clean(output)
    if cleaned is None:
        logger.info("nothing to remove at %s", display_path(output))
        return
    for path in cleaned.kept:
        logger.info("kept %s: Versus did not make it", display_path(path))
    logger.info("removed what Versus made in %s" if cleaned.kept else "removed %s",
                display_path(output))


def clean(output: Path) -> Cleaned | None:
    """Delete what Versus made in ``output``; None when there is no output folder.
    Raise ``NotVersus`` for a folder without the marker, a file or a link."""
    if not os.path.lexists(output):
        return None
    if output.is_symlink() or not output.is_dir():
        raise NotVersus("not a folder Versus made: not removed", output)
    if not any((output / name).is_file() for name in (MARKER, OLD_LOCK_FILE)):
        raise NotVersus(f"not removed: no build of Versus wrote it (no {MARKER} in it)",
                        output)
    cleaned = Cleaned()
    with os.scandir(output) as entries:
        names = sorted(entry.name for entry in entries)
    # The marker goes last: a clean that is stopped half-way can be run again.
    for name in sorted(names, key=lambda name: name == MARKER):
        path = output / name
        (cleaned.removed if made(name) else cleaned.kept).append(path)
        if made(name):
            _remove(path)
    if not cleaned.kept:
        try:
            output.rmdir()  # not rmtree: a file put there meanwhile is kept
        except OSError as error:
            raise VersusError(f"not removed: {error.strerror or error}", output) from None
    return cleaned


def _remove(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except OSError as error:
        raise VersusError(f"cannot remove: {error.strerror or error}",
                          error.filename or path) from None
