"""Rows whose cells are all the same: shown, dimmed, or folded into one "In common" line under the table."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from ..content.handouts import Handout

@dataclass(frozen=True)
class Rows:
    """The table as the page shows it."""

    table: list
    """Each row's name and cells (HTML)."""
    marks: list
    """Each row's cells' source numbers."""
    same: list[bool]
    """Whether each row is to be dimmed."""
    winners: list[int | None]
    """Each row's best item, by its place (None: none named)."""
    common: list[tuple[Markup, Markup, list[int]]] = field(default_factory=list)
    """The rows folded away: name, the value every item shares, its cells' sources."""


def arrange(handout: Handout, table: list, marks: list, mode: str) -> Rows:
    """The rows of ``table`` for ``mode``: 'show' every row as it is, 'dim' the
    rows whose cells are all equal, 'fold' them into the ``common`` line (unless
    no row differs: then there is nothing to set them apart from)."""
    winners = [attribute.winner for attribute in handout.attributes]
    if mode == "show":
        return Rows(table, marks, [False] * len(table), winners)
    same = [len({(" ".join(cell.text.split()).casefold(), cell.rating)
                 for cell in attribute.cells}) == 1
            and attribute.winner is None for attribute in handout.attributes]
    if mode == "dim" or all(same):
        return Rows(table, marks, same if mode == "dim" else [False] * len(table),
                    winners)
    kept = [index for index, alike in enumerate(same) if not alike]
    return Rows([table[index] for index in kept], [marks[index] for index in kept],
                [False] * len(kept), [winners[index] for index in kept],
                [(table[index][0], table[index][1][0],
                  sorted({number for number in marks[index] if number}))
                 for index, alike in enumerate(same) if alike])
