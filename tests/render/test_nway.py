"""Two to six items lay out readably: whole item names, nothing off the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from support.files import write
from versus.cli.main import main

NAMES = ["PostgreSQL", "MySQL", "MongoDB", "Cassandra", "Redis", "CockroachDB"]
LONG_WORD = "Supercalifragilisticexpialidociousnesswithoutanybreakopportunity"
MM = 72 / 25.4


def handout(count: int) -> str:
    items = NAMES[:count]
    rows = []
    for row in ("Speed", "Model", "Notes"):
        rows.append(f"  {row}:")
        rows += [f"    {item}: {LONG_WORD if row == 'Notes' else 'fast and steady'}"
                 for item in items]
    return (f"---\nitems: [{', '.join(items)}]\nattributes:\n" + "\n".join(rows)
            + "\n---\nA lead.\n")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[int, Path]:
    project = tmp_path_factory.mktemp("nway")
    for count in range(2, 7):
        write(project, f"content/items-{count}.md", handout(count))
    result = CliRunner().invoke(main, ["pdf", "--project", str(project)])
    assert result.exit_code == 0, result.output
    return {count: project / f"output/pdf/items-{count}.pdf" for count in range(2, 7)}


def placed_text(path: Path) -> tuple[list[tuple[float, str]], float]:
    """(x, text) of every text run on page 1, and the page width."""
    page = PdfReader(path).pages[0]
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((cm[4] + tm[4] * cm[0], text))

    page.extract_text(visitor_text=visit)
    return runs, float(page.mediabox.width)


@pytest.mark.parametrize("count", range(2, 7))
def test_every_item_name_is_printed_whole_in_the_header(pdfs, count):
    texts = [text.strip() for _, text in placed_text(pdfs[count])[0]]
    for name in NAMES[:count]:
        assert name in texts, f"'{name}' is broken or missing in the header: {texts[:20]}"


@pytest.mark.parametrize("count", range(2, 7))
def test_long_words_wrap_inside_the_page(pdfs, count):
    runs, width = placed_text(pdfs[count])
    right_margin = width - 18 * MM
    assert max(x for x, _ in runs) < right_margin
    pieces = "".join(text.strip().rstrip("-\u2010\u00ad") for _, text in runs
                     if text.strip() and text.strip()[0].isalpha())
    assert LONG_WORD[:20] in pieces  # the word is printed, wrapped, not dropped


def test_wider_tables_use_a_smaller_type(pdfs):
    def cell_size(path):
        sizes = []
        page = PdfReader(path).pages[0]
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: sizes.append(
            (text.strip(), size * tm[0] * cm[0])) if text.strip() == "fast and steady"
            else None)
        return sizes[0][1]

    assert cell_size(pdfs[6]) < cell_size(pdfs[2])
