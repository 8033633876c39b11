"""Comparison tables from spreadsheets: sniffed CSV delimiters, columns matched by
name, and .xlsx workbooks (with openpyxl, the optional extra)."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pytest

import versus.content.spreadsheet as spreadsheet
from support.files import write
from versus.content.handouts import load_handout
from versus.errors import Problems
from versus.build.pipeline import BuildOptions, build
from versus.settings import Settings

HANDOUT = "---\nitems: [Kafka, Pulsar]\n---\nLead.\n"


def handout(root: Path) -> Path:
    return write(root, "content/a-vs-b.md", HANDOUT)


def load(root: Path):
    return load_handout(handout(root), "a-vs-b", Settings())


def errors(root: Path) -> list[str]:
    with pytest.raises(Problems) as caught:
        load(root)
    return [str(error) for error in caught.value.errors]


def workbook(root: Path, rows: list[list], title: str = "Table") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    path = root / "content" / "a-vs-b.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def table(handout) -> list[tuple[str, tuple[str, ...]]]:
    return [(row.name, row.values) for row in handout.attributes]


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_csv_delimiter_is_sniffed_and_columns_match_by_name(tmp_path, delimiter):
    rows = [["Attribute", "Pulsar", "Kafka"], ["Focus", "queues, streams", "logs"],
            ["Latency", "low", "lower"]]
    text = "\n".join(delimiter.join(f'"{c}"' if "," in c else c for c in row)
                     for row in rows) + "\n"
    write(tmp_path, "content/a-vs-b.csv", text)
    assert table(load(tmp_path)) == [("Focus", ("logs", "queues, streams")),
                                     ("Latency", ("lower", "low"))]


def test_a_semicolon_csv_with_trailing_separators_loads(tmp_path):
    write(tmp_path, "content/a-vs-b.csv", "Attribute;Kafka;Pulsar;\nFocus;logs;queues;\n")
    assert table(load(tmp_path)) == [("Focus", ("logs", "queues"))]


def test_an_unknown_column_is_named_at_its_place(tmp_path):
    write(tmp_path, "content/a-vs-b.csv", "Attribute;Kafka;Pulsr\nFocus;logs;queues\n")
    found = errors(tmp_path)
    path = tmp_path / "content" / "a-vs-b.csv"
    assert f"{path}:1:17: column 'Pulsr' is not an item (items are ['Kafka', 'Pulsar'])" \
        in found
    assert any("no column for 'Pulsar'" in error for error in found)


def test_xlsx_columns_match_by_name(tmp_path):
    workbook(tmp_path, [["Attribute", "Pulsar", "Kafka"], ["Focus", "queues", "logs"],
                        ["Partitions", 3, 2.0], [None, None, None], ["Max", 1.5, None]])
    handout_ = load(tmp_path)
    assert handout_.data_file == tmp_path / "content" / "a-vs-b.xlsx"
    assert table(handout_) == [("Focus", ("logs", "queues")), ("Partitions", ("2", "3")),
                               ("Max", ("", "1.5"))]


def test_xlsx_problems_name_the_cell(tmp_path):
    workbook(tmp_path, [["Attribute", "Kafka", "Pulsar", "Redis"], ["Focus", 1, 2, 3],
                        ["Focus", 4, 5, 6]], title="Data")
    path = tmp_path / "content" / "a-vs-b.xlsx"
    assert errors(tmp_path) == [
        f"{path}:1:4: column 'Redis' is not an item (items are ['Kafka', 'Pulsar']) "
        "(cell Data!D1)"]


def test_xlsx_duplicate_attribute_is_named_at_its_row(tmp_path):
    workbook(tmp_path, [["Attribute", "Kafka", "Pulsar"], ["Focus", 1, 2], ["Focus", 4, 5]])
    path = tmp_path / "content" / "a-vs-b.xlsx"
    assert errors(tmp_path) == [f"{path}:3:1: attribute 'Focus' is given twice "
                                "(cell Table!A3)"]


def test_xlsx_without_openpyxl_says_how_to_install_it(tmp_path, monkeypatch):
    workbook(tmp_path, [["Attribute", "Kafka", "Pulsar"], ["Focus", 1, 2]])
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    [error] = errors(tmp_path)
    assert error.endswith("a-vs-b.xlsx: reading .xlsx needs openpyxl: "
                          "pip install versus[xlsx]")


def test_xlsx_that_unpacks_too_far_is_refused(tmp_path, monkeypatch):
    workbook(tmp_path, [["Attribute", "Kafka", "Pulsar"], ["Focus", 1, 2]])
    monkeypatch.setattr(spreadsheet, "MAX_UNPACKED_BYTES", 1024)
    [error] = errors(tmp_path)
    assert "the workbook unpacks to more than" in error and "refused" in error


def test_a_broken_xlsx_is_one_error(tmp_path):
    write(tmp_path, "content/a-vs-b.xlsx", b"PK\x03\x04 not really a zip")
    [error] = errors(tmp_path)
    assert "a-vs-b.xlsx: not a readable .xlsx workbook" in error


def test_xlsx_rows_past_the_cap_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 3)
    workbook(tmp_path, [["Attribute", "Kafka", "Pulsar"]]
             + [[f"Row {n}", n, n] for n in range(10)])
    [error] = errors(tmp_path)
    assert ":5:1: the comparison table has more than 3 rows; at most 3 are allowed" in error


def test_editing_the_xlsx_rebuilds_the_page(tmp_path):
    handout(tmp_path)
    workbook(tmp_path, [["Attribute", "Kafka", "Pulsar"], ["Focus", "logs", "queues"]])
    options = BuildOptions(formats=("html",), jobs=1)
    assert build(tmp_path, options).ok
    assert not build(tmp_path, options).built
    workbook(tmp_path, [["Attribute", "Kafka", "Pulsar"], ["Focus", "logs", "topics"]])
    report = build(tmp_path, options)
    assert report.ok and report.built
    page = (tmp_path / "output" / "html" / "a-vs-b.html").read_text()
    assert "topics" in page
