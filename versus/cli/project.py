"""Where the project is: the nearest folder, from the one given upward, that holds
``versus.yaml`` or ``content/`` (as git finds ``.git`` and Quarto ``_quarto.yml``).

A command run outside every project says so and writes nothing, rather than
building an empty one.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..content.files import CONTENT_DIR
from ..settings import SETTINGS_FILE

MARKERS = (SETTINGS_FILE, CONTENT_DIR)
"""What makes a folder a project: either is enough (``content/`` alone builds)."""


def is_project(folder: Path) -> bool:
    """Whether ``folder`` holds ``versus.yaml`` or ``content``; a file named
    ``content`` counts, so that the build can say it is not a folder."""
    return any(os.path.lexists(folder / marker) for marker in MARKERS)


def find_project(start: Path) -> Path | None:
    """The nearest of ``start`` and its parents that is a project; None if none is."""
    start = Path(os.path.abspath(start))
    for folder in (start, *start.parents):
        if is_project(folder):
            return folder
    return None


def not_found(start: Path) -> str:
    """The one-line message for a ``start`` with no project in it or above."""
    return (f"no Versus project here (no {SETTINGS_FILE} or {CONTENT_DIR}/ in {start} "
            "or above); `versus init DIR` makes one")
