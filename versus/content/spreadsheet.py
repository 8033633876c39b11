"""Comparison tables from spreadsheets: CSV (``,`` ``;`` or tab) and ``.xlsx``.

The first row is the header, ``Attribute`` then the items, in any order; each
column is matched to an item by name, and optional ``<item> source`` and
``<item> as of`` columns give its cells' sources and dates. A ``.xlsx`` workbook is read with openpyxl
(the optional extra ``versus[xlsx]``) in read-only mode, after its unpacked size
is checked, so a zip bomb is refused before it is inflated. Every problem is a
``ContentError`` at ``path:line:col`` (a workbook's row and column, its cell named
in the message).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError
from ..yamldoc import nfc

MAX_ROWS = 500
"""Rows a comparison table may have: a printed handout never needs more."""
MAX_COLUMNS = 16
"""Columns read from a workbook: an attribute and up to 6 items, with room to spare."""
MAX_UNPACKED_BYTES = 32 * 1024 * 1024
"""What a workbook may inflate to: more is a zip bomb, not a comparison table."""
DELIMITERS = ",;\t"
"""What a spreadsheet program writes between CSV cells, whatever its locale."""
XLSX_SUFFIX = ".xlsx"
FACT_COLUMN_RE = re.compile(r"^(.+?)\s+(source|as of)$", re.IGNORECASE)
"""A column beside an item's: ``<item> source`` or ``<item> as of``."""
WINNER_COLUMN = "winner"
"""The optional column naming each row's best item."""


@dataclass
class Sheet:
    """A table's rows as text, each with its line (CSV) or row (workbook) number."""

    path: Path
    rows: list[tuple[int, list[str]]]
    name: str | None = None
    """The worksheet's name; None for CSV."""
    header_text: str = ""
    """The header's raw line (CSV), to find a column's character position."""

    def error(self, message: str, line: int, index: int = 0) -> ContentError:
        """A ContentError at cell ``index`` (0-based) of row ``line``."""
        if self.name is None:
            return ContentError(message, self.path, line, self._csv_column(line, index))
        cell = f"{_column_letters(index + 1)}{line}"
        return ContentError(f"{message} (cell {self.name}!{cell})", self.path, line, index + 1)

    def _csv_column(self, line: int, index: int) -> int:
        if index == 0 or not self.rows or line != self.rows[0][0]:
            return 1
        position = 0
        for cell in self.rows[0][1][:index + 1]:
            found = self.header_text.find(cell, position)
            if found < 0:
                return 1
            position = found + len(cell)
        return position - len(self.rows[0][1][index]) + 1


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


SNIFF_CHARS = 4096
"""At most this much of a CSV file is read to guess its delimiter."""


def read_csv(text: str, path: Path) -> Sheet:
    """The non-blank rows of CSV ``text``, its delimiter sniffed among ``,`` ``;`` tab."""
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise ContentError(f"invalid CSV: {error}", path, reader.line_num, 1) from None
    rows = [(line, row) for line, row in rows if any(cell.strip() for cell in row)]
    header_text = text.split("\n")[rows[0][0] - 1] if rows else ""
    return Sheet(path, rows, header_text=header_text)


def _delimiter(text: str) -> str:
    """The delimiter of the first lines; a comma when they leave it open (one column)."""
    # The sniffer's time grows with the square of its sample (48 KB of ';"x' took
    # 10 s): it sees the first lines, at most SNIFF_CHARS of them, whole lines
    # where the first fits.
    sample = "\n".join(text[:SNIFF_CHARS + 1].split("\n", 20)[:20])
    if len(sample) > SNIFF_CHARS:
        sample = sample[:SNIFF_CHARS].rpartition("\n")[0] or sample[:SNIFF_CHARS]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def read_xlsx(path: Path, max_bytes: int) -> Sheet:
    """The non-blank rows of the workbook's first sheet, as text."""
    try:
        import openpyxl
    except ImportError:
        raise ContentError("reading .xlsx needs openpyxl: pip install versus[xlsx]",
                           path) from None
    _check_archive(path, max_bytes)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken workbook
        raise ContentError(f"not a readable .xlsx workbook ({type(error).__name__})",
                           path) from None
    try:
        if not book.worksheets:
            raise ContentError("the workbook has no worksheet (a chart sheet holds no "
                               "table)", path, 1, 1)
        sheet = book.worksheets[0]
        with warnings.catch_warnings():  # what openpyxl warns of is reported, or harmless
            warnings.simplefilter("ignore")
            return Sheet(path, _trimmed(_rows(path, sheet)), name=sheet.title)
    finally:
        book.close()


def _rows(path: Path, sheet) -> list[tuple[int, list[str]]]:
    """The non-blank rows of ``sheet`` as text; a cell openpyxl cannot read, or
    one that holds a formula's error, is a ContentError."""
    rows, number = [], 0
    cells = iter(sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS))
    while True:
        try:
            row = next(cells, None)
        except Exception as error:  # openpyxl raises many kinds for a broken cell
            raise ContentError(f"row {number + 1} has a cell that cannot be read "
                               f"({type(error).__name__}: {error})", path,
                               number + 1, 1) from None
        if row is None:
            return rows
        number += 1
        for index, cell in enumerate(row):
            if getattr(cell, "data_type", None) == "e":
                raise Sheet(path, [], name=sheet.title).error(
                    f"the cell holds an error value {cell.value or ''}".rstrip()
                    + ": give the value itself",
                    number, index)
        texts = [_text(cell.value) for cell in row]
        if any(text.strip() for text in texts):
            rows.append((number, texts))


def _trimmed(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """``rows`` cut to the columns any of them fills: a workbook is read
    ``MAX_COLUMNS`` wide, and the blank cells past its table are no empty cells."""
    width = max((max(i for i, text in enumerate(texts) if text.strip()) + 1
                 for _, texts in rows), default=0)
    return [(number, (texts + [""] * width)[:width]) for number, texts in rows]


def _check_archive(path: Path, max_bytes: int) -> None:
    """Refuse a workbook too large on disk, or one that would inflate too far."""
    try:
        if path.stat().st_size > max_bytes:
            raise ContentError(f"file is larger than {max_bytes // 1024 // 1024} MiB", path)
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise ContentError(f"not a readable .xlsx workbook ({error})", path) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ContentError(f"the workbook unpacks to more than "
                           f"{MAX_UNPACKED_BYTES // 1024 // 1024} MiB; refused", path)


def _text(value) -> str:
    """A cell's value as the text a reader sees: 3 not 3.0, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat() if not isinstance(value, datetime.datetime) or any(
            (value.hour, value.minute, value.second)) else value.date().isoformat()
    return str(value)


@dataclass(frozen=True)
class Row:
    """One attribute row of a sheet: per item, its value and what the optional
    ``<item> source`` and ``<item> as of`` columns say, with their columns."""

    line: int
    name: str
    values: tuple[str, ...]
    facts: tuple[tuple[tuple[int, str], tuple[int, str]], ...]
    """Per item: (column, text) of its source and of its date; column -1: none."""
    columns: tuple[int, ...] = ()
    """Per item: the column of its value."""
    winner: tuple[int, str] = (-1, "")
    """(column, text) of the row's ``Winner`` cell; column -1: no such column."""


def table(sheet: Sheet, items: tuple[str, ...], errors: list) -> list[Row]:
    """The attribute rows, values in the order of ``items``; the header's columns
    are matched to the items by name, in any order."""
    if not sheet.rows:
        kind = "empty CSV" if sheet.name is None else f"empty sheet '{sheet.name}'"
        errors.append(ContentError(f"{kind}: expected a header "
                                   f"'Attribute,{','.join(items)}'", sheet.path, 1, 1))
        return []
    (header_line, header), body = sheet.rows[0], sheet.rows[1:]
    while len(header) > 1 and not header[-1].strip():
        header = header[:-1]  # a spreadsheet's trailing empty cells (and columns)
    if len(body) > MAX_ROWS:
        # a workbook is read no further than the first row past the cap
        count = len(body) if sheet.name is None else f"more than {MAX_ROWS}"
        errors.append(sheet.error(f"the comparison table has {count} rows; at most "
                                  f"{MAX_ROWS} are allowed", body[MAX_ROWS][0]))
        return []
    columns = _columns(sheet, header_line, header, items, errors)
    if columns is None:
        return []
    order, extra, winner = columns
    rows, seen = [], set()
    for line, row in body:
        name = nfc(row[0].strip())
        if len(row) > len(header) and not any(cell.strip() for cell in row[len(header):]):
            row = row[:len(header)]
        if len(row) != len(header):
            errors.append(sheet.error(f"row '{name}' has {len(row) - 1} values for "
                                      f"{len(header) - 1} items", line))
        elif not name:
            errors.append(sheet.error("a row has no attribute name", line))
        elif name in seen:
            errors.append(sheet.error(f"attribute '{name}' is given twice", line))
        else:
            seen.add(name)
            facts = tuple(tuple((index, row[index].strip()) if index >= 0 else (-1, "")
                                for index in extra[position])
                          for position in range(len(items)))
            rows.append(Row(line, name, tuple(row[index].strip() for index in order),
                            facts, tuple(order),
                            (winner, row[winner].strip()) if winner >= 0 else (-1, "")))
    if not rows and not errors:
        errors.append(sheet.error("no attribute rows below the header", header_line))
    return rows


def _columns(sheet: Sheet, line: int, header: list[str], items: tuple[str, ...],
             errors: list) -> tuple[list[int], list[list[int]], int] | None:
    """The column of each item, of its source and date columns, and of the
    ``Winner`` column (-1: none); None (with errors) when the header does not fit."""
    found = len(errors)
    if header[0].strip().lower() != "attribute":
        errors.append(sheet.error(f"the first column must be 'Attribute', not "
                                  f"'{header[0].strip()}'", line))
    columns: dict[str, int] = {}
    extra, winner = [[-1, -1] for _ in items], -1
    for index, cell in enumerate(header[1:], start=1):
        name = nfc(cell.strip())
        fact = FACT_COLUMN_RE.match(name)
        if name not in items and name.casefold() == WINNER_COLUMN:
            if winner >= 0:
                errors.append(sheet.error(f"column '{name}' is given twice", line, index))
            winner = index
        elif name not in items and fact and fact.group(1) in items:
            slot = extra[items.index(fact.group(1))]
            kind = 0 if fact.group(2).lower() == "source" else 1
            if slot[kind] >= 0:
                errors.append(sheet.error(f"column '{name}' is given twice", line, index))
            slot[kind] = index
        elif name not in items:
            errors.append(sheet.error(f"column '{name}' is not an item (items are "
                                      f"{list(items)})", line, index))
        elif name in columns:
            errors.append(sheet.error(f"item '{name}' has two columns", line, index))
        columns.setdefault(name, index)
    missing = [item for item in items if item not in columns]
    if missing:
        listed = ", ".join(f"'{name}'" for name in columns) or "no items"
        errors.append(sheet.error(f"header names {listed}, but items are {list(items)}: "
                                  f"no column for {', '.join(map(repr, missing))}", line))
    return None if len(errors) > found else ([columns[item] for item in items], extra,
                                             winner)
