"""The printed body cut into parts at its own level-2 headings (versus/render/parts.py)."""

from __future__ import annotations

from versus.render.parts import parts

LONG = "<p>" + "words of a long section " * 60 + "</p>"


def test_each_level_two_heading_starts_a_part_and_long_text_runs_in_columns():
    body = f'<p>Before.</p>\n<h2 id="a">A</h2>\n{LONG}\n<h2 id="b">B</h2>\n<p>Short.</p>'
    found = [(str(part.heading), part.in_columns) for part in parts(body, 2, "en")]
    assert found == [("", False), ('<h2 id="a">A</h2>', True), ('<h2 id="b">B</h2>', False)]


def test_a_heading_inside_raw_html_stays_in_its_block():
    body = f'<h2 id="a">A</h2>\n<div class="box">\n<h2>Inside</h2>\n</div>\n{LONG}'
    (part,) = parts(body, 2, "en")
    assert "<h2>Inside</h2>" in part.text and part.text.count("<div") == 1


def test_one_column_pages_and_wide_scripts():
    assert not parts(f'<h2 id="a">A</h2>\n{LONG}', 1, "en")[0].in_columns
    # About 800 Japanese characters fill three columns' 5 lines; 800 Latin ones do not.
    japanese = '<h2 id="a">A</h2>\n<p>' + "東京" * 400 + "</p>"
    latin = '<h2 id="a">A</h2>\n<p>' + "ab" * 400 + "</p>"
    assert parts(japanese, 3, "ja")[0].in_columns and not parts(latin, 3, "en")[0].in_columns


def test_nothing_before_the_first_heading_makes_no_part():
    assert [str(part.heading) for part in parts('\n<h2 id="a">A</h2>\n<p>T.</p>', 2, "en")] \
        == ['<h2 id="a">A</h2>']
