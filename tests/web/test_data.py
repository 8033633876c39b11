"""The facts files a web build writes (output/data/<slug>.json and data/index.json):
valid against the schema ``versus schema`` prints, rewritten when a fact changes,
restored when deleted, removed with their handout."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from support.files import write

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SCHEMA = Path(__file__).resolve().parents[2] / "versus" / "theme" / "data.schema.json"


@pytest.fixture(scope="module")
def site(tmp_path_factory, build) -> Path:
    """Every fixture handout built for the web."""
    project = tmp_path_factory.mktemp("data")
    shutil.copytree(FIXTURES, project / "content")
    build(project, "html")
    return project


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_every_fixtures_facts_and_the_index_validate_against_the_schema(site):
    files = sorted((site / "output/data").rglob("*.json"))
    slugs = sorted(path.relative_to(FIXTURES).with_suffix("").as_posix()
                   for path in FIXTURES.rglob("*.md"))
    assert [path.relative_to(site / "output/data").as_posix() for path in files] == sorted(
        [f"{slug}.json" for slug in slugs] + ["index.json"])
    check = validator()
    for path in files:
        errors = [error.message for error in check.iter_errors(json.loads(path.read_text()))]
        assert errors == [], path
    index = json.loads((site / "output/data/index.json").read_text())
    assert [entry["slug"] for entry in index["handouts"]] == slugs
    for entry in index["handouts"]:
        assert (site / "output/data" / entry["data"]).is_file()
        assert (site / "output/data" / entry["page"]).resolve().is_file()


def test_the_schema_refuses_what_is_not_a_handouts_facts(site):
    check = validator()
    facts = json.loads((site / "output/data/sourced-databases.json").read_text())
    assert check.is_valid(facts)
    facts["attributes"][0]["cells"][0]["type"] = "maybe"
    assert not check.is_valid(facts)
    assert not check.is_valid({})
    assert not check.is_valid({"format": 1, "handouts": [{"slug": "a"}]})


def test_a_cell_carries_its_value_type_source_and_date(site):
    facts = json.loads((site / "output/data/sourced-databases.json").read_text())
    rows = {row["name"]: row["cells"] for row in facts["attributes"]}
    assert rows["Licence"][0] == {
        "item": "PostgreSQL", "value": "PostgreSQL Licence (permissive, BSD-like)",
        "type": "text", "source": "https://www.postgresql.org/about/licence/",
        "as_of": "2026-11-01"}
    assert [cell["type"] for cell in rows["Server process"]] == ["yes", "yes", "no"]
    assert [cell["type"] for cell in rows["Stored procedures"]] == ["yes", "yes", "n/a"]
    assert rows["JSON documents"][2]["type"] == "partial"
    assert rows["Ease of setup"][2] == {
        "item": "SQLite", "value": "one file", "type": "rating", "source": None,
        "as_of": None, "rating": {"score": 5, "of": 5}}
    sources = {source["key"]: source for source in facts["sources"]}
    assert sources["pg-docs"] == {"key": "pg-docs", "title": "PostgreSQL 17 documentation",
                                  "url": "https://www.postgresql.org/docs/17/",
                                  "accessed": "2026-11-01"}
    assert sources["https://www.sqlite.org/json1.html"]["title"] == ""


def test_typed_words_in_the_handouts_language_count(site):
    facts = json.loads((site / "output/data/languages/de-bahn-vs-auto.json").read_text())
    assert facts["lang"] == "de"
    assert all(cell["type"] == "text" for row in facts["attributes"] for cell in row["cells"])


def test_versus_schema_prints_the_schema(run_cli):
    result = run_cli("schema")
    assert result.exit_code == 0
    assert json.loads(result.output) == json.loads(SCHEMA.read_text())


HANDOUT = "---\nitems: [A, B]\nlang: de\nattributes:\n  Focus:\n    A: {a}\n    B: nein\n---\nLead.\n"


def test_facts_follow_edits_deletions_and_removed_handouts(tmp_path, build):
    write(tmp_path, "content/a-vs-b.md", HANDOUT.format(a="ja"))
    write(tmp_path, "content/c-vs-d.md", HANDOUT.format(a="eins"))
    build(tmp_path, "html")
    facts = tmp_path / "output/data/a-vs-b.json"
    cells = json.loads(facts.read_text())["attributes"][0]["cells"]
    assert [cell["type"] for cell in cells] == ["yes", "no"]  # German words
    write(tmp_path, "content/a-vs-b.md", HANDOUT.format(a="teilweise"))
    build(tmp_path, "html")
    assert json.loads(facts.read_text())["attributes"][0]["cells"][0]["type"] == "partial"
    facts.unlink()
    result = build(tmp_path, "html", "--explain")
    assert "data/a-vs-b.json missing" in result.output
    assert facts.is_file()
    (tmp_path / "content/c-vs-d.md").unlink()
    build(tmp_path, "html")
    assert not (tmp_path / "output/data/c-vs-d.json").exists()
    index = json.loads((tmp_path / "output/data/index.json").read_text())
    assert [entry["slug"] for entry in index["handouts"]] == ["a-vs-b"]


def test_a_handout_that_stops_loading_keeps_its_last_facts(tmp_path, build, run_cli):
    write(tmp_path, "content/a-vs-b.md", HANDOUT.format(a="ja"))
    build(tmp_path, "html")
    before = (tmp_path / "output/data/a-vs-b.json").read_bytes()
    write(tmp_path, "content/a-vs-b.md", HANDOUT.format(a="[broken"))
    assert run_cli("html", "--project", tmp_path).exit_code == 1
    assert (tmp_path / "output/data/a-vs-b.json").read_bytes() == before
