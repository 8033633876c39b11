"""Edits that change no page cost nothing (versus/build/samepage.py, Pages.template_code).

A template is an input by the code it compiles to, so a comment edit leaves every
output up to date; a template edit that changes only the web page makes the PDFs
stale, and each is kept, unwritten, when its print HTML and the files its last
render read are the same ("kept (same page)" with --explain). Anything a reader
would see on paper still renders.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from versus.build.pipeline import BuildOptions, BuildReport, build
from versus.build.state import dump
from versus.cli.progress import ProgressListener
from versus.render.pages import Pages
from versus.render.theme import Theme
from versus.settings import Settings

from support.files import two_items, write

REPO = Path(__file__).resolve().parents[2]
THEME = REPO / "versus" / "theme"
SLUGS = ("a", "b")
WEB_ONLY = '<meta property="og:type" content="article">'


def run(project: Path, formats=("pdf",), listener=None, **options) -> BuildReport:
    report = build(project, BuildOptions(formats=formats, jobs=1, **options),
                   listener=listener)
    assert report.ok, [str(error) for error in report.errors]
    return report


def written(report: BuildReport) -> list[str]:
    return sorted(path.name for path in report.built)


def stamps(project: Path) -> dict[str, tuple[int, int, bytes]]:
    """Each PDF's inode, time of change and bytes: what a rewrite would change."""
    return {path.name: (path.stat().st_ino, path.stat().st_mtime_ns, path.read_bytes())
            for path in sorted((project / "output" / "pdf").glob("*.pdf"))}


@pytest.fixture(scope="module")
def prebuilt(tmp_path_factory) -> Path:
    """Two handouts with an overriding copy of the theme's handout template and
    stylesheet, their PDFs built once."""
    project = tmp_path_factory.mktemp("samepage") / "project"
    for slug in SLUGS:
        write(project, f"content/{slug}.md", two_items("Apples", "Pears", f"Text {slug}.\n"))
    for name in ("handout.html", "static/versus.css"):
        write(project, f"templates/{name}", (THEME / name).read_text(encoding="utf-8"))
    shutil.copytree(THEME / "static" / "fonts", project / "templates" / "static" / "fonts")
    assert written(run(project)) == ["a.pdf", "b.pdf"]
    return project


@pytest.fixture
def project(prebuilt, tmp_path) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(prebuilt, copy)
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def explained(caplog):
    """The --explain lines of a build run with ``listener=explain``."""
    caplog.set_level(logging.INFO, logger="versus")
    return caplog


def test_a_template_comment_leaves_every_pdf_up_to_date(project):
    before = stamps(project)
    edit(project / "templates" / "handout.html", "{% block body %}",
         "{# a note for the theme's readers #}\n{% block body %}")
    report = run(project)
    assert written(report) == [] and report.up_to_date == 2
    assert stamps(project) == before


def test_a_web_only_template_edit_keeps_each_pdf_unwritten(project, explained):
    before = stamps(project)
    edit(project / "templates" / "handout.html", WEB_ONLY,
         WEB_ONLY + '\n<meta name="robots" content="index">')
    report = run(project, listener=ProgressListener(explain=True, quiet=True))
    assert written(report) == [] and report.up_to_date == 2
    assert stamps(project) == before, "a PDF whose page did not change was rewritten"
    said = [record.getMessage() for record in explained.records]
    assert "pdf/a.pdf: rebuild (templates/handout.html changed)" in said
    assert "pdf/a.pdf: kept (same page)" in said and "pdf/b.pdf: kept (same page)" in said
    # the record was renewed: the next build has nothing to do
    assert written(run(project)) == [] and stamps(project) == before
    assert "pdf/a.pdf" in dump(project / ".versus" / "state.db")["targets"]


def test_the_web_page_itself_is_rebuilt_by_a_web_only_edit(project):
    run(project, formats=("html",))
    edit(project / "templates" / "handout.html", WEB_ONLY,
         WEB_ONLY + '\n<meta name="robots" content="index">')
    report = run(project, formats=("html", "pdf"))
    assert written(report) == ["a.html", "b.html"]
    page = (project / "output" / "html" / "a.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="index">' in page


def test_a_template_edit_the_page_shows_renders_again(project):
    before = stamps(project)
    edit(project / "templates" / "handout.html", '<p class="kicker">',
         '<p class="kicker" data-edition="2">')
    assert written(run(project)) == ["a.pdf", "b.pdf"]  # rendered, not kept
    # The attribute does not show: the same bytes, so the files are not rewritten.
    assert stamps(project) == before


def test_a_stylesheet_edit_renders_again_though_the_html_is_the_same(project):
    """The stylesheet is read by the render, not named in the HTML: a change to it
    (or to a font or image it read) is never a same page."""
    before = stamps(project)
    edit(project / "templates" / "static" / "versus.css", "/*", "/* changed */ /*")
    assert written(run(project)) == ["a.pdf", "b.pdf"]  # rendered, not kept
    assert stamps(project) == before  # to the same bytes: not rewritten


def test_force_renders_even_the_same_page(project):
    edit(project / "templates" / "handout.html", WEB_ONLY,
         WEB_ONLY + '\n<meta name="robots" content="index">')
    assert written(run(project, force=True)) == ["a.pdf", "b.pdf"]


def test_a_changed_option_of_the_render_is_not_the_same_page(project):
    """The paper is the render job's, not only the HTML's."""
    edit(project / "templates" / "handout.html", WEB_ONLY,
         WEB_ONLY + '\n<meta name="robots" content="index">')
    assert written(run(project, paper="Letter")) == ["a.pdf", "b.pdf"]


def test_a_missing_pdf_is_rendered_not_kept(project):
    edit(project / "templates" / "handout.html", WEB_ONLY,
         WEB_ONLY + '\n<meta name="robots" content="index">')
    (project / "output" / "pdf" / "a.pdf").unlink()
    assert written(run(project)) == ["a.pdf"]
    assert (project / "output" / "pdf" / "a.pdf").is_file()


# -------------------------------------------------- what a template compiles to

@pytest.fixture(scope="module")
def pages() -> Pages:
    return Pages(Theme((THEME,)), Settings())


def code(pages: Pages, folder: Path, text: str) -> str:
    path = folder / "page.html"
    path.write_text(text, encoding="utf-8")
    return pages.template_code(path)


def test_comments_and_their_lines_do_not_change_the_code(pages, tmp_path):
    plain = code(pages, tmp_path, "<p>{{ x }}</p>\n{% if y %}<b>y</b>{% endif %}\n")
    assert code(pages, tmp_path, "{# why #}<p>{{ x }}</p>\n{% if y %}<b>y</b>{% endif %}\n") \
        == plain
    assert code(pages, tmp_path, "<p>{{ x }}</p>\n{#\n  two\n  lines\n#}"
                                 "{% if y %}<b>y</b>{% endif %}\n") == plain


def test_what_renders_differently_changes_the_code(pages, tmp_path):
    plain = code(pages, tmp_path, "<p>{{ x }}</p>\n")
    assert code(pages, tmp_path, "<p>{{ x }} </p>\n") != plain
    assert code(pages, tmp_path, "<p>{{ y }}</p>\n") != plain
    assert code(pages, tmp_path, "<p>{{ x | upper }}</p>\n") != plain


def test_a_template_that_does_not_compile_is_its_bytes(pages, tmp_path):
    broken = code(pages, tmp_path, "<p>{% if x %}</p>\n")
    assert broken != code(pages, tmp_path, "<p>{% if x %} </p>\n")


def test_a_stylesheet_of_the_project_in_front_of_the_theme_is_not_the_same_page(tmp_path):
    """Which stylesheet is in force is the render's: a project that starts to
    override the theme's (the same bytes) renders again."""
    project = tmp_path / "project"
    write(project, "content/a.md", two_items("Apples", "Pears", "Text.\n"))
    run(project)
    write(project, "templates/handout.html",
          (THEME / "handout.html").read_text(encoding="utf-8").replace(
              WEB_ONLY, WEB_ONLY + '\n<meta name="robots" content="index">'))
    write(project, "templates/static/versus.css",
          (THEME / "static" / "versus.css").read_text(encoding="utf-8"))
    shutil.copytree(THEME / "static" / "fonts", project / "templates" / "static" / "fonts")
    assert written(run(project)) == ["a.pdf"]
