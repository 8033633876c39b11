"""The printed page's contents beside the lead: the body's headings, as many as fit its height."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

HEADING_RE = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.DOTALL)
NOTE_CALL_RE = re.compile(r'<sup class="footnote-ref".*?</sup>|<span class="footnote".*?</span>',
                          re.DOTALL)
TAG_RE = re.compile(r"<[^>]+>")
LEAD_CHARS = 80
"""Characters of the lead's text on one of its lines at most (122 mm of 10.8 pt type,
about 65 on average): the lead's height is never overestimated, so the contents
never reach below it."""
OUTLINE_CHARS = 24
"""Characters of a heading on one line of the contents (37 mm of 8 pt type)."""
OUTLINE_LINES = 1.19
"""Lines of the contents (8 pt type, 1.7 apart) beside one line of the lead (16.2 pt)."""
MOST_LEAD_CHARS = 2000
"""A longer lead has no contents beside it: the two stand side by side in one box,
which does not break across a page."""
UNSPLIT_RE = re.compile(r'<(?:img|table|pre|figure)\b|class="footnote')
"""What a lead beside contents may not hold: what the height estimate cannot
measure, and footnotes (whose text the box beside would carry with it)."""
FEWEST = 3
"""Fewer entries than this are no contents: the lead is too short to stand beside."""
LONG_TITLE = 28
"""A title of this many characters may wrap on the printed page (its type is large)."""


@dataclass(frozen=True)
class Entry:
    """A heading the contents lists: its level (2 or 3), id and text."""

    level: int
    anchor: str
    text: str


def contents(lead: str, body: str) -> list[Entry]:
    """The body's level-2 and level-3 headings if they fit beside the lead, else its
    level-2 headings alone if they do, else none; none beside a lead that is
    long or holds what its height cannot be told from (``UNSPLIT_RE``)."""
    from html import unescape  # not for a build with nothing to do

    characters = len(unescape(TAG_RE.sub("", lead)).strip())
    if characters > MOST_LEAD_CHARS or UNSPLIT_RE.search(lead):
        return []
    lines = characters / LEAD_CHARS
    room = lines * OUTLINE_LINES - 1  # a line for the contents' heading
    headings = [Entry(int(level), anchor, Markup(NOTE_CALL_RE.sub("", text)).striptags())
                for level, anchor, text in HEADING_RE.findall(body)]
    for entries in (headings, [entry for entry in headings if entry.level == 2]):
        if len(entries) >= FEWEST and sum(map(_lines, entries)) <= room:
            return entries
    return []


def _lines(entry: Entry) -> int:
    """The lines ``entry`` takes in the contents."""
    return -(-len(entry.text) // OUTLINE_CHARS)


def keep_last_words(title: str) -> str:
    """``title`` with its last two words joined by a no-break space, so a title that
    wraps never leaves one word alone on its last line; titles without spaces
    (Chinese, Japanese) and short ones (one line) are kept as they are."""
    head, space, last = title.rstrip().rpartition(" ")
    if not space or " " not in head.strip() or len(title) < LONG_TITLE:
        return title
    return f"{head}\u00a0{last}"
