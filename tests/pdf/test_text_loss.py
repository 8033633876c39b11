"""A PDF never silently loses text: every sentence is laid out, or the handout fails.

The handouts here grow a sentence at a time, as a writer's do, ending with a
"## Verdict" section across the columns. Six items on Letter once lost that
section at some lengths (``versus.pdf.columnfix``); ``versus.pdf.textloss`` fails any
handout whose laid-out pages miss a passage. The sweep renders in this process,
at the lengths where the body's end meets a page end, for 2 to 6 items on each
paper, and finds every sentence in every PDF.
"""

from __future__ import annotations

import functools
import io
import re
import subprocess
import unicodedata
from pathlib import Path

import pypdf
import pytest
import yaml

from conftest import REPO
from versus.pdf import textloss
from versus.content.handouts import load_handout
from versus.executors.local import SerialExecutor
from versus.security.sandbox import base_url
from versus.build.making import render_context
from versus.pdf.renderer import PdfJob, render_job
from versus.build.pipeline import BuildOptions, build
from versus.render.pages import Pages
from versus.render.theme import Theme
from versus.settings import Settings

SIX = REPO / "tests" / "fixtures" / "databases-six.md"
WORDS = "each added sentence makes the body of this handout a little longer than before"
VERDICT = "Pick PostgreSQL unless a reason says otherwise, and keep its backups tested."
LOSING = 43
"""Sentences at which six items on Letter lost their Verdict section without the fix
(WeasyPrint's own column layout) while the theme set level-2 headings across the
columns (``column-span: all``); tests/pdf/test_columnfix.py keeps that case exact."""


def sentence(number: int) -> str:
    """The ``number``-th sentence added to a body: 7 to 15 words, so that the
    body's end falls at every height of a line."""
    words = WORDS.split()[: 6 + number % 9]
    return f"Sentence {number}: {' '.join(words)}."


@functools.cache
def six() -> tuple[dict, str]:
    front, body = SIX.read_text(encoding="utf-8").removeprefix("---\n").split("\n---\n", 1)
    return yaml.safe_load(front), body


def handout(items: int, sentences: int) -> str:
    """The six-database handout cut to its first ``items`` items, its body grown by
    ``sentences`` sentences, then a closing "## Verdict" section."""
    meta, body = six()
    kept = meta["items"][:items]
    meta = {**meta, "items": kept, "attributes": {
        name: {item: row[item] for item in kept if item in row}
        for name, row in meta["attributes"].items()}}
    meta["attributes"] = {name: row for name, row in meta["attributes"].items() if row}
    grown = " ".join(sentence(number) for number in range(sentences))
    return (f"---\n{yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)}---\n"
            f"{body}\n{grown}\n\n## Verdict\n\n{VERDICT}\n")


def render(project: Path, text: str, paper: str):
    """The ``PdfResult`` of ``text`` as content/six.md, rendered in this process."""
    path = project / "content" / "six.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    settings = Settings().replace(paper=paper)
    theme = Theme.for_project(project)
    html = _pages(theme, settings).handout(load_handout(path, "six", settings), "print")
    stylesheet, roots = render_context(project, theme)
    return render_job(PdfJob(slug="six", source=str(path), html=html,
                             base_url=base_url(project, path.parent), paper=settings.paper,
                             stylesheet=stylesheet, roots=roots))


@functools.cache
def _pages(theme: Theme, settings: Settings) -> Pages:
    return Pages(theme, settings)


def folded(text: str) -> str:
    """``text`` as compared with a PDF's: no whitespace, no hyphens (a word may
    break at a line's end), compatibility forms (ligatures) unfolded, the
    typographer's apostrophe as typed."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'")
    return re.sub(r"[\s\-\u2010\u00ad]+", "", text)


def body_pages(pdf: bytes, folder: Path) -> list[str]:
    """Each page's text as pdftotext reads it, folded, without the running header
    and page footer (they would split a sentence that runs on to the next page)."""
    path = folder / "check.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    margins = re.compile("|".join([r"Page\d+of\d+", folded(six()[0]["title"]), "Versus"]))
    return [margins.sub("", folded(page)) for page in text.split("\f")[:-1]]


@functools.cache
def written() -> tuple[str, ...]:
    """The headings and sentences of the six-database handout's own lead and body."""
    paragraphs = [" ".join(part.lstrip("#").split()) for part in six()[1].split("\n\n")]
    return tuple(text for paragraph in paragraphs if paragraph
                 for text in re.split(r"(?<=[.?!]) ", paragraph))


def missing_sentences(pdf: bytes, folder: Path, sentences: int) -> list[str]:
    """The headings and sentences of the body (its own, the grown ones, then the
    verdict) not in ``pdf``."""
    whole = "".join(body_pages(pdf, folder))
    wanted = [*written(), *(sentence(number) for number in range(sentences)),
              "Verdict", VERDICT]
    return [text for text in wanted if folded(text) not in whole]


# ------------------------------------------------------------ the reported handout

def test_six_items_on_letter_keep_their_verdict(tmp_path):
    """The length at which the Verdict section used to vanish from page 3."""
    result = render(tmp_path / "project", handout(6, LOSING), "Letter")
    assert result.error is None, str(result.error)
    pages = body_pages(result.pdf, tmp_path)
    assert len(pages) >= 2
    assert folded("Verdict") + folded(VERDICT) in pages[-1]
    assert missing_sentences(result.pdf, tmp_path, LOSING) == []


# ------------------------------------------------------------ the guard

def laid_out(html: str):
    """``html`` laid out by WeasyPrint, and the text recorded before layout."""
    import weasyprint

    textloss.install()
    with textloss.recording() as built:
        document = weasyprint.HTML(string=html).render()
    return built, document


def blocks_of_lines(document) -> list:
    """The boxes that hold lines of text, on every page."""
    def walk(box):
        children = getattr(box, "children", None) or []
        if any(type(child).__name__ == "LineBox" for child in children):
            yield box
        for child in children:
            yield from walk(child)
    return [box for page in document.pages for box in walk(page._page_box)]


def line_text(line) -> str:
    return "".join(getattr(box, "text", "") for box in line.descendants())


def test_the_guard_names_the_first_passage_the_layout_lost():
    built, document = laid_out(
        "<!DOCTYPE html><html><body><p>An opening paragraph.</p><h2>Verdict</h2>"
        "<p>A closing <em>paragraph</em> of the handout.</p><p>And a last one.</p>"
        "</body></html>")
    assert textloss.lost_text(built, document) is None
    for block in blocks_of_lines(document):  # as if the layout dropped two blocks
        block.children = [line for line in block.children
                          if line_text(line) not in ("Verdict", "And a last one.")]
    assert textloss.lost_text(built, document) == '"Verdict" (and 1 more passage)'


def test_a_passage_cut_short_is_quoted_from_where_it_stops():
    built, document = laid_out(
        "<!DOCTYPE html><html><body><p style='width: 8em'>The first words of a "
        "paragraph that runs over several lines to its end.</p></body></html>")
    block, = blocks_of_lines(document)
    assert len(block.children) > 3
    third = line_text(block.children[2]).split()[0]
    block.children = block.children[:2]  # as if its last lines were dropped
    lost = textloss.lost_text(built, document)
    assert lost.startswith(f'"{third} ') and lost.endswith(' to its end."')


def test_a_footnote_the_layout_lost_is_caught():
    """A footnote is checked where it was laid out, at the page's foot, not
    through its call in the text (which still points at it)."""
    built, document = laid_out(
        "<!DOCTYPE html><html><body><p>A claim<span style='float: footnote'>The "
        "note behind the claim.</span> stands.</p></body></html>")
    assert textloss.lost_text(built, document) is None
    page = document.pages[0]._page_box
    page.children = [box for box in page.children
                     if type(box).__name__ != "FootnoteAreaBox"]
    assert textloss.lost_text(built, document) == '"The note behind the claim."'


def test_generated_hidden_and_hyphenated_text_is_no_false_alarm(tmp_path):
    """What the stylesheet adds, hides or breaks is not a loss: list markers,
    footnote numbers, a hidden block, soft and automatic hyphens, ligatures,
    case changed by text-transform, a table header repeated on the next page."""
    rows = "".join(f"<tr><td>Row {n}</td><td>Value {n}</td></tr>" for n in range(70))
    html = f"""<!DOCTYPE html><html lang="en"><head><style>
      .hidden {{ display: none }}
      .narrow {{ width: 22mm; hyphens: auto }}
      .loud {{ text-transform: uppercase }}
      .note {{ float: footnote }}
      li::before {{ content: "→ " }}
    </style></head><body>
      <p class="hidden">Nothing of this is shown.</p>
      <ol><li>First point</li><li>Second point</li></ol>
      <p class="narrow">Extraordinarily incomprehensible characteristically
        counter\u00adrevolutionary ﬁnancial officials.</p>
      <p class="loud">Quietly said.</p>
      <p>A claim<span class="note">The note behind the claim.</span> stands.</p>
      <table><thead><tr><th>Name</th><th>Value</th></tr></thead>
        <tbody>{rows}</tbody></table>
    </body></html>"""
    stylesheet, roots = render_context(tmp_path, Theme.for_project(tmp_path))
    result = render_job(PdfJob(slug="page", source=str(tmp_path / "content/page.md"),
                               html=html, base_url="file:///versus-project/content/",
                               paper="A5", stylesheet=stylesheet, roots=roots))
    assert result.error is None, str(result.error)
    reader = pypdf.PdfReader(io.BytesIO(result.pdf))
    text = folded("".join(page.extract_text() for page in reader.pages))
    assert len(reader.pages) >= 2  # the table's header is repeated
    for shown in ("Second point", "counterrevolutionary", "QUIETLY SAID",
                  "The note behind the claim.", "Row 69"):
        assert folded(shown) in text
    assert folded("Nothing of this") not in text


def test_a_handout_whose_pdf_would_lose_text_fails_and_keeps_its_last_pdf(
        tmp_path, monkeypatch):
    """A layout that drops a block of a run of columns (as WeasyPrint's own column
    layout once dropped a section after them, see ``versus.pdf.columnfix``): the
    build fails the handout with one line and keeps its last PDF."""
    from weasyprint.layout import block

    project = tmp_path / "project"
    path = project / "content" / "six.md"
    path.parent.mkdir(parents=True)
    path.write_text(handout(6, 30), encoding="utf-8")
    options = BuildOptions(formats=("pdf",), paper="Letter")
    first = build(project, options, executor=SerialExecutor())
    assert first.ok, [str(error) for error in first.errors]
    good = (project / "output" / "pdf" / "six.pdf").read_bytes()

    laid_out = block.columns_layout

    def losing(context, box, *args, **kwargs):
        """The columns laid out without their last block."""
        return laid_out(context, box.copy_with_children(box.children[:-1]), *args, **kwargs)

    monkeypatch.setattr(block, "columns_layout", losing)
    path.write_text(handout(6, LOSING), encoding="utf-8")
    second = build(project, options, executor=SerialExecutor())
    errors = [str(error) for error in second.errors]
    assert len(errors) == 1 and errors[0].startswith(
        f'{path.resolve()}: the PDF lost text: "Sentence '), errors
    assert (project / "output" / "pdf" / "six.pdf").read_bytes() == good
    assert sorted(p.name for p in (project / "output" / "pdf").iterdir()) == ["six.pdf"]


# ------------------------------------------------------------ the sweep

PROBE = 100
"""Sentences in the probe: enough to cross a page end in the body on every paper."""
WINDOW = (-2, -1, 0)
"""The lengths tried at a page end, from the last sentence the probe begins on the
page: the body's end (and the Verdict after it) meets the page's foot."""


def page_end(pdf: bytes, folder: Path, sentences: int) -> int:
    """The last sentence begun on the first page that does not hold the last one."""
    for text in body_pages(pdf, folder):
        begun = [int(n) for n in re.findall(r"Sentence(\d+):", text)]
        if begun and max(begun) < sentences - 1:
            return max(begun)
    raise AssertionError(f"{sentences} sentences fit on one page")


@pytest.mark.parametrize("paper", ["A4", "Letter", "A5"])
@pytest.mark.parametrize("items", [2, 3, 4, 5, 6])
def test_every_sentence_reaches_the_pdf_at_a_page_end(tmp_path, items, paper):
    project = tmp_path / "project"
    probe = render(project, handout(items, PROBE), paper)
    assert probe.error is None, str(probe.error)
    assert missing_sentences(probe.pdf, tmp_path, PROBE) == []
    end = page_end(probe.pdf, tmp_path, PROBE)
    for length in (end + step for step in WINDOW):
        result = render(project, handout(items, length), paper)
        assert result.error is None, f"{length} sentences: {result.error}"
        lost = missing_sentences(result.pdf, tmp_path, length)
        assert lost == [], f"{length} sentences on {paper}: {lost[:3]} missing"
