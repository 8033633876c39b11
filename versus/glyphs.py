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

from .errors import ContentError

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
    """A warning for the first place of each character in ``paths`` no font draws."""
    warnings, seen = [], set()
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # loading the handout reports this
        if text.isascii():
            continue
        undrawn = [char for char in set(text) - seen
                   if ord(char) >= 0x80 and _drawn(char)
                   and ord(char) not in coverage(font_files)]
        seen.update(text)
        for offset, char in sorted((text.index(char), char) for char in undrawn):
            warnings.append(_warning(path, text, offset, char))
    return warnings


def _drawn(char: str) -> bool:
    """Whether ``char`` needs a glyph of its own (variation selectors do not)."""
    code = ord(char)
    return (unicodedata.category(char) not in NOT_DRAWN
            and not 0xFE00 <= code <= 0xFE0F and not 0xE0100 <= code <= 0xE01EF)


def _warning(path: Path, text: str, offset: int, char: str) -> ContentError:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    name = unicodedata.name(char, "") or {
        "Co": "private use character", "Cn": "unassigned character"}.get(
        unicodedata.category(char), "unnamed character")
    return ContentError(f"no font for U+{ord(char):04X} '{name}'", path, line, column)
