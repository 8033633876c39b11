"""One walk of content/: the handouts, their data files, the images, and fingerprints.

A build with nothing to do must not cost a stat per candidate data file and a
``realpath`` per handout: ``scan`` lists content/ once (``content.files.walk``)
and takes the fingerprint (size, time of change) of every handout and data file
on the way; when the walk meets anything unusual it asks ``content.files.discover``.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..content import editions
from ..content.files import CONTENT_DIR, DATA_SUFFIXES, assets, child, data_files, discover, walk
from ..errors import ContentError
from .plan import fingerprint

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
        """The data files beside handout ``path``, and its editions file."""
        if self.data is not None:
            return self.data.get(slug, [])
        recorded = editions.path_for(path, slug)
        return data_files(path) + ([recorded] if recorded.is_file() else [])

    def assets(self, project: Path) -> list[Path]:
        """The images under content/ (``content.files.assets``)."""
        return assets(project) if self.images is None else self.images


def scan(project: Path) -> Scan:
    """Every handout of ``project`` with its data files, images and fingerprints."""
    root = project / CONTENT_DIR
    walked = walk(root) if root.is_dir() and not root.is_symlink() else None
    if walked is None:
        found, errors = discover(project)
        return Scan(found, errors)
    handouts, data, images, shared = walked
    scanned = Scan([], [], {}, [])
    found, stats, names_of = scanned.found, scanned.stats, scanned.names
    flat = not any("/" in rel for rel in handouts)  # then plain order is parts order
    for rel in sorted(handouts) if flat else sorted(handouts, key=_parts):
        slug, (folder, entry) = rel[:-3], handouts[rel]
        found.append((slug, child(folder, entry.name)))
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
    for rel in sorted(shared):  # profiles and passages: a change shows in the snapshot
        stats[f"{CONTENT_DIR}/{rel}"] = fingerprint(shared[rel].stat())
    _editions(project, scanned)
    return scanned


def _editions(project: Path, scanned: Scan) -> None:
    """Add each handout's file in editions/ (``versus release`` writes them) to its
    files: a release changes its outputs."""
    folder = project / editions.EDITIONS_DIR
    if not folder.is_dir():
        return
    for path, _, names in os.walk(folder):
        for name in names:
            if not name.endswith(".yaml"):
                continue
            file = Path(path, name)
            slug = file.relative_to(folder).as_posix()[:-len(".yaml")]
            if slug in scanned.names:
                state_name = f"{editions.EDITIONS_DIR}/{slug}.yaml"
                scanned.names[slug].append(state_name)
                scanned.data.setdefault(slug, []).append(file)
                scanned.stats[state_name] = fingerprint(file.lstat())


def _parts(rel: str) -> list[str]:
    return rel.split("/")
