"""Typed cells as a reader meets them: yes, no, partial and n/a as marks of their own
shapes beside their words (kept in the text layer), ratings as dots read as "3 out
of 5", a legend under the table only where marks are used, a row's winner marked by
a star and a word, and rows all items share folded into one line or dimmed."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from support.files import write
from support.tagged import pdfua_problems
from support.webcheck import axe, chromium, show, vnu

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(scope="module")
def project(tmp_path_factory, build) -> Path:
    root = tmp_path_factory.mktemp("typed")
    for name in ("sourced-databases.md", "devops-vs-mlops.md"):
        write(root, f"content/{name}", (FIXTURES / name).read_text())
    dim = (FIXTURES / "sourced-databases.md").read_text().replace(
        "identical_rows: fold", "identical_rows: dim")
    write(root, "content/dimmed.md", dim)
    build(root, "all")
    return root


def words(pdf: Path, *options: str) -> str:
    return " ".join(subprocess.run(["pdftotext", *options, str(pdf), "-"],
                                   capture_output=True, text=True, check=True).stdout.split())


def test_typed_cells_print_their_marks_and_words(project):
    text = words(project / "output/pdf/sourced-databases.pdf", "-raw")
    assert "Server process \u2713 Yes \u2713 Yes \u2717 No[3]" in text
    assert "JSON documents \u2713 Yes[4] \u2713 Yes[2] Partial[5]" in text
    assert "Stored procedures \u2713 Yes \u2713 Yes \u2013 n/a" in text
    assert ("Ease of setup \u25cf\u25cf\u25cf\u25cb\u25cb 3 out of 5 "
            "\u25cf\u25cf\u25cf\u25cf\u25cb 4 out of 5 "
            "\u25cf\u25cf\u25cf\u25cf\u25cf 5 out of 5 one file") in text
    assert "Public domain[3] \u2605 Best" in text


def test_the_legend_names_each_mark_used_and_only_where_used(project):
    text = words(project / "output/pdf/sourced-databases.pdf", "-raw")
    assert "\u2713 Yes \u00b7 \u2717 No \u00b7 Partial \u00b7 \u2013 n/a" in text
    seed = project / "output/html/devops-vs-mlops.html"
    assert 'class="legend"' not in seed.read_text()
    assert "\u00b7 \u2717 No" not in words(project / "output/pdf/devops-vs-mlops.pdf")


def test_the_legend_and_the_common_line_sit_under_the_table(project):
    box = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1",
                          str(project / "output/pdf/sourced-databases.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    tops = {}
    for top, word in re.findall(r'yMin="([0-9.]+)"[^>]*>([^<]+)<', box):
        tops.setdefault(word, float(top))
    assert tops["Typical"] < tops["common:"] < tops["\u00b7"] < tops["Choosing"]


def test_rows_all_items_share_fold_into_one_line_or_dim(project):
    folded = words(project / "output/pdf/sourced-databases.pdf", "-raw")
    assert "In common: Query language: SQL" in folded
    assert "Query language SQL SQL SQL" not in folded
    dimmed = (project / "output/html/dimmed.html").read_text()
    assert re.search(r'<tr class="same">\s*<th scope="row">Query language</th>', dimmed)
    assert "In common" not in dimmed


def test_the_page_passes_the_checkers(project):
    assert pdfua_problems(project / "output/pdf/sourced-databases.pdf") == []
    page = project / "output/html/sourced-databases.html"
    assert vnu([page]) == []
    with chromium() as driver:
        for width in (390, 1280):
            show(driver, page, width=width)
            assert axe(driver) == [], width


def test_a_winner_must_be_an_item(tmp_path, run_cli):
    write(tmp_path, "content/a.md", "---\nitems: [Alpha, Beta]\nattributes:\n  Focus:\n"
                                    "    Alpha: one\n    Beta: two\n    winner: Alpa\n---\n")
    result = run_cli("html", "--project", tmp_path)
    assert result.exit_code == 1
    assert ("a.md:7:13: 'winner' must name one of the items ['Alpha', 'Beta']; "
            "did you mean 'Alpha'?") in result.output


def test_identical_rows_is_a_setting_too(tmp_path, run_cli):
    write(tmp_path, "versus.yaml", "identical_rows: hide\n")
    result = run_cli("check", "--project", tmp_path)
    assert "identical_rows must be one of show, dim, fold, not 'hide'" in result.output
