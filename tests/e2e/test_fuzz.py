"""Property-based: random front matter and Markdown never end in a traceback.

``load_handout`` raises only ``Problems`` (of ``ContentError``); rendering a loaded
handout to HTML raises only ``VersusError``.
"""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from versus.content.handouts import load_handout
from versus.errors import ContentError, Problems, VersusError
from versus.render.pages import Pages
from versus.render.theme import Theme, default_theme
from versus.settings import Settings

KEYS = st.sampled_from(["items", "title", "tagline", "date", "lang", "author", "tags",
                        "draft", "attributes", "Focus", "Alpha", "Beta"]) | st.text(max_size=8)
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
           | st.text(max_size=20) | st.dates())
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(KEYS, inner, max_size=4), max_leaves=12)
ITEMS = st.lists(st.sampled_from(["Alpha", "Beta", "Gamma"]) | st.text(max_size=6),
                 min_size=0, max_size=4)
MARKDOWN_BITS = st.sampled_from([
    "# ", "## ", "### ", "- ", "1. ", "> ", "```", "~~~", "    ", "| a | b |\n|---|---|\n",
    "[", "]", "(", ")", "![", "*", "_", "`", "<", ">", "<script>", "</div>", "<img src=",
    "{{ ", " }}", "{% ", "&", "&#0;", "\n", "\n\n", "---\n", "[^1]", "[^1]: ", "{: #x }",
    "Term\n: ", "\t", "\r\n", "\x00", "\u202e", "javascript:", "file:///etc/passwd"])
MARKDOWN = st.lists(MARKDOWN_BITS | st.text(max_size=10), max_size=30).map("".join)


@st.composite
def front_matter(draw) -> dict:
    data = draw(st.dictionaries(KEYS, VALUES, max_size=6))
    if draw(st.booleans()):
        items = draw(ITEMS)
        data["items"] = items
        if draw(st.booleans()):
            data["attributes"] = {
                draw(st.text(max_size=8)): {item: draw(SCALARS | MARKDOWN)
                                            for item in items}
                for _ in range(draw(st.integers(0, 3)))}
    return data


def dump(data: dict) -> str:
    try:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        return "{}\n"


PAGES = Pages(Theme((default_theme(),)), Settings())


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(front=front_matter(), body=MARKDOWN)
def test_random_handouts_never_raise_a_traceback(tmp_path, front, body):
    path = tmp_path / "content" / "a-vs-b.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{dump(front)}---\n{body}", encoding="utf-8",
                    errors="surrogatepass")
    try:
        handout = load_handout(path, "a-vs-b", Settings())
    except Problems as problems:
        assert problems.errors and all(isinstance(error, ContentError)
                                       for error in problems.errors)
        return
    for medium in ("print", "screen"):
        try:
            PAGES.handout(handout, medium)
        except VersusError:
            pass
