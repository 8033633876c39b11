"""One walk of content/: the handouts, their data files, the images, and fingerprints.

A build with nothing to do must not cost a stat per candidate data file and a
``realpath`` per handout: ``scan`` lists each folder once with ``os.scandir``
and takes the fingerprint (size, time of change) of every handout and data file on the way. It
gives exactly what ``content.files.discover``, ``content.files.data_files`` and
``content.files.assets`` give; when anything unusual is met (a link, a bad name, a
folder named like a handout) it leaves the answer to them.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..content.files import (CONTENT_DIR, DATA_SUFFIXES, SLUG_PART_RE, assets, data_files,
                             discover)
from ..errors import ContentError
from ..security.images import SUFFIXES as IMAGE_SUFFIXES
from ..settings import HIDDEN_PREFIXES
from .plan import fingerprint

_MAKE_CHILD = getattr(Path, "_make_child_relpath", None)


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while planning makes a few objects per handout,
    none of them cyclic: at 100,000 handouts the collector's passes over them
    would cost a third of a build with nothing to do. What was made is then set
    aside from the collector's passes (``gc.freeze``) until the build (or the
    check) ends and calls ``gc.unfreeze``."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@dataclass
class Scan:
    """What is in content/."""

    found: list[tuple[str, Path]]
    errors: list[ContentError]
    data: dict[str, list[Path]] | None = None
    """slug -> its data files; None: ask ``content.files.data_files``"""
    images: list[Path] | None = None
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)
    """a file's name in the build state -> its fingerprint (``plan.fingerprint``)"""
    names: dict[str, list[str]] = field(default_factory=dict)
    """slug -> the names of its files in the build state (handout, data files)"""

    def data_files(self, slug: str, path: Path) -> list[Path]:
        """The data files beside handout ``path``."""
        return data_files(path) if self.data is None else self.data.get(slug, [])

    def assets(self, project: Path) -> list[Path]:
        """The images under content/ (``content.files.assets``)."""
        return assets(project) if self.images is None else self.images


def scan(project: Path) -> Scan:
    """Every handout of ``project`` with its data files, images and fingerprints."""
    root = project / CONTENT_DIR
    walked = _walk(root) if root.is_dir() and not root.is_symlink() else None
    if walked is None:
        found, errors = discover(project)
        return Scan(found, errors)
    handouts, data, images = walked
    scanned = Scan([], [], {}, [])
    found, stats, names_of = scanned.found, scanned.stats, scanned.names
    flat = not any("/" in rel for rel in handouts)  # then plain order is parts order
    for rel in sorted(handouts) if flat else sorted(handouts, key=_parts):
        slug, (folder, entry) = rel[:-3], handouts[rel]
        found.append((slug, _child(folder, entry.name)))
        name = f"{CONTENT_DIR}/{rel}"
        names_of[slug] = [name]
        stats[name] = fingerprint(entry.stat())
        if data:
            for suffix in DATA_SUFFIXES:
                if (each := data.get(slug + suffix)) is not None:
                    scanned.data.setdefault(slug, []).append(root / f"{slug}{suffix}")
                    names_of[slug].append(f"{CONTENT_DIR}/{slug}{suffix}")
                    stats[names_of[slug][-1]] = fingerprint(each.stat())
    scanned.images = [root / rel for rel in sorted(images, key=_parts)]
    return scanned


def _parts(rel: str) -> list[str]:
    return rel.split("/")


def _child(folder: Path, name: str) -> Path:
    """``folder / name`` for a plain name, without parsing it again (pathlib's own
    shortcut for names it listed; thousands of handouts make it count)."""
    return _MAKE_CHILD(folder, name) if _MAKE_CHILD is not None else folder / name


def _walk(root: Path):
    """(handouts, data files, images) below ``root`` by relative name, or None
    when ``content.files.discover`` must decide (links, bad names, odd files)."""
    handouts, data, images = {}, {}, []
    stack = [(root, "")]
    while stack:
        folder, rel = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if name.startswith(HIDDEN_PREFIXES):
                    continue  # hidden, as content.files.sources and assets say
                if entry.is_symlink():
                    return None
                suffix = os.path.splitext(name)[1]
                if entry.is_dir():
                    if suffix == ".md" or not SLUG_PART_RE.match(name):
                        return None
                    stack.append((_child(folder, name), f"{rel}{name}/"))
                elif suffix == ".md":
                    if not entry.is_file() or not SLUG_PART_RE.match(name[:-3]):
                        return None
                    handouts[rel + name] = (folder, entry)
                elif suffix in DATA_SUFFIXES and entry.is_file():
                    data[rel + name] = entry
                elif suffix.lower() in IMAGE_SUFFIXES:
                    images.append(rel + name)
    return handouts, data, images
