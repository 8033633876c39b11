"""Editions as recorded in editions/<slug>.yaml (versus/content/editions.py): read
back, compared with the handout, and every wrong shape an error at its place."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from versus.content import editions
from versus.content.handouts import load_handout
from versus.errors import ContentError, Problems
from versus.settings import Settings

from support.files import two_items, write

DAY = datetime.date(2026, 12, 7)


@pytest.fixture
def handout(tmp_path):
    path = write(tmp_path, "content/guides/tea.md", two_items("Tea", "Coffee", "Brewed.\n"))
    return load_handout(path, "guides/tea", Settings())


def test_the_file_is_beside_content_at_the_slug(tmp_path):
    source = tmp_path / "content" / "guides" / "tea.md"
    assert editions.path_for(source, "guides/tea") == tmp_path / "editions" / "guides" / "tea.yaml"


def test_what_release_writes_reads_back_the_same(handout, tmp_path):
    first = editions.release(handout, (), DAY, "First: with a colon, and 'quotes'")
    text = editions.dump(handout.slug, (first,))
    assert text.startswith("# The editions of content/guides/tea.md")
    assert editions.parse(text, tmp_path / "e.yaml") == (first,)
    assert first.number == 1 and first.table == (("Focus", (("Tea", "one"),
                                                            ("Coffee", "two"))),)


def test_an_unchanged_handout_is_no_new_edition(handout):
    first = editions.release(handout, (), DAY, "")
    assert editions.release(handout, (first,), DAY, "again") is None
    assert editions.standing(handout, (first,)) == editions.Standing(1, DAY, False)


def test_a_changed_cell_or_text_is_changes_since_the_edition(handout):
    import dataclasses

    first = editions.release(handout, (), DAY, "")
    cell = dataclasses.replace(handout.attributes[0].cells[0], text="green")
    row = dataclasses.replace(handout.attributes[0],
                              cells=(cell, *handout.attributes[0].cells[1:]))
    for changed in (dataclasses.replace(handout, attributes=(row,)),
                    dataclasses.replace(handout, body=handout.body + "\nMore.\n"),
                    dataclasses.replace(handout, title="Tea or coffee")):
        assert editions.standing(changed, (first,)).changed
        assert editions.release(changed, (first,), DAY, "").number == 2


def test_a_never_released_handout_is_edition_0(handout):
    assert handout.edition == editions.Standing(0, None, False)


def test_load_handout_reads_its_editions(handout, tmp_path):
    first = editions.release(handout, (), DAY, "")
    write(tmp_path, "editions/guides/tea.yaml", editions.dump(handout.slug, (first,)))
    again = load_handout(handout.source, handout.slug, Settings())
    assert again.edition == editions.Standing(1, DAY, False)


@pytest.mark.parametrize("text, message, line, column", [
    ("edition: 1\n", "the editions must be a list", 1, 1),
    ("- 3\n", "each edition must be a mapping", 1, 3),
    ("- {edition: 2, date: 2026-12-07}\n", "edition 1 must say 'edition: 1'", 1, 3),
    ("- edition: 1\n  date: soon\n", "'date' must be a date", 1, 3),
    ("- edition: 1\n  date: 2026-12-07\n  notes: x\n", "unknown key 'notes'", 3, 3),
    ("- edition: 1\n  date: 2026-12-07\n  table: [a]\n", "'table' must map", 1, 3),
    ("- edition: 1\n  date: [2026\n", "invalid YAML", 3, None),
])
def test_a_file_not_as_release_writes_it_is_an_error_at_its_place(tmp_path, text, message,
                                                                    line, column):
    path = tmp_path / "tea.yaml"
    with pytest.raises(ContentError) as caught:
        editions.parse(text, path)
    assert message in caught.value.message
    assert caught.value.line == line
    if column is not None:
        assert caught.value.column == column


def test_a_broken_editions_file_stops_its_handout_naming_the_file(handout, tmp_path):
    broken = write(tmp_path, "editions/guides/tea.yaml", "- edition: 7\n")
    with pytest.raises(Problems) as caught:
        load_handout(handout.source, handout.slug, Settings())
    error = caught.value.errors[0]
    assert Path(error.path) == broken and error.line == 1


def test_an_editions_file_that_is_a_link_is_refused(handout, tmp_path):
    outside = write(tmp_path.parent, "elsewhere.yaml", "[]\n")
    (tmp_path / "editions" / "guides").mkdir(parents=True)
    (tmp_path / "editions" / "guides" / "tea.yaml").symlink_to(outside)
    with pytest.raises(Problems) as caught:
        load_handout(handout.source, handout.slug, Settings())
    assert "a link" in caught.value.errors[0].message


def test_changes_are_computed_from_the_records_newest_first(handout):
    import dataclasses

    first = editions.release(handout, (), DAY, "First")
    cell = dataclasses.replace(handout.attributes[0].cells[1], text="three")
    row = dataclasses.replace(handout.attributes[0],
                              cells=(handout.attributes[0].cells[0], cell))
    added = dataclasses.replace(handout.attributes[0], name="Price")
    edited = dataclasses.replace(handout, attributes=(row, added))
    second = editions.release(edited, (first,), DAY + datetime.timedelta(days=3), "Price")
    assert editions.changes(edited, (first, second)) == (
        editions.Change(2, DAY + datetime.timedelta(days=3), "Price",
                        (("Focus", "Coffee", "two", "three"),), ("Price",), (), False),
        editions.Change(1, DAY, "First"))
    # edits since the last edition come first, unnumbered
    revised = dataclasses.replace(handout, body=handout.body + "\nMore.\n")
    pending = editions.changes(revised, (first, second))[0]
    assert pending == editions.Change(None, None, "", (("Focus", "Coffee", "three", "two"),),
                                      (), ("Price",), True)


def test_no_editions_no_changes(handout):
    assert editions.changes(handout, ()) == ()
