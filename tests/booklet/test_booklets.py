"""``booklets:`` in versus.yaml: booklets of parts, each built to
output/booklets/<name>.pdf as defined (order, parts, duplex), incrementally, and
linked from the index by title; a --tag booklet never touches output/booklet.pdf.

The contents is read as a reader sees it (``pdftotext``), the outline with pikepdf.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from support.files import write

HANDOUTS = {  # slug: (first item, second item, tags)
    "alpha-vs-beta": ("Alpha", "Beta", "colour"),
    "gamma-vs-delta": ("Gamma", "Delta", "size"),
    "cloud/aws-vs-gcp": ("AWS", "GCP", "cloud"),
    "kafka-vs-pulsar": ("Kafka", "Pulsar", "cloud"),
}
BOOKLETS = """site_name: Field Guide
booklets:
  - name: guide
    title: The Field Guide
    subtitle: All four, in parts
    duplex: true
    parts:
      - title: Streams and Clouds
        handouts: [kafka-vs-pulsar, "cloud/*"]
      - title: Everything Else
        tags: [colour, size]
  - name: pocket
    title: Pocket Book
    parts:
      - title: Just One
        handouts: [gamma-vs-delta]
"""


def write_project(project: Path, settings: str = BOOKLETS) -> Path:
    for slug, (a, b, tag) in HANDOUTS.items():
        write(project, f"content/{slug}.md",
              f"---\nitems: [{a}, {b}]\ntags: [{tag}]\n"
              f"attributes:\n  Colour: {{{a}: Red, {b}: Blue}}\n---\n{a} and {b}.\n")
    write(project, "versus.yaml", settings)
    return project


@pytest.fixture(scope="module")
def built(tmp_path_factory, build) -> Path:
    """The project with both booklets built by ``all``."""
    project = write_project(tmp_path_factory.mktemp("booklets") / "project")
    build(project, "all", "--jobs", "2")
    return project


@pytest.fixture
def copy(built, tmp_path) -> Path:
    project = tmp_path / "copy"
    shutil.copytree(built, project)
    return project


def booklet(project: Path, name: str) -> Path:
    return project / "output" / "booklets" / f"{name}.pdf"


def page_texts(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")


def outline(path: Path) -> list:
    """The outline as [(title, page index, [children...])]."""
    with pikepdf.open(path) as pdf:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages)}

        def walk(items):
            return [(item.title, pages.get(item.destination[0].objgen),
                     walk(item.children)) for item in items]
        with pdf.open_outline() as own:
            return walk(own.root)


def outputs(project: Path) -> dict[str, int]:
    out = project / "output"
    return {path.relative_to(out).as_posix(): path.stat().st_mtime_ns
            for path in out.rglob("*") if path.is_file()}


# ------------------------------------------------------------------- building

def test_all_builds_each_defined_booklet_and_no_default_one(built):
    assert booklet(built, "guide").is_file() and booklet(built, "pocket").is_file()
    assert not (built / "output" / "booklet.pdf").exists()


def test_the_contents_lists_parts_and_handouts_in_the_order_given(built):
    texts = page_texts(booklet(built, "guide"))
    assert "The Field Guide" in texts[0] and "All four, in parts" in texts[0]
    contents = texts[2]  # duplex: the cover's blank back, then the contents
    lines = [line.strip() for line in contents.splitlines() if line.strip()]
    # an entry's line ends in its page number (pdftotext may split spaced capitals)
    titles = ["".join(re.sub(r"[ .]*\d+$", "", line).split()) for line in lines
              if re.search(r"\D\s*\d+$", line)]
    assert titles == ["STREAMSANDCLOUDS", "Kafkavs.Pulsar", "AWSvs.GCP",
                      "EVERYTHINGELSE", "Alphavs.Beta", "Gammavs.Delta"], lines


def test_the_contents_page_numbers_are_where_the_handouts_start(built):
    texts = page_texts(booklet(built, "guide"))
    numbers = {}
    for line in texts[2].splitlines():
        match = re.match(r"\s*(\S.*?)[ .]+(\d+)\s*$", line)
        if match:
            numbers[re.sub(r"(?<=[A-Z]) (?=[A-Z])", "", " ".join(match.group(1).split()))
                    ] = int(match.group(2))
    for title in ("Kafka vs. Pulsar", "AWS vs. GCP", "Alpha vs. Beta", "Gamma vs. Delta"):
        page = numbers[title]
        assert page % 2 == 1, f"duplex: {title} starts on page {page}, a left-hand page"
        assert texts[page - 1].lstrip().startswith("vs."), (title, texts[page - 1][:80])
        assert title.split(" vs. ")[0] in texts[page - 1]
    # each part's title page comes first, on a right-hand page of its own
    part = next(page for title, page in numbers.items() if title.startswith("STREAMS"))
    assert part % 2 == 1 and "Streams and Clouds" in texts[part - 1]
    assert part < numbers["Kafka vs. Pulsar"]


def test_the_outline_has_parts_with_their_handouts_beneath(built):
    tree = outline(booklet(built, "guide"))
    assert [title for title, _, _ in tree] == ["Contents", "Streams and Clouds",
                                               "Everything Else"]
    parts = {title: children for title, _, children in tree}
    assert [title for title, _, _ in parts["Streams and Clouds"]] == [
        "Kafka vs. Pulsar", "AWS vs. GCP"]
    assert [title for title, _, _ in parts["Everything Else"]] == [
        "Alpha vs. Beta", "Gamma vs. Delta"]
    first = parts["Streams and Clouds"][0]
    assert [title for title, _, _ in first[2]] == ["Comparison"]  # its own headings


def test_a_booklet_is_single_sided_unless_defined_duplex(built):
    texts = page_texts(booklet(built, "pocket"))
    assert "Pocket Book" in texts[0]
    assert "Contents" in texts[1]  # no blank back of the cover
    assert "Just One" in texts[2] and "Gamma" in texts[3]


def test_the_index_links_each_booklet_by_its_title(built):
    index = (built / "output" / "index.html").read_text("utf-8")
    assert '<a href="booklets/guide.pdf" type="application/pdf">The Field Guide</a>' \
        in index
    assert '<a href="booklets/pocket.pdf" type="application/pdf">Pocket Book</a>' in index
    assert 'href="booklet.pdf"' not in index
    tag_page = (built / "output" / "tags" / "cloud.html").read_text("utf-8")
    assert 'href="../booklets/guide.pdf"' in tag_page


# ---------------------------------------------------------------- incremental

def test_a_second_all_rebuilds_nothing(copy, build):
    before = outputs(copy)
    result = build(copy, "all", "--jobs", "1", "--explain")
    assert outputs(copy) == before
    assert "booklets/guide.pdf is up to date" in result.output
    assert "booklets/pocket.pdf is up to date" in result.output
    assert "booklets/guide.pdf: skip (up to date)" in result.output


def test_a_changed_definition_rebuilds_that_booklet_only_and_says_why(copy, build):
    pocket = booklet(copy, "pocket").stat().st_mtime_ns
    write(copy, "versus.yaml", BOOKLETS.replace("duplex: true", "duplex: false"))
    result = build(copy, "all", "--jobs", "1", "--explain")
    assert re.search(r"booklets/guide\.pdf: rebuild \(.*duplex changed", result.output), \
        result.output
    assert "built booklets/guide.pdf" in result.output
    assert booklet(copy, "pocket").stat().st_mtime_ns == pocket
    assert "Contents" in page_texts(booklet(copy, "guide"))[1]  # single-sided now


def test_a_booklet_by_tag_leaves_the_others_as_they_were(copy, build):
    write(copy, "output/booklet.pdf", b"%PDF-1.7 not to be touched\n")
    before = outputs(copy)
    result = build(copy, "booklet", "--tag", "cloud", "--jobs", "1")
    assert "built booklets/tag-cloud.pdf" in result.output
    after = outputs(copy)
    assert after.pop("booklets/tag-cloud.pdf")
    assert after == before  # booklet.pdf, guide.pdf, pocket.pdf: same mtimes
    assert (copy / "output" / "booklet.pdf").read_bytes() == b"%PDF-1.7 not to be touched\n"


def test_a_tag_booklet_may_not_take_a_defined_booklets_name(copy, run_cli):
    guide = booklet(copy, "guide").read_bytes()
    result = run_cli("booklet", "--project", copy, "--tag", "cloud", "--name", "guide")
    assert result.exit_code == 2, result.output
    assert "booklet 'guide' that versus.yaml defines" in result.output
    assert booklet(copy, "guide").read_bytes() == guide


def test_booklet_name_builds_only_that_defined_booklet(copy, build):
    booklet(copy, "guide").unlink()
    booklet(copy, "pocket").unlink()
    build(copy, "booklet", "--name", "pocket", "--jobs", "1")
    assert booklet(copy, "pocket").is_file() and not booklet(copy, "guide").exists()


def test_a_booklet_no_longer_defined_is_removed(copy, build):
    write(copy, "versus.yaml", BOOKLETS[:BOOKLETS.index("  - name: pocket")])
    build(copy, "all", "--jobs", "1")
    assert booklet(copy, "guide").is_file() and not booklet(copy, "pocket").exists()
    index = (copy / "output" / "index.html").read_text("utf-8")
    assert "Pocket Book" not in index and "The Field Guide" in index


# --------------------------------------------------------------------- errors

def errors_of(run_cli, project: Path, *args) -> str:
    result = run_cli("booklet", "--project", project, "--jobs", "1", *args)
    assert result.exit_code == 1, result.output
    return result.output


def test_a_handout_named_twice_is_an_error_at_its_place(tmp_path, run_cli):
    project = write_project(tmp_path / "project", BOOKLETS.replace(
        "handouts: [gamma-vs-delta]", "handouts: [gamma-vs-delta,\n                   "
        "gamma-vs-delta]"))
    output = errors_of(run_cli, project)
    assert re.search(r"versus\.yaml:17:20: 'gamma-vs-delta' is named twice in booklet "
                     r"'pocket' \(first on line 16\)", output), output
    assert not (project / "output").exists()


def test_a_handout_two_patterns_match_is_an_error(tmp_path, run_cli):
    project = write_project(tmp_path / "project", BOOKLETS.replace(
        '"cloud/*"]', '"cloud/*", "*-vs-gcp"]'))
    output = errors_of(run_cli, project)
    assert re.search(r"versus\.yaml:9:48: '\*-vs-gcp' matches 'cloud/aws-vs-gcp', which "
                     r"'cloud/\*' on line 9 matches too", output), output


def test_an_unknown_key_is_an_error_with_a_suggestion(tmp_path, run_cli):
    project = write_project(tmp_path / "project", BOOKLETS.replace(
        "    duplex: true", "    duplx: true").replace("        tags: [colour",
                                                        "        tag: [colour"))
    output = errors_of(run_cli, project)
    assert re.search(r"versus\.yaml:6:5: unknown key 'duplx' in a booklet; did you mean "
                     r"'duplex'\?", output), output
    assert re.search(r"versus\.yaml:11:9: unknown key 'tag' in a part; did you mean "
                     r"'tags'\?", output), output
    assert not (project / "output").exists()


def test_an_unknown_slug_is_an_error_and_an_empty_pattern_a_warning(tmp_path, run_cli):
    project = write_project(tmp_path / "project", BOOKLETS.replace(
        "[kafka-vs-pulsar,", "[kafka-vs-pulsr, \"nothing/*\",").replace(
        "duplex: true", "duplex: false"))
    output = errors_of(run_cli, project)
    assert re.search(r"versus\.yaml:9:20: no handout 'kafka-vs-pulsr' in content/ for "
                     r"booklet 'guide'; did you mean 'kafka-vs-pulsar'\?", output), output
    assert re.search(r"warning: .*versus\.yaml:9:36: 'nothing/\*' matches no handout",
                     output), output


def test_bad_values_are_errors_at_their_place(tmp_path, run_cli):
    project = write_project(tmp_path / "project", BOOKLETS.replace(
        "name: pocket", "name: Pocket Book").replace("duplex: true", "duplex: often"))
    output = errors_of(run_cli, project)
    assert re.search(r"versus\.yaml:6:13: 'duplex' must be true or false", output), output
    assert re.search(r"versus\.yaml:12:11: a booklet's name is its file name", output), \
        output


def test_other_commands_accept_the_section(tmp_path, build):
    project = write_project(tmp_path / "project")
    build(project, "html", "--jobs", "1")
    assert not (project / "output" / "booklets").exists()


def test_duplex_on_the_command_line_is_refused_for_defined_booklets(tmp_path, run_cli):
    project = write_project(tmp_path / "project")
    result = run_cli("booklet", "--project", project, "--duplex")
    assert result.exit_code == 2, result.output
    assert "each booklet versus.yaml defines says its own duplex" in result.output


def test_a_tag_booklet_never_overwrites_the_booklet_of_every_handout(tmp_path, build):
    project = write_project(tmp_path / "project", "site_name: Field Guide\n")
    build(project, "booklet", "--jobs", "1")
    whole = project / "output" / "booklet.pdf"
    data, changed = whole.read_bytes(), whole.stat().st_mtime_ns
    result = build(project, "booklet", "--tag", "cloud", "--jobs", "1")
    assert "built booklets/tag-cloud.pdf: 2 handouts" in result.output
    assert whole.read_bytes() == data and whole.stat().st_mtime_ns == changed
    titles = [title for title, _, _ in outline(booklet(project, "tag-cloud"))]
    assert titles == ["Contents", "AWS vs. GCP", "Kafka vs. Pulsar"]
    index_links = build(project, "all", "--jobs", "1")
    assert "booklet.pdf is up to date" in index_links.output
    assert 'href="booklet.pdf"' in (project / "output" / "index.html").read_text("utf-8")
