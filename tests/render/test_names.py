"""The names pattern's gate turns away no word the shapes would match.

``versus.render.typeset`` tries camel-case words and words with digits only
where ``SHAPED_GATE`` holds. The gated pattern must find exactly what the
pattern without the gate finds, match for match, on every handout and fixture
of the project and on random text built from the characters the pattern reads.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings, strategies as st

from versus.render import typeset
from versus.render.typeset import CAMEL, ETX, SHAPED_GATE, STX, WITH_DIGITS, names_pattern

ROOT = Path(__file__).resolve().parents[2]
CHARACTERS = "aBzZ09٣_-.:/ \n'\"+#éÉ" + STX + ETX
ITEMS = st.lists(st.text(alphabet="aBz0-+.#", min_size=1, max_size=6), max_size=3)


def ungated(items) -> re.Pattern:
    """The pattern as it was before the gate: the reference."""
    names = sorted((re.escape(item) for item in items if item.strip()), key=len,
                   reverse=True)
    words = "|".join(names + [CAMEL, WITH_DIGITS])
    return re.compile(f"(?P<protected>{STX}[^{ETX}]*{ETX})|(?<![\\w-])(?:{words})(?![\\w])")


def matches(pattern: re.Pattern, text: str) -> list[tuple[int, int, bool]]:
    return [(*match.span(), bool(match.group("protected"))) for match in pattern.finditer(text)]


def test_the_gate_is_in_the_pattern():
    assert SHAPED_GATE in names_pattern(("DevOps",)).pattern
    assert SHAPED_GATE not in ungated(("DevOps",)).pattern


def test_every_project_text_matches_the_same():
    texts = sorted([*ROOT.glob("content/**/*.md"), *ROOT.glob("tests/fixtures/**/*.md")])
    assert len(texts) >= 5
    found = 0
    for path in texts:
        text = path.read_text("utf-8")
        items = ("DevOps", "MLOps", "PostgreSQL", "C++", "Kubernetes")
        expected = matches(ungated(items), text)
        assert matches(names_pattern(items), text) == expected, path
        found += len(expected)
    assert found > 100  # the texts hold names, camel case and numbers to find


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=CHARACTERS, max_size=60), ITEMS)
def test_random_text_matches_the_same(text, items):
    typeset._names_pattern.cache_clear()
    assert matches(names_pattern(items), text) == matches(ungated(items), text)


def test_marked_names_are_unchanged_by_the_gate():
    text = "Run DevOps2024 with camelCaseWords, not plain words, at v1.2.3-rc1 or ABCdef."
    gated = typeset.mark_names(text, names_pattern(("DevOps",)))
    assert gated == typeset.mark_names(text, ungated(("DevOps",)))
    assert '<span class="name">camelCaseWords</span>' in gated
    assert '<span class="name">DevOps2024</span>' in gated
