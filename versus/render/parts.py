"""The printed body in parts, one a level-2 section: in columns only when long enough to fill them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

from .contents import TAG_RE

SECTION_RE = re.compile(r"^<h2[ >]", re.MULTILINE)
"""Where a level-2 heading starts a line."""
BLOCK_RE = re.compile(r"<(/?)(?:div|section|aside|details|blockquote|figure|table|ul|ol)\b")
"""An opening or closing tag of a block that a heading may sit in (raw HTML)."""
HEADING_RE = re.compile(r"(<h2[ >].*?</h2>)", re.DOTALL)
LINE_CHARS = 55
"""Characters on one line of a column (about 50 to 60)."""
FEWEST_LINES = 5
"""Lines each column needs before a section runs in columns."""
WIDE_SCRIPTS = ("ja", "zh", "ko")
"""Languages whose characters take about two Latin ones' width."""


@dataclass(frozen=True)
class Part:
    """One section of the body: its level-2 heading (empty before the first) and text,
    and whether the text runs in columns."""

    heading: Markup
    text: Markup
    in_columns: bool


def parts(body: str, columns: int, lang: str) -> list[Part]:
    """``body`` cut before each of its level-2 headings; a part's text runs in
    ``columns`` only when it would give each column ``FEWEST_LINES`` lines."""
    width = 2 if lang[:2].lower() in WIDE_SCRIPTS else 1
    found = []
    for section in _sections(str(body)):
        heading, text = "", section
        if section.startswith("<h2"):
            _, heading, text = HEADING_RE.split(section, maxsplit=1)
        plain = TAG_RE.sub("", text)
        if not heading and not plain.strip():
            continue
        lines = len(plain) * width / LINE_CHARS
        found.append(Part(Markup(heading), Markup(text),
                          columns > 1 and lines >= FEWEST_LINES * columns))
    return found


def _sections(body: str) -> list[str]:
    """``body`` cut before each level-2 heading of its own, not one inside raw HTML's
    blocks (their tags balanced before the heading)."""
    cuts, depth, read = [0], 0, 0
    for match in SECTION_RE.finditer(body):
        for tag in BLOCK_RE.finditer(body, read, match.start()):
            depth += -1 if tag.group(1) else 1
        read = match.start()
        if depth == 0:
            cuts.append(match.start())
    return [body[start:end] for start, end in zip(cuts, [*cuts[1:], len(body)])]
