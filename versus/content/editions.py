"""Editions: what ``versus release`` recorded of each handout, in ``editions/<slug>.yaml``.

An edition is a number, a date, a note, the digest of the handout's text (title,
tagline, lead and body) and a snapshot of its table (attribute -> item -> the
cell's words). The file lives in the project beside content/ and is committed
with it, so every clone prints the same edition. A handout never released is
edition 0, a draft; one whose text or table differs from its last edition
prints "Edition N + changes".
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from ..errors import ContentError
from ..yamldoc import load_yaml

if TYPE_CHECKING:
    from .handouts import Handout

EDITIONS_DIR = "editions"
KEYS = ("edition", "date", "note", "text", "table")
HEADER = ("# The editions of content/{slug}.md, as `versus release` recorded them.\n"
          "# Commit this file with the handout: it is what the printed edition line\n"
          "# and the list of changes are made from.\n")


@dataclass(frozen=True)
class Edition:
    """One recorded release of a handout."""

    number: int
    date: datetime.date
    note: str
    text: str
    """The digest of the handout's words (``text_digest``)."""
    table: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    """(attribute, ((item, the cell's words), …)), in the handout's order."""


@dataclass(frozen=True)
class Standing:
    """Which edition a handout is: the last one recorded, and whether it changed since."""

    number: int = 0
    date: datetime.date | None = None
    changed: bool = False


@dataclass(frozen=True)
class Change:
    """What an edition changed from the one before it, computed from their records;
    ``number`` None: the edits since the last edition, not yet released."""

    number: int | None
    date: datetime.date | None
    note: str
    cells: tuple[tuple[str, str, str, str], ...] = ()
    """(attribute, item, old words, new words) of each cell that changed."""
    added: tuple[str, ...] = ()
    """Attributes (rows) added."""
    removed: tuple[str, ...] = ()
    """Attributes (rows) removed."""
    text: bool = False
    """The prose (title, tagline, lead, body) was revised."""


def path_for(source: Path, slug: str) -> Path:
    """``editions/<slug>.yaml`` of the project whose content/ holds ``source``."""
    project = source.parents[slug.count("/") + 1]
    return project / EDITIONS_DIR / f"{slug}.yaml"


def text_digest(handout: Handout) -> str:
    """The digest of what a reader reads besides the table."""
    words = "\n\0".join((handout.title, handout.tagline, handout.lead, handout.body))
    return "sha256:" + hashlib.sha256(words.encode("utf-8")).hexdigest()


def table_of(handout: Handout) -> tuple:
    """The handout's table as an edition records it."""
    return tuple((row.name, tuple((item, cell.text) for item, cell
                                  in zip(handout.items, row.cells)))
                 for row in handout.attributes)


def parse(text: str, path: Path) -> tuple[Edition, ...]:
    """The editions in ``text``, read from ``path``, oldest first. A file that is
    not as ``release`` writes it is a ``ContentError`` at its place."""
    doc = load_yaml(text, str(path))
    if doc.data is None:
        return ()
    if not isinstance(doc.data, list):
        raise doc.error("the editions must be a list, as `versus release` writes them")
    editions = []
    for index, entry in enumerate(doc.data):
        if not isinstance(entry, dict):
            raise _error(doc, "each edition must be a mapping", index)
        unknown = sorted(str(key) for key in entry if key not in KEYS)
        if unknown:
            raise _error(doc, f"unknown key '{unknown[0]}' (an edition has "
                         f"{', '.join(KEYS)})", index, unknown[0])
        number, day = entry.get("edition"), entry.get("date")
        if type(number) is not int or number != index + 1:
            raise _error(doc, f"edition {index + 1} must say 'edition: {index + 1}'", index)
        if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
            raise _error(doc, "'date' must be a date such as 2026-12-07", index)
        table = entry.get("table") or {}
        if not isinstance(table, dict) or not all(
                isinstance(cells, dict) for cells in table.values()):
            raise _error(doc, "'table' must map each attribute to its items' words", index)
        editions.append(Edition(number, day, str(entry.get("note") or ""),
                                str(entry.get("text") or ""),
                                tuple((str(name), tuple((str(item), str(words))
                                                        for item, words in cells.items()))
                                      for name, cells in table.items())))
    return tuple(editions)


def _error(doc, message: str, index: int, key: str | None = None) -> ContentError:
    """``message`` at edition ``index`` of ``doc`` (at its ``key``, when given)."""
    node = doc.node.value[index]
    if key is not None and isinstance(node, yaml.MappingNode):
        node = next((name for name, _ in node.value if name.value == key), node)
    mark = node.start_mark
    return ContentError(message, doc.path, mark.line + 1, mark.column + 1)


def standing(handout: Handout, editions: tuple[Edition, ...]) -> Standing:
    """The edition ``handout`` prints as."""
    if not editions:
        return Standing()
    last = editions[-1]
    changed = last.text != text_digest(handout) or last.table != table_of(handout)
    return Standing(last.number, last.date, changed)


def changes(handout: Handout, recorded: tuple[Edition, ...]) -> tuple[Change, ...]:
    """Each edition's changes, newest first, after the edits not yet released
    (when there are any); the first edition is a change of its own, with its note."""
    found = []
    for before, after in zip((None, *recorded), recorded):
        found.append(_change(after.number, after.date, after.note, before, after.table,
                             after.text))
    last = recorded[-1] if recorded else None
    if last is not None and standing(handout, recorded).changed:
        found.append(_change(None, None, "", last, table_of(handout), text_digest(handout)))
    return tuple(reversed(found))


def _change(number, day, note, before: Edition | None, table: tuple, text: str) -> Change:
    if before is None:
        return Change(number, day, note)
    old = {name: dict(cells) for name, cells in before.table}
    new = {name: dict(cells) for name, cells in table}
    cells = tuple((name, item, old[name].get(item, ""), words)
                  for name, row in new.items() if name in old
                  for item, words in {**dict.fromkeys(old[name], ""), **row}.items()
                  if old[name].get(item, "") != words)
    return Change(number, day, note, cells,
                  tuple(name for name in new if name not in old),
                  tuple(name for name in old if name not in new), before.text != text)


def release(handout: Handout, editions: tuple[Edition, ...], day: datetime.date,
            note: str) -> Edition | None:
    """The next edition of ``handout``; None when it is its last one unchanged."""
    if editions and not standing(handout, editions).changed:
        return None
    return Edition(len(editions) + 1, day, note, text_digest(handout), table_of(handout))


def dump(slug: str, editions: tuple[Edition, ...]) -> str:
    """The file ``release`` writes."""
    entries = [{"edition": edition.number, "date": edition.date, "note": edition.note,
                "text": edition.text,
                "table": {name: dict(cells) for name, cells in edition.table}}
               for edition in editions]
    return HEADER.format(slug=slug) + yaml.safe_dump(
        entries, sort_keys=False, allow_unicode=True, width=88)
