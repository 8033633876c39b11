"""Typed cells drawn: yes, no, partial and n/a as marks of distinct shapes beside their word, ratings as dots, and the legend."""

from __future__ import annotations

from markupsafe import Markup

from ..content.facts import TYPES, Cell, cell_type
from ..content.handouts import Handout
from ..i18n import Translator

KEYS = {"yes": "mark_yes", "no": "mark_no", "partial": "mark_partial", "n/a": "mark_na"}
"""The translation keys of the typed words."""
GLYPHS = {"yes": "\u2713", "no": "\u2717", "n/a": "\u2013", "partial": ""}
"""Each type's mark: a check, a cross, a dash; 'partial' is a half-filled circle the
stylesheet draws (no bundled font has one)."""
FILLED, EMPTY = "\u25cf", "\u25cb"


def local_words(t: Translator) -> dict[str, str]:
    """The typed words of ``t``'s language, folded: word -> type."""
    return {t(key).strip().casefold(): kind for kind, key in KEYS.items()}


def draw(cell: Cell, html: Markup, kind: str, t: Translator) -> Markup:
    """The HTML of a cell of type ``kind``: a mark and its word (the word stays
    in the text for search, copying and screen readers), or ``html`` as it is."""
    if kind in TYPES:
        return Markup('<span class="mark mark-{}" aria-hidden="true">{}</span> '
                      '<span class="mark-word">{}</span>').format(
            _name(kind), GLYPHS[kind], t(KEYS[kind]))
    if kind == "rating":
        score, most = cell.rating
        marks = FILLED * score + EMPTY * (most - score)
        words = t("rating", score=score, most=most)
        shown = Markup(" {}").format(html) if cell.text.strip() else Markup("")
        return Markup('<span class="rating" aria-hidden="true">{}</span> '
                      '<span class="rating-words">{}</span>{}').format(marks, words, shown)
    return html


def draw_table(handout: Handout, table: list, t: Translator) -> tuple[list, Markup]:
    """``table`` (each row's name and cells, as HTML) with its typed cells drawn as
    marks, and the legend of the marks used."""
    used, drawn = set(), []
    for attribute, (name, cells) in zip(handout.attributes, table):
        kinds = cell_types(attribute.cells, t)
        used.update(kinds)
        drawn.append((name, [draw(cell, html, kind, t) for cell, html, kind
                             in zip(attribute.cells, cells, kinds)]))
    return drawn, legend(used, t)


def legend(kinds: set[str], t: Translator) -> Markup:
    """One line naming the marks of the types in ``kinds``; empty with none."""
    shown = [Markup('<span class="mark mark-{}" aria-hidden="true">{}</span> {}').format(
        _name(kind), GLYPHS[kind], t(KEYS[kind])) for kind in TYPES if kind in kinds]
    return Markup(" \u00b7 ").join(shown)


def cell_types(cells: list[Cell], t: Translator) -> list[str]:
    """The type of each of ``cells`` in ``t``'s language."""
    local = local_words(t)
    return [cell_type(cell, local) for cell in cells]


def _name(kind: str) -> str:
    return "na" if kind == "n/a" else kind
