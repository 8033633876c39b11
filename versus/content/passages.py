"""Shared passages: `--8<-- "file.md"` lines in a handout's body, replaced by a file of content/shared/."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath, PureWindowsPath

from ..errors import ContentError, Problems
from .files import CONTENT_DIR, MAX_FILE_BYTES

SHARED_DIR = "shared"
"""The folder below content/ holding the passages handouts include."""
MARKER = "--8<--"
MAX_DEPTH = 3
"""Levels of inclusion: a handout including A including B including C. Deeper is
harder for an author to follow than to flatten."""
INCLUDE_RE = re.compile(r"""^ {0,3}--8<--[ \t]+(?:"([^"]*)"|'([^']*)')[ \t]*$""")
MARKER_RE = re.compile(r"^ {0,3}--8<--")
FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
"""A line opening or closing fenced code."""
WHERE = f"{CONTENT_DIR}/{SHARED_DIR}/"


class _Refused(Exception):
    """Why an include line cannot be followed; its place is the caller's to give."""


def include(body: str, path: Path, first_line: int, shared_root: Path,
            read_text: Callable[[Path], str]) -> tuple[str, tuple[Path, ...]]:
    """``body`` of handout ``path`` (starting at file line ``first_line``) with each
    include line replaced by its passage of ``shared_root`` (read with ``read_text``),
    and every passage read, in order. Raise ``Problems`` with every error found."""
    if MARKER not in body:  # most handouts: no splitting, no fence scan
        return body, ()
    expander = _Expander(shared_root, read_text)
    text, _ = expander.expand(body, path, first_line,
                              ((os.path.realpath(path), path.name),), 0)
    if expander.errors:
        raise expander.problems()
    return text, tuple(expander.read)


class _Expander:
    """One handout's expansion: the passages read, and each expanded once per depth,
    so a passage included a thousand times is read and expanded once."""

    def __init__(self, root: Path, read_text: Callable[[Path], str]):
        self.root, self.read_text = root, read_text
        # content/shared as named, not where a link would take it: a linked
        # content/shared is outside content/shared
        self.inside = os.path.join(os.path.realpath(root.parent), root.name) + os.sep
        self.read: list[Path] = []
        self.texts: dict[str, str] = {}
        self.done: dict[tuple[str, int], tuple[str, int] | None] = {}
        self.errors: list[ContentError] = []
        self.present: list[str] | None = None
        self.located: dict[str, tuple[Path, str, str]] = {}

    def problems(self, *more: ContentError) -> Problems:
        """The errors found, each once (a passage included at two depths fails twice)."""
        unique = {(e.path, e.line, e.column, e.message): e for e in [*self.errors, *more]}
        return Problems(list(unique.values()))

    def expand(self, text: str, path: Path, first_line: int, chain: tuple,
               depth: int) -> tuple[str, int]:
        """``text`` of ``path`` with its include lines replaced, and its UTF-8 size.
        ``chain`` is the (real path, name) of each file including this one."""
        lines = text.split("\n")
        size = len(text.encode("utf-8"))
        for index, line in outside_fences(lines):
            if MARKER not in line:
                continue
            match = INCLUDE_RE.match(line)
            number = first_line + index
            if not match:
                if MARKER_RE.match(line):  # printing '--8<-- a.md' would hide the mistake
                    self.errors.append(ContentError(
                        f"an include line is {MARKER} \"name.md\": one file name in "
                        "quotes", path, number, line.index(MARKER) + 1))
                continue
            quoted = 1 if match.group(1) is not None else 2
            column = match.start(quoted)  # the opening quote's, counted from 1
            try:
                passage = self.passage(match.group(quoted), chain, depth + 1)
            except _Refused as refused:
                self.errors.append(ContentError(str(refused), path, number, column))
                continue
            if passage is None:  # its own errors are recorded
                continue
            lines[index] = passage[0]  # the enumeration has read this line already
            size += passage[1] - len(line.encode("utf-8"))
            if size > MAX_FILE_BYTES:  # stop at once: going on would only grow
                raise self.problems(ContentError(
                    f"including {match.group(quoted)!r} here makes the text longer than "
                    f"{MAX_FILE_BYTES // 1024 // 1024} MiB: is a passage included too "
                    "many times?", path, number, column))
        return "\n".join(lines), size

    def passage(self, name: str, chain: tuple, depth: int) -> tuple[str, int] | None:
        """The expanded text of passage ``name`` and its size; None if it has errors."""
        if name not in self.located:  # one look at the disk per name, however often
            self.located[name] = self.locate(name)
        target, rel, real = self.located[name]
        names = [label for _, label in chain]
        reals = [seen for seen, _ in chain]
        if real in reals:
            cycle = " -> ".join(names[reals.index(real):] + [rel])
            raise _Refused(f"'{rel}' includes itself: {cycle}")
        if depth > MAX_DEPTH:
            raise _Refused(f"'{rel}' is included more than {MAX_DEPTH} levels deep "
                           f"({' -> '.join(names + [rel])}): include it from a "
                           "shallower passage")
        if (real, depth) in self.done:
            return self.done[real, depth]
        if real not in self.texts:
            try:
                self.texts[real] = self.read_text(target)
            except ContentError as error:  # not UTF-8, too large: at its own place
                self.errors.append(error)
                self.done[real, depth] = None
                return None
            self.read.append(target)
        text = self.texts[real]
        if text.split("\n", 1)[0].rstrip() == "---":
            raise _Refused(f"'{rel}' starts with a '---' line: a shared passage has no "
                           "front matter (write a rule as '***')")
        before = len(self.errors)
        expanded = self.expand(text[:-1] if text.endswith("\n") else text, target, 1,
                               chain + ((real, rel),), depth)
        self.done[real, depth] = expanded if len(self.errors) == before else None
        return self.done[real, depth]

    def locate(self, name: str) -> tuple[Path, str, str]:
        """The file of content/shared that ``name`` names, its name there, and the
        real path it is read from (for cycles: 'db/x.md' and a link to it are one)."""
        pure = PurePosixPath(name)
        if pure.is_absolute() or PureWindowsPath(name).anchor:
            raise _Refused(f"'{name}' is an absolute path: name a file of {WHERE} "
                           "from there, as 'db/licences.md'")
        if ".." in pure.parts:
            raise _Refused(f"'{name}' climbs out with '..': a shared passage is a file "
                           f"of {WHERE}")
        if pure.suffix != ".md" or not pure.stem:
            raise _Refused(f"'{name}' is not a .md file: a shared passage is Markdown")
        rel = pure.as_posix()
        target = self.root / rel
        if not os.path.lexists(target):
            raise _Refused(f"'{rel}' not found in {WHERE}{self.suggest(rel)}")
        real = os.path.realpath(target)
        if not real.startswith(self.inside):
            raise _Refused(f"'{rel}' is a link to '{real}', outside {WHERE}: refused")
        if not os.path.isfile(real):
            raise _Refused(f"'{rel}' is not a regular file: refused")
        return target, rel, real

    def suggest(self, rel: str) -> str:
        """'; did you mean ...?' naming the passage closest to ``rel``, if any is."""
        if self.present is None:
            self.present = ([found.relative_to(self.root).as_posix()
                             for found in sorted(self.root.rglob("*.md"))]
                            if self.root.is_dir() else [])
        close = difflib.get_close_matches(rel, self.present, n=1)
        return f"; did you mean '{close[0]}'?" if close else ""


def outside_fences(lines: list[str]):
    """Each line (with its 0-based index) that is not part of fenced code: where an
    include line is followed, a heading splits the lead, a list item counts."""
    fence = None
    for index, line in enumerate(lines):
        opened = FENCE_RE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
        elif opened:
            fence = opened.group(1)
        else:
            yield index, line
