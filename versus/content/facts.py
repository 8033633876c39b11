"""A table cell as a fact a reader can check: its text, its source, the date it was checked."""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..yamldoc import YamlDoc

CELL_KEYS = ("value", "source", "as_of", "rating")
SOURCE_KEYS = ("title", "url", "accessed")
MAX_SOURCES = 200
"""Sources a handout may list: one per cell of the largest table, and then some."""
MAX_TITLE = 300
"""Characters of a source's title: a citation, not a paragraph."""
MAX_URL = 2000
"""Characters of a source's address: what browsers and servers reliably take."""
KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
RATING_RE = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{1,2})\s*$")
EXAMPLE_SOURCE = "https://example.org/where-you-read-it"
"""The source ``new`` writes in its skeleton's first cell, for the author to replace."""
TYPES = ("yes", "no", "partial", "n/a")
"""The words a cell may be that make it a typed cell, drawn as a mark."""


@dataclass(frozen=True)
class Source:
    """Where facts were found: an address, a title, the day it was read."""

    url: str
    title: str = ""
    accessed: datetime.date | None = None
    place: tuple[int, int] | None = field(default=None, compare=False)
    """Where its address is written: in ``sources:``; None: in a cell."""

    @property
    def name(self) -> str:
        """What a reader sees first: the title, or the address's host."""
        return self.title or urlsplit(self.url).hostname or self.url


@dataclass(frozen=True)
class Cell:
    """One cell of the comparison table: Markdown text, and where it comes from."""

    text: str
    source: str | None = None
    """The key of its source in the handout's sources (a URL given in the cell is
    its own key)."""
    as_of: datetime.date | None = None
    """The day the fact was checked; else its source's ``accessed`` day."""
    rating: tuple[int, int] | None = None
    """A score out of a maximum (``4/5``), drawn as filled and empty marks."""
    place: tuple[int, int] | None = field(default=None, compare=False)
    """Its line and column in the file it was read from."""
    origin: Path | None = field(default=None, compare=False)
    """That file, when it is not the handout's own: an item profile's."""


def read_sources(doc: YamlDoc, keys: tuple, errors: list) -> dict[str, Source]:
    """The ``sources:`` mapping at ``keys`` in ``doc``: key -> Source."""
    table = doc.data
    for key in keys:
        table = table.get(key) if isinstance(table, dict) else None
    if table is None:
        return {}
    if not isinstance(table, dict):
        errors.append(doc.error("'sources' must map a short key to a source "
                                "(title, url, accessed)", *keys))
        return {}
    if len(table) > MAX_SOURCES:
        errors.append(doc.error(f"'sources' lists {len(table)} sources; at most "
                                f"{MAX_SOURCES}", *keys))
        return {}
    sources = {}
    for key, entry in table.items():
        at = (*keys, key)
        if not isinstance(key, str) or not KEY_RE.match(key):
            errors.append(doc.error(f"source key '{key}' may use only letters, digits, "
                                    "'-', '_' and '.' (at most 64)", *at, at_key=True))
            continue
        if isinstance(entry, str):
            entry = {"url": entry}
        if not isinstance(entry, dict):
            errors.append(doc.error(f"source '{key}' must be a URL or a mapping of "
                                    "title, url and accessed", *at))
            continue
        found = len(errors)
        _unknown(doc, entry, SOURCE_KEYS, at, "source", errors)
        url = _url(doc, entry.get("url"), (*at, "url"), errors)
        title = entry.get("title", "")
        if not isinstance(title, str):
            errors.append(doc.error(f"the title of source '{key}' must be text",
                                    *at, "title"))
        elif len(title) > MAX_TITLE:
            errors.append(doc.error(f"the title of source '{key}' is {len(title):,} "
                                    f"characters long; at most {MAX_TITLE}", *at, "title"))
        accessed = _date(doc, entry, "accessed", at, errors)
        if len(errors) == found:
            where = doc.where(*at, "url") if "url" in entry else doc.where(*at)
            sources[key] = Source(url, title.strip(), accessed, where)
    return sources


def read_cell(doc: YamlDoc, at: tuple, value, sources: dict[str, Source],
              errors: list, label: str = "a cell") -> Cell | None:
    """The cell ``value`` found at ``at`` in ``doc``: text, a number, true/false
    (``yes``/``no``), or a mapping of value, source, as_of and rating; ``label``
    names it in messages. A URL given as a source is added to ``sources``. None
    (with errors) when it is malformed."""
    place = doc.where(*at)
    if isinstance(value, bool):
        return Cell("yes" if value else "no", place=place)
    if isinstance(value, (str, int, float)):
        return Cell(str(value), place=place)
    if not isinstance(value, dict):
        errors.append(doc.error(f"{label} must be text, or a mapping of value, source, "
                                "as_of and rating", *at))
        return None
    found = len(errors)
    _unknown(doc, value, CELL_KEYS, at, "cell", errors)
    text = value.get("value", "")
    if isinstance(text, bool):
        text = "yes" if text else "no"
    if not isinstance(text, (str, int, float)):
        errors.append(doc.error(f"the 'value' of {label} must be text", *at, "value"))
    rating = None
    if "rating" in value:
        rating = parse_rating(str(value["rating"]))
        if rating is None:
            errors.append(doc.error("'rating' must be a score such as 4/5 (at most "
                                    "10 marks)", *at, "rating"))
    elif "value" not in value:
        errors.append(doc.error(f"{label} needs a 'value' (or a 'rating')",
                                *at, at_key=True))
    source = value.get("source")
    if source is not None:
        source = _source_key(doc, source, (*at, "source"), sources, errors)
    as_of = _date(doc, value, "as_of", at, errors)
    if len(errors) > found:
        return None
    return Cell(str(text), source, as_of, rating, place)


def cell_type(cell: Cell, local: dict[str, str]) -> str:
    """'yes', 'no', 'partial', 'n/a' (the word in any case, in English or as
    ``local`` maps the handout's language's words), 'rating', or 'text'."""
    if cell.rating is not None:
        return "rating"
    word = cell.text.strip().casefold()
    return word if word in TYPES else local.get(word, "text")


def parse_rating(text: str) -> tuple[int, int] | None:
    """``4/5`` as (4, 5); None unless 0 <= score <= maximum <= 10, maximum >= 1."""
    match = RATING_RE.match(text)
    if match is None:
        return None
    score, most = int(match.group(1)), int(match.group(2))
    return (score, most) if 0 <= score <= most and 1 <= most <= 10 else None


def sheet_source(text: str, sources: dict[str, Source]) -> tuple[str | None, str]:
    """A spreadsheet's source column: (its key in ``sources``, or None with why)."""
    text = text.strip()
    if not text:
        return None, ""
    if text in sources:
        return text, ""
    problem = url_problem(text)
    if problem is None:
        sources.setdefault(text, Source(text))
        return text, ""
    if "://" in text:
        return None, problem
    hint = difflib.get_close_matches(text, list(sources), n=1)
    return None, (f"source '{text}' is neither a key of 'sources' nor a URL"
                  + (f"; did you mean '{hint[0]}'?" if hint else ""))


def parse_date(value) -> datetime.date | None:
    """A date from YAML or text (``2026-11-01``); None if it is none."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def url_problem(url: str) -> str | None:
    """Why ``url`` is no address a reader can open; None if it is one."""
    if len(url) > MAX_URL:
        return f"the address is {len(url):,} characters long; at most {MAX_URL:,}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "a source's address must start with http:// or https:// and name a host"
    if any(char.isspace() for char in url):
        return "a source's address may not contain spaces"
    return None


def _url(doc: YamlDoc, url, at: tuple, errors: list) -> str:
    if not isinstance(url, str) or not url.strip():
        errors.append(doc.error("a source needs a 'url'", *at[:-1]))
        return ""
    problem = url_problem(url.strip())
    if problem:
        errors.append(doc.error(problem, *at))
    return url.strip()


def _source_key(doc: YamlDoc, source, at: tuple, sources: dict[str, Source],
                errors: list) -> str | None:
    key, problem = sheet_source(source, sources) if isinstance(source, str) else (
        None, "a cell's 'source' must be a key of 'sources' or a URL")
    if problem:
        errors.append(doc.error(problem, *at))
    return key


def _date(doc: YamlDoc, mapping: dict, key: str, at: tuple,
          errors: list) -> datetime.date | None:
    if mapping.get(key) is None:
        return None
    date = parse_date(mapping[key])
    if date is None:
        errors.append(doc.error(f"'{key}' must be a date such as 2026-11-01", *at, key))
    return date


def _unknown(doc: YamlDoc, mapping: dict, known: tuple, at: tuple, what: str,
             errors: list) -> None:
    for key in mapping:
        if key not in known:
            hint = difflib.get_close_matches(str(key), known, n=1)
            errors.append(doc.error(
                f"unknown {what} key '{key}'" + (f"; did you mean '{hint[0]}'?" if hint
                                                 else f" (known: {', '.join(known)})"),
                *at, key, at_key=True))
