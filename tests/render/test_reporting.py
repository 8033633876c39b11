"""Corrections a reader can send: the ``issue_url`` setting filled in for each handout
(a link on the web page, the address in the PDF's disclaimer), and the corrections
made, listed under the disclaimer in print and on the web."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from support.files import write
from support.webcheck import axe, chromium, show, vnu

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ISSUE_URL = ("https://github.com/org/handouts/issues/new?title={title}"
             "&body=Handout%20{slug}%2C%20edition%20{edition}%2C%20{attribute}")
HANDOUT = """\
---
items: [C++, "Go & Rust"]
title: "C++ vs. Go & Rust: what's new?"
lang: {lang}
corrections:
  - {{date: 2026-12-01, text: "Go's licence corrected"}}
  - {{date: 2026-12-03, text: A typo in the table}}
attributes:
  Focus:
    C++: Systems
    Go & Rust: Services
---
Lead.
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory, build) -> Path:
    root = tmp_path_factory.mktemp("report")
    write(root, "versus.yaml", f"issue_url: '{ISSUE_URL}'\n")
    write(root, "content/langs.md", HANDOUT.format(lang="en"))
    write(root, "content/de/langs.md", HANDOUT.format(lang="de"))
    write(root, "content/six.md", (FIXTURES / "databases-six.md").read_text())
    build(root, "all")
    return root


def pdf_text(path: Path) -> str:
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())


def test_the_web_page_links_to_the_report_address_filled_in(project):
    html = (project / "output/html/langs.html").read_text()
    assert ('<p class="report"><a href="https://github.com/org/handouts/issues/new?'
            'title=C%2B%2B%20vs.%20Go%20%26%20Rust%3A%20what%27s%20new%3F'
            '&amp;body=Handout%20langs%2C%20edition%200%2C%20">Report a mistake</a></p>') in html


def test_each_row_of_the_web_page_has_its_report_link_and_print_has_none(project):
    html = (project / "output/html/langs.html").read_text()
    assert ('<td class="report-cell"><a href="https://github.com/org/handouts/issues/new?'
            'title=C%2B%2B%20vs.%20Go%20%26%20Rust%3A%20what%27s%20new%3F&amp;body=Handout'
            '%20langs%2C%20edition%200%2C%20Focus" aria-label="Report a mistake in Focus">'
            'Report</a></td>') in html
    assert html.count('class="report-cell"') == 1 + 1  # the header's and the row's
    from versus.content.handouts import load_handout
    from versus.render.pages import Pages
    from versus.render.theme import Theme
    from versus.settings import load_settings

    settings = load_settings(project)
    handout = load_handout(project / "content/langs.md", "langs", settings)
    printed = Pages(Theme.for_project(project), settings).handout(handout, "print")
    assert "report-cell" not in printed


def test_the_pdf_names_the_short_address_and_lists_the_corrections(project):
    text = pdf_text(project / "output/pdf/langs.pdf")
    assert ("Please report any issues. Report mistakes at "
            "https://github.com/org/handouts/issues/new Corrections "
            "\u2022 December 1, 2026: Go\u2019s licence corrected "
            "\u2022 December 3, 2026: A typo in the table") in text
    german = pdf_text(project / "output/pdf/de/langs.pdf")
    assert "Korrekturen \u2022 1. Dezember 2026: Go\u2019s licence corrected" in german


def test_the_page_passes_the_checkers(project):
    pages = [project / "output/html/langs.html", project / "output/html/six.html"]
    assert vnu(pages) == []
    with chromium() as driver:
        for page in pages:
            for width in (390, 1280):
                show(driver, page, width=width)
                assert axe(driver) == [], (page.name, width)


def test_without_issue_url_there_is_no_report_link(tmp_path, build):
    write(tmp_path, "content/langs.md", HANDOUT.format(lang="en"))
    build(tmp_path, "html")
    assert 'class="report"' not in (tmp_path / "output/html/langs.html").read_text()


@pytest.mark.parametrize(("value", "message"), [
    ("https://x.org/new?t={titel}", "issue_url names {titel}; it may name {slug}, "
     "{title}, {attribute}, {item}, {edition} (did you mean {title}?)"),
    ("mailto:x@example.org", "issue_url must be an address such as "
     "https://github.com/org/handouts/issues/new?title={title}, not "
     "'mailto:x@example.org'"),
])
def test_a_wrong_issue_url_is_a_settings_error(tmp_path, run_cli, value, message):
    write(tmp_path, "versus.yaml", f"issue_url: '{value}'\n")
    result = run_cli("check", "--project", tmp_path)
    assert f"versus.yaml:1:12: {message}" in result.output


def test_a_wrong_correction_is_an_error_at_its_place(tmp_path, run_cli):
    write(tmp_path, "content/a.md", "---\nitems: [A, B]\ncorrections:\n  - {date: soon, "
                    "text: x}\nattributes:\n  Focus:\n    A: one\n    B: two\n---\n")
    result = run_cli("html", "--project", tmp_path)
    assert result.exit_code == 1
    assert ("a.md:4:3: a correction must be {date: 2026-12-01, text: what was "
            "corrected} (the text at most 500 characters)") in result.output
