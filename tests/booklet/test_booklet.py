"""``booklet``: output/booklet.pdf binds a cover, a contents page and every handout.

SPEC.md, Outputs: ``output/booklet.pdf`` holds all handouts: cover, contents with
page numbers, bookmarks. The page numbers in the contents are checked against the
pages the handouts really land on (by their text), the links and the outline
against the same pages, with pypdf.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest

from support.files import write
from versus.booklet.binder import make_booklet
from versus.booklet.pages import page_starts
from versus.build.pipeline import BuildOptions

TABLE = "attributes:\n  Colour: {%s: Red, %s: Blue}\n  Size: {%s: Small, %s: Large}\n"
LONG_BODY = "\n\n".join(
    f"## Part {n}\n\n" + "Gamma keeps a long record of how Delta differs from it. " * 40
    for n in range(6))
HANDOUTS = {  # slug: (title, first item, second item, extra front matter, body)
    "alpha-vs-beta": ("Alpha vs. Beta", "Alpha", "Beta", "date: 2026-01-10\n",
                      "Alpha first. See [the table](#comparison).\n\n## More\n\nShort.\n"),
    "gamma-vs-delta": ("Gamma vs. Delta", "Gamma", "Delta",
                       "date: 2026-03-05\ntagline: A long one\n",
                       "Gamma is long. See [the table](#comparison).\n\n" + LONG_BODY),
    "cloud/epsilon-vs-zeta": ("Epsilon vs. Zeta", "Epsilon", "Zeta", "",
                              "Epsilon lead.\n\n## Detail\n\nZeta text.\n"),
}
DRAFT = ("draft-vs-final", "Draft vs. Final")


def handout_text(title: str, first: str, second: str, extra: str, body: str) -> str:
    table = TABLE % (first, second, first, second)
    return (f"---\nitems: [{first}, {second}]\ntitle: {title}\n{extra}{table}---\n"
            f"{body}")


def write_project(project: Path) -> Path:
    for slug, fields in HANDOUTS.items():
        write(project, f"content/{slug}.md", handout_text(*fields))
    write(project, f"content/{DRAFT[0]}.md",
          handout_text(DRAFT[1], "Draft", "Final", "draft: true\n", "A draft.\n"))
    write(project, "versus.yaml", "site_name: Field Guide\n")
    return project


@pytest.fixture(scope="module")
def booklet_project(tmp_path_factory, build) -> Path:
    """The three handouts and a draft, with ``booklet`` built once."""
    project = write_project(tmp_path_factory.mktemp("booklet") / "project")
    build(project, "booklet", "--jobs", "1")
    return project


@pytest.fixture(scope="module")
def duplex_project(tmp_path_factory, build) -> Path:
    project = write_project(tmp_path_factory.mktemp("duplex") / "project")
    build(project, "booklet", "--duplex", "--jobs", "1")
    return project


@pytest.fixture
def copy(booklet_project, tmp_path) -> Path:
    """A copy of the built project (output and build state included) to change."""
    project = tmp_path / "copy"
    shutil.copytree(booklet_project, project)
    return project


def reader(project: Path, name: str = "booklet.pdf") -> pypdf.PdfReader:
    return pypdf.PdfReader(project / "output" / name)


def squash(text: str) -> str:
    return " ".join(text.split())


FOOTER = re.compile(r"\s*Page \d+ of \d+\s*$")


def body(text: str) -> str:
    """A page's text without its page number footer, which the booklet renumbers."""
    return FOOTER.sub("", text)


def handout_pages(project: Path) -> dict[str, int]:
    """Slug -> page count of its PDF, in booklet (slug) order."""
    return {slug: len(reader(project, f"pdf/{slug}.pdf").pages)
            for slug in sorted(HANDOUTS)}


def contents_numbers(booklet: pypdf.PdfReader, pages=(1,)) -> dict[str, int]:
    """Title -> page number, as the contents page(s) print them."""
    text = "\n".join(booklet.pages[index].extract_text() for index in pages)
    found = {}
    for title, *_ in HANDOUTS.values():
        match = re.search(re.escape(title) + r"[ .]*?(\d+)\s*$", text, re.MULTILINE)
        assert match, f"the contents does not list '{title}' with a page number:\n{text}"
        found[title] = int(match.group(1))
    return found


def page_index(booklet: pypdf.PdfReader, reference) -> int:
    return [page.indirect_reference.idnum for page in booklet.pages].index(reference.idnum)


def link_targets(booklet: pypdf.PdfReader, index: int) -> list[int]:
    """The 1-based pages that the link annotations on page ``index`` go to."""
    targets = []
    for ref in booklet.pages[index].get("/Annots", None) or ():
        annot = ref.get_object()
        if annot.get("/Subtype") != "/Link":
            continue
        dest = annot.get("/Dest")
        if dest is None and "/A" in annot and annot["/A"].get("/S") == "/GoTo":
            dest = annot["/A"]["/D"]
        assert dest is not None and not isinstance(dest, str), (
            f"page {index + 1} has a link that is not a link to a page: {annot}")
        targets.append(page_index(booklet, dest[0]) + 1)
    return targets


# ----------------------------------------------------------------- pages

def test_booklet_is_cover_contents_and_every_handout(booklet_project):
    counts = handout_pages(booklet_project)
    assert counts["gamma-vs-delta"] >= 2, f"the long handout should span pages: {counts}"
    booklet = reader(booklet_project)
    assert len(booklet.pages) == 1 + 1 + sum(counts.values()), (
        f"{len(booklet.pages)} pages, expected cover + contents + {counts}")
    cover = squash(booklet.pages[0].extract_text())
    assert "Field Guide" in cover and "3 comparison handouts" in cover, cover
    assert "March 5, 2026" in cover, f"the cover should carry the newest date: {cover}"


def test_contents_gives_each_handouts_first_page(booklet_project):
    booklet = reader(booklet_project)
    numbers = contents_numbers(booklet)
    page, expected = 3, {}
    for slug, count in handout_pages(booklet_project).items():
        expected[HANDOUTS[slug][0]], page = page, page + count
    assert numbers == expected
    for slug, (title, *_) in HANDOUTS.items():
        first = reader(booklet_project, f"pdf/{slug}.pdf").pages[0].extract_text()
        page = booklet.pages[numbers[title] - 1].extract_text()
        assert title in squash(page), f"page {numbers[title]} does not show '{title}'"
        assert body(page) == body(first), (
            f"page {numbers[title]} is not the first page of {slug}")
    assert DRAFT[1] not in booklet.pages[1].extract_text(), "a draft is in the contents"


def test_duplex_starts_every_handout_on_a_right_hand_page(duplex_project):
    """Cover, its blank back, the contents on page 3, then each handout on an odd
    page, after a blank page where the one before ended on an odd page."""
    booklet = reader(duplex_project)
    assert "Contents" in booklet.pages[2].extract_text(), "contents not on page 3"
    expected_starts, expected_blanks, page = {}, [2], 4
    for slug, count in handout_pages(duplex_project).items():
        if page % 2 == 0:
            expected_blanks.append(page)
            page += 1
        expected_starts[HANDOUTS[slug][0]] = page
        page += count
    assert contents_numbers(booklet, pages=(2,)) == expected_starts
    assert len(booklet.pages) == page - 1
    blanks = [index + 1 for index, one in enumerate(booklet.pages)
              if not one.extract_text().strip()]
    assert blanks == expected_blanks, f"blank pages {blanks}, expected {expected_blanks}"
    for slug, (title, *_) in HANDOUTS.items():
        first = reader(duplex_project, f"pdf/{slug}.pdf").pages[0].extract_text()
        assert body(booklet.pages[expected_starts[title] - 1].extract_text()) == \
            body(first), title


def test_page_starts_skip_to_odd_pages_only_in_duplex():
    assert page_starts(2, [1, 2, 3], duplex=False) == [3, 4, 6]
    assert page_starts(3, [1, 2, 3], duplex=True) == [5, 7, 9]
    assert page_starts(4, [2, 1], duplex=True) == [5, 7]


# --------------------------------------------------------- outline and links

def test_outline_has_one_entry_per_handout_with_its_bookmarks(booklet_project):
    booklet = reader(booklet_project)
    numbers = contents_numbers(booklet)
    outline = booklet.outline
    tops = [(index, item) for index, item in enumerate(outline)
            if not isinstance(item, list)]
    titles = [item.title for _, item in tops]
    slug_of = {fields[0]: slug for slug, fields in HANDOUTS.items()}
    assert titles == ["Contents"] + [HANDOUTS[slug][0] for slug in sorted(HANDOUTS)], titles
    for index, item in tops[1:]:
        first = booklet.get_destination_page_number(item) + 1
        assert first == numbers[item.title], (item.title, first)
        children = outline[index + 1] if index + 1 < len(outline) else None
        assert isinstance(children, list) and children, f"'{item.title}' has no bookmarks"
        names = [child.title for child in children if not isinstance(child, list)]
        assert "Comparison" in names and item.title not in names, names
        last = first + len(reader(booklet_project, f"pdf/{slug_of[item.title]}.pdf").pages)
        pages = [booklet.get_destination_page_number(child) + 1 for child in children
                 if not isinstance(child, list)]
        assert all(first <= page < last for page in pages), (item.title, first, pages)


def test_contents_links_go_to_the_handouts_first_pages(booklet_project):
    booklet = reader(booklet_project)
    targets = link_targets(booklet, 1)
    numbers = contents_numbers(booklet)
    assert set(targets) == set(numbers.values()), (
        f"links on the contents go to pages {sorted(set(targets))}, "
        f"the handouts start on {sorted(numbers.values())}")
    for ref in booklet.pages[1]["/Annots"]:
        action = ref.get_object().get("/A")
        assert action is None or "/URI" not in action, "a placeholder link was left over"


def test_links_inside_a_handout_stay_inside_it(booklet_project):
    """Every handout has an anchor 'comparison'; each link must find its own."""
    booklet = reader(booklet_project)
    numbers = contents_numbers(booklet)
    for title in ("Alpha vs. Beta", "Gamma vs. Delta"):
        first = numbers[title]
        assert link_targets(booklet, first - 1) == [first], (
            f"the '#comparison' link on page {first} ({title}) goes elsewhere")


# ---------------------------------------------------------- incremental

def test_second_run_renders_nothing_and_keeps_the_booklet(copy):
    pdfs = sorted((copy / "output" / "pdf").rglob("*.pdf"))
    before = {path: path.stat().st_mtime_ns for path in pdfs}
    data = (copy / "output" / "booklet.pdf").read_bytes()
    report = make_booklet(copy, BuildOptions(formats=("pdf",), jobs=1))
    assert report.ok, [str(e) for e in report.build.errors + report.errors]
    assert report.build.built == [] and report.up_to_date and report.path is None, report
    assert {path: path.stat().st_mtime_ns for path in pdfs} == before
    assert (copy / "output" / "booklet.pdf").read_bytes() == data


def test_rebuilt_booklet_is_byte_identical(copy, build):
    data = (copy / "output" / "booklet.pdf").read_bytes()
    (copy / "output" / "booklet.pdf").unlink()
    result = build(copy, "booklet", "--jobs", "1")
    assert "built booklet.pdf" in result.output
    assert (copy / "output" / "booklet.pdf").read_bytes() == data


def test_editing_one_handout_renders_only_that_one(copy):
    path = copy / "content" / "alpha-vs-beta.md"
    path.write_text(path.read_text("utf-8").replace("title: Alpha vs. Beta",
                                                    "title: Alpha vs. Beta Renamed"))
    report = make_booklet(copy, BuildOptions(formats=("pdf",), jobs=1))
    assert report.ok and report.path is not None, report
    assert [p.relative_to(copy / "output").as_posix() for p in report.build.built] \
        == ["pdf/alpha-vs-beta.pdf"]
    assert "Alpha vs. Beta Renamed" in reader(copy).pages[1].extract_text()


def test_duplex_option_rebuilds_the_booklet(copy):
    report = make_booklet(copy, BuildOptions(formats=("pdf",), jobs=1), duplex=True)
    assert report.path is not None and report.build.built == [], report
    assert all(number % 2 for number in contents_numbers(reader(copy), (2,)).values())


# --------------------------------------------------------------- errors

def test_a_failing_handout_is_reported_and_left_out(copy, run_cli):
    write(copy, "content/broken-vs-fixed.md", handout_text(
        "Broken vs. Fixed", "Broken", "Fixed", "", "![gone](missing.png)\n"))
    result = run_cli("booklet", "--project", copy, "--jobs", "1")
    assert result.exit_code == 1, result.output
    assert re.search(r"broken-vs-fixed\.md.*missing\.png", result.output), result.output
    booklet = reader(copy)
    assert "Broken vs. Fixed" not in booklet.pages[1].extract_text()
    assert len(contents_numbers(booklet)) == 3


def test_a_broken_booklet_template_keeps_the_last_booklet(copy, run_cli):
    data = (copy / "output" / "booklet.pdf").read_bytes()
    write(copy, "templates/booklet.html", "{% extends 'base.html' %}{% block body %}"
          "{{ entries.nope.nope }}{% endblock %}")
    result = run_cli("booklet", "--project", copy, "--jobs", "1")
    assert result.exit_code == 1, result.output
    assert "booklet.html" in result.output, result.output
    assert (copy / "output" / "booklet.pdf").read_bytes() == data


def test_booklet_takes_no_targets(copy, run_cli):
    result = run_cli("booklet", "--project", copy, "alpha-vs-beta")
    assert result.exit_code == 2, result.output


# ------------------------------------------------------------ dates and all

def test_cover_date_falls_back_to_source_date_epoch_never_the_clock(tmp_path, build,
                                                                     monkeypatch):
    project = tmp_path / "project"
    write(project, "content/epsilon-vs-zeta.md",
          handout_text(*HANDOUTS["cloud/epsilon-vs-zeta"]))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    build(project, "booklet", "--jobs", "1")
    cover = squash(reader(project).pages[0].extract_text())
    assert not re.search(r"\b(19|20)\d\d\b", cover), f"a date from nowhere: {cover}"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 14 November 2023
    build(project, "booklet", "--jobs", "1")
    cover = squash(reader(project).pages[0].extract_text())
    assert "November 14, 2023" in cover, cover


def test_all_builds_the_booklet_too(tmp_path, build):
    project = write_project(tmp_path / "project")
    build(project, "all", "alpha-vs-beta", "--jobs", "1")
    assert not (project / "output" / "booklet.pdf").exists(), (
        "`all TARGET` bound a booklet of one handout")
    build(project, "all", "--jobs", "1")
    assert len(contents_numbers(reader(project))) == 3
    assert (project / "output" / "index.html").is_file()


def test_contents_over_two_pages_moves_the_handouts_on(tmp_path, build):
    """A theme whose contents takes two pages: the numbers count that second page."""
    project = write_project(tmp_path / "project")
    template = (Path(__file__).parents[2] / "versus" / "theme" / "booklet.html").read_text()
    assert '<ol class="contents">' in template
    write(project, "templates/booklet.html", template.replace(
        '<ol class="contents">', '<div style="height: 200mm"></div><ol class="contents">'))
    build(project, "booklet", "--jobs", "1")
    booklet = reader(project)
    numbers = contents_numbers(booklet, pages=(1, 2))
    assert min(numbers.values()) == 4, f"cover and two contents pages, then: {numbers}"
    for slug, (title, *_) in HANDOUTS.items():
        first = reader(project, f"pdf/{slug}.pdf").pages[0].extract_text()
        assert body(booklet.pages[numbers[title] - 1].extract_text()) == body(first), \
            title
    assert set(link_targets(booklet, 1) + link_targets(booklet, 2)) == set(numbers.values())


def test_a_wrong_guess_of_the_contents_length_is_corrected(copy, build):
    """The last booklet's count of front pages is only a first guess."""
    import sqlite3

    from versus.build.state import dump

    state_path = copy / ".versus" / "state.db"
    state = dump(state_path)
    assert state["handouts"]["booklet.pdf"] == {"front_pages": 2}, state["handouts"]
    con = sqlite3.connect(state_path)
    with con:
        con.execute("""UPDATE handouts SET facts = '{"front_pages": 7}'"""
                    " WHERE slug = 'booklet.pdf'")
    con.close()
    (copy / "output" / "booklet.pdf").unlink()
    build(copy, "booklet", "--jobs", "1")
    booklet = reader(copy)
    numbers = contents_numbers(booklet)
    assert min(numbers.values()) == 3, numbers
    for slug, (title, *_) in HANDOUTS.items():
        first = reader(copy, f"pdf/{slug}.pdf").pages[0].extract_text()
        assert body(booklet.pages[numbers[title] - 1].extract_text()) == body(first), \
            title


def test_the_contents_set_titles_with_typographic_quotes(tmp_path, build):
    write(tmp_path, "content/a-vs-b.md", "---\nitems: [A, B]\ntitle: \"What's A vs. "
                    "B\"\nattributes:\n  Focus:\n    A: one\n    B: two\n---\nLead.\n")
    build(tmp_path, "booklet", "--jobs", "1")
    text = subprocess.run(["pdftotext", str(tmp_path / "output/booklet.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "What\u2019s A vs. B" in text and "What's" not in text
