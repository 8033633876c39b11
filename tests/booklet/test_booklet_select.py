"""``booklet --tag T`` and ``--match GLOB`` bind a selection of the handouts.

Each option is repeatable; a handout any of them selects is bound, to
output/booklets/<name>.pdf (``--name``, else named after the selection). What the
booklet holds is read back from its outline (one entry per handout) with pypdf;
handouts left out are not even rendered.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from support.files import write

HANDOUTS = {  # slug: (items, tags)
    "alpha-vs-beta": (("Alpha", "Beta"), ["colour"]),
    "gamma-vs-delta": (("Gamma", "Delta"), ["size"]),
    "cloud/aws-vs-gcp": (("AWS", "GCP"), ["Colour", "size"]),
    "kafka-vs-pulsar": (("Kafka", "Pulsar"), []),
}


@pytest.fixture
def project(tmp_path) -> Path:
    project = tmp_path / "project"
    for slug, ((a, b), tags) in HANDOUTS.items():
        write(project, f"content/{slug}.md",
              f"---\nitems: [{a}, {b}]\ntags: [{', '.join(tags)}]\n"
              f"attributes:\n  Colour: {{{a}: Red, {b}: Blue}}\n---\n{a} and {b}.\n")
    return project


def bound(project: Path, name: str) -> list[str]:
    """The titles of the handouts in booklet ``name``, from its outline's top level."""
    reader = PdfReader(project / "output" / "booklets" / f"{name}.pdf")
    return sorted(item.title for item in reader.outline
                  if not isinstance(item, list) and item.title != "Contents")


def rendered(project: Path) -> list[str]:
    pdf = project / "output" / "pdf"
    return sorted(path.relative_to(pdf).as_posix() for path in pdf.rglob("*.pdf"))


def test_a_booklet_by_tag_holds_exactly_the_tagged_handouts(project, build):
    build(project, "booklet", "--tag", "colour", "--jobs", "1")
    assert bound(project, "tag-colour") == ["AWS vs. GCP", "Alpha vs. Beta"]  # tags match in any case
    assert rendered(project) == ["alpha-vs-beta.pdf", "cloud/aws-vs-gcp.pdf"]


def test_tags_and_patterns_add_up(project, build):
    build(project, "booklet", "--tag", "size", "--match", "kafka-*", "--jobs", "1")
    assert bound(project, "tag-size-match-kafka") == [
        "AWS vs. GCP", "Gamma vs. Delta", "Kafka vs. Pulsar"]
    build(project, "booklet", "--match", "cloud/*", "--name", "clouds", "--jobs", "1")
    assert bound(project, "clouds") == ["AWS vs. GCP"]
    assert not (project / "output" / "booklet.pdf").exists()


def test_a_selection_of_nothing_is_an_error_and_writes_nothing(project, run_cli):
    result = run_cli("booklet", "--project", project, "--tag", "nope")
    assert result.exit_code == 1
    assert "no handout is selected by --tag nope" in result.output
    assert not (project / "output" / "booklet.pdf").exists()
    assert not (project / "output" / "booklets").exists()


def test_booklet_help_names_the_selection(run_cli):
    text = run_cli("booklet", "--help").output
    assert "--tag TAG" in text and "--match GLOB" in text and "--name NAME" in text
