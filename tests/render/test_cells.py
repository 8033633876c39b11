"""Table cells of plain words skip the Markdown converter: the HTML is the same.

``Markdown.inline`` takes a short way for a cell with nothing for the converter
to read (most cells); ``Markdown.convert_inline`` is the converter's way. Every
cell of the seed and the test fixtures, and random text built from the
characters that matter, come out the same either way.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from versus.content.handouts import load_handout
from versus.render.converter import PLAIN_RE, Markdown
from versus.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
ITEMS = ("DevOps", "MLOps", "Kubernetes", "C++", "Δέλτα")
PIECES = st.sampled_from([
    "a", "Z", "7", "2024", "CI/CD", "DevOps", "MLOps", "Kubernetes", "C++", "C#",
    "camelCase", "HTTPServer", "v1.2.3", "x86_64", "Δέλτα", "日本語", "مرحبا",
    " ", "  ", "-", "--", "---", "+", "#", "!", "!!!", "?", ".", "..", "...", ". .",
    ",", ";", ":", "(", ")", "/", "%", "=", "1.", "1. ", "- ", "* ", "_", "*", "`",
    "'", '"', "<", ">", "&", "[", "]", "[^a]", "\\", "{", "}", "|", "~", "^",
    "\u00a0", "\u3000", "\t", "\n", "…", "—", "http://example.com", "e.g.",
    "\u200b", "\ufeff", "\u202e", "\u0085", "\u2028", "\ufffd", "\U0001f600", "١.",
])
EDGES = [" a", "a ", "a  b", "1. a", "12.", "- a", "+ a", "# a", "a # b", "C#", "a -- b",
         "a...", "a . . .", "!!! note", "?? a", "e.g. this", "\u00a0", "a\u3000b", "a\u200bb"]
CELLS = st.lists(PIECES, min_size=1, max_size=8).map("".join)


def _converter() -> Markdown:
    markdown = Markdown()
    markdown.start(ITEMS, {"a": "A note."}, screen=False)
    return markdown


def _handouts():
    paths = [ROOT / "content" / "devops-vs-mlops.md",
             *sorted((ROOT / "tests" / "fixtures").rglob("*.md"))]
    for path in paths:
        try:
            yield load_handout(path, path.stem, Settings())
        except Exception:  # a fixture made to fail loading has no cells to compare
            continue


def _cells():
    return [text for handout in _handouts() for attribute in handout.attributes
            for text in (attribute.name, *attribute.values)]


def test_the_seeds_cells_take_the_short_way():
    seed = next(_handouts())
    cells = [text for attribute in seed.attributes
             for text in (attribute.name, *attribute.values)]
    assert cells and all(PLAIN_RE.fullmatch(text) for text in cells)


@pytest.mark.parametrize("screen", [False, True])
def test_every_fixture_cell_is_the_same_either_way(screen):
    markdown = _converter()
    cells = _cells()
    assert len(cells) > 20
    for text in cells:
        assert markdown.inline(text, screen) == markdown.convert_inline(text, screen), text


def test_names_in_a_plain_cell_are_marked_as_the_converter_marks_them():
    markdown = _converter()
    html = markdown.inline("Kubernetes and camelCase v1.2.3 with DevOps")
    assert html == ('<span class="name">Kubernetes</span> and <span class="name">'
                    'camelCase</span> v1.2.3 with DevOps')
    assert html == markdown.convert_inline("Kubernetes and camelCase v1.2.3 with DevOps")


@pytest.mark.parametrize("text", EDGES)
def test_cells_at_the_edge_of_the_short_way_are_the_same_either_way(text):
    markdown = _converter()
    assert markdown.inline(text) == markdown.convert_inline(text)


@settings(max_examples=600, deadline=None)
@given(CELLS)
def test_random_cells_are_the_same_either_way(text):
    markdown = _converter()
    assert markdown.inline(text) == markdown.convert_inline(text)
