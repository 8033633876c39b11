"""The web pages as a reader meets them, in headless Chromium (``webcheck``): on a
phone and a desktop, in the light and the dark scheme, printed from the browser,
checked by axe-core and the Nu HTML checker; and the index of 3,000 handouts.

The handouts compare two, three, four and six items (``databases-six.md`` cut
down) and include the feature handout (footnotes, code, admonitions, a figure).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support.files import write
from support.webcheck import axe, chromium, show, vnu

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SIX = ("PostgreSQL", "MySQL", "MongoDB", "Cassandra", "Redis", "CockroachDB")
WIDTHS = (320, 390, 768, 1280)
BASE_URL = "https://example.org/handouts/"


def databases(items: tuple[str, ...], title: str) -> str:
    """``databases-six.md`` with only ``items`` compared."""
    lines = [line for line in (FIXTURES / "databases-six.md").read_text("utf-8").split("\n")
             if not (m := re.match(r"^    (\w+): ", line)) or m.group(1) in items]
    text = "\n".join(lines).replace(f"items: [{', '.join(SIX)}]",
                                    f"items: [{', '.join(items)}]\ntags: [databases]")
    return text.replace("title: Six Databases", f"title: {title}")


@pytest.fixture(scope="module")
def site(tmp_path_factory, build) -> Path:
    """The built output/ of a project with every kind of handout page."""
    project = tmp_path_factory.mktemp("web") / "project"
    for name in ("devops-vs-mlops.md", "feature-handout.md", "databases-six.md",
                 "history.png"):
        write(project, f"content/{name}", (FIXTURES / name).read_bytes())
    write(project, "content/three.md", databases(SIX[:3], "Three Databases"))
    write(project, "content/four.md", databases(SIX[:4], "Four Databases"))
    write(project, "versus.yaml", f"base_url: {BASE_URL}\n")
    build(project, "html", "--jobs", "1")
    return project / "output"


def handout_pages(site: Path) -> list[Path]:
    return sorted((site / "html").glob("*.html"))


def every_page(site: Path) -> list[Path]:
    return [site / "index.html", site / "tags" / "databases.html", *handout_pages(site)]


@pytest.fixture(scope="module")
def driver():
    with chromium() as driver:
        yield driver


# What the layout tests read from the page shown.
BROKEN_WORDS = """
const broken = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node; (node = walker.nextNode());) {
  const parent = node.parentElement;
  if (!parent || parent.closest('code, pre, script, style, a[href^="http"]')
      || !parent.getClientRects().length) continue;
  for (const match of node.data.matchAll(/[\\p{L}\\p{N}]+/gu)) {
    const range = document.createRange();
    range.setStart(node, match.index);
    range.setEnd(node, match.index + match[0].length);
    const lines = new Set(Array.from(range.getClientRects())
      .filter(rect => rect.width > 0).map(rect => Math.round(rect.top)));
    if (lines.size > 1) broken.push(match[0]);
  }
}
return broken;
"""
OVERFLOWS = """
return [document.documentElement.scrollWidth - document.documentElement.clientWidth,
        Array.from(document.querySelectorAll('.table-frame, pre, table, .handout-list li'))
          .filter(e => e.scrollWidth > e.clientWidth + 1)
          // a box made to scroll sideways is a region the keyboard reaches
          .filter(e => !(e.tabIndex === 0 && e.getAttribute('role') === 'region'))
          .map(e => e.className || e.tagName)];
"""
CELLS = """
return Array.from(document.querySelectorAll('.comparison tbody tr:first-child > *'), cell => {
  const box = cell.getBoundingClientRect();
  return {tag: cell.tagName, display: getComputedStyle(cell).display, top: box.top,
          width: box.width, label: getComputedStyle(cell, '::before').content};
});
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_no_sideways_scrolling_and_no_word_cut_at_any_width(site, driver, width):
    for page in every_page(site):
        show(driver, page, width=width)
        page_overflow, boxes = driver.execute_script(OVERFLOWS)
        assert page_overflow <= 0 and boxes == [], (page.name, width, page_overflow, boxes)
        assert driver.execute_script(BROKEN_WORDS) == [], (page.name, width)


def first_row(driver, site: Path, name: str, width: int) -> list[dict]:
    show(driver, site / "html" / f"{name}.html", width=width)
    return driver.execute_script(CELLS)


@pytest.mark.parametrize("name, items", [("devops-vs-mlops", 2), ("three", 3)])
@pytest.mark.parametrize("width", (320, 390))
def test_two_or_three_items_on_a_phone_keep_a_column_each(site, driver, name, items,
                                                          width):
    header, *values = first_row(driver, site, name, width)
    assert header["tag"] == "TH" and len(values) == items
    # the attribute's name on a line of its own, the values side by side below it
    assert all(value["top"] > header["top"] for value in values)
    assert len({round(value["top"]) for value in values}) == 1, values
    usable = driver.execute_script(
        "return document.querySelector('.comparison table').clientWidth")
    assert all(value["width"] >= usable / items - 1 for value in values), (usable, values)
    assert all(value["label"] == "none" for value in values)


@pytest.mark.parametrize("name, stacked_below", [("four", 768), ("databases-six", 960)])
@pytest.mark.parametrize("width", WIDTHS)
def test_more_items_stack_one_block_per_attribute_on_narrow_screens(
        site, driver, name, stacked_below, width):
    header, *values = first_row(driver, site, name, width)
    if width < stacked_below:
        assert {value["display"] for value in values} == {"block"}
        assert [value["label"].split("\u2002")[0].strip('"') for value in values] == \
            list(SIX[:len(values)]), "each value follows its item's name"
        assert all(value["width"] >= header["width"] - 1 for value in values)
    else:
        assert {value["display"] for value in values} == {"table-cell"}
        assert len({round(value["top"]) for value in [header, *values]}) == 1


@pytest.mark.parametrize("width", (768, 1280))
def test_wide_screens_show_the_table(site, driver, width):
    cells = first_row(driver, site, "devops-vs-mlops", width)
    assert {cell["display"] for cell in cells} == {"table-cell"}


def luminance(css: str) -> float:
    """The relative luminance (WCAG) of an 'rgb(r, g, b)' colour."""
    red, green, blue = (int(part) / 255 for part in re.findall(r"[0-9.]+", css)[:3])

    def linear(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def colours(driver, selector: str) -> tuple[float, float]:
    """The luminance of the text and of the background colour of ``selector``."""
    style = driver.execute_script(
        "const s = getComputedStyle(document.querySelector(arguments[0]));"
        "return [s.color, s.backgroundColor];", selector)
    return luminance(style[0]), luminance(style[1])


@pytest.mark.parametrize("page", ["html/feature-handout.html", "index.html"])
def test_the_dark_scheme_turns_the_page_dark(site, driver, page):
    show(driver, site / page, scheme="light")
    light_body = colours(driver, "body")
    show(driver, site / page, scheme="dark")
    dark_body = colours(driver, "body")
    assert light_body[1] > 0.8 and light_body[0] < 0.05, light_body
    assert dark_body[1] < 0.02 and dark_body[0] > 0.7, dark_body
    card = ".handout" if page.startswith("html/") else ".handout-list li"
    ink, paper = colours(driver, card)
    assert (ink + 0.05) / (paper + 0.05) >= 7, "text on the card, dark scheme"


@pytest.mark.parametrize("scheme", ("light", "dark"))
@pytest.mark.parametrize("width", (390, 1280))
def test_axe_core_finds_nothing(site, driver, scheme, width):
    found = {}
    for page in every_page(site):
        show(driver, page, width=width, scheme=scheme)
        violations = axe(driver)
        if violations:
            found[page.name] = violations
    assert found == {}, found


def test_axe_core_finds_nothing_in_the_filtered_index(site, driver):
    show(driver, (site / "index.html").as_uri() + "?q=databases", width=390, scheme="dark")
    assert driver.execute_script("return document.querySelectorAll('#handouts li').length")
    assert axe(driver) == []


def test_the_nu_checker_finds_no_error(site):
    pages = [*every_page(site), *sorted((site / "tags").glob("*.html"))]
    assert vnu(list(dict.fromkeys(pages))) == []


# ------------------------------------------------------------ printed from a browser

def test_printing_the_page_needs_no_background_graphics(site, driver):
    """Browsers leave out backgrounds by default: nothing may be white on a colour."""
    show(driver, site / "html" / "feature-handout.html", media="print")
    style = driver.execute_script("""
        const get = (selector, prop) => getComputedStyle(document.querySelector(selector))[prop];
        return {kicker: [get('.kicker', 'color'), get('.kicker', 'backgroundColor')],
                head: [get('.comparison thead th', 'color'),
                       get('.comparison thead tr', 'backgroundColor')],
                nav: get('.site-nav', 'display'), notes: get('.endnotes', 'display')};
    """)
    for colour, background in (style["kicker"], style["head"]):
        assert background == "rgba(0, 0, 0, 0)", background
        assert (1.05) / (luminance(colour) + 0.05) >= 4.5, f"{colour} on white paper"
    assert style["nav"] == "none"
    assert style["notes"] == "block", "the web page's notes are its endnotes on paper too"


def test_the_pdf_never_gets_the_browser_print_rules(site):
    from versus.content.handouts import load_handout
    from versus.render.pages import Pages
    from versus.render.theme import Theme
    from versus.settings import Settings

    project = site.parent
    handout = load_handout(project / "content" / "feature-handout.md", "feature-handout",
                           Settings())
    pages = Pages(Theme.for_project(project), Settings())
    printed = pages.handout(handout, "print")
    assert re.search(r'<body class="handout-page">', printed), (
        "the web page's print rules are scoped to body.web, which the PDF never has")
    assert 'class="handout-page web"' in pages.handout(handout, "screen")
