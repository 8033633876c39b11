"""Content loading: front matter, items, attribute tables, slugs and the lead.

Every test builds a tiny project in ``tmp_path`` and calls ``versus.content.handouts``
directly. Line numbers count from the top of the ``.md`` file, so front matter
line 1 is file line 2.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from support.files import load_all, write
from versus.content.files import discover
from versus.content.handouts import load_handout, split_lead
from versus.errors import ContentError, Problems
from versus.settings import Settings, load_settings

ATTRIBUTES = "attributes:\n  Focus:\n    A: one\n    B: two\n"
GOOD = "---\nitems: [A, B]\n" + ATTRIBUTES + "---\nThe lead.\n\n## Detail\nMore.\n"


def handout_file(root: Path, text: str | bytes, slug: str = "a-vs-b",
                 **sidecars: str | bytes) -> Path:
    """``content/<slug>.md`` plus data files given as ``yaml=...`` or ``csv=...``."""
    for suffix, data in sidecars.items():
        write(root, f"content/{slug}.{suffix}", data)
    return write(root, f"content/{slug}.md", text)


def load(root: Path, text: str | bytes, slug: str = "a-vs-b",
         settings: Settings | None = None, **sidecars):
    """Load one handout that is expected to be valid."""
    path = handout_file(root, text, slug, **sidecars)
    return load_handout(path, slug, settings or Settings())


def problems(root: Path, text: str | bytes, slug: str = "a-vs-b",
             **sidecars) -> list[ContentError]:
    """The errors of one handout that is expected to be invalid."""
    path = handout_file(root, text, slug, **sidecars)
    with pytest.raises(Problems) as caught:
        load_handout(path, slug, Settings())
    assert caught.value.errors, "Problems raised without any error"
    return caught.value.errors


def only(errors: list[ContentError]) -> ContentError:
    """The single error of a list, failing when there are more or fewer."""
    assert len(errors) == 1, [str(error) for error in errors]
    return errors[0]


def front(*lines: str, body: str = "Lead.\n") -> str:
    """A handout whose front matter is ``lines``, one YAML line each."""
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n" + body


# --- front matter ----------------------------------------------------------------

def test_a_good_handout_loads(tmp_path):
    handout = load(tmp_path, GOOD)
    assert handout.slug == "a-vs-b"
    assert handout.items == ("A", "B")
    assert [(a.name, a.values) for a in handout.attributes] == [("Focus", ("one", "two"))]
    assert handout.lead == "The lead.\n"
    assert handout.body == "## Detail\nMore.\n"
    assert handout.warnings == ()


def test_missing_front_matter_is_an_error(tmp_path):
    error = only(problems(tmp_path, "items: [A, B]\nJust text.\n"))
    assert "missing front matter" in error.message
    assert (error.line, error.column) == (1, 1)


def test_unclosed_front_matter_is_an_error(tmp_path):
    error = only(problems(tmp_path, "---\nitems: [A, B]\n" + ATTRIBUTES + "The lead.\n"))
    assert "not closed" in error.message
    assert error.path == str(tmp_path / "content" / "a-vs-b.md")


def test_invalid_yaml_reports_file_line_and_column(tmp_path):
    # File line 4 is front matter line 3; the second ':' is column 11.
    text = front("items: [A, B]", "title: Fine", "tagline: a: b", ATTRIBUTES.rstrip())
    error = only(problems(tmp_path, text))
    assert error.message.startswith("invalid YAML")
    assert (error.line, error.column) == (4, 11)


def test_invalid_yaml_on_the_first_front_matter_line_is_file_line_2(tmp_path):
    error = only(problems(tmp_path, front("items: [A, B]]", ATTRIBUTES.rstrip())))
    assert error.message.startswith("invalid YAML")
    assert error.line == 2


@pytest.mark.parametrize("yaml_lines", [("- A", "- B"), ("just words",), ()])
def test_front_matter_must_be_a_mapping(tmp_path, yaml_lines):
    error = only(problems(tmp_path, front(*yaml_lines)))
    assert error.message == "front matter must be a mapping of keys to values"
    assert error.line == 2


def test_duplicate_front_matter_key_is_rejected(tmp_path):
    text = front("items: [A, B]", "title: One", "title: Two", ATTRIBUTES.rstrip())
    error = only(problems(tmp_path, text))
    assert error.message == "duplicate key 'title'"
    assert (error.line, error.column) == (4, 1)


def test_duplicate_key_deep_inside_attributes_is_rejected(tmp_path):
    text = front("items: [A, B]", "attributes:", "  Focus:", "    A: one", "    A: uno",
                 "    B: two")
    error = only(problems(tmp_path, text))
    assert error.message == "duplicate key 'A'"
    assert (error.line, error.column) == (6, 5)


def test_bom_and_crlf_are_accepted(tmp_path):
    text = GOOD.replace("\n", "\r\n").encode("utf-8")
    handout = load(tmp_path, b"\xef\xbb\xbf" + text)
    assert handout.items == ("A", "B")
    assert handout.attributes[0].values == ("one", "two")
    assert handout.lead == "The lead.\n"
    assert "\r" not in handout.body


def test_non_utf8_is_reported_with_its_byte_offset(tmp_path):
    data = ("---\nitems: [A, B]\n" + ATTRIBUTES + "---\n").encode() + b"Caf\xe9 au lait\n"
    offset = data.index(b"\xe9")
    error = only(problems(tmp_path, data))
    assert error.message == f"not valid UTF-8 (byte {offset})"
    assert (error.line, error.column) == (data[:offset].count(b"\n") + 1, 4)


def test_deeply_nested_yaml_is_an_error_not_a_crash(tmp_path):
    text = front("items: [A, B]", "tags: " + "[" * 3000 + "]" * 3000)
    assert only(problems(tmp_path, text)).message.startswith("invalid YAML")


# --- items and the other front matter fields --------------------------------------

def test_missing_items(tmp_path):
    error = only(problems(tmp_path, front("title: Nothing", ATTRIBUTES.rstrip())))
    assert error.message.startswith("missing 'items'")


@pytest.mark.parametrize("value", ["DevOps", "{A: 1, B: 2}", "[A, [B]]", "[A, '']"])
def test_items_must_be_a_list_of_names(tmp_path, value):
    error = only(problems(tmp_path, front(f"items: {value}", ATTRIBUTES.rstrip())))
    assert error.message == "'items' must be a list of names"
    assert (error.line, error.column) == (2, 8)


@pytest.mark.parametrize("count", [0, 1, 7])
def test_items_must_number_2_to_6(tmp_path, count):
    names = ", ".join(f"I{n}" for n in range(count))
    error = only(problems(tmp_path, front(f"items: [{names}]", ATTRIBUTES.rstrip())))
    assert error.message == f"'items' must name 2 to 6 things, not {count}"


@pytest.mark.parametrize("count", [2, 6])
def test_2_and_6_items_are_allowed(tmp_path, count):
    names = [f"I{n}" for n in range(count)]
    cells = "".join(f"    {name}: x\n" for name in names)
    text = front(f"items: [{', '.join(names)}]", "attributes:", "  Focus:" + "\n" + cells)
    assert load(tmp_path, text).items == tuple(names)


def test_duplicate_items_are_rejected(tmp_path):
    error = only(problems(tmp_path, front("items: [A, B, A]", ATTRIBUTES.rstrip())))
    assert error.message == "item 'A' is named twice"


def test_title_defaults_to_items_joined_by_vs(tmp_path):
    text = front("items: [A, B, C]", "attributes:", "  Focus: {A: 1, B: 2, C: 3}")
    assert load(tmp_path, text).title == "A vs. B vs. C"


def test_an_explicit_title_wins(tmp_path):
    text = front("items: [A, B]", "title: Apples and Bees", ATTRIBUTES.rstrip())
    assert load(tmp_path, text).title == "Apples and Bees"


def test_tagline_lang_and_author_default_to_the_builtin_settings(tmp_path):
    handout = load(tmp_path, GOOD)
    # No tagline of its own: the page shows the theme's, in the handout's language.
    assert (handout.tagline, handout.lang, handout.author) == ("", "en", "")


def test_tagline_lang_and_author_default_from_versus_yaml(tmp_path):
    write(tmp_path, "versus.yaml", "tagline: Pick one\nlang: de\nauthor: Ada\n")
    handout_file(tmp_path, GOOD)
    handouts, errors = load_all(tmp_path, load_settings(tmp_path))
    assert errors == []
    assert (handouts[0].tagline, handouts[0].lang, handouts[0].author) == (
        "Pick one", "de", "Ada")


def test_front_matter_overrides_the_settings(tmp_path):
    settings = Settings(tagline="Pick one", lang="de", author="Ada")
    text = front("items: [A, B]", "tagline: Mine", "lang: fr-CA", "author: Bob",
                 ATTRIBUTES.rstrip())
    handout = load(tmp_path, text, settings=settings)
    assert (handout.tagline, handout.lang, handout.author) == ("Mine", "fr-CA", "Bob")


def test_bad_lang_is_rejected(tmp_path):
    error = only(problems(tmp_path, front("items: [A, B]", "lang: english please",
                                          ATTRIBUTES.rstrip())))
    assert error.message.startswith("'lang' must be a language tag")
    assert (error.line, error.column) == (3, 7)


def test_title_must_be_text(tmp_path):
    error = only(problems(tmp_path, front("items: [A, B]", "title: [x]",
                                          ATTRIBUTES.rstrip())))
    assert error.message == "'title' must be text"


@pytest.mark.parametrize("value", ["2026-11-26", "'2026-11-26'", "2026-11-26 10:30:00"])
def test_date_is_parsed(tmp_path, value):
    text = front("items: [A, B]", f"date: {value}", ATTRIBUTES.rstrip())
    assert load(tmp_path, text).date == datetime.date(2026, 11, 26)


def test_date_is_optional(tmp_path):
    assert load(tmp_path, GOOD).date is None


@pytest.mark.parametrize("value", ["tomorrow", "2026-02-30", "'2026-13-01'", "2026"])
def test_bad_date_is_rejected_at_its_position(tmp_path, value):
    text = front("items: [A, B]", f"date: {value}", ATTRIBUTES.rstrip())
    error = only(problems(tmp_path, text))
    assert error.message == "'date' must be a date such as 2026-11-26"
    assert (error.line, error.column) == (3, 7)


def test_tags_are_kept_in_order(tmp_path):
    text = front("items: [A, B]", "tags: [ops, ml]", ATTRIBUTES.rstrip())
    assert load(tmp_path, text).tags == ("ops", "ml")


@pytest.mark.parametrize("value", ["engineering", "[ops, [ml]]", "{a: b}"])
def test_tags_must_be_a_list(tmp_path, value):
    error = only(problems(tmp_path, front("items: [A, B]", f"tags: {value}",
                                          ATTRIBUTES.rstrip())))
    assert error.message == "'tags' must be a list of words"
    assert error.line == 3


def test_draft_must_be_true_or_false(tmp_path):
    error = only(problems(tmp_path, front("items: [A, B]", "draft: maybe",
                                          ATTRIBUTES.rstrip())))
    assert error.message == "'draft' must be true or false"


def test_drafts_are_skipped_unless_asked_for(tmp_path):
    handout_file(tmp_path, GOOD, "final")
    handout_file(tmp_path, front("items: [A, B]", "draft: true", ATTRIBUTES.rstrip()),
                 "sketch")
    published, errors = load_all(tmp_path, Settings())
    assert errors == []
    assert [h.slug for h in published] == ["final"]
    everything, _ = load_all(tmp_path, Settings(), drafts=True)
    assert [h.slug for h in everything] == ["final", "sketch"]
    assert everything[1].draft is True


def test_every_problem_of_a_handout_is_reported_at_once(tmp_path):
    text = front("items: [A, B]", "date: soon", "tags: x", "attributes:", "  Focus:",
                 "    A: one")
    messages = {error.message for error in problems(tmp_path, text)}
    assert messages == {"'date' must be a date such as 2026-11-26",
                        "'tags' must be a list of words",
                        "attribute 'Focus' has no value for item 'B'"}


def test_unknown_key_is_a_warning_with_a_hint(tmp_path):
    text = front("items: [A, B]", "titel: Typo", ATTRIBUTES.rstrip())
    handout = load(tmp_path, text)
    warning = only(list(handout.warnings))
    assert warning.message == "unknown front matter key 'titel'; did you mean 'title'?"
    assert (warning.line, warning.column) == (3, 1)
    assert handout.title == "A vs. B"


def test_unknown_key_without_a_close_match_has_no_hint(tmp_path):
    handout = load(tmp_path, front("items: [A, B]", "zzz: 1", ATTRIBUTES.rstrip()))
    assert only(list(handout.warnings)).message == "unknown front matter key 'zzz'"


# --- attributes in the front matter ---------------------------------------------

MISSING_CELL = """\
---
items: [DevOps, MLOps]
attributes:
  Focus:
    DevOps: Software
    MLOps: Models
  Goal:
    DevOps: Collaboration
---
Lead.
"""


def test_attribute_without_a_value_for_an_item(tmp_path):
    error = only(problems(tmp_path, MISSING_CELL, "devops-vs-mlops"))
    assert error.message == "attribute 'Goal' has no value for item 'MLOps'"
    assert (error.line, error.column) == (7, 3)
    assert str(error).endswith(
        "devops-vs-mlops.md:7:3: attribute 'Goal' has no value for item 'MLOps'")


def test_attribute_naming_something_that_is_no_item(tmp_path):
    text = front("items: [A, B]", "attributes:", "  Focus:", "    A: one", "    B: two",
                 "    C: three")
    error = only(problems(tmp_path, text))
    assert error.message == ("attribute 'Focus' names 'C', which is not an item "
                             "(items are ['A', 'B'])")
    assert (error.line, error.column) == (7, 5)


def test_attribute_must_be_a_mapping_of_items(tmp_path):
    error = only(problems(tmp_path, front("items: [A, B]", "attributes:",
                                          "  Focus: both")))
    assert error.message == "attribute 'Focus' must map each item to a value"
    assert error.line == 4


@pytest.mark.parametrize("value", ["[Focus, Goal]", "text", "{}"])
def test_attributes_must_be_a_mapping(tmp_path, value):
    error = only(problems(tmp_path, front("items: [A, B]", f"attributes: {value}")))
    assert error.message.startswith("attributes must map each attribute name")
    assert error.line == 3


def test_attribute_cell_must_be_text(tmp_path):
    error = only(problems(tmp_path, front("items: [A, B]", "attributes:", "  Focus:",
                                          "    A: [x, y]", "    B: two")))
    assert error.message == ("attribute 'Focus' of item 'A' must be text, or a mapping "
                             "of value, source, as_of and rating")
    assert (error.line, error.column) == (5, 8)


def test_attribute_order_and_item_order_are_kept(tmp_path):
    text = front("items: [B, A]", "attributes:",
                 "  Zeta: {A: a1, B: b1}", "  Alpha: {B: b2, A: a2}", "  Mid: {A: 3, B: 4}")
    handout = load(tmp_path, text)
    assert [(a.name, a.values) for a in handout.attributes] == [
        ("Zeta", ("b1", "a1")), ("Alpha", ("b2", "a2")), ("Mid", ("4", "3"))]


def test_numeric_item_names_match_their_attribute_keys(tmp_path):
    text = front("items: [2023, 2024]", "attributes:", "  Cost:", "    2023: cheap",
                 "    2024: dear")
    handout = load(tmp_path, text)
    assert handout.items == ("2023", "2024")
    assert handout.attributes[0].values == ("cheap", "dear")


def test_missing_attributes_altogether(tmp_path):
    error = only(problems(tmp_path, front("items: [A, B]")))
    assert error.message.startswith("missing 'attributes'")
    assert "a-vs-b.yaml" in error.message and "a-vs-b.csv" in error.message


# --- attributes in a data file beside the handout --------------------------------

def test_attributes_from_a_yaml_data_file(tmp_path):
    handout = load(tmp_path, front("items: [A, B]"),
                   yaml="Zeta:\n  A: z1\n  B: z2\nAlpha:\n  B: a2\n  A: a1\n")
    data = tmp_path / "content" / "a-vs-b.yaml"
    assert [(a.name, a.values) for a in handout.attributes] == [
        ("Zeta", ("z1", "z2")), ("Alpha", ("a1", "a2"))]
    assert handout.data_file == data
    assert handout.inputs == (tmp_path / "content" / "a-vs-b.md", data)


def test_errors_in_a_yaml_data_file_point_into_that_file(tmp_path):
    error = only(problems(tmp_path, front("items: [A, B]"),
                          yaml="Focus:\n  A: 1\n  B: 2\nGoal:\n  A: 3\n"))
    assert error.path == str(tmp_path / "content" / "a-vs-b.yaml")
    assert error.message == "attribute 'Goal' has no value for item 'B'"
    assert (error.line, error.column) == (4, 1)


def test_duplicate_attribute_in_a_yaml_data_file(tmp_path):
    error = only(problems(tmp_path, front("items: [A, B]"),
                          yaml="Focus: {A: 1, B: 2}\nFocus: {A: 3, B: 4}\n"))
    assert error.message == "duplicate key 'Focus'"
    assert (error.line, error.column) == (2, 1)


@pytest.mark.parametrize("data", ["", "- Focus\n- Goal\n"])
def test_yaml_data_file_must_be_a_mapping(tmp_path, data):
    error = only(problems(tmp_path, front("items: [A, B]"), yaml=data))
    assert error.message.startswith("attributes must map each attribute name")
    assert error.path.endswith("a-vs-b.yaml")


def test_attributes_from_a_csv_data_file(tmp_path):
    csv = 'Attribute,A,B\nZeta, z1 ,z2\nAlpha,"one, two",*a2*\n'
    handout = load(tmp_path, front("items: [A, B]"), csv=csv)
    assert [(a.name, a.values) for a in handout.attributes] == [
        ("Zeta", ("z1", "z2")), ("Alpha", ("one, two", "*a2*"))]
    assert handout.data_file == tmp_path / "content" / "a-vs-b.csv"


def test_csv_with_bom_and_crlf_is_accepted(tmp_path):
    csv = b"\xef\xbb\xbfAttribute,A,B\r\nFocus,one,two\r\n"
    handout = load(tmp_path, front("items: [A, B]"), csv=csv)
    assert handout.attributes[0].values == ("one", "two")


def test_csv_header_must_name_the_items(tmp_path):
    error = only(problems(tmp_path, front("items: [Kafka, Pulsar]"),
                          csv="Attribute,Kafka\nFocus,logs\n"))
    assert error.message == ("header names 'Kafka', but items are ['Kafka', 'Pulsar']: "
                             "no column for 'Pulsar'")
    assert error.path == str(tmp_path / "content" / "a-vs-b.csv")
    assert (error.line, error.column) == (1, 1)


def test_csv_header_must_start_with_attribute(tmp_path):
    error = only(problems(tmp_path, front("items: [A, B]"), csv="Name,A,B\nFocus,1,2\n"))
    assert error.message == "the first column must be 'Attribute', not 'Name'"


def test_csv_row_with_the_wrong_number_of_cells(tmp_path):
    error = only(problems(tmp_path, front("items: [A, B]"),
                          csv="Attribute,A,B\nFocus,one,two\nGoal,only one\n"))
    assert error.message.startswith("row 'Goal' has 1 values for 2 items")
    assert error.line == 3


def test_csv_duplicate_attribute(tmp_path):
    error = only(problems(tmp_path, front("items: [A, B]"),
                          csv="Attribute,A,B\nFocus,1,2\nGoal,3,4\nFocus,5,6\n"))
    assert error.message == "attribute 'Focus' is given twice"
    assert error.line == 4


@pytest.mark.parametrize("csv", ["", "\n\n", " , \n"])
def test_empty_csv(tmp_path, csv):
    error = only(problems(tmp_path, front("items: [A, B]"), csv=csv))
    assert error.message == "empty CSV: expected a header 'Attribute,A,B'"
    assert error.path.endswith("a-vs-b.csv")


def test_csv_with_a_header_but_no_rows(tmp_path):
    error = only(problems(tmp_path, front("items: [A, B]"), csv="Attribute,A,B\n"))
    assert error.message == "no attribute rows below the header"


def test_front_matter_and_a_data_file_is_an_error(tmp_path):
    error = only(problems(tmp_path, GOOD, csv="Attribute,A,B\nFocus,1,2\n"))
    assert "given twice" in error.message and "a-vs-b.csv" in error.message
    assert error.path == str(tmp_path / "content" / "a-vs-b.md")
    assert error.line == 3


def test_yaml_and_csv_data_files_together_is_an_error(tmp_path):
    error = only(problems(tmp_path, front("items: [A, B]"),
                          yaml="Focus: {A: 1, B: 2}\n", csv="Attribute,A,B\nFocus,1,2\n"))
    assert "given twice" in error.message
    assert "a-vs-b.yaml" in error.message and "a-vs-b.csv" in error.message


# --- slugs and discovery -------------------------------------------------------

def test_sub_folders_give_nested_slugs(tmp_path):
    handout_file(tmp_path, GOOD, "cloud/aws-vs-gcp")
    handout_file(tmp_path, GOOD, "a-vs-b")
    found, errors = discover(tmp_path)
    assert errors == []
    assert found == [("a-vs-b", tmp_path / "content" / "a-vs-b.md"),
                     ("cloud/aws-vs-gcp", tmp_path / "content" / "cloud" / "aws-vs-gcp.md")]
    handouts, errors = load_all(tmp_path, Settings())
    assert errors == []
    assert [h.slug for h in handouts] == ["a-vs-b", "cloud/aws-vs-gcp"]


@pytest.mark.parametrize("name, bad", [("Aws-vs-gcp.md", "Aws-vs-gcp"),
                                       ("aws_vs_gcp.md", "aws_vs_gcp"),
                                       ("aws vs gcp.md", "aws vs gcp"),
                                       ("Cloud/aws-vs-gcp.md", "Cloud")])
def test_bad_slug_parts_are_rejected(tmp_path, name, bad):
    write(tmp_path, "content/" + name, GOOD)
    found, errors = discover(tmp_path)
    assert found == []
    error = only(errors)
    assert error.path == str(tmp_path / "content" / name)
    assert error.message == f"slug part '{bad}' may use only lowercase a-z, 0-9 and '-'"


def test_only_markdown_files_are_handouts(tmp_path):
    handout_file(tmp_path, front("items: [A, B]"), csv="Attribute,A,B\nFocus,1,2\n")
    write(tmp_path, "content/notes.txt", "not a handout")
    assert [slug for slug, _ in discover(tmp_path)[0]] == ["a-vs-b"]


def test_no_content_folder_means_no_handouts(tmp_path):
    assert discover(tmp_path) == ([], [])
    assert load_all(tmp_path, Settings()) == ([], [])


def test_load_all_keeps_good_handouts_beside_bad_ones(tmp_path):
    handout_file(tmp_path, GOOD, "good")
    handout_file(tmp_path, front("items: [A]", ATTRIBUTES.rstrip()), "bad")
    handout_file(tmp_path, GOOD, "Ugly")
    handouts, errors = load_all(tmp_path, Settings())
    assert [h.slug for h in handouts] == ["good"]
    assert sorted(Path(error.path).name for error in errors) == ["Ugly.md", "bad.md"]


# --- the lead ----------------------------------------------------------------------

@pytest.mark.parametrize("body, lead, rest", [
    ("Lead one.\n\nLead two.\n\n## Detail\nText\n",
     "Lead one.\n\nLead two.\n", "## Detail\nText\n"),
    ("Lead.\n# Top\n", "Lead.", "# Top\n"),
    ("   ### Indented heading\n", "", "   ### Indented heading\n"),
    ("Lead.\n\nDetail\n======\nText\n", "Lead.\n", "Detail\n======\nText\n"),
    ("Lead.\n\nTwo line\nheading\n---\n", "Lead.\n", "Two line\nheading\n---\n"),
    ("## Starts with a heading\n", "", "## Starts with a heading\n"),
    ("No heading at all.\n", "No heading at all.\n", ""),
    ("#hashtag is text\n", "#hashtag is text\n", ""),
    ("    # indented code\n", "    # indented code\n", ""),
])
def test_split_lead(body, lead, rest):
    assert split_lead(body) == (lead, rest)


@pytest.mark.parametrize("fence", ["```", "~~~", "````"])
def test_a_hash_inside_a_fenced_code_block_is_not_a_heading(fence):
    body = f"Lead:\n\n{fence}bash\n# a shell comment\nrun\n{fence}\n\nStill lead.\n## Real\n"
    lead, rest = split_lead(body)
    assert lead.endswith("Still lead.")
    assert "# a shell comment" in lead
    assert rest == "## Real\n"


def test_a_shorter_fence_does_not_close_a_longer_one():
    body = "````\n```\n# inside\n````\n## Real\n"
    assert split_lead(body) == ("````\n```\n# inside\n````", "## Real\n")


def test_the_handout_lead_is_the_text_before_the_first_heading(tmp_path):
    text = GOOD.replace("The lead.\n", "The lead.\n\n```\n# code\n```\n")
    handout = load(tmp_path, text)
    assert handout.lead == "The lead.\n\n```\n# code\n```\n"
    assert handout.body.startswith("## Detail")
