"""The last good version of a handout that no longer loads, for the listings.

A handout whose save is broken keeps its last good page and PDF; the index and
the booklet keep listing it too, from what the build state remembers of it (its
title, items, tags, tagline, language and date), with a warning naming it.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from ..content.handouts import Handout

ENTRY = "entry"
"""The key of a handout's listing facts in the build state's ``handouts``."""


def entry_facts(handout: Handout) -> dict:
    """What a listing shows of ``handout``, as JSON data for the build state."""
    return {"title": handout.title, "items": list(handout.items),
            "tags": list(handout.tags), "tagline": handout.tagline, "lang": handout.lang,
            "date": handout.date.isoformat() if handout.date else None}


def stand_in(slug: str, source: Path, facts: dict) -> Handout | None:
    """A handout listed as it last loaded, or None when nothing usable was kept."""
    entry = facts.get(ENTRY)
    try:
        date = entry["date"]
        return Handout(slug=slug, source=source, data_file=None,
                       items=tuple(map(str, entry["items"])), title=str(entry["title"]),
                       tagline=str(entry["tagline"]), lang=str(entry["lang"]), author="",
                       attributes=(), lead="", body="",
                       date=datetime.date.fromisoformat(date) if date else None,
                       tags=tuple(map(str, entry["tags"])), draft=False)
    except (TypeError, KeyError, ValueError):  # never stored, or an older layout
        return None
