"""Item profiles (content/items/<item-slug>.yaml): read once, their facts filling the
cells a handout leaves out, every wrong shape an error at path:line:col."""

from __future__ import annotations

import pytest

from support.files import write
from versus.content.handouts import read_text, load_handout
from versus.content.items import load_profiles, read_profiles
from versus.errors import Problems
from versus.settings import Settings

POSTGRES = """\
name: PostgreSQL
aliases: [Postgres, PG]
summary: The open-source object-relational database.
website: https://www.postgresql.org/
sources:
  docs: {title: PostgreSQL licence, url: "https://www.postgresql.org/about/licence/"}
facts:
  Licence: {value: PostgreSQL Licence, source: docs, as_of: 2026-11-01}
  First release: 1996
  Replication: yes
"""


def handout(items: str, table: str) -> str:
    return f"---\nitems: [{items}]\nattributes:\n{table}---\nText.\n"


@pytest.fixture
def project(tmp_path):
    write(tmp_path, "content/items/postgresql.yaml", POSTGRES)
    return tmp_path


def load(project, slug="a"):
    return load_handout(project / "content" / f"{slug}.md", slug, Settings())


def test_a_left_out_cell_takes_the_profile_fact_with_its_source(project):
    write(project, "content/a.md", handout(
        "PostgreSQL, MySQL", "  Licence:\n    MySQL: GPL v2\n  First release:\n"
                             "    MySQL: 1995\n"))
    loaded = load(project)
    licence, first = loaded.attributes
    assert licence.values == ("PostgreSQL Licence", "GPL v2")
    assert first.values == ("1996", "1995")
    cell = licence.cells[0]
    assert cell.origin == project / "content" / "items" / "postgresql.yaml"
    assert cell.as_of.isoformat() == "2026-11-01"
    sources = dict(loaded.sources)
    assert sources[cell.source].url == "https://www.postgresql.org/about/licence/"
    assert cell.source == "postgresql/docs", "named after its profile"
    assert loaded.profiles[0].summary.startswith("The open-source")
    assert loaded.profiles[1] is None
    assert project / "content/items/postgresql.yaml" in loaded.inputs


def test_the_handout_value_wins_over_the_profile(project):
    write(project, "content/a.md", handout(
        "PostgreSQL, MySQL", "  Licence:\n    PostgreSQL: BSD-like\n    MySQL: GPL\n"))
    assert load(project).attributes[0].values == ("BSD-like", "GPL")


def test_an_alias_in_any_case_names_the_profile(project):
    write(project, "content/a.md", handout("postgres, SQLite",
                                           "  Replication:\n    SQLite: no\n"))
    loaded = load(project)
    assert loaded.attributes[0].values == ("yes", "no")
    assert loaded.profiles[0].slug == "postgresql"


def test_an_attribute_listed_with_no_values_takes_every_profile_fact(project):
    write(project, "content/items/mysql.yaml", "name: MySQL\nfacts:\n  Licence: GPL v2\n")
    write(project, "content/a.md", handout("PostgreSQL, MySQL", "  Licence:\n"))
    assert load(project).attributes[0].values == ("PostgreSQL Licence", "GPL v2")


def test_no_value_anywhere_is_an_error_naming_both_files(project):
    write(project, "content/a.md", handout("PostgreSQL, MySQL",
                                           "  Storage:\n    MySQL: InnoDB\n"))
    with pytest.raises(Problems) as raised:
        load(project)
    error = raised.value.errors[0]
    assert str(error.path).endswith("content/a.md") and (error.line, error.column) == (4, 3)
    assert error.message == ("attribute 'Storage' has no value for item 'PostgreSQL', "
                             "nor does its profile content/items/postgresql.yaml give it")


def test_without_a_profile_the_error_is_as_before(tmp_path):
    write(tmp_path, "content/a.md", handout("A, B", "  Size:\n    A: 1\n"))
    with pytest.raises(Problems) as raised:
        load(tmp_path)
    assert raised.value.errors[0].message == "attribute 'Size' has no value for item 'B'"


def test_profile_mistakes_are_errors_at_their_place(tmp_path):
    path = write(tmp_path, "content/items/bad.yaml",
                 "name: Bad\nsumary: x\nwebsite: not a url\nfacts:\n  Licence: {valu: x}\n"
                 "logo: ../secret.png\n")
    profiles = load_profiles(tmp_path / "content", read_text)
    found = {(error.line, error.column): error.message for error in profiles.errors}
    assert all(str(error.path) == str(path) for error in profiles.errors)
    assert found[(2, 1)] == "unknown item profile key 'sumary'; did you mean 'summary'?"
    assert "'website'" in found[(3, 10)]
    assert found[(5, 13)].startswith("unknown cell key 'valu'; did you mean 'value'?")
    assert found[(6, 7)].startswith("logo must be a file below static/ or content/")
    assert not profiles.by_slug


def test_a_name_two_profiles_claim_is_an_error_at_the_second(tmp_path):
    write(tmp_path, "content/items/mariadb.yaml", "name: MariaDB\naliases: [MySQL]\n")
    second = write(tmp_path, "content/items/mysql.yaml", "name: mysql\n")
    profiles = read_profiles(sorted((tmp_path / "content/items").glob("*.yaml")),
                             tmp_path, read_text)
    (error,) = profiles.errors
    assert (str(error.path), error.line, error.column) == (str(second), 1, 7)
    assert error.message == ("'mysql' is a name of item profile 'mariadb' too "
                             "(mariadb.yaml): an item has one profile")
    assert profiles.of("MySQL").slug == "mariadb"


def test_a_logo_below_static_is_kept(tmp_path):
    write(tmp_path, "static/pg.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>')
    write(tmp_path, "content/items/pg.yaml", "name: PG\nlogo: static/pg.svg\n")
    profiles = load_profiles(tmp_path / "content", read_text)
    assert not profiles.errors and profiles.of("pg").logo == "static/pg.svg"


def test_profiles_are_read_again_only_when_a_file_changed(project):
    first = load_profiles(project / "content", read_text)
    assert load_profiles(project / "content", read_text) is first
    path = project / "content/items/postgresql.yaml"
    path.write_text(POSTGRES.replace("1996", "1997"), encoding="utf-8")
    again = load_profiles(project / "content", read_text)
    assert again is not first
    assert again.of("PostgreSQL").fact("first release").text == "1997"


def test_the_items_folder_holds_no_handouts(project):
    from versus.content.files import discover

    write(project, "content/items/notes.md", "---\nitems: [A, B]\n---\n")
    write(project, "content/shared/passage.md", "A passage.\n")
    write(project, "content/a.md", handout("A, B", "  X:\n    A: 1\n    B: 2\n"))
    assert [slug for slug, _ in discover(project)[0]] == ["a"]
