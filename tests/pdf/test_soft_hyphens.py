"""Hyphens the layout adds read as soft hyphens; a table cell keeps its last word whole
(``versus.pdf.hyphens``).

The fixtures (the seed, the six-item comparison, the handout with every element)
and a handout made to hyphenate (long words in a six-item comparison's narrow
cells, words with hyphens of their own) are built on A4, Letter and A5 and read
back: with ``pdftotext`` (which honours ``/ActualText``), with pikepdf (the
content streams and the structure tree), and by pdfua and qpdf.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
import yaml

from conftest import REPO
from support.files import write
from support.tagged import pdfua_problems, qpdf_check, unreachable_content

FIXTURES = REPO / "tests" / "fixtures"
HANDOUTS = ("devops-vs-mlops", "databases-six", "feature-handout")
LONG = "hyphen-cases"
PAPERS = ("A4", "Letter", "A5")
SOFT, HARD = "\u00ad", "\u2010"
LONG_HANDOUT = """---
items: [Alpha, Beta, Gamma, Delta, Epsilon, Zeta]
lang: en
attributes:
  Scope:
    Alpha: Configuration management and internationalization
    Beta: Documentation of organizational responsibilities
    Gamma: Administrative and infrastructural interoperability
    Delta: Characteristically unpredictable circumstances
    Epsilon: Incomprehensibility notwithstanding
    Zeta: Extraordinarily heterogeneous environments
  Standing:
    Alpha: Production-ready, state-of-the-art implementations
    Beta: Straightforward institutionalization
    Gamma: Interoperability considerations everywhere
    Delta: Notwithstanding considerable counterproductivity
    Epsilon: Representational transformations
    Zeta: Comprehensive documentation requirements
---
Internationalization, documentation, administration and characteristically
unpredictable infrastructure considerations accompany every interoperability
discussion; representational incomprehensibility notwithstanding, organizations
institutionalize straightforward responsibilities. Well-known, state-of-the-art,
production-ready configurations accommodate extraordinarily heterogeneous
environments, notwithstanding considerable organizational counterproductivity.
"""
SPAN = re.compile(rb"/Span\s*<<\s*/ActualText\s*<FEFF00AD>\s*>>\s*BDC\s*(.*?)\s*EMC", re.S)


@pytest.fixture(scope="module")
def built(tmp_path_factory, build) -> dict[str, Path]:
    """paper -> the folder holding the PDFs built on it."""
    folders = {}
    for paper in PAPERS:
        project = tmp_path_factory.mktemp(f"soft-hyphens-{paper}")
        (project / "content").mkdir()
        for name in (*(f"{handout}.md" for handout in HANDOUTS), "history.png"):
            shutil.copy(FIXTURES / name, project / "content" / name)
        write(project, f"content/{LONG}.md", LONG_HANDOUT)
        build(project, "pdf", "--paper", paper, "--jobs", "2")
        folders[paper] = project / "output" / "pdf"
    return folders


def pdfs(built) -> list[Path]:
    return [folder / f"{name}.pdf" for folder in built.values() for name in (*HANDOUTS, LONG)]


def source(name: str) -> str:
    if name == LONG:
        return LONG_HANDOUT
    return (FIXTURES / f"{name}.md").read_text(encoding="utf-8")


def text(pdf: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def words(text: str) -> set[str]:
    return {word.casefold() for word in re.findall(r"\w+", text)}


def test_layout_hyphens_read_as_soft_hyphens(built):
    soft = 0
    for pdf in pdfs(built):
        read, own = text(pdf), source(pdf.stem)
        assert HARD not in own
        assert HARD not in read, (pdf, re.findall(rf"\S*{HARD}\n\S*", read))
        for head, tail in re.findall(rf"(\w+){SOFT}\n(\w+)", read):
            soft += 1
            assert (head + tail).casefold() in words(own), (pdf, head, tail)
        assert SOFT not in read.replace(f"{SOFT}\n", "")  # only ever at a line's end
    assert soft >= 10, soft  # the handouts do break words


def test_no_hyphen_the_text_does_not_have(built):
    """Read in content order (``-raw``: no joining of lines), a line ending with a
    hyphen-minus is a word the source writes with one, such as state-of-the-art."""
    ends = 0
    for pdf in pdfs(built):
        own = source(pdf.stem)
        for head, tail in re.findall(r"(\w+)-\n(\w+)", text(pdf, "-raw")):
            ends += 1
            assert f"{head}-{tail}" in own, (pdf, head, tail)
    assert ends >= 1


def test_the_hyphen_stays_drawn_in_its_tagged_content(built):
    """Each soft hyphen of the text is one marked-content ``/Span`` around a glyph
    inside a text object and inside the tagged content of its line."""
    total = 0
    for pdf in pdfs(built):
        document, spans = pikepdf.open(pdf), 0
        for page in document.pages:
            page.contents_coalesce()
            data = page.obj.Contents.read_bytes()
            for match in SPAN.finditer(data):
                spans += 1
                assert re.fullmatch(rb"\[(<[0-9a-f]+>-?[\d.]*)+\] TJ", match.group(1)), \
                    match.group(1)
                before = data[:match.start()]
                assert before.rfind(b"BT") > before.rfind(b"ET")  # in a text object
                assert _open_mcid(before), "outside the line's tagged content"
        assert spans == text(pdf).count(f"{SOFT}\n"), pdf
        assert unreachable_content(document) == [], pdf
        total += spans
    assert total >= 10, total


def _open_mcid(before: bytes) -> bool:
    """Whether the content ``before`` leaves a ``<</MCID n>> BDC`` open."""
    depth, opened = 0, []
    for operator in re.finditer(rb"(/\w+\s*<<[^>]*?/MCID \d+[^>]*>>\s*BDC)|\bBDC\b|\bBMC\b|"
                                rb"\bEMC\b", before):
        if operator.group(1):
            opened.append(depth)
            depth += 1
        elif operator.group(0) == b"EMC":
            depth -= 1
            if opened and opened[-1] == depth:
                opened.pop()
        else:
            depth += 1
    return bool(opened)


def test_pdfua_and_qpdf_find_nothing_wrong(built):
    for pdf in pdfs(built):
        assert pdfua_problems(pdf) == [], pdf
        assert qpdf_check(pdf) == "", pdf


def cells(name: str) -> list[str]:
    """The comparison's cell texts of a handout, as its front matter gives them."""
    front = yaml.safe_load(source(name).split("---\n")[1])
    return [value for values in front["attributes"].values() for value in values.values()
            if "`" not in value and "[^" not in value]


def loose(word: str) -> str:
    """A pattern for ``word`` as ``pdftotext -raw`` may give it: broken over two
    lines after a soft hyphen (U+2010 where the text layer has no soft hyphens),
    or after a hyphen of its own."""
    return r"(?:[\u00ad\u2010]\n)?".join(
        "-\n?" if char == "-" else re.escape(char) for char in word)


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_a_cell_never_ends_on_half_a_word(built, paper):
    checked = 0
    for name in (*HANDOUTS, LONG):
        read = text(built[paper] / f"{name}.pdf", "-raw")  # a cell's lines together
        for cell in cells(name):
            last = cell.split()[-1]
            found = [match.group(0) for match in
                     re.finditer(r"\s+".join(map(loose, cell.split())), read)]
            assert found, (name, cell)
            checked += 1
            for match in found:
                assert match.split()[-1] == last, (name, match)
    assert checked >= 40
    hyphenated = sum(text(built[paper] / f"{LONG}.pdf").count(end) for end in
                     (f"{SOFT}\n", f"{HARD}\n"))
    assert hyphenated >= 2  # the narrow cells still hyphenate inside their text
