"""The handout a print designer would sign: the figures of the fixtures' pages.

The fixtures (tests/fixtures/: the seed, a six-item comparison, a handout with
every Markdown element) are built in temporary projects on A4, Letter and A5 and
read back with ``pdftotext -bbox-layout``: pages, characters per body line,
hyphenated line ends, names and code unbroken, footnotes on their page.
"""

from __future__ import annotations

import re
import statistics
import subprocess
from html import unescape
from pathlib import Path

import pikepdf
import pyphen
import pytest

from support.golden import build_fixtures
from support.lines import HYPHENS, Line

MM = 72 / 25.4
SEED, SIX, FEATURE = "devops-vs-mlops", "databases-six", "feature-handout"
SIX_ITEMS = ["PostgreSQL", "MySQL", "MongoDB", "Cassandra", "Redis", "CockroachDB"]
LINE_RE = re.compile(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                     r'yMax="([\d.]+)">(.*?)</line>', re.DOTALL)
WORD_RE = re.compile(r"<word [^>]*>([^<]*)</word>")
PAGE_RE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.DOTALL)


class Pages:
    """The lines of a PDF's page bodies (running header and footer left out)."""

    def __init__(self, pdf: Path):
        xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True,
                             capture_output=True, text=True).stdout
        self.lines: list[Line] = []
        self.sizes = []
        for number, (width, height, body) in enumerate(PAGE_RE.findall(xml)):
            self.sizes.append((float(width), float(height)))
            for x0, y0, x1, y1, words in LINE_RE.findall(body):
                text = " ".join(unescape(word) for word in WORD_RE.findall(words))
                top, bottom = float(y0), float(y1)
                if top > 19 * MM and bottom < float(height) - 17 * MM:
                    self.lines.append(Line(number, float(x0), top, float(x1), bottom, text))

    @property
    def count(self) -> int:
        return len(self.sizes)

    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def columns(self) -> list[list[Line]]:
        """Lines that start at the same x on a page, top to bottom: a column's lines."""
        groups: dict[tuple[int, float], list[Line]] = {}
        for line in sorted(self.lines, key=lambda line: (line.page, line.x0)):
            key = next((key for key in groups if key[0] == line.page
                        and abs(key[1] - line.x0) < 3), (line.page, line.x0))
            groups.setdefault(key, []).append(line)
        return [sorted(lines, key=lambda line: line.y0) for lines in groups.values()]

    def body_lines(self) -> list[Line]:
        """Lines in the body text's size (the most common line height)."""
        body = statistics.mode(line.height for line in self.lines)
        return [line for line in self.lines if abs(line.height - body) < 0.2]

    def full_lines(self, lines: list[Line]) -> list[Line]:
        """The lines of ``lines`` that fill their column (not a paragraph's last line)."""
        chosen = set(lines)
        full = []
        for column in self.columns():
            mine = [line for line in column if line in chosen]
            if mine:
                widest = max(line.x1 - line.x0 for line in mine)
                full += [line for line in mine if line.x1 - line.x0 > 0.8 * widest]
        return full

    def hyphen_runs(self) -> tuple[int, int]:
        """Hyphenated line ends, and the longest run of them on consecutive lines."""
        total = longest = 0
        for column in self.columns():
            run, previous = 0, None
            for line in column:
                adjacent = previous is not None and line.y0 - previous.y1 < line.height
                run = (run + 1 if adjacent else 1) if line.hyphenated else 0
                total += line.hyphenated
                longest = max(longest, run)
                previous = line
        return total, longest


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, dict[str, Pages]]:
    """paper -> handout -> its pages, the fixtures built once on each paper."""
    result = {}
    for paper in ("A4", "Letter", "A5"):
        folder = build_fixtures(tmp_path_factory.mktemp(f"design-{paper}"), paper,
                                (SEED, SIX, FEATURE))
        result[paper] = {name: Pages(folder / f"{name}.pdf")
                         for name in (SEED, SIX, FEATURE)}
        result[paper]["folder"] = folder
    return result


@pytest.mark.parametrize("paper,most", [("A4", 2), ("Letter", 2), ("A5", 4)])
def test_the_seed_fits_its_pages_and_fills_the_last(built, paper, most):
    pages = built[paper][SEED]
    assert pages.count <= most
    last = [line for line in pages.lines if line.page == pages.count - 1]
    height = pages.sizes[-1][1]
    assert max(line.y1 for line in last) > 0.4 * height, "the last page is nearly empty"


@pytest.mark.parametrize("paper", ["A4", "Letter", "A5"])
def test_body_lines_keep_a_comfortable_measure(built, paper):
    pages = built[paper][SEED]
    body = pages.body_lines()
    assert len(body) > 60
    assert max(len(line.text) for line in body) <= 75, \
        max(body, key=lambda line: len(line.text)).text
    full = pages.full_lines(body)
    short = [line.text for line in full if len(line.text) < 45]
    assert len(full) > 50 and not short, short


@pytest.mark.parametrize("paper", ["A4", "Letter", "A5"])
def test_the_lead_keeps_a_comfortable_measure(built, paper):
    pages = built[paper][SEED]
    first = next(line for line in pages.lines if line.text.startswith("DevOps and MLOps"))
    lead = [line for line in pages.lines if line.page == 0 and line.height == first.height
            and line.x0 == first.x0]
    assert len(lead) >= 5
    assert all(len(line.text) <= 75 for line in lead), [line.text for line in lead]
    assert all(len(line.text) >= 45 for line in pages.full_lines(lead)[:-1])


def test_the_seed_hyphenates_rarely_and_never_three_in_a_row(built):
    total, longest = built["A4"][SEED].hyphen_runs()
    assert total <= 10 and longest < 3, (total, longest)
    for paper in ("Letter", "A5"):
        assert built[paper][SEED].hyphen_runs()[1] < 3


@pytest.mark.parametrize("paper", ["A4", "Letter", "A5"])
def test_hyphens_fall_where_the_american_dictionary_allows(built, paper):
    dictionary = pyphen.Pyphen(lang="en_US")
    source = (Path(__file__).parents[1] / "fixtures" / f"{SEED}.md").read_text()
    lines = built[paper][SEED].lines
    for line, after in zip(lines, lines[1:]):
        if not line.hyphenated:
            continue
        head = line.text.split()[-1].rstrip("".join(HYPHENS))
        tail = re.match(r"\w+", after.text).group(0)
        if f"{head}-{tail}" in source:
            continue  # a hyphen of the text itself, such as Cross-functional
        word = head + tail
        assert len(head) in dictionary.positions(word.lower()), f"{head}-{tail}"
        assert head.lower() not in {"devops", "mlops"} and "DevOps" not in word


def test_item_names_and_code_are_never_broken(built):
    for paper in ("A4", "Letter"):
        text = built[paper][SIX].text()
        lines = text.splitlines()
        for name in SIX_ITEMS:
            assert any(name in line.split() for line in lines[:30]), name  # header row
        pages = built[paper][SIX]  # a code span may wrap in its column, never with a hyphen
        joined = " ".join("".join(line.text for line in column)
                          for column in pages.columns()).replace("\u200b", "")
        for code in ("@deprecated", "getDeprecatedConnectionPool()",
                     "db.collection.count()", "pg_dump"):
            assert code in joined, code
        for line in lines:
            last = line.split()[-1] if line.split() else ""
            assert not (line.endswith(HYPHENS) and any(
                name.startswith(last.rstrip("-")) for name in SIX_ITEMS)), line


def test_wide_comparisons_hyphenate_at_most_one_cell_line_in_ten(built):
    pages = built["A4"][SIX]
    table = [line for line in pages.lines
             if line.page < 2 and line.height == pages.lines[20].height]
    ends = [line for line in table if line.hyphenated]
    assert len(table) > 60 and len(ends) * 10 <= len(table), [l.text for l in ends]


def test_wide_comparisons_turn_the_page_or_stack(built):
    width, height = built["A4"][SIX].sizes[0]
    assert width > height  # landscape
    stacked = built["A5"][SIX]
    assert stacked.sizes[0][0] < stacked.sizes[0][1]
    layout = subprocess.run(["pdftotext", "-layout", str(built["A5"]["folder"] / f"{SIX}.pdf"),
                             "-"], check=True, capture_output=True, text=True).stdout
    assert re.search(r"\nData model\n\s*PostgreSQL +Relational tables with JSONB documents\n",
                     layout)  # one block per attribute, each item on its line


def test_footnotes_sit_at_the_foot_of_their_page(built):
    pages = built["A4"][FEATURE]
    text = pages.text()
    assert "↩" not in text and "[^" not in text
    for call, note in (("distributed version control systems", "Both were started"),
                       ("C and shell", "Most of Git"),
                       ("extension", "Enabled in")):
        called = next(line for line in pages.lines if call in line.text)
        printed = next(line for line in pages.lines if line.text.startswith(
            tuple(f"{n}. {note}" for n in range(1, 9))))
        assert printed.page == called.page and printed.y0 > called.y1
    body_bottom = max(line.y1 for line in pages.lines if line.page == 0
                      and not re.match(r"\d\. ", line.text))
    notes = [line for line in pages.lines if line.page == 0 and re.match(r"\d\. ", line.text)]
    assert len(notes) == 3 and min(line.y0 for line in notes) >= body_bottom - 40


def test_smart_punctuation_outside_code(built):
    seed = built["A4"][SEED].text()
    assert "What’s the Difference?" in seed and "'" not in seed
    feature = built["A4"][FEATURE].text()
    assert "“distributed”" in feature and "compared…" in feature
    assert "– an old joke" in feature or "— an old joke" in feature
    assert '"""Say hello -> politely."""' in feature  # code keeps its straight quotes
    assert 'name != ""' in feature


def test_byline_shows_author_and_date(built):
    assert "November 26, 2026" in built["A4"][SEED].text()
    six = built["A4"][SIX].text()
    assert "Ada Lovelace" in six and "November 20, 2026" in six


def test_images_stay_inside_the_page_area(built):
    for paper in ("A4", "A5"):
        pdf = pikepdf.open(built[paper]["folder"] / f"{FEATURE}.pdf")
        for page in pdf.pages:
            height = float(page.mediabox[3])
            for operands, operator in pikepdf.parse_content_stream(page, "cm Do"):
                if operator == pikepdf.Operator("cm"):
                    a, b, c, d, e, f = map(float, operands)
                    if d > 200:  # the tall figure, drawn scaled to its height
                        assert f > 19 * MM and f + d < height - 21 * MM


def test_links_to_other_handouts_point_at_their_pdf(built):
    pdf = pikepdf.open(built["A4"]["folder"] / f"{FEATURE}.pdf")
    uris = {str(annot.A.URI) for page in pdf.pages for annot in page.get("/Annots", [])
            if "/A" in annot and "/URI" in annot.A}
    assert "svn-vs-git.pdf" in uris and "https://git-scm.com/docs/git" in uris
    assert not [uri for uri in uris if uri.startswith("file:")]


HEADINGS = {SEED: ["Comparison", "Further Detail", "Definition", "Focus",
                   "Tools and Technologies", "Workflow", "Team Collaboration", "Benefits",
                   "Conclusion"],
            SIX: ["Comparison", "When to choose which", "Relational",
                  "Documents and wide columns", "In memory", "Distributed SQL"],
            FEATURE: ["Comparison", "Further Detail", "Commands", "Terms", "Speed",
                      "History", "Conclusion"]}


@pytest.mark.parametrize("paper", ["A4", "Letter", "A5"])
@pytest.mark.parametrize("name", [SEED, SIX, FEATURE])
def test_no_heading_is_stranded_at_the_foot_of_a_column(built, paper, name):
    pages = built[paper][name]
    headings = [line for line in pages.lines if line.text in HEADINGS[name]]
    assert len(headings) >= len(HEADINGS[name])
    for heading in headings:
        below = [line for line in pages.lines if line.page == heading.page
                 and line.y0 > heading.y1 and line.x0 < heading.x1 and line.x1 > heading.x0]
        assert below, f"page {heading.page + 1}: '{heading.text}' ends its column"
