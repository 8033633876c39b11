"""Line breaking remembered during a layout: the same PDF bytes, only sooner.

``versus.pdf.linememo`` answers WeasyPrint's repeated ``split_first_line`` calls
while a document is laid out. Every fixture handout, on each paper the golden
pages use, a sample of the benchmark corpus (bench/corpus.py, the seed with
items of other lengths) and a page of what line breaking meets (the same text
at two widths, line-clamped copies whose layouts drawing changes, floats,
columns, hyphens, justification, tabs, right-to-left) are rendered in this
process with the memo and without it, and must give byte-identical PDFs; the
memo must have answered calls. A memo that left the width out of its key, or
that handed the same layout to two boxes, fails the last one.
"""

from __future__ import annotations

import shutil
import sys
import types
from pathlib import Path

import pytest

from conftest import REPO
from versus.build.making import render_context
from versus.content.handouts import load_handout
from versus.pdf import linememo
from versus.pdf.renderer import PdfJob, render_job
from versus.render.pages import Pages
from versus.render.theme import Theme
from versus.security.sandbox import base_url
from versus.settings import Settings

FIXTURES = REPO / "tests" / "fixtures"
HANDOUTS = sorted(path.relative_to(FIXTURES).with_suffix("").as_posix()
                  for path in FIXTURES.rglob("*.md"))
CORPUS = 200
SAMPLE = (0, 9, 42, 100, 199)
"""Corpus handouts rendered both ways: item names of one to three digits."""


@pytest.fixture(autouse=True)
def memo_on(monkeypatch):
    """The memo as it is by default, whatever the environment of the test run."""
    monkeypatch.delenv(linememo.SWITCH, raising=False)


def render(project: Path, source: Path, paper: str) -> bytes:
    """The PDF of the handout at ``source`` in ``project``, rendered in this process."""
    settings = Settings().replace(paper=paper)
    theme = Theme.for_project(project)
    handout = load_handout(source, source.stem, settings)
    html = Pages(theme, settings).handout(handout, "print")
    stylesheet, roots = render_context(project, theme)
    result = render_job(PdfJob(slug=source.stem, source=str(source), html=html,
                               base_url=base_url(project, source.parent), paper=paper,
                               stylesheet=stylesheet, roots=roots))
    assert result.error is None, str(result.error)
    return result.pdf


def both_ways(monkeypatch, project: Path, source: Path, paper: str) -> tuple[bytes, bytes]:
    """The PDF without the memo, then with it; the memo must have been used."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    monkeypatch.setenv(linememo.SWITCH, "0")
    without = render(project, source, paper)
    assert linememo.last() is None
    monkeypatch.delenv(linememo.SWITCH)
    with_memo = render(project, source, paper)
    memo = linememo.last()
    assert memo is not None and memo.hits > 0 and memo.lines == {}
    return without, with_memo


@pytest.fixture(scope="module")
def fixtures_project(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("fixtures")
    (project / "content").mkdir()
    for name in HANDOUTS:
        shutil.copy(FIXTURES / f"{name}.md", project / "content" / f"{Path(name).name}.md")
    shutil.copy(FIXTURES / "history.png", project / "content" / "history.png")
    return project


@pytest.fixture(scope="module")
def corpus_project(tmp_path_factory) -> Path:
    sys.path.insert(0, str(REPO / "bench"))
    from corpus import make_corpus

    project = tmp_path_factory.mktemp("corpus")
    make_corpus(project, CORPUS)
    return project


@pytest.mark.parametrize("name, paper", [
    *((name, "A4") for name in HANDOUTS),
    ("devops-vs-mlops", "Letter"), ("devops-vs-mlops", "A5"), ("databases-six", "Letter")])
def test_every_fixture_gives_the_same_bytes_with_the_memo(monkeypatch, fixtures_project,
                                                          name, paper):
    source = fixtures_project / "content" / f"{Path(name).name}.md"
    without, with_memo = both_ways(monkeypatch, fixtures_project, source, paper)
    assert with_memo == without


@pytest.mark.parametrize("number", SAMPLE)
def test_the_corpus_gives_the_same_bytes_with_the_memo(monkeypatch, corpus_project, number):
    source = corpus_project / "content" / f"devops{number}-vs-mlops{number}.md"
    without, with_memo = both_ways(monkeypatch, corpus_project, source, "A4")
    assert with_memo == without


@pytest.mark.parametrize("value, on", [
    ("", True), ("1", True), ("on", True), ("0", False), ("off", False),
    ("false", False), (" No ", False)])
def test_the_switch(value, on):
    assert linememo.switched_on({linememo.SWITCH: value}) is on
    assert linememo.switched_on({}) is True


@pytest.mark.parametrize("version", ["69.0", "71.0"])
def test_other_weasyprint_versions_are_left_alone(version):
    from weasyprint import document
    from weasyprint.layout import inline, preferred

    before = (inline.split_first_line, preferred.split_first_line,
              document.layout_document)
    assert linememo.install(types.SimpleNamespace(__version__=version)) is False
    assert (inline.split_first_line, preferred.split_first_line,
            document.layout_document) == before


def test_a_memo_installed_for_70_stays_unused_under_another_version(
        monkeypatch, fixtures_project):
    import weasyprint

    source = fixtures_project / "content" / "devops-vs-mlops.md"
    render(fixtures_project, source, "A4")  # installs the memo, which is used
    assert linememo.last() is not None
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    render(fixtures_project, source, "A4")
    assert linememo.last() is None


LONG = ("Balancing columns lays the same words out again and again, so hyphenation, "
        "justification and wrapping around floats all meet the memo. ")
PAGE = f"""<!DOCTYPE html><html lang="en"><head><style>
@page {{ size: 300px 400px; margin: 20px }} @page :first {{ margin-right: 120px }}
body {{ font-size: 9px; margin: 0; hyphens: auto }}
p {{ margin: 0 }}
.cols {{ columns: 3; column-gap: 6px }}
.float {{ float: left; width: 40px; height: 50px }}
.cut {{ white-space: nowrap; overflow: hidden; text-overflow: ellipsis; width: 80px }}
.clamp {{ line-clamp: 2; width: 120px }}
.first::first-line {{ font-weight: bold }} .first::first-letter {{ font-size: 14px }}
.just {{ text-align: justify; word-spacing: 1px; letter-spacing: 0.2px }}
</style></head><body>
<div style="height: 330px"><div class="cut">{LONG}</div><div class="cut">{LONG}</div></div>
<p style="break-inside: avoid">{LONG}</p>
<p class="clamp">{LONG}</p><p class="clamp">{LONG}</p>
<div class="float"></div><p class="first">{LONG * 2}</p>
<div class="cols"><p class="just">{LONG * 4}</p><h2 style="column-span: all">Across</h2>
<p>{LONG * 3}</p></div>
<pre>tab\there\tand there\nsecond line</pre>
<p dir="rtl" lang="ar">هذا نص عربي طويل بما يكفي ليلتف على أكثر من سطر.</p>
</body></html>"""
"""The paragraph after the first page's box does not fit there and is broken
again on the wider second page; the clamped paragraphs are the same text in
the same style, and drawing their last line changes its layout's text."""


def test_a_page_of_what_line_breaking_meets_gives_the_same_bytes(monkeypatch):
    import weasyprint

    assert linememo.install(weasyprint)
    monkeypatch.setenv(linememo.SWITCH, "0")
    without = weasyprint.HTML(string=PAGE).write_pdf()
    monkeypatch.delenv(linememo.SWITCH)
    with_memo = weasyprint.HTML(string=PAGE).write_pdf()
    assert linememo.last().hits > 0
    assert with_memo == without


# ------------------------------------------------------------ the memo itself

class Layout:
    """Stands for WeasyPrint's ``Layout``: attributes only."""


def split(calls: list):
    """A stand-in ``split_first_line`` that counts its calls and returns a fresh
    layout holding its text and width."""
    def split_first_line(text, style, context, max_width, justification_spacing,
                         is_line_start=True, minimum=False):
        calls.append(text)
        layout = Layout()
        layout.text, layout.max_width = text, max_width
        return layout, len(text), None, 10.0, 12.0, 9.0
    return split_first_line


def laid_out(split_first_line, *calls):
    """The results of ``calls`` made during one memo's layout of one page."""
    def layout_document():
        yield [split_first_line(*call) for call in calls]

    scoped = linememo.scoped(layout_document, types.SimpleNamespace(__version__="70.0"))
    return [page for page in scoped()][0]


def test_a_call_seen_in_the_layout_is_answered_with_a_layout_of_its_own():
    calls: list = []
    style, other, context = {}, {}, object()
    remembered = linememo.remembering(split(calls), Layout)
    first, again, narrower, restyled = laid_out(
        remembered, ("Some text", style, context, 100.0, 0),
        ("Some text", style, context, 100.0, 0), ("Some text", style, context, 90.0, 0),
        ("Some text", other, context, 100.0, 0))
    assert len(calls) == 3  # the second call was answered from the memo
    assert again[1:] == first[1:]
    assert again[0] is not first[0] and vars(again[0]) == vars(first[0])
    assert narrower[0].max_width == 90.0 and restyled[0] is not first[0]
    memo = linememo.last()
    assert (memo.calls, memo.hits, memo.lines) == (4, 1, {})


def test_what_a_caller_changes_is_not_remembered():
    calls: list = []
    style, context = {}, object()
    remembered = linememo.remembering(split(calls), Layout)

    def layout_document():
        layout = remembered("Text", style, context, 50.0, 0)[0]
        layout.text = "changed by its caller"
        yield remembered("Text", style, context, 50.0, 0)[0]

    scoped = linememo.scoped(layout_document, types.SimpleNamespace(__version__="70.0"))
    layout, = scoped()
    assert layout.text == "Text" and calls == ["Text"]


def test_a_result_holding_more_than_plain_data_is_not_kept():
    calls: list = []
    style, context = {}, object()

    def holding(*args):
        layout, *others = split(calls)(*args)
        layout.pango = object()  # as a layout still attached to Pango would
        return (layout, *others)

    laid_out(linememo.remembering(holding, Layout), ("Text", style, context, 50.0, 0),
             ("Text", style, context, 50.0, 0))
    assert calls == ["Text", "Text"]


def test_outside_a_layout_every_call_goes_to_weasyprint():
    calls: list = []
    remembered = linememo.remembering(split(calls), Layout)
    remembered("Text", {}, None, 50.0, 0)
    remembered("Text", {}, None, 50.0, 0)
    assert calls == ["Text", "Text"]
