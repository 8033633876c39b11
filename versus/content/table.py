"""The comparison table: from the front matter, a YAML data file or a spreadsheet, as rows of cells."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError
from ..yamldoc import YamlDoc, load_yaml, nfc
from .facts import Cell, Source, parse_date, read_cell, read_sources, sheet_source
from .files import MAX_FILE_BYTES, data_files
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
               read_text: Callable[[Path], str]) -> Table:
    """The comparison table of handout ``path`` (front matter ``doc``) from its
    front matter or the data file beside it (read with ``read_text``); problems
    into ``errors``."""
    sources = read_sources(doc, ("sources",), errors)
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
        rows = _from_yaml(doc, ("attributes",), items, sources, errors)
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
            rows = _from_sheet(sheet, items, sources, errors)
            return Table(rows, data_file, tuple(sources.items()))
        data_doc = load_yaml(read_text(data_file), str(data_file))
    except ContentError as error:
        errors.append(error)
        return Table((), data_file)
    rows = _from_yaml(data_doc, (), items, sources, errors)
    return Table(rows, data_file, tuple(sources.items()))


def _from_sheet(sheet: Sheet, items: tuple[str, ...], sources: dict[str, Source],
                errors: list) -> tuple[Attribute, ...]:
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
            cells.append(Cell(text, key, as_of, place=(at.line, at.column)))
        column, named = row.winner
        best = None
        if named:
            best = _best(nfc(named), items)
            if best is None:
                errors.append(sheet.error(_not_an_item(named, items), row.line, column))
        rows.append(Attribute(row.name, tuple(cells), best))
    return tuple(rows)


def _from_yaml(doc: YamlDoc, keys: tuple, items: tuple[str, ...],
               sources: dict[str, Source], errors: list) -> tuple[Attribute, ...]:
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
        if not isinstance(cells, dict):
            errors.append(doc.error(f"attribute '{name}' must map each item to a value",
                                    *keys, name))
            continue
        # Items are names (text); YAML reads an item key like 2024 as a number.
        cells = {nfc(str(item).strip()): (item, value) for item, value in cells.items()}
        row = []
        for item in items:
            if item not in cells:
                errors.append(doc.error(f"attribute '{name}' has no value for item "
                                        f"'{item}'", *keys, name, at_key=True))
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
