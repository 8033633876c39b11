"""Which characters the fonts can draw: a warning, at its place, for any other.

WeasyPrint draws each character with the theme's fonts, and falls back through
fontconfig to every font installed on the machine; a character none of them has
prints as an empty box. So the fonts' coverage is the theme's font files' cmaps
and the charsets ``fc-list`` reports, read once per process, and a handout's
files are searched for characters outside it before anything is rendered.
"""

from __future__ import annotations

import bisect
import functools
import logging
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import yaml

from ..errors import ContentError

logger = logging.getLogger(__name__)
FONT_SUFFIXES = (".otf", ".ttf", ".woff", ".woff2")
NOT_DRAWN = {"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"}
"""Categories never drawn as a glyph: controls, format marks, spaces."""


class Coverage:
    """A set of code points, kept as sorted, merged ranges."""

    def __init__(self, ranges: Iterable[tuple[int, int]]):
        merged: list[list[int]] = []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]

    def __contains__(self, code: int) -> bool:
        index = bisect.bisect_right(self.starts, code) - 1
        return index >= 0 and code <= self.ends[index]

    def __bool__(self) -> bool:
        return bool(self.starts)


@functools.cache
def coverage(font_files: tuple[str, ...]) -> Coverage:
    """What ``font_files`` and the machine's fontconfig fonts can draw together."""
    return Coverage([*_fontconfig_ranges(), *_file_ranges(font_files)])


def _fontconfig_ranges() -> list[tuple[int, int]]:
    """The charsets of every font fontconfig knows, as ranges."""
    if not shutil.which("fc-list"):
        return []
    try:
        listed = subprocess.run(["fc-list", "--format", "%{charset}\n"], check=True,
                                capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    ranges = []
    for part in listed.split():
        start, _, end = part.partition("-")
        try:
            ranges.append((int(start, 16), int(end or start, 16)))
        except ValueError:
            continue
    return ranges


def _file_ranges(font_files: tuple[str, ...]) -> list[tuple[int, int]]:
    """The code points of each font file's best cmap, as one-point ranges."""
    from fontTools.ttLib import TTFont, TTLibError

    ranges = []
    for name in font_files:
        try:
            with TTFont(name, lazy=True) as font:
                ranges.extend((code, code) for code in font.getBestCmap() or ())
        except (OSError, TTLibError, AssertionError) as error:
            logger.debug("cannot read the cmap of %s: %s", name, error)
    return ranges


def theme_fonts(static: dict[str, Path]) -> tuple[str, ...]:
    """The font files among a theme's static files (``Theme.static_files()``)."""
    return tuple(str(path) for name, path in sorted(static.items())
                 if name.lower().endswith(FONT_SUFFIXES))


def missing(paths: Iterable[Path], font_files: tuple[str, ...]) -> list[ContentError]:
    """A warning for the first place of each character in ``paths`` no font draws,
    written as itself or as a YAML escape (``"\\uE001"``) in front matter or a
    .yaml data file."""
    warnings, seen = [], set()
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # loading the handout reports this
        places: dict[str, tuple[int, int]] = {}
        if not text.isascii():
            for char in set(text) - seen:
                if _undrawn(char, font_files):
                    places[char] = _place(text, text.index(char))
        for char, place in _escaped(path, text):
            if char not in seen and _undrawn(char, font_files):
                places[char] = min(place, places.get(char, place))
        seen.update(text)
        seen.update(places)
        for char, (line, column) in sorted(places.items(), key=lambda item: item[1]):
            warnings.append(_warning(path, line, column, char))
    return warnings


def _undrawn(char: str, font_files: tuple[str, ...]) -> bool:
    return ord(char) >= 0x80 and _drawn(char) and ord(char) not in coverage(font_files)


def _place(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of ``offset`` in ``text``."""
    return (text.count("\n", 0, offset) + 1,
            offset - (text.rfind("\n", 0, offset) + 1) + 1)


def _escaped(path: Path, text: str) -> list[tuple[str, tuple[int, int]]]:
    """Each character a double-quoted YAML scalar of ``path`` holds but does not
    spell out (an escape such as ``\\uE001``), at the scalar's line and column."""
    if "\\" not in text or path.suffix not in (".md", ".yaml"):
        return []  # only double-quoted YAML has escapes, each begins with a backslash
    from .handouts import split_front_matter
    from ..yamldoc import load_yaml

    try:
        if path.suffix == ".md":  # its front matter, which starts on line 2
            front, offset = split_front_matter(text, path)[0], 1
        else:
            front, offset = text, 0
        root = load_yaml(front, str(path), line_offset=offset).node
    except ContentError:
        return []  # loading the handout reports this
    found, stack, visited = [], [root] if root is not None else [], set()
    while stack:
        node = stack.pop()
        if id(node) in visited:  # an alias names a node met already
            continue
        visited.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if node.style == '"':
                spelled = front[node.start_mark.index:node.end_mark.index]
                place = (node.start_mark.line + 1 + offset, node.start_mark.column + 1)
                found += [(char, place) for char in set(node.value) - set(spelled)]
        elif isinstance(node, yaml.MappingNode):
            stack += [child for pair in node.value for child in pair]
        else:
            stack += node.value
    return found


def _drawn(char: str) -> bool:
    """Whether ``char`` needs a glyph of its own (variation selectors do not)."""
    code = ord(char)
    return (unicodedata.category(char) not in NOT_DRAWN
            and not 0xFE00 <= code <= 0xFE0F and not 0xE0100 <= code <= 0xE01EF)


def _warning(path: Path, line: int, column: int, char: str) -> ContentError:
    name = unicodedata.name(char, "") or {
        "Co": "private use character", "Cn": "unassigned character"}.get(
        unicodedata.category(char), "unnamed character")
    return ContentError(f"no font for U+{ord(char):04X} '{name}'", path, line, column)
