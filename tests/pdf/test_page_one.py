"""Page 1 without a dead zone: the body's headings stand beside a long lead, under the
byline's rule; a wrapped title never leaves one word alone on its last line."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from versus.render.contents import contents, keep_last_words

REPO = Path(__file__).resolve().parents[2]
SEED = "devops-vs-mlops"
LONG_TITLE = "Continuous Integration Servers Compared for Open Source Maintainers"
"""Set as it comes, this title's third line on A4 is "Maintainers" alone."""


def lines(pdf: Path, page: int = 1) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, text) of each line of ``page``, in points from the top."""
    html = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page),
                           str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    found = []
    for attributes, body in re.findall(r"<line ([^>]*)>(.*?)</line>", html, re.DOTALL):
        box = dict(re.findall(r'(\w+)="([\d.]+)"', attributes))
        text = " ".join(re.findall(r">([^<]*)</word>", body))
        found.append((float(box["xMin"]), float(box["yMin"]), float(box["xMax"]),
                      float(box["yMax"]), text))
    return found


@pytest.fixture(scope="module")
def papers(tmp_path_factory, build) -> dict[str, Path]:
    """The seed and a handout with a long title, built on A4, Letter and A5."""
    built = {}
    for paper in ("a4", "letter", "a5"):
        project = tmp_path_factory.mktemp(f"page-one-{paper}")
        (project / "content").mkdir()
        shutil.copy(REPO / "tests" / "fixtures" / f"{SEED}.md", project / "content")
        (project / "content" / "ci-servers.md").write_text(
            f"---\ntitle: {LONG_TITLE}\nitems: [Jenkins, Buildbot]\nattributes:\n"
            "  Written in: {Jenkins: Java, Buildbot: Python}\n---\n"
            "Two servers that run a project's tests on every change.\n\n"
            "## Setup\n\nBoth run on one machine.\n", encoding="utf-8")
        (project / "versus.yaml").write_text(f"paper: {paper}\n", encoding="utf-8")
        build(project, "pdf")
        built[paper] = project / "output" / "pdf"
    return built


def _lead_and_contents(found):
    top = next(y0 for _, y0, _, _, text in found if text.startswith("DevOps and MLOps are both"))
    bottom = next(y1 for _, _, _, y1, text in found if text.endswith("learning applications."))
    lead = [line for line in found if top <= line[1] and line[3] <= bottom]
    return lead, top, bottom


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_body_headings_stand_beside_the_lead(papers, paper):
    found = lines(papers[paper] / f"{SEED}.pdf")
    lead, top, bottom = _lead_and_contents(found)
    title = next(line for line in found if line[4] == "Contents")
    entries = [line for line in lead if line[0] >= title[0] - 1]
    texts = [text for *_, text in entries]
    assert texts[:2] == ["Contents", "Further Detail"] and "Conclusion" in texts, texts
    text_right = max(x1 for x0, _, x1, _, _ in lead if x0 < title[0] - 20)
    assert title[0] > text_right + 20  # a column of its own, clear of the lead's lines
    assert title[1] >= top - 4 and max(y1 for *_, y1, _ in entries) <= bottom
    # Most of the lead's height has the contents beside it: no dead zone there.
    assert max(y1 for *_, y1, _ in entries) - top >= 0.5 * (bottom - top)


def test_the_headings_link_to_their_sections(papers):
    with pikepdf.open(papers["a4"] / f"{SEED}.pdf") as pdf:
        links = [annotation for annotation in pdf.pages[0].get("/Annots", [])
                 if annotation.get("/Subtype") == "/Link" and "/Dest" in annotation]
        assert len(links) >= 8  # the contents' entries; named or explicit destinations


def test_a5_has_no_room_beside_the_lead(papers):
    found = lines(papers["a5"] / f"{SEED}.pdf")
    assert not any(text == "Contents" for *_, text in found)


def test_a_short_lead_has_no_contents_beside_it():
    body = "".join(f'<h2 id="s{n}">Section {n}</h2><p>Text.</p>' for n in range(4))
    assert contents("<p>Two servers that run tests.</p>", body) == []
    long_lead = "<p>" + "A sentence of the lead that runs on. " * 30 + "</p>"
    assert [entry.text for entry in contents(long_lead, body)] == [
        "Section 0", "Section 1", "Section 2", "Section 3"]


def test_a_lead_too_long_or_with_a_note_or_picture_has_none():
    body = "".join(f'<h2 id="s{n}">Section {n}</h2><p>Text.</p>' for n in range(4))
    sentence = "A sentence of the lead that runs on. "
    assert contents("<p>" + sentence * 30 + "</p>", body)
    assert contents("<p>" + sentence * 80 + "</p>", body) == []
    for inside in ('<span class="footnote">A note.</span>', '<img src="a.png" alt="">'):
        assert contents(f"<p>{sentence * 30}{inside}</p>", body) == []


def test_a_heading_with_a_note_is_listed_without_it():
    body = ('<h2 id="a">Alpha<sup class="footnote-ref"><a href="#fn-1">1</a></sup></h2>'
            '<h2 id="b">Beta &amp; Gamma</h2><h3 id="c">Delta</h3>')
    lead = "<p>" + "Words of a long lead. " * 40 + "</p>"
    assert [(entry.level, entry.anchor, entry.text) for entry in contents(lead, body)] == [
        (2, "a", "Alpha"), (2, "b", "Beta & Gamma"), (3, "c", "Delta")]


@pytest.mark.parametrize("paper", ["a4", "letter", "a5"])
def test_a_wrapped_title_keeps_two_words_on_its_last_line(papers, paper):
    found = lines(papers[paper] / "ci-servers.pdf")
    words = LONG_TITLE.split()
    title = [text for *_, text in found if text and set(text.split()) <= set(words)]
    assert " ".join(title) == LONG_TITLE and len(title) >= 2, title
    assert len(title[-1].split()) >= 2, title


def test_short_titles_and_titles_without_spaces_are_kept():
    assert keep_last_words("DevOps vs. MLOps") == "DevOps vs. MLOps"
    assert keep_last_words("東京と大阪の比較についての長いタイトルです、とても長い") == \
        "東京と大阪の比較についての長いタイトルです、とても長い"
    assert keep_last_words(LONG_TITLE).endswith("Source\u00a0Maintainers")
