"""The handouts' facts for other programs: output/data/<slug>.json, and data/index.json listing them."""

from __future__ import annotations

import datetime
import json

from collections.abc import Callable, Iterable
from pathlib import Path

from ..content.editions import Change, changes
from ..content.facts import Cell, cell_type
from ..content.handouts import Handout
from ..output import write_atomic

DATA_DIR = "data"
DATA_INDEX = f"{DATA_DIR}/index.json"
SCHEMA = "data.schema.json"
"""The JSON Schema of both, in the theme (``versus schema`` prints it)."""
FORMAT = 1
"""The files' format: raised when a key changes meaning or goes."""


def data_path(slug: str) -> str:
    """A handout's facts, below output/."""
    return f"{DATA_DIR}/{slug}.json"


def missing(present: set[str], slugs: Iterable[str]) -> str | None:
    """The first of the facts files of ``slugs`` (and the index of them) not in
    ``present`` (names below output/); None when all are there."""
    for name in (DATA_INDEX, *map(data_path, slugs)):
        if name not in present:
            return name
    return None


def write(output: Path, handouts: list[Handout], words: Callable[[str], dict[str, str]],
          kept: set[str] = frozenset()) -> None:
    """Write the facts of ``handouts`` and the index of them where they changed;
    remove those of handouts no longer listed. The files of ``kept`` (handouts
    listed as they last loaded) stay as they are."""
    made = files([handout for handout in handouts if handout.slug not in kept], words)
    for relative, text in made.items():
        path, data = output / relative, text.encode("utf-8")
        if not (path.is_file() and path.read_bytes() == data):
            write_atomic(path, data)
    listed = {data_path(handout.slug) for handout in handouts} | {DATA_INDEX}
    folder = output / DATA_DIR
    for path in sorted(folder.rglob("*.json")) if folder.is_dir() else ():
        if path.relative_to(output).as_posix() not in listed:
            path.unlink()


def files(handouts: list[Handout],
          words: Callable[[str], dict[str, str]]) -> dict[str, str]:
    """Each handout's facts and the index of them, by path below output/;
    ``words(lang)`` gives the typed cells' words in a language."""
    made = {data_path(handout.slug): _dump(handout_data(handout, words(handout.lang)))
            for handout in handouts}
    made[DATA_INDEX] = _dump({"format": FORMAT, "handouts": [
        {"slug": handout.slug, "title": handout.title, "items": list(handout.items),
         "lang": handout.lang, "tags": list(handout.tags), "date": _day(handout.date),
         "data": f"{handout.slug}.json", "page": f"../html/{handout.slug}.html",
         "pdf": f"../pdf/{handout.slug}.pdf"}
        for handout in handouts]})
    return made


def handout_data(handout: Handout, words: dict[str, str]) -> dict:
    """What ``handout`` says, as plain data: its items, each cell with its type
    (``words``: the typed words of its language), source and date, and its sources."""
    return {
        "format": FORMAT, "slug": handout.slug, "title": handout.title,
        "tagline": handout.tagline, "lang": handout.lang, "author": handout.author,
        "date": _day(handout.date), "tags": list(handout.tags),
        "items": list(handout.items),
        "attributes": [{"name": attribute.name,
                        "cells": [_cell(item, cell, cell_type(cell, words)) for item, cell
                                  in zip(handout.items, attribute.cells)],
                        "winner": (None if attribute.winner is None
                                   else handout.items[attribute.winner])}
                       for attribute in handout.attributes],
        "sources": [{"key": key, "title": source.title, "url": source.url,
                     "accessed": _day(source.accessed)}
                    for key, source in handout.sources],
        "edition": handout.edition.number,
        "changes": [_change(change) for change in changes(handout, handout.editions)],
    }


def _change(change: Change) -> dict:
    return {"edition": change.number, "date": _day(change.date), "note": change.note,
            "cells": [{"attribute": attribute, "item": item, "old": old, "new": new}
                      for attribute, item, old, new in change.cells],
            "added": list(change.added), "removed": list(change.removed),
            "text_revised": change.text}


def _cell(item: str, cell: Cell, kind: str) -> dict:
    data = {"item": item, "value": cell.text, "type": kind,
            "source": cell.source, "as_of": _day(cell.as_of)}
    if cell.rating is not None:
        data["rating"] = {"score": cell.rating[0], "of": cell.rating[1]}
    return data


def _day(day: datetime.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _dump(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
