"""Inline patterns tried only on text that holds what they match: the same HTML.

``versus.render.gates`` skips a pattern on a text without any of the strings
every match of it needs. Every handout of content/ and the test fixtures, edge
cases, and random Markdown built from the characters the patterns read give the
same HTML with the gates on and off; the gates switch themselves off for a set
of patterns they were not written for.
"""

from __future__ import annotations

import functools
from pathlib import Path

import markdown as python_markdown
import pytest
from hypothesis import given, settings, strategies as st
from markdown.inlinepatterns import SimpleTextInlineProcessor
from markdown.treeprocessors import InlineProcessor

from versus.content.handouts import load_handout
from versus.render import gates
from versus.render.converter import MARKDOWN_CONFIG, MARKDOWN_EXTENSIONS, Markdown
from versus.render.pages import Pages
from versus.render.theme import Theme
from versus.render.typeset import Smart, Typeset
from versus.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
ITEMS = ("DevOps", "MLOps", "Kubernetes", "C++")
NOTES = {"a": "A *note* with 'quotes'.", "b": "[Link](other.md) -- and `code`."}
WORDS = ["a", "word", "DevOps", "MLOps", "Kubernetes", "camelCase", "v1.2.3", "x86_64",
         "Δέλτα", "日本語", "e.g.", "CI/CD", "2024", "klzzwxh", "wzxhzdk:0"]
INLINE = ["*", "**", "***", "_", "__", "`", "``", "\\", "\\*", "\\`", "\\\\", "[", "]",
          "(", ")", "[a](b.md)", "[a](other.md#part \"T 'q'\")", "[a][r]", "[r]", "[r][]",
          "![i](x.png \"Cap\")", "![i][r]", "<", ">", "<b>", "</b>", "<br/>", "<!-- c -->",
          "<http://example.com/a_b>", "<a@b.example>", "http://x.example", "@", "://",
          "&", "&amp;", "&#8212;", "&nbsp;", "&mdash;", "[^a]", "[^b]", "[^zz]", "[^",
          "'", '"', "--", "---", "----", "...", "....", ". . .", "''", '""', "'80s",
          "\"'", "'\"", "  \n", "\n", " ", "  ", "\t", "!", "{: .x}", "\x02", "\x03", "~",
          "~~", "^", "|", "=", "-", "+", ":", "#", "…", "—", "\u00a0"]
BLOCKS = ["", "", "", "# ", "## ", "- ", "* ", "1. ", "> ", "    ", "```\n", "~~~\n",
          "| a | b |\n|---|---|\n| ", "!!! note \"T\"\n    ", "Term\n: ",
          "[r]: http://example.com/r \"Title\"\n", "***\n", "<div>\n", "\n"]
LINES = st.tuples(st.sampled_from(BLOCKS),
                  st.lists(st.sampled_from(WORDS + INLINE), max_size=12)).map(
    lambda line: line[0] + " ".join(line[1]))
DOCUMENTS = st.lists(LINES, min_size=1, max_size=8).map("\n".join)
EDGES = [
    "", " ", "plain words only", "'", '"', "''", "it's 'quoted' and \"double\"",
    "the '80s", "a -- b --- c ---- d", "a...b....c", "*a* **b** ***c*** _d_ __e__ _a_b_",
    "**strong *em* strong**", "`code with \\` and *star*`", "``a ` b``", "\\\\`x`",
    "\\*not em\\*", "[link](x.md \"t\") and [ref][r] and [r]", "![img](i.png \"Cap\")",
    "<http://example.com/a_b*c*>", "<mail@example.com>", "line  \nbreak", "a  \n  \nb",
    "<span>*x*</span> &amp; &copy; &#169; &#xA9; &nope", "<!-- *c* -->", "[^a] and [^b]",
    "[^a][^a] [^missing]", "[^]", "[", "]", "[]()", "*", "_", "**", "<", ">", "&",
    "\x02klzzwxh:0000\x03", "\x02wzxhzdk:0\x03", "a \"[link](b.md)\" c",
    "\"'quoted' words\"", "'\"quoted\" words'", "--- 'a' ---", "'...'", "\"...\"",
    "# Heading with 'quote' and *em*\n\nText", "- *a*\n- 'b'\n- c -- d",
    "| *a* | 'b' |\n|---|---|\n| c--d | e... |", "```\n'code' -- *not*\n```",
    "    indented 'code' --", "!!! note \"Title 'x'\"\n    Body -- *text*",
    "Term 'a'\n: Definition -- *b*", "text {: .x}\n{: #id }", "a_b_c snake_case_name",
    "DevOps vs. MLOps -- Kubernetes' camelCase v1.2.3",
]


def _converter(on: bool, monkeypatch) -> Markdown:
    monkeypatch.setenv(gates.SWITCH, "1" if on else "0")
    markdown = Markdown()
    assert markdown.gated == (["inline", "smarty"] if on else [])
    return markdown


@pytest.fixture
def pair(monkeypatch) -> tuple[Markdown, Markdown]:
    """A converter with the gates and one without."""
    return _converter(True, monkeypatch), _converter(False, monkeypatch)


def _both(pair, text: str) -> None:
    """``text`` as a block and as a cell, for each medium, the same both ways."""
    for screen in (False, True):
        made = []
        for markdown in pair:
            markdown.start(ITEMS, NOTES, screen)
            made.append((markdown.block(text, screen), markdown.convert_inline(text, screen),
                         markdown.notes()))
        assert made[0] == made[1], (text, screen)


def _handouts():
    paths = [*sorted((ROOT / "content").rglob("*.md")),
             *sorted((ROOT / "tests" / "fixtures").rglob("*.md"))]
    for path in paths:
        try:
            yield path, load_handout(path, path.stem, Settings())
        except Exception:  # a fixture made to fail loading has nothing to convert
            continue


def _stock(extensions=None):
    """Python-Markdown as Versus sets it up (or with ``extensions``), not gated."""
    return python_markdown.Markdown(
        extensions=MARKDOWN_EXTENSIONS + [Typeset()] if extensions is None else extensions,
        extension_configs=MARKDOWN_CONFIG)


def test_the_converter_is_gated_unless_switched_off(monkeypatch):
    assert gates.stock_code() == gates.STOCK_CODE
    assert _converter(True, monkeypatch).gated == ["inline", "smarty"]
    for word in ("0", "off", "false", "no"):
        monkeypatch.setenv(gates.SWITCH, word)
        assert Markdown().gated == []


@pytest.mark.parametrize("medium", ["print", "screen"])
def test_every_handout_is_the_same_either_way(pair, medium):
    theme = Theme.for_project(ROOT)
    on, off = Pages(theme, Settings()), Pages(theme, Settings())
    on.__dict__["markdown"], off.__dict__["markdown"] = pair
    handouts = list(_handouts())
    assert len(handouts) >= 8
    for path, handout in handouts:
        assert on.convert(handout, medium) == off.convert(handout, medium), path
        text = path.read_text("utf-8").split("\n---\n", 1)[-1]
        _both(pair, text)


@pytest.mark.parametrize("text", EDGES)
def test_edge_cases_are_the_same_either_way(pair, text):
    _both(pair, text)


@functools.cache
def _made_once():
    """A converter pair and a stock converter for the random tests (made once)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        return (_converter(True, monkeypatch), _converter(False, monkeypatch)), _stock()


@settings(max_examples=300, deadline=None, print_blob=True)
@given(DOCUMENTS)
def test_random_documents_are_the_same_either_way(text):
    # The falsifying document is printed on failure, with a blob to replay it.
    _both(_made_once()[0], text)


@settings(max_examples=300, deadline=None, print_blob=True)
@given(st.lists(st.sampled_from(WORDS + INLINE), max_size=16).map("".join))
def test_no_pattern_matches_a_text_without_its_strings(text):
    md = _made_once()[1]
    for name, expected in gates.GATED.items():
        for pattern, (*_, strings) in zip(md.treeprocessors[name].inlinePatterns, expected):
            if not any(string in text for string in strings):
                assert pattern.compiled_re.search(text) is None, (pattern, text)


def test_smart_punctuation_is_the_same_either_way(monkeypatch):
    monkeypatch.setenv(gates.SWITCH, "0")
    stock = Smart()
    monkeypatch.setenv(gates.SWITCH, "1")
    gated = Smart()
    for text in EDGES + ["DevOps vs. MLOps", "What's the Difference?", "'Tis -- \"so\"..."]:
        assert gated(text) == stock(text), text


def test_another_pattern_switches_the_gates_off(monkeypatch):
    monkeypatch.setenv(gates.SWITCH, "1")
    assert gates.install(_stock()) == ["inline", "smarty"]
    md = _stock()
    md.inlinePatterns.register(SimpleTextInlineProcessor(r"(~~)"), "tilde", 65)
    assert gates.install(md) == ["smarty"]  # the inline pass keeps its own
    assert type(md.treeprocessors["inline"]) is InlineProcessor
    assert gates.install(_stock(["smarty"])) == ["smarty"]  # no note calls: not the set
    md = _stock(MARKDOWN_EXTENSIONS[:-1] + [Typeset()])
    assert gates.install(md) == ["inline"]  # no smarty
    md = _stock()
    md.treeprocessors["smarty"].inlinePatterns.deregister("smarty-ellipses")
    assert gates.install(md) == ["inline"]


def test_a_pattern_registered_after_set_up_turns_its_gate_off(monkeypatch):
    markdown = _converter(True, monkeypatch)
    md = markdown._md
    md.inlinePatterns.register(SimpleTextInlineProcessor(r"(~~)"), "tilde", 65)
    markdown.start(ITEMS, {}, False)
    markdown.block("a ~~b~~ c")
    assert md.treeprocessors["inline"].live is None
    md.inlinePatterns.deregister("tilde")
    markdown.block("a ~~b~~ c")
    assert md.treeprocessors["inline"].live is not None


def test_a_changed_regular_expression_or_class_is_not_the_set():
    changed = [entry[:3] for entry in gates.INLINE]
    md = Markdown()._md
    registry = md.treeprocessors["inline"].inlinePatterns
    assert gates.written_for(registry, gates.INLINE)
    changed[0] = (changed[0][0], changed[0][1], "`")
    assert not gates.written_for(registry, [(*entry, ()) for entry in changed])
    changed = [entry[:3] for entry in gates.INLINE]
    changed[-1] = (changed[-1][0], "markdown.inlinepatterns.Other", changed[-1][2])
    assert not gates.written_for(registry, [(*entry, ()) for entry in changed])
