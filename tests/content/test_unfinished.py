"""check warns about unfinished work: empty cells, the skeleton's placeholder
sentences and TODO/TBD/FIXME outside code; check --strict fails an untouched skeleton."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.files import write
from versus.scaffold.skeleton import SECTIONS

HANDOUT = "---\nitems: [A, B]\nattributes:\n  Focus:\n    A: one\n    B: two\n---\n"


def findings(run_cli, project: Path, *args) -> tuple[int, list[dict]]:
    result = run_cli("check", "--project", project, "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def codes(found: list[dict], *wanted: str) -> list[tuple]:
    return [(f["path"], f["line"], f["column"], f["code"], f["message"])
            for f in found if f["code"] in wanted]


def test_an_untouched_skeleton_fails_check_strict(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    result = run_cli("new", "--project", tmp_path, "Kafka", "Pulsar")
    assert result.exit_code == 0, result.output
    status, found = findings(run_cli, tmp_path)
    assert status == 0  # warnings only
    placeholders = codes(found, "placeholder")
    assert len(placeholders) == 1 + 1 + len(SECTIONS)  # the example source, sentences
    assert placeholders[0][1:] == (
        9, 7, "placeholder", "attribute 'Focus' of item 'Kafka' names the example "
        "source new wrote: give the address you read the fact at")
    assert placeholders[1][3:] == ("placeholder", "placeholder text left from "
                                   "'versus new': 'Say in one paragraph what Kafka and "
                                   "Pulsar are and how they '")
    empty = codes(found, "empty-cell")
    assert len(empty) == 5 * 2
    assert empty[0][:3] == ("content/kafka-vs-pulsar.md", 9, 14)
    assert empty[0][4] == "attribute 'Focus' has no text for item 'Kafka'"
    status, _ = findings(run_cli, tmp_path, "--strict")
    assert status == 1
    strict = run_cli("check", "--project", tmp_path, "--strict")
    assert "warning: content/kafka-vs-pulsar.md:9:14: attribute 'Focus' has no text " \
           "for item 'Kafka'" in strict.output


def test_todo_outside_code_is_a_warning_at_its_place(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "content/a-vs-b.md", HANDOUT + "Lead with a TODO here.\n\n"
          "Use `TODO` in code.\n\n```\nFIXME inside a block\n```\n\n## More\n\nTBD.\n"
          "TODOS and FIXMEs are words.\n")
    _, found = findings(run_cli, tmp_path)
    assert codes(found, "todo") == [
        ("content/a-vs-b.md", 8, 13, "todo", "unfinished: 'TODO'"),
        ("content/a-vs-b.md", 18, 1, "todo", "unfinished: 'TBD'")]


def test_a_finished_handout_has_no_unfinished_warnings(tmp_path, run_cli):
    write(tmp_path, "content/a-vs-b.md", HANDOUT + "A finished lead.\n\n## More\n\nText.\n")
    status, found = findings(run_cli, tmp_path, "--strict")
    assert status == 0 and found == []


def test_empty_csv_cells_are_named_at_their_row(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "content/a-vs-b.md", "---\nitems: [A, B]\n---\nLead.\n")
    write(tmp_path, "content/a-vs-b.csv", "Attribute;A;B\nFocus;one;\nGoal; ;two\n")
    _, found = findings(run_cli, tmp_path)
    assert [(f[1], f[4]) for f in codes(found, "empty-cell")] == [
        (2, "attribute 'Focus' has an empty cell"), (3, "attribute 'Goal' has an empty cell")]


def test_translated_skeleton_sentences_are_placeholders(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "templates/i18n/de.yaml",
          "skeleton_lead: Sagen Sie in einem Absatz, was {items} sind.\n"
          "skeleton_heading_conclusion: Fazit\n")
    write(tmp_path, "content/a-vs-b.md", HANDOUT
          + "Sagen Sie in einem Absatz, was A und B sind.\n\n## Fazit\n\nText.\n")
    _, found = findings(run_cli, tmp_path)
    assert codes(found, "placeholder") == [
        ("content/a-vs-b.md", 8, 1, "placeholder", "placeholder text left from "
         "'versus new': 'Sagen Sie in einem Absatz, was A und B sind.'")]


@pytest.mark.parametrize("lang", ["en", "de", "ja", "ar", "he"])
def test_every_skeleton_sentence_of_a_language_is_found_where_it_stands(
        tmp_path, run_cli, monkeypatch, lang):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    assert run_cli("new", "--project", tmp_path, "--lang", lang, "Kafka",
                   "Pulsar").exit_code == 0
    text = (tmp_path / "content/kafka-vs-pulsar.md").read_text(encoding="utf-8")
    sentences = [(number, line) for number, line in enumerate(text.splitlines(), 1)
                 if line and not line.startswith(("#", " ", "-")) and ":" not in line[:12]]
    _, found = findings(run_cli, tmp_path)
    assert [(f[1], f[2]) for f in codes(found, "placeholder")
            if "example source" not in f[4]] == [(number, 1) for number, _ in sentences]


def test_an_edited_site_catalog_changes_the_placeholders(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "content/a-vs-b.md", HANDOUT + "First words about A and B.\n\n"
          "Second words about A and B.\n")
    catalog = tmp_path / "templates/i18n/en.yaml"
    write(tmp_path, "templates/i18n/en.yaml", "skeleton_lead: First words about {items}.\n")
    _, found = findings(run_cli, tmp_path)
    assert [f[1] for f in codes(found, "placeholder")] == [8]
    catalog.write_text("skeleton_lead: Second words about the items {items}, edited.\n"
                       "skeleton_focus: Second words about {items}.\n", encoding="utf-8")
    _, found = findings(run_cli, tmp_path)
    assert [f[1] for f in codes(found, "placeholder")] == [10]


def test_front_matter_is_read_again_only_for_a_table_with_an_empty_cell(
        tmp_path, monkeypatch):
    from versus.content import unfinished as module
    from versus.content.handouts import load_handout
    from versus.settings import load_settings
    from versus.yamldoc import load_yaml

    full = write(tmp_path, "content/a-vs-b.md", HANDOUT + "Text.\n")
    empty = write(tmp_path, "content/c-vs-d.md",
                  HANDOUT.replace("B: two", "B: ''") + "Text.\n")
    settings = load_settings(tmp_path)
    read = []

    def reading(text, name, **kwargs):
        read.append(name)
        return load_yaml(text, name, **kwargs)

    monkeypatch.setattr(module, "load_yaml", reading)
    assert module.unfinished(load_handout(full, "a-vs-b", settings), ()) == []
    assert read == []
    found = module.unfinished(load_handout(empty, "c-vs-d", settings), ())
    assert [(f.code, f.error.line, f.error.column) for f in found] == [("empty-cell", 6, 8)]
    assert read == [str(empty)]
