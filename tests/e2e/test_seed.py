"""The seed handout survives the build: every sentence, in order, in the same structure.

tests/fixtures/devops-vs-mlops.txt is the original handout. The PDF and the HTML page
built from content/devops-vs-mlops.md must carry all of it, in its order, with its
structure: kicker, title, tagline, lead, the comparison table, "Further Detail" and
its six sections, "Conclusion", and the disclaimer line last.
"""

from __future__ import annotations

import re
import statistics

import pytest

TITLE = "DevOps vs. MLOps"
TAGLINE = "What's the Difference?"
SMART_TAGLINE = "What\u2019s the Difference?"  # as printed: with a typographic apostrophe
SITE_NAME = "Versus"
DISCLAIMER = ("Comparisons may contain inaccurate information about people, places, "
              "or facts. Please report any issues.")
ITEMS = ("DevOps", "MLOps")
ROWS = [
    ("Focus", "Software development and IT operations",
     "Machine learning model development and deployment"),
    ("Goal", "Improving collaboration, communication, and automation",
     "Streamlining the machine learning lifecycle"),
    ("Tools", "CI/CD, configuration management, monitoring tools",
     "ML frameworks, data versioning tools, model deployment tools"),
    ("Team Structure", "Cross-functional teams with developers, operations, and QA",
     "Cross-functional teams with data scientists, ML engineers, and operations"),
    ("Metrics", "Lead time, deployment frequency, change failure rate",
     "Model accuracy, training time, inference latency"),
]
SECTIONS = ["Definition", "Focus", "Tools and Technologies", "Workflow",
            "Team Collaboration", "Benefits"]
PAGE_NUMBER_RE = re.compile(r"^Page (\d+) of (\d+)$")


def normalize(text: str) -> str:
    """Lowercase letters and digits only: hyphenation, spacing, cell joins vanish."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def seed_lines(seed_text: str) -> list[str]:
    return [line.strip() for line in seed_text.splitlines() if line.strip()]


def seed_sentences(seed_text: str) -> list[str]:
    sentences = []
    for line in seed_lines(seed_text):
        sentences.extend(s for s in re.split(r"(?<=[.!?])\s+", line) if normalize(s))
    return sentences


def assert_in_order(sentences: list[str], haystack: str, where: str) -> None:
    """Each sentence occurs in ``haystack`` (normalized) after the previous one."""
    text = normalize(haystack)
    position = 0
    for number, sentence in enumerate(sentences, 1):
        needle = normalize(sentence)
        found = text.find(needle, position)
        if found < 0:
            anywhere = text.find(needle)
            state = ("is missing entirely" if anywhere < 0 else
                     f"appears only before the previous sentence (at {anywhere}, "
                     f"cursor {position})")
            pytest.fail(f"{where}: seed sentence {number} {state}:\n  {sentence!r}\n"
                        f"text after the cursor starts: {text[position:position + 160]!r}")
        position = found + len(needle)


# ------------------------------------------------------------------ the fixture

def test_fixture_matches_the_expected_structure(seed_text):
    """The constants below describe the original handout (guards the other tests)."""
    lines = seed_lines(seed_text)
    expected = (["vs.", TITLE, TAGLINE] + [lines[3]] + ["Comparison",
                "Attribute" + "".join(ITEMS)]
                + ["".join(row) for row in ROWS] + ["Further Detail", lines[12]])
    assert lines[:13] == expected
    headings = [line for line in lines if line in SECTIONS]
    assert headings == SECTIONS
    assert lines[-3] == "Conclusion"
    assert lines[-1] == DISCLAIMER


# ------------------------------------------------------------------ PDF

def test_pdf_margin_text_is_only_running_header_and_page_numbers(seed_pdf_text):
    """What the body filter drops is exactly the running header and 'Page N of M'."""
    pdf = seed_pdf_text
    assert pdf.page_count >= 2, "the seed handout should fill more than one page"
    for page in range(pdf.page_count):
        header = [f.text.strip() for f in pdf.header(page)]
        footer = [f.text.strip() for f in pdf.footer(page)]
        expected_header = [] if page == 0 else [TITLE, SITE_NAME]
        assert sorted(header) == sorted(expected_header), (
            f"page {page + 1}: text in the header band is {header}, "
            f"expected {expected_header}")
        assert footer == [f"Page {page + 1} of {pdf.page_count}"], (
            f"page {page + 1}: text in the footer band is {footer}")


def test_pdf_has_every_seed_sentence_in_order(seed_pdf_text, seed_text):
    sentences = seed_sentences(seed_text)
    assert len(sentences) > 50
    assert_in_order(sentences, seed_pdf_text.body_text(), "PDF")


def test_pdf_has_nothing_after_the_disclaimer(seed_pdf_text):
    body = normalize(seed_pdf_text.body_text())
    assert body.endswith(normalize(DISCLAIMER)), (
        f"the PDF body does not end with the disclaimer; it ends {body[-120:]!r}")
    assert body.count(normalize(DISCLAIMER)) == 1


class _Cursor:
    """Walks the PDF body fragments forwards, finding what comes next."""

    def __init__(self, fragments):
        self.fragments = fragments
        self.position = 0

    def next(self, predicate, what: str):
        for index in range(self.position, len(self.fragments)):
            if predicate(self.fragments[index]):
                self.position = index + 1
                return index
        seen = [f.text for f in self.fragments[self.position:self.position + 8]]
        pytest.fail(f"PDF: expected {what} after fragment {self.position}; "
                    f"next fragments: {seen}")


def test_pdf_structure_order(seed_pdf_text):
    body = seed_pdf_text.body()
    body_size = statistics.mode(round(f.size, 1) for f in body)
    cursor = _Cursor(body)

    def text_is(expected):
        return lambda f: normalize(f.text) == normalize(expected)

    def heading(expected):
        return lambda f: (normalize(f.text) == normalize(expected) and f.bold
                          and f.size > body_size * 1.05)

    first = body[0]
    assert (first.page, first.text.strip()) == (0, "vs."), (
        f"the first thing on page 1 should be the kicker 'vs.', not {first.text!r}")
    title = body[cursor.next(text_is(TITLE), "the title")]
    assert title.bold and title.size > 2 * body_size, (
        f"the title is set in {title.font} {title.size:.1f} pt; expected a large bold h1")
    tagline = body[cursor.next(text_is(TAGLINE), "the tagline")]
    assert tagline.size > body_size and tagline.y < title.y
    cursor.next(lambda f: normalize(f.text).startswith(
        normalize("DevOps and MLOps are both methodologies")), "the lead paragraph")
    comparison = cursor.next(heading("Comparison"), "the 'Comparison' heading")
    further = cursor.next(heading("Further Detail"), "the 'Further Detail' heading")
    for section in SECTIONS:
        cursor.next(heading(section), f"the section heading {section!r}")
    conclusion = cursor.next(heading("Conclusion"), "the 'Conclusion' heading")
    cursor.next(lambda f: normalize(DISCLAIMER).startswith(normalize(f.text)) and
                normalize(f.text), "the disclaimer")
    assert not [f for f in body[cursor.position:]
                if normalize(DISCLAIMER).find(normalize(f.text)) < 0], (
        "text follows the disclaimer: "
        f"{[f.text for f in body[cursor.position:]]}")
    assert comparison < further < conclusion
    check_table(body[comparison + 1:further])


def check_table(fragments):
    """Header row Attribute | DevOps | MLOps, then the five rows, cell by cell."""
    assert fragments, "nothing between 'Comparison' and 'Further Detail'"
    header_y = fragments[0].y
    header = [f for f in fragments if f.page == fragments[0].page and
              abs(f.y - header_y) < 0.5]
    assert normalize(" ".join(f.text for f in sorted(header, key=lambda f: f.x))) == \
        normalize("Attribute " + " ".join(ITEMS)), (
        f"the table's first line is {[f.text for f in header]}, expected the header "
        "row Attribute | DevOps | MLOps")
    header_key = normalize("Attribute" + "".join(ITEMS))
    cells = [f for f in fragments if f not in header and normalize(f.text) != header_key]
    first_column = min(f.x for f in cells)
    rows, previous = [], None
    for fragment in cells:
        starts_row = abs(fragment.x - first_column) < 1 and (
            previous is None or abs(previous.x - first_column) >= 1)
        if starts_row:
            rows.append([])
        rows[-1].append(fragment)
        previous = fragment
    assert len(rows) == len(ROWS), (
        f"the PDF table has {len(rows)} rows, expected {len(ROWS)}: "
        f"{[[f.text for f in row] for row in rows]}")
    for row, expected in zip(rows, ROWS):
        columns: dict[float, list] = {}
        for fragment in row:
            key = next((x for x in columns if abs(x - fragment.x) < 1), fragment.x)
            columns.setdefault(key, []).append(fragment)
        got = [" ".join(f.text for f in columns[x]) for x in sorted(columns)]
        assert [normalize(cell) for cell in got] == [normalize(c) for c in expected], (
            f"PDF table row {expected[0]!r}: cells {got}, expected {list(expected)}")
        tops = {(columns[x][0].page, round(columns[x][0].y, 1)) for x in columns}
        assert len(tops) == 1, (
            f"PDF table row {expected[0]!r}: its cells do not start on one baseline "
            f"({tops})")


# ------------------------------------------------------------------ HTML

def article_blocks(document):
    article = document.find("article")
    assert article is not None, "the handout page has no <article>"
    return article, [(element.tag, squash(element.text())) for element in article.iter()
                     if element.tag in {"p", "h1", "h2", "h3", "h4", "th", "td", "li"}]


def test_html_has_every_seed_sentence_in_order(seed_html, parse_html, seed_text):
    article, _ = article_blocks(parse_html(seed_html))
    assert_in_order(seed_sentences(seed_text), article.text(), "HTML")


def test_html_structure_order(seed_html, parse_html, seed_text):
    """Block by block, the article is the seed: tags and texts in the same order."""
    lines = seed_lines(seed_text)
    expected = [("p", "vs."), ("h1", TITLE), ("p", SMART_TAGLINE), ("p", lines[3]),
                ("h2", "Comparison"), ("th", "Attribute")]
    expected += [("th", item) for item in ITEMS]
    for name, *values in ROWS:
        expected += [("th", name)] + [("td", value) for value in values]
    rest = lines[lines.index("Further Detail"):]
    for line in rest[:-1]:
        if line in ("Further Detail", "Conclusion"):
            expected.append(("h2", line))
        elif line in SECTIONS:
            expected.append(("h3", line))
        else:
            expected.append(("p", line))
    expected.append(("p", DISCLAIMER))
    _, blocks = article_blocks(parse_html(seed_html))
    for index, (got, want) in enumerate(zip(blocks, expected)):
        assert got == want, f"HTML block {index}: got {got}, expected {want}"
    assert len(blocks) == len(expected), (
        f"HTML article has {len(blocks)} blocks, expected {len(expected)}; "
        f"extra/missing: {blocks[len(expected):] or expected[len(blocks):]}")


def test_html_masthead_lead_and_disclaimer_roles(seed_html, parse_html):
    document = parse_html(seed_html)
    article = document.find("article")
    assert squash(article.find("p", class_="kicker").text()) == "vs."
    assert squash(article.find("p", class_="tagline").text()) == SMART_TAGLINE
    lead = article.find("div", class_="lead")
    assert lead is not None and normalize(lead.text()).startswith(
        normalize("DevOps and MLOps are both methodologies"))
    disclaimer = article.find("footer", class_="disclaimer")
    assert disclaimer is not None and squash(disclaimer.text()) == DISCLAIMER
    # the comparison table comes right after the lead
    sections = [child for child in article.children
                if not isinstance(child, str)]
    names = [(child.tag, child.attrs.get("class", "")) for child in sections]
    assert names[:4] == [("header", "masthead"), ("div", "lead"),
                         ("section", "comparison"), ("div", "body")], names
    assert names[-1] == ("footer", "disclaimer"), names
