"""Sourced cells: a cell with a source and a date, from the front matter, a YAML data
file, CSV and .xlsx columns; the handout's ``sources:``; every wrong shape an error
at its place."""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
import pytest

from support.files import write
from versus.content.facts import Cell, Source
from versus.content.handouts import load_handout
from versus.errors import Problems
from versus.settings import Settings

SOURCES = """\
sources:
  pg-docs: {title: PostgreSQL 17 documentation, url: "https://www.postgresql.org/docs/17/", accessed: 2026-11-01}
"""
HEAD = "---\nitems: [PostgreSQL, MySQL]\n"


def handout(root: Path, front: str, **sidecars: str) -> Path:
    for suffix, text in sidecars.items():
        write(root, f"content/pg-vs-my.{suffix}", text)
    return write(root, "content/pg-vs-my.md", HEAD + front + "---\nLead.\n")


def load(root: Path, front: str, **sidecars: str):
    return load_handout(handout(root, front, **sidecars), "pg-vs-my", Settings())


def errors(root: Path, front: str, **sidecars: str) -> list[str]:
    with pytest.raises(Problems) as caught:
        load(root, front, **sidecars)
    return [str(error) for error in caught.value.errors]


def test_a_cell_may_name_a_source_by_key_or_url_and_carry_a_date(tmp_path):
    handout = load(tmp_path, SOURCES + """\
attributes:
  Licence:
    PostgreSQL:
      value: PostgreSQL Licence
      source: https://www.postgresql.org/about/licence/
      as_of: 2026-11-01
    MySQL: GPLv2
  JSON:
    PostgreSQL: {value: jsonb, source: pg-docs, as_of: "2026-10-02"}
    MySQL: {value: JSON type}
""")
    licence, json = handout.attributes
    assert licence.cells == (
        Cell("PostgreSQL Licence", "https://www.postgresql.org/about/licence/",
             datetime.date(2026, 11, 1)),
        Cell("GPLv2"))
    assert licence.values == ("PostgreSQL Licence", "GPLv2")
    assert json.cells[0] == Cell("jsonb", "pg-docs", datetime.date(2026, 10, 2))
    sources = dict(handout.sources)
    assert sources["pg-docs"] == Source("https://www.postgresql.org/docs/17/",
                                        "PostgreSQL 17 documentation",
                                        datetime.date(2026, 11, 1))
    assert sources["https://www.postgresql.org/about/licence/"].name == "www.postgresql.org"


def test_a_yaml_data_file_takes_the_mapping_form(tmp_path):
    handout = load(tmp_path, SOURCES, yaml="""\
Licence:
  PostgreSQL: {value: PostgreSQL Licence, source: pg-docs}
  MySQL: GPLv2
""")
    assert handout.attributes[0].cells[0].source == "pg-docs"


def test_unquoted_yes_and_no_are_cells_not_errors(tmp_path):
    handout = load(tmp_path, "attributes:\n  JSON:\n    PostgreSQL: yes\n    MySQL: No\n")
    assert handout.attributes[0].values == ("yes", "no")


@pytest.mark.parametrize(("cell", "message"), [
    ("[a, b]", "7:17: attribute 'JSON' of item 'PostgreSQL' must be text, or a mapping "
               "of value, source, as_of and rating"),
    ("{value: x, sorce: pg-docs}", "7:28: unknown cell key 'sorce'; did you mean "
                                   "'source'?"),
    ("{value: x, source: pg-doc}", "7:36: source 'pg-doc' is neither a key of 'sources' "
                                   "nor a URL; did you mean 'pg-docs'?"),
    ("{value: x, source: 'ftp://x.org/a'}", "7:36: a source's address must start with "
                                            "http:// or https:// and name a host"),
    ("{value: x, as_of: 2026-13-01}", "7:35: 'as_of' must be a date such as 2026-11-01"),
    ("{source: pg-docs}", "7:5: attribute 'JSON' of item 'PostgreSQL' needs a 'value' "
                          "(or a 'rating')"),
    ("{value: [x]}", "7:25: the 'value' of attribute 'JSON' of item 'PostgreSQL' must be "
                     "text"),
])
def test_a_wrong_cell_is_an_error_at_its_place(tmp_path, cell, message):
    found = errors(tmp_path, SOURCES + f"attributes:\n  JSON:\n    PostgreSQL: {cell}\n"
                                       "    MySQL: x\n")
    assert found == [f"{tmp_path / 'content/pg-vs-my.md'}:{message}"]


@pytest.mark.parametrize(("sources", "message"), [
    ("sources: [a]", "3:10: 'sources' must map a short key to a source (title, url, "
                     "accessed)"),
    ("sources:\n  pg: {title: x}", "4:7: a source needs a 'url'"),
    ("sources:\n  pg: {url: 'https://a.org', acessed: 2026-01-01}",
     "4:30: unknown source key 'acessed'; did you mean 'accessed'?"),
    ("sources:\n  pg: {url: 'https://a.org', accessed: soon}",
     "4:40: 'accessed' must be a date such as 2026-11-01"),
    ("sources:\n  pg: {url: 'https://a.org', title: " + "x" * 301 + "}",
     "4:37: the title of source 'pg' is 301 characters long; at most 300"),
    ("sources:\n  'p g': 'https://a.org'", "4:3: source key 'p g' may use only letters, "
                                           "digits, '-', '_' and '.' (at most 64)"),
])
def test_a_wrong_source_is_an_error_at_its_place(tmp_path, sources, message):
    found = errors(tmp_path, sources + "\nattributes:\n  JSON:\n    PostgreSQL: x\n"
                                       "    MySQL: y\n")
    assert found == [f"{tmp_path / 'content/pg-vs-my.md'}:{message}"]


CSV = """\
Attribute,PostgreSQL,PostgreSQL source,PostgreSQL as of,MySQL,MySQL Source
Licence,PostgreSQL Licence,pg-docs,2026-11-01,GPLv2,https://www.mysql.com/about/legal/
JSON,jsonb,,,JSON type,
"""


def test_csv_source_and_as_of_columns_beside_an_item(tmp_path):
    handout = load(tmp_path, SOURCES, csv=CSV)
    licence, json = handout.attributes
    assert licence.cells == (
        Cell("PostgreSQL Licence", "pg-docs", datetime.date(2026, 11, 1)),
        Cell("GPLv2", "https://www.mysql.com/about/legal/"))
    assert json.cells == (Cell("jsonb"), Cell("JSON type"))


def test_a_csv_source_that_is_no_key_nor_url_is_named_at_its_cell(tmp_path):
    found = errors(tmp_path, SOURCES, csv=CSV.replace(",pg-docs,", ",pg-doc,")
                   .replace("2026-11-01", "1 Nov"))
    path = tmp_path / "content/pg-vs-my.csv"
    assert found == [
        f"{path}:2:1: source 'pg-doc' is neither a key of 'sources' nor a URL; "
        "did you mean 'pg-docs'?",
        f"{path}:2:1: '1 Nov' is not a date such as 2026-11-01"]


def test_xlsx_source_and_as_of_columns_beside_an_item(tmp_path):
    book = openpyxl.Workbook()
    for row in (["Attribute", "PostgreSQL", "PostgreSQL source", "PostgreSQL as of",
                 "MySQL"],
                ["Licence", "PostgreSQL Licence", "pg-docs", datetime.date(2026, 11, 1),
                 "GPLv2"]):
        book.active.append(row)
    (tmp_path / "content").mkdir()
    book.save(tmp_path / "content/pg-vs-my.xlsx")
    handout = load(tmp_path, SOURCES)
    assert handout.attributes[0].cells == (
        Cell("PostgreSQL Licence", "pg-docs", datetime.date(2026, 11, 1)), Cell("GPLv2"))


def test_a_source_column_for_no_item_is_refused(tmp_path):
    found = errors(tmp_path, SOURCES, csv="Attribute,PostgreSQL,MySQL,Oracle source\n"
                                          "Licence,a,b,c\n")
    assert found == [f"{tmp_path / 'content/pg-vs-my.csv'}:1:28: column 'Oracle source' "
                     "is not an item (items are ['PostgreSQL', 'MySQL'])"]


def test_a_winner_column_names_each_rows_best_item(tmp_path):
    handout = load(tmp_path, SOURCES, csv="Attribute,PostgreSQL,MySQL,Winner\n"
                                          "Licence,a,b,MySQL\nJSON,c,d,\n")
    assert [row.winner for row in handout.attributes] == [1, None]


def test_a_winner_that_is_no_item_is_named_at_its_cell(tmp_path):
    found = errors(tmp_path, SOURCES, csv="Attribute,PostgreSQL,MySQL,Winner\n"
                                          "Licence,a,b,MySQ\n")
    assert found == [f"{tmp_path / 'content/pg-vs-my.csv'}:2:1: 'winner' must name one "
                     "of the items ['PostgreSQL', 'MySQL']; did you mean 'MySQL'?"]
