"""Which files content/ holds: the handouts and the slug each gets, their data
files, and the images the web pages may show."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import ContentError
from ..security.images import SUFFIXES as IMAGE_SUFFIXES
from ..settings import HIDDEN_PREFIXES
from .spreadsheet import XLSX_SUFFIX

CONTENT_DIR = "content"
MAX_SLUG_PART = 200
"""Characters (bytes: they are ASCII) in a slug part: room left below the file
systems' 255-byte names for the outputs' suffixes and temporary names."""
MAX_FILE_BYTES = 2 * 1024 * 1024
"""What a handout or data file may weigh."""
SLUG_PART_RE = re.compile(r"^[a-z0-9-]{1,%d}$" % MAX_SLUG_PART)
RESERVED = ("items", "shared")
"""The folders of content/ that hold no handouts: item profiles
(``versus.content.items``) and shared passages (``versus.content.passages``)."""
_MAKE_CHILD = getattr(Path, "_make_child_relpath", None)


def sources(project: Path) -> list[Path]:
    """Every ``content/**/*.md`` not hidden by a part starting with '.' or '_', nor
    in a folder of ``RESERVED``, sorted."""
    root = project / CONTENT_DIR
    if not root.is_dir():
        return []
    return [path for path in sorted(root.rglob("*.md"))
            if not any(part.startswith(HIDDEN_PREFIXES)
                       for part in path.relative_to(root).parts)
            and path.relative_to(root).parts[0] not in RESERVED]


def shared_files(project: Path) -> list[Path]:
    """The files of content/'s ``RESERVED`` folders a handout may use (profiles,
    passages), not hidden, sorted: inputs of the handouts that use them."""
    root = project / CONTENT_DIR
    found = []
    for name in RESERVED:
        if (root / name).is_dir():
            found += [path for path in (root / name).rglob("*")
                      if path.suffix in (".yaml", ".md") and not any(
                          part.startswith(HIDDEN_PREFIXES)
                          for part in path.relative_to(root).parts)]
    return sorted(found)


def assets(project: Path) -> list[Path]:
    """The files under content/ named like images (``images.SUFFIXES``), not hidden:
    those the web pages may show. Whether each may be published is checked when it
    is copied (``images.read_for_web``)."""
    root = project / CONTENT_DIR
    if not root.is_dir():
        return []
    return [path for path in sorted(root.rglob("*"))
            if path.suffix.lower() in IMAGE_SUFFIXES
            and not any(part.startswith(HIDDEN_PREFIXES)
                        for part in path.relative_to(root).parts)
            and (path.is_file() or path.is_symlink())]


def discover(project: Path) -> tuple[list[tuple[str, Path]], list[ContentError]]:
    """Every ``content/**/*.md`` with its slug, sorted; bad file names as errors."""
    root = project / CONTENT_DIR
    found, errors = [], []
    if root.exists() and not root.is_dir():
        errors.append(ContentError("not a folder: handouts are content/<slug>.md files",
                                   root))
    inside = os.path.realpath(project) + os.sep
    for path in sources(project):
        slug = path.relative_to(root).with_suffix("").as_posix()
        bad = [part for part in slug.split("/") if not SLUG_PART_RE.match(part)]
        # A refused name is not looked at further: its data files' names may be
        # too long to ask about.
        outside = [] if bad else [p for p in (path, *data_files(path))
                                  if not os.path.realpath(p).startswith(inside)]
        if bad:
            errors.append(ContentError(_bad_part(bad[0]), path))
        elif outside:
            errors.append(ContentError(
                f"'{outside[0].name}' is a link to '{outside[0].resolve()}', "
                "outside the project: refused", path))
        elif not path.is_file():
            errors.append(ContentError("not a regular file: refused", path))
        else:
            found.append((slug, path))
    return found, errors


def _bad_part(part: str) -> str:
    """Why slug part ``part`` is refused."""
    if len(part) > MAX_SLUG_PART and re.fullmatch(r"[a-z0-9-]+", part):
        return (f"slug part '{part[:20]}…' is {len(part)} characters long; "
                f"at most {MAX_SLUG_PART} make a file name every system can write")
    return f"slug part '{part}' may use only lowercase a-z, 0-9 and '-'"


DATA_SUFFIXES = (".yaml", ".csv", XLSX_SUFFIX)
"""The suffixes of a handout's data files, in the order they are looked for."""


def data_files(path: Path) -> list[Path]:
    """The data files beside handout ``path`` (``<slug>.yaml``, ``.csv``, ``.xlsx``)."""
    return [candidate for candidate in map(path.with_suffix, DATA_SUFFIXES)
            if candidate.is_file()]


def child(folder: Path, name: str) -> Path:
    """``folder / name`` for a plain name, without parsing it again (pathlib's own
    shortcut for names it listed; thousands of handouts make it count)."""
    return _MAKE_CHILD(folder, name) if _MAKE_CHILD is not None else folder / name


def walk(root: Path) -> tuple[dict, dict, list[str], dict] | None:
    """(handouts, data files, images, files of the ``RESERVED`` folders) below
    ``root`` by relative name, listing each folder once (``os.scandir``: no stat
    per candidate data file, no ``realpath`` per handout); None when anything
    unusual is met (a link, a bad name, a folder named like a handout) and
    ``discover`` must decide. The rules of ``sources``, ``data_files``, ``assets``
    and ``shared_files``."""
    handouts, data, images, shared = {}, {}, [], {}
    stack = [(root, "")]
    while stack:
        folder, rel = stack.pop()
        reserved = rel.split("/", 1)[0] in RESERVED
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if name.startswith(HIDDEN_PREFIXES):
                    continue  # hidden, as sources and assets say
                if entry.is_symlink():
                    return None
                suffix = os.path.splitext(name)[1]
                if entry.is_dir():
                    if suffix == ".md" or not SLUG_PART_RE.match(name):
                        return None
                    stack.append((child(folder, name), f"{rel}{name}/"))
                elif reserved and suffix in (".md", ".yaml"):
                    if not entry.is_file():
                        return None
                    shared[rel + name] = entry
                elif suffix == ".md":
                    if not entry.is_file() or not SLUG_PART_RE.match(name[:-3]):
                        return None
                    handouts[rel + name] = (folder, entry)
                elif suffix in DATA_SUFFIXES and entry.is_file():
                    data[rel + name] = entry
                elif suffix.lower() in IMAGE_SUFFIXES:
                    images.append(rel + name)
    return handouts, data, images, shared
