"""Wide tables on the web page, read from the DOM in headless Chromium (``webcheck``):
five or six items leave the card for the window's width, their attribute names
sticky, in a focusable region; a Markdown table scrolls inside its own region on
a phone, never the page; the stacked comparison (a phone, and A5 print from four
items on) starts each value's first line where its other lines start, beside its
item's name.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from support.files import write
from support.webcheck import axe, chromium, show, vnu

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PLANS = """---
items: [Alpha, Beta]
title: Alpha vs. Beta plans
lang: en
attributes:
  Price: {Alpha: Free, Beta: Paid}
---
Alpha and Beta sell plans at three levels.

## Plans

| Plan | Monthly price | Storage included | Support response |
|------|---------------|------------------|------------------|
| Starter | $0 | 5 GB of storage | Community forums only |
| Team | $12 per seat | 100 GB shared | Email within two days |
| Business | $30 per seat | 1 TB shared | Phone within four hours |

Text after the table.
"""
MARKS = """---
items: [Alpha, Beta, Gamma, Delta]
title: Four marks
lang: en
attributes:
  Support: {Alpha: "yes", Beta: "no", Gamma: partial, Delta: "yes"}
  Notes:
    Alpha: Has a **bold** start and a value long enough to wrap onto a second line of its own
    Beta: "`code` first"
    Gamma: Short
    Delta: Plain words
---
Body.
"""
PAGES = ("databases-six", "plans")


@pytest.fixture(scope="module")
def site(tmp_path_factory, build) -> Path:
    project = tmp_path_factory.mktemp("wide") / "project"
    write(project, "content/databases-six.md", (FIXTURES / "databases-six.md").read_bytes())
    write(project, "content/plans.md", PLANS)
    write(project, "content/marks.md", MARKS)
    build(project, "html", "--jobs", "1")
    return project / "output"


@pytest.fixture(scope="module")
def driver():
    with chromium() as driver:
        yield driver


def page(site: Path, name: str) -> Path:
    return site / "html" / f"{name}.html"


WIDE = """
const frame = document.querySelector('.comparison .table-frame');
const box = frame.getBoundingClientRect(), card = document.querySelector('.handout')
  .getBoundingClientRect();
frame.focus();
return {left: box.left, right: box.right, width: box.width, card: card.width,
        viewport: document.documentElement.clientWidth,
        page: document.documentElement.scrollWidth,
        sticky: Array.from(frame.querySelectorAll('tr > :first-child'),
                           cell => getComputedStyle(cell).position),
        tabindex: frame.getAttribute('tabindex'), role: frame.getAttribute('role'),
        label: frame.getAttribute('aria-label'), focused: document.activeElement === frame};
"""


def test_six_items_leave_the_card_for_the_window_at_1280(site, driver):
    show(driver, page(site, "databases-six"), width=1280)
    wide = driver.execute_script(WIDE)
    assert wide["width"] > wide["card"], "wider than the card"
    assert 0 < wide["left"] and wide["right"] <= wide["viewport"], wide
    assert wide["page"] <= wide["viewport"], "the page itself does not scroll"
    assert set(wide["sticky"]) == {"sticky"}, "the attribute names stay in sight"
    assert (wide["tabindex"], wide["role"], wide["label"]) == ("0", "region", "Comparison")
    assert wide["focused"], "keyboard users can scroll it"


def test_a_narrow_window_scrolls_the_table_not_the_page(site, driver):
    show(driver, page(site, "databases-six"), width=960)
    wide = driver.execute_script(WIDE)
    assert wide["right"] <= wide["viewport"] and wide["page"] <= wide["viewport"], wide


REGION = """
const region = document.querySelector('.body .table-scroll');
region.focus();
return {page: document.documentElement.scrollWidth, inner: region.scrollWidth,
        outer: region.clientWidth, tabindex: region.getAttribute('tabindex'),
        role: region.getAttribute('role'), label: region.getAttribute('aria-label'),
        table: region.firstElementChild.tagName, focused: document.activeElement === region};
"""


@pytest.mark.parametrize("width", (320, 390))
def test_a_body_table_scrolls_in_its_own_region_on_a_phone(site, driver, width):
    show(driver, page(site, "plans"), width=width)
    region = driver.execute_script(REGION)
    assert region["page"] <= width, "the page never scrolls sideways"
    assert region["table"] == "TABLE"
    assert (region["tabindex"], region["role"], region["label"]) == (
        "0", "region", "Table (scrolls sideways)")
    assert region["focused"]
    if width == 320:
        assert region["inner"] > region["outer"], "four columns are wider than a phone"


def test_the_pdf_has_no_scroll_region(site):
    from versus.content.handouts import load_handout
    from versus.render.pages import Pages
    from versus.render.theme import Theme
    from versus.settings import Settings

    project = site.parent
    handout = load_handout(project / "content" / "plans.md", "plans", Settings())
    pages = Pages(Theme.for_project(project), Settings())
    printed = pages.handout(handout, "print")
    assert "table-scroll" not in printed and "<table>" in printed
    assert 'class="table-frame">' in printed, "no tabindex on paper"


# Each value of the stacked comparison: where its first and its other lines start,
# and the top of its first line against the top of its cell.
STACKED = """
return Array.from(document.querySelectorAll('.comparison tbody td:not(.report-cell)'), td => {
  const rects = [];
  const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    for (const match of node.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      rects.push(...range.getClientRects());
    }
  }
  rects.sort((a, b) => a.top - b.top);
  const lines = [];  // [top, start]: a word more than half a line lower starts a line
  for (const rect of rects) {
    const last = lines[lines.length - 1];
    if (last && rect.top < last[0] + rect.height / 2) last[1] = Math.min(last[1], rect.left);
    else lines.push([rect.top, rect.left]);
  }
  const style = getComputedStyle(td), box = td.getBoundingClientRect();
  return {item: td.dataset.item, starts: lines.map(line => line[1]), first: lines[0][0],
          top: box.top + parseFloat(style.paddingTop),
          column: box.left + parseFloat(style.paddingLeft)};
});
"""


@pytest.mark.parametrize("width", (320, 390))
def test_stacked_values_start_beside_their_names_on_a_phone(site, driver, width):
    show(driver, page(site, "databases-six"), width=width)
    values = driver.execute_script(STACKED)
    assert values
    for value in values:
        assert abs(value["first"] - value["top"]) <= 3, value  # beside the name
        assert all(abs(start - value["column"]) <= 3 for start in value["starts"]), value
    assert any(len(value["starts"]) > 1 for value in values), "some values wrap"


def test_stacked_values_in_a5_print_start_in_one_column(tmp_path, build):
    project = tmp_path / "project"
    write(project, "content/marks.md", MARKS)
    write(project, "versus.yaml", "paper: A5\n")
    build(project, "pdf", "--jobs", "1")
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">'
                       r"([^<]*)</word>", subprocess.run(
                           ["pdftotext", "-bbox", "-f", "1", "-l", "1",
                            str(project / "output" / "pdf" / "marks.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout)
    rows = {}  # each line of the comparison: its words left to right
    for x, top, bottom, text in words:
        rows.setdefault(round(float(bottom)), []).append((float(x), text))
    names = {"Alpha", "Beta", "Gamma", "Delta"}
    name_x = min(x for line in rows.values() for x, text in line if text in names)
    firsts = {line[1][1]: line[1][0] for line in rows.values()
              if len(line) > 1 and line[0][1] in names and line[0][0] == name_x}
    # A typed cell's mark, a code span's padding: within 2 pt of the plain words (the
    # partial mark is a drawn circle, its word after it).
    assert {"Has", "Short", "code", "\u2713", "\u2717", "Partial"} <= set(firsts), firsts
    column = firsts.pop("Has")
    assert column < firsts.pop("Partial") < column + 15
    assert all(column - 0.5 < x < column + 2 for x in firsts.values()), firsts
    lines = sorted(rows.items())
    has = next(n for n, (_, line) in enumerate(lines) if ("Has" in dict(map(reversed, line))))
    assert abs(lines[has + 1][1][0][0] - column) < 0.5, "the wrapped line starts there too"


@pytest.mark.parametrize("scheme", ("light", "dark"))
@pytest.mark.parametrize("width", (320, 390, 1280))
def test_axe_core_finds_nothing(site, driver, scheme, width):
    found = {}
    for name in PAGES:
        show(driver, page(site, name), width=width, scheme=scheme)
        violations = axe(driver)
        if violations:
            found[name] = violations
    assert found == {}, found


def test_the_nu_checker_finds_no_error(site):
    assert vnu([page(site, name) for name in PAGES]) == []
