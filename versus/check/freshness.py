"""Whether a handout's facts are current and sourced: the stale-fact and unsourced-fact findings.

Only ``check`` reads the clock, and it keeps each handout's findings between runs:
so a handout's dates are kept as they are (``dated``, code ``fact-date``) and
weighed against today on every run (``weigh``), never stored as stale or fresh.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from ..content.facts import cell_type
from ..content.handouts import Handout, read_text, split_front_matter
from ..content.lint import WARNING, Finding
from ..errors import ContentError
from ..yamldoc import load_yaml

DATED = "dated"
"""The severity of a kept date: weighed on each run, never reported as it is."""
FACT_DATE, REVIEW_DATE = "fact-date", "review-date"


def dated(handout: Handout) -> list[Finding]:
    """The dates of ``handout``'s facts, each at its cell: its ``as_of``, else the
    ``accessed`` day of its source; and its ``review_after`` day."""
    path = str(handout.data_file or handout.source)
    sources = dict(handout.sources)
    found = []
    for attribute in handout.attributes:
        for item, cell in zip(handout.items, attribute.cells):
            day = cell.as_of or (sources[cell.source].accessed if cell.source else None)
            if day is not None:
                line, column = cell.place or (None, None)
                found.append(Finding(DATED, FACT_DATE, ContentError(
                    f"{day.isoformat()} attribute '{attribute.name}' of item '{item}'",
                    path, line, column)))
    if handout.review_after is not None:
        line, column = _place(handout, "review_after")
        found.append(Finding(DATED, REVIEW_DATE, ContentError(
            handout.review_after.isoformat(), str(handout.source), line, column)))
    return found


def _place(handout: Handout, key: str) -> tuple[int, int]:
    """Where front matter ``key`` of ``handout`` is."""
    text = read_text(handout.source)
    front, _, _ = split_front_matter(text, handout.source)
    return load_yaml(front, str(handout.source), line_offset=1).where(key)


def weigh(findings: Iterable[Finding], today: datetime.date,
          max_age: int) -> list[Finding]:
    """``findings`` with each kept date made a ``stale-fact`` warning when it is
    older than ``max_age`` days (a review day: when it has passed), or dropped."""
    weighed = []
    for finding in findings:
        if finding.severity != DATED or finding.code not in (FACT_DATE, REVIEW_DATE):
            weighed.append(finding)
            continue
        error = finding.error
        day, _, what = error.message.partition(" ")
        age = (today - datetime.date.fromisoformat(day)).days
        if finding.code == FACT_DATE and age > max_age:
            message = (f"{what} was checked on {day}, {age:,} days ago (more than "
                       f"fact_max_age, {max_age:,})")
        elif finding.code == REVIEW_DATE and age > 0:
            message = f"review_after {day} has passed ({age:,} days ago)"
        else:
            continue
        weighed.append(Finding(WARNING, "stale-fact", ContentError(
            message, error.path, error.line, error.column)))
    return weighed


def unsourced(handout: Handout, local_words: dict[str, str]) -> list[Finding]:
    """A warning for each cell with text and no source (an 'n/a' needs none)."""
    path = str(handout.data_file or handout.source)
    found = []
    for attribute in handout.attributes:
        for item, cell in zip(handout.items, attribute.cells):
            if (cell.source is None and cell.text.strip()
                    and cell_type(cell, local_words) != "n/a"):
                line, column = cell.place or (None, None)
                found.append(Finding(WARNING, "unsourced-fact", ContentError(
                    f"attribute '{attribute.name}' of item '{item}' has no source "
                    "(require_sources is true)", path, line, column)))
    return found
