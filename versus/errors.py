"""The small exception family: every problem knows its path, line and column."""

from __future__ import annotations

import os
import re
from pathlib import Path

UNPRINTABLE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                            "\u2066-\u2069]")
"""Control characters (a CR, ``ESC [``, an OSC title) and bidirectional overrides:
content's text must not move the cursor, recolour the terminal or reorder a line."""


class VersusError(Exception):
    """A problem with an input, printed as ``path:line:col: message``."""

    def __init__(self, message: str, path: str | os.PathLike | None = None,
                 line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column

    def __reduce__(self):
        # Errors cross process and cluster boundaries: pickle every field.
        return (type(self), (self.message, self.path, self.line, self.column))

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = [display_path(self.path)]
        if self.line is not None:
            where.append(str(self.line))
            if self.column is not None:
                where.append(str(self.column))
        return f"{':'.join(where)}: {self.message}"


class SettingsError(VersusError):
    """The project settings file is invalid."""


class ContentError(VersusError):
    """A handout's Markdown, front matter or attribute data is invalid."""


class MissingImage(ContentError):
    """An image a handout names is not there."""


class TemplateError(VersusError):
    """A template could not be loaded or rendered."""


class RenderError(VersusError):
    """A handout could not be turned into HTML or PDF."""


def display_path(path: str | os.PathLike) -> str:
    """Show ``path`` relative to the working directory when it lies below it."""
    path = Path(path)
    try:
        # abspath, not resolve: a symbolic link is named as itself, not its target
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def printable(text: str) -> str:
    """``text`` with each control character written as its escape (``\\x1b``, ``\\r``)."""
    return UNPRINTABLE_RE.sub(lambda match: ascii(match.group())[1:-1], text)


class Problems(Exception):
    """Several problems found together; raised after validation collects them all."""

    def __init__(self, errors: list[VersusError]):
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = list(errors)

    def __reduce__(self):
        return (type(self), (self.errors,))


class TargetError(VersusError):
    """A target on the command line names no handout (a usage error)."""
