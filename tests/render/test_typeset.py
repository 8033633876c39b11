"""The HTML the theme typesets: footnotes, smart punctuation, names, links, layouts.

The pages are made in-process (``Pages.handout``) from tiny projects, for print
and for screen, and read with the test suite's HTML parser.
"""

from __future__ import annotations

import json

import pytest

from versus.content.handouts import load_handout
from versus.render.pages import Pages
from versus.render.theme import Theme
from versus.settings import load_settings

NOTES_BODY = """Alpha leads[^a] the way.

[^a]: A note from the *lead*.

## Details

Beta follows[^b], and again[^a]. An unknown [^zz] stays as written.

[^b]: A note with `code` and a [link](https://example.com).
"""


@pytest.fixture
def page(make_project, parse_html):
    """``page(medium, paper="A4", **make_project_args)`` -> the parsed handout page."""
    def render(medium: str, paper: str = "A4", **kwargs):
        project = make_project(**kwargs)
        settings = load_settings(project).replace(paper=paper)
        path = next((project / "content").glob("*.md"))
        handout = load_handout(path, path.stem, settings)
        return parse_html(Pages(Theme.for_project(project), settings).handout(handout, medium))
    return render


def cell_attributes(note: str = "[^b]"):
    return {"Colour": {"Alpha": f"Red{note}", "Beta": "Blue"},
            "Size": {"Alpha": "Small", "Beta": "Large"}}


def texts(document, tag, **attrs):
    return [" ".join(element.text().split()) for element in document.find_all(tag, **attrs)]


def test_print_footnotes_float_where_they_are_called(page):
    document = page("print", body=NOTES_BODY, attributes=cell_attributes())
    notes = texts(document, "span", class_="footnote")
    # reading order: the lead, the table cell, the body (a note called twice is printed twice)
    assert notes == ["A note from the lead.", "A note with code and a link.",
                     "A note with code and a link.", "A note from the lead."]
    article = document.find("article")
    assert "[^" not in article.text().replace("[^zz]", "")
    assert "[^zz]" in article.text()
    assert "\u21a9" not in article.text() and document.find("section", class_="endnotes") is None


def test_screen_footnotes_are_numbered_endnotes_in_reading_order(page):
    document = page("screen", body=NOTES_BODY, attributes=cell_attributes())
    calls = [(sup.attrs.get("id"), sup.find("a").attrs["href"], sup.text())
             for sup in document.find_all("sup", class_="footnote-ref")]
    # lead, cell, body: a note called again links to the same number (one id only)
    assert calls == [("fnref-1", "#fn-1", "1"), ("fnref-2", "#fn-2", "2"),
                     (None, "#fn-2", "2"), (None, "#fn-1", "1")]
    endnotes = document.find("section", class_="endnotes")
    items = [(li.attrs["id"], " ".join(li.text().split())) for li in endnotes.find_all("li")]
    assert [item[0] for item in items] == ["fn-1", "fn-2"]
    assert items[0][1].startswith("A note from the lead.")
    assert items[1][1].startswith("A note with code and a link.")


def test_smart_punctuation_in_title_tagline_lead_and_cells_not_in_code(page):
    document = page("print", title='Alpha\'s "best" -- and worst...', tagline="It's Beta's",
                    body='Alpha is "red" -- mostly... Code: `"x" -- y`\n',
                    attributes={"Colour": {"Alpha": "Alpha's red", "Beta": "`it's`"}})
    assert texts(document, "h1") == ["Alpha\u2019s \u201cbest\u201d \u2013 and worst\u2026"]
    assert texts(document, "p", class_="tagline") == ["It\u2019s Beta\u2019s"]
    lead = document.find("div", class_="lead").text()
    assert "\u201cred\u201d \u2013 mostly\u2026" in lead and '"x" -- y' in lead
    assert texts(document, "td") == ["Alpha\u2019s red", "it's"]


@pytest.mark.parametrize("lang,text_lang", [("en", "en-US"), ("en-GB", "en-GB"),
                                            ("de", "de")])
def test_plain_english_hyphenates_as_american_english(page, lang, text_lang):
    document = page("print", lang=lang)
    assert document.find("html").attrs["lang"] == lang
    assert document.find("article").attrs["lang"] == text_lang


def test_links_to_other_handouts_point_at_their_pdf_or_page(page):
    body = "See [the other](other-vs-thing.md#focus) and [web](https://example.com/x.md).\n"
    printed = [a.attrs["href"] for a in page("print", body=body).find_all("a")]
    assert printed == ["other-vs-thing.pdf#focus", "https://example.com/x.md"]
    shown = [a.attrs["href"] for a in page("screen", body=body).find_all("a")
             if "other" in a.attrs["href"]]
    assert shown == ["other-vs-thing.html#focus"]


def test_names_numbers_and_hashes_are_marked_unbreakable(page):
    document = page("print", items=("Kubernetes", "Nomad"),
                    attributes={"Kind": {"Kubernetes": "Orchestrator", "Nomad": "Scheduler"}},
                    body="Kubernetes and TensorFlow at 9fceb02d0ae5 with `Kubernetes`.\n")
    assert texts(document.find("div", class_="lead"), "span", class_="name") == [
        "Kubernetes", "TensorFlow", "9fceb02d0ae5"]


def test_long_code_spans_may_wrap_at_humps_in_print_only(page):
    body = "Call `getDeprecatedConnectionPool()` or `db.collection.count()`.\n"
    printed = texts(page("print", body=body), "code")
    assert printed == ["get\u200bDeprecated\u200bConnection\u200bPool()",
                       "db.\u200bcollection.\u200bcount()"]
    assert texts(page("screen", body=body), "code") == [
        "getDeprecatedConnectionPool()", "db.collection.count()"]


def test_admonitions_and_captioned_figures(page):
    body = ('!!! warning "Mind the gap"\n    Text inside.\n\n'
            '![Alt text](picture.png "The caption")\n')
    document = page("print", body=body)
    warning = document.find("div", class_="admonition")
    assert "warning" in warning.attrs["class"]
    assert texts(warning, "p", class_="admonition-title") == ["Mind the gap"]
    figure = document.find("figure")
    assert figure.find("img").attrs["alt"] == "Alt text"
    assert texts(figure, "figcaption") == ["The caption"]


ITEMS = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"]


@pytest.mark.parametrize("count,paper,layout", [
    (2, "A4", "table"), (4, "A4", "table"), (5, "A4", "wide"), (6, "Letter", "wide"),
    (3, "A5", "table"), (4, "A5", "stacked"), (6, "A5", "stacked")])
def test_wide_comparisons_choose_their_layout(page, count, paper, layout):
    items = ITEMS[:count]
    document = page("print", paper=paper, items=items,
                    attributes={"Kind": {item: item.lower() for item in items}})
    assert f"layout-{layout}" in document.find("article").attrs["class"].split()
    if layout == "stacked":
        block = document.find("dl", class_="attribute")
        assert texts(block, "dt") == ["Kind"]
        assert texts(block, "dd")[0] == "Alpha alpha"
    else:
        assert document.find("section", class_="comparison").find("table") is not None


def test_byline_shows_author_and_date(page):
    document = page("print", author="Jane Doe", date="2026-11-26")
    byline = document.find("div", class_="byline")
    assert texts(byline, "span", class_="author") == ["Jane Doe"]
    assert texts(byline, "time") == ["November 26, 2026"]
    assert page("print").find("div", class_="byline") is None


def test_a_link_to_a_missing_handout_suggests_the_closest(make_project, run_cli):
    project = make_project(body="See [the seed](alpha-vs-betta.md) and "
                                "[nothing](zzz-vs-qqq.md).\n\n## Part\n\nText.\n")
    result = run_cli("check", "--project", project, "--format", "json")
    found = [(f["line"], f["column"], f["message"]) for f in json.loads(result.stdout)
             if f["code"] == "broken-link"]
    assert found == [
        (13, 5, "link 'alpha-vs-betta.md' names no handout ('alpha-vs-betta' does not "
               "exist); did you mean 'alpha-vs-beta.md'?"),
        (13, 39, "link 'zzz-vs-qqq.md' names no handout ('zzz-vs-qqq' does not exist)")]
