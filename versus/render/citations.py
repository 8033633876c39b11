"""A handout's sources numbered in reading order: the mark of each sourced cell, and the list they point to."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ..content.handouts import Handout


@dataclass(frozen=True)
class Cited:
    """One entry of a page's list of sources."""

    number: int
    key: str
    name: str
    """Its title, or its address's host."""
    url: str
    checked: datetime.date | None
    """The latest day it or a fact taken from it was checked (``accessed``, ``as_of``)."""


def cite(handout: Handout) -> tuple[list[list[int | None]], list[Cited]]:
    """Each cell's source number (None: no source), row by row, and the sources
    in the order a reader meets them: each once, numbered from 1."""
    numbers: dict[str, int] = {}
    checked: dict[str, datetime.date] = {}
    marks = []
    for attribute in handout.attributes:
        row = []
        for cell in attribute.cells:
            key = cell.source
            if key is not None:
                numbers.setdefault(key, len(numbers) + 1)
                if cell.as_of and (key not in checked or cell.as_of > checked[key]):
                    checked[key] = cell.as_of
            row.append(None if key is None else numbers[key])
        marks.append(row)
    sources = dict(handout.sources)
    cited = []
    for key, number in numbers.items():
        source = sources[key]
        days = [day for day in (source.accessed, checked.get(key)) if day is not None]
        cited.append(Cited(number, key, source.name, source.url, max(days, default=None)))
    return marks, cited
