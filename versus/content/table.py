"""The comparison table: from the front matter, a YAML data file or a spreadsheet, as rows of cells."""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError
from ..yamldoc import YamlDoc, load_yaml, nfc
from .facts import Cell, Source, parse_date, read_cell, read_sources, sheet_source
from .files import MAX_FILE_BYTES, data_files
from .items import Profile
from .spreadsheet import MAX_ROWS, XLSX_SUFFIX, Sheet, read_csv, read_xlsx
from .spreadsheet import table as sheet_table


WINNER = "winner"
"""The key of a row that names its best item."""


@dataclass(frozen=True)
class Attribute:
    """One row of the comparison table: a name and one cell per item."""

    name: str
    cells: tuple[Cell, ...]
    winner: int | None = None
    """The item (by its place) the row names as the best, if any."""

    @property
    def values(self) -> tuple[str, ...]:
        """Each cell's Markdown text."""
        return tuple(cell.text for cell in self.cells)


@dataclass(frozen=True)
class Table:
    """A handout's comparison table, the file it came from, and its sources."""

    attributes: tuple[Attribute, ...] = ()
    data_file: Path | None = None
    sources: tuple[tuple[str, Source], ...] = ()


def load_table(path: Path, doc: YamlDoc, items: tuple[str, ...], errors: list,
               read_text: Callable[[Path], str],
               profiles: tuple[Profile | None, ...] = ()) -> Table:
    """The comparison table of handout ``path`` (front matter ``doc``) from its
    front matter or the data file beside it (read with ``read_text``); problems
    into ``errors``. A cell the table leaves out or empty takes the fact of its
    item's profile (``profiles``, one per item or None), if it has one."""
    sources = read_sources(doc, ("sources",), errors)
    facts = Facts(profiles or (None,) * len(items), sources)
    sidecars = data_files(path)
    in_front = "attributes" in doc.data
    if len(sidecars) > 1 or (sidecars and in_front):
        names = ", ".join(p.name for p in sidecars)
        where = ("front matter and " if in_front else "") + names
        errors.append(ContentError(f"the comparison table is given twice ({where}); "
                                   "keep one", path, *doc.where_key("attributes")
                                   if in_front else (1, 1)))
        return Table()
    if in_front:
        rows = _from_yaml(doc, ("attributes",), items, facts, errors)
        return Table(rows, None, tuple(sources.items()))
    if not sidecars:
        errors.append(ContentError(
            "missing 'attributes': give the comparison table in the front matter "
            f"or in {path.with_suffix('.yaml').name}, {path.with_suffix('.csv').name} "
            f"or {path.with_suffix(XLSX_SUFFIX).name}",
            path, 1, 1))
        return Table()
    data_file = sidecars[0]
    try:
        if data_file.suffix in (".csv", XLSX_SUFFIX):
            sheet = (read_xlsx(data_file, MAX_FILE_BYTES) if data_file.suffix == XLSX_SUFFIX
                     else read_csv(read_text(data_file), data_file))
            rows = _from_sheet(sheet, items, facts, errors)
            return Table(rows, data_file, tuple(sources.items()))
        data_doc = load_yaml(read_text(data_file), str(data_file))
    except ContentError as error:
        errors.append(error)
        return Table((), data_file)
    rows = _from_yaml(data_doc, (), items, facts, errors)
    return Table(rows, data_file, tuple(sources.items()))


class Facts:
    """The handout's sources, and its items' profiles: what a cell left out takes."""

    def __init__(self, profiles: tuple[Profile | None, ...], sources: dict[str, Source]):
        self.profiles, self.sources = profiles, sources

    def cell(self, position: int, attribute: str) -> Cell | None:
        """The fact the profile of item ``position`` gives for ``attribute``, its
        source among the handout's (named after the profile: two profiles, or a
        profile and the handout, may use one key for different sources)."""
        profile = self.profiles[position]
        cell = profile.fact(attribute) if profile is not None else None
        if cell is None:
            return None
        key = cell.source
        if key is not None:
            source = dict(profile.sources)[key]
            key = key if source.place is None else f"{profile.slug}/{key}"
            self.sources.setdefault(key, dataclasses.replace(source, place=None))
        return dataclasses.replace(cell, source=key, origin=profile.path)

    def missing(self, attribute: str, item: str, position: int) -> str:
        """Why ``attribute`` has no value for ``item``."""
        profile = self.profiles[position]
        where = (f", nor does its profile content/items/{profile.path.name} give it"
                 if profile is not None else "")
        return f"attribute '{attribute}' has no value for item '{item}'{where}"


def _from_sheet(sheet: Sheet, items: tuple[str, ...], facts: Facts,
                errors: list) -> tuple[Attribute, ...]:
    sources = facts.sources
    rows = []
    for row in sheet_table(sheet, items, errors):
        cells = []
        for position, (text, ((source_at, source), (date_at, date))) in enumerate(
                zip(row.values, row.facts)):
            key, problem = sheet_source(source, sources)
            if problem:
                errors.append(sheet.error(problem, row.line, source_at))
            as_of = parse_date(date) if date else None
            if date and as_of is None:
                errors.append(sheet.error(f"'{date}' is not a date such as 2026-11-01",
                                          row.line, date_at))
            at = sheet.error("", row.line, row.columns[position])
            if not text and not key and (fact := facts.cell(position, row.name)):
                cells.append(fact)
                continue
            cells.append(Cell(text, key, as_of, place=(at.line, at.column)))
        column, named = row.winner
        best = None
        if named:
            best = _best(nfc(named), items)
            if best is None:
                errors.append(sheet.error(_not_an_item(named, items), row.line, column))
        rows.append(Attribute(row.name, tuple(cells), best))
    return tuple(rows)


def _from_yaml(doc: YamlDoc, keys: tuple, items: tuple[str, ...], facts: Facts,
               errors: list) -> tuple[Attribute, ...]:
    sources = facts.sources
    table = doc.data
    for key in keys:
        table = table.get(key)
    if not isinstance(table, dict) or not table:
        errors.append(doc.error("attributes must map each attribute name to its values "
                                "per item", *keys))
        return ()
    if len(table) > MAX_ROWS:
        errors.append(doc.error(f"the comparison table has {len(table)} rows; at most "
                                f"{MAX_ROWS} are allowed", *keys))
        return ()
    rows = []
    for name, cells in table.items():
        if not isinstance(name, str) or not name.strip():
            errors.append(doc.error("an attribute name must be text", *keys, name,
                                    at_key=True))
            continue
        if cells is None and any(facts.profiles):
            cells = {}  # every value from the items' profiles
        if not isinstance(cells, dict):
            errors.append(doc.error(f"attribute '{name}' must map each item to a value",
                                    *keys, name))
            continue
        # Items are names (text); YAML reads an item key like 2024 as a number.
        cells = {nfc(str(item).strip()): (item, value) for item, value in cells.items()}
        row = []
        for position, item in enumerate(items):
            given = cells.get(item, (None, None))[1]
            if (given is None or given == "") and (
                    fact := facts.cell(position, str(name))) is not None:
                row.append(fact)
                continue
            if item not in cells:
                errors.append(doc.error(facts.missing(name, item, position),
                                        *keys, name, at_key=True))
                continue
            key, value = cells[item]
            if value is None:
                row.append(Cell("", place=doc.where(*keys, name, key)))
            elif (cell := read_cell(doc, (*keys, name, key), value, sources, errors,
                                    f"attribute '{name}' of item '{item}'")) is not None:
                row.append(cell)
        winner = None
        if WINNER in cells and WINNER not in items:
            winner = _winner(doc, (*keys, name, cells.pop(WINNER)[0]), items, errors)
        for extra in cells:
            if extra not in items:
                errors.append(doc.error(f"attribute '{name}' names '{extra}', which is "
                                        f"not an item (items are {list(items)})",
                                        *keys, name, extra, at_key=True))
        rows.append(Attribute(nfc(name.strip()), tuple(row), winner))
    return tuple(rows)


def _winner(doc: YamlDoc, at: tuple, items: tuple[str, ...], errors: list) -> int | None:
    """The place among ``items`` of the item a row's ``winner:`` names."""
    table = doc.data
    for key in at:
        table = table[key]
    name = nfc(str(table).strip()) if isinstance(table, (str, int, float)) else None
    best = _best(name, items)
    if best is None:
        errors.append(doc.error(_not_an_item(name, items), *at))
    return best


def _best(name: str | None, items: tuple[str, ...]) -> int | None:
    return items.index(name) if name in items else None


def _not_an_item(name: str | None, items: tuple[str, ...]) -> str:
    hint = difflib.get_close_matches(str(name), items, n=1) if name else []
    return (f"'winner' must name one of the items {list(items)}"
            + (f"; did you mean '{hint[0]}'?" if hint else ""))
