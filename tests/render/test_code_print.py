"""Code as written, in print and on the web.

In print a code block's type shrinks to fit its longest line in the column (down
to 6.5 pt); a line still too long wraps at a space only, continued to the right
of its own indent behind a mark drawn in the margin, never a character of the
text. Code in a table cell breaks only at a camel-case hump or after ``.``,
``/``, ``_`` or ``:``. On the web a code block scrolls sideways in a focusable,
named region. The PDF is read with pdftotext (words and their boxes) and pypdf
(font sizes, ``read_pdf``).
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest

from support.files import write
from support.webcheck import axe, chromium, show, vnu
from versus.render.converter import Markdown
from versus.render.typeset import CODE_BREAK_RE

CODE = '''\
class OrderService:
    def list_orders(self, request: ListOrdersRequest, context: grpc.ServicerContext) -> ListOrdersResponse:
        """Return the orders of one customer, newest first, at most page_size of them, as messages."""
        return ListOrdersResponse(orders=[order.to_message() for order in self.repository.orders])
def nested():
    if True:
        for item in range(10):
            while item:
                with open("orders.json") as handle:
                    if handle.readable() and item > 0 and not handle.closed and item % 2 == 0:
                        item -= 1
'''
FITTING = "pg_dump --format=custom --file=orders.dump orders_databas"
"""57 characters: at 0.6 em each they fit the A4 column at about 6.8 pt."""
HANDOUT = f'''---
items: [gRPC, REST, GraphQL, SOAP]
attributes:
  Client tool:
    gRPC: "`grpcurl` and `grpcui` on the command line"
    REST: "`curl` and `httpie`"
    GraphQL: "`OrderBy(created_at)` in the query"
    SOAP: "`soapui` reads the WSDL"
---
Four ways to call an order service.

## Details

```python
{CODE}```

A short block keeps the body's size:

```
make html
```

A block of 57 characters shrinks just enough:

```
{FITTING}
```

| Tool | Call | Sort | Notes |
|------|------|------|-------|
| `grpcurl` | `grpcurl -d` | `OrderBy(created_at)` | Reads the server's reflection service to list methods |
| `curl` | `curl -X` | `Order)` | Sends any HTTP request with headers and prints the response |
'''
MARKS = "\u21aa\u21b3\u23ce\u2937\u21b5"
"""Continuation marks a stylesheet might draw as characters: none may be text."""
A4_COLUMN = (210 - 30 - 6) / 2 * 72 / 25.4
"""The body's column on A4 in pt; a block's padding and rule take 14 pt of it."""
ADVANCE = 0.6
BODY_CODE, FLOOR = 7.2, 6.5


@pytest.fixture(scope="module")
def project(tmp_path_factory, build) -> Path:
    root = tmp_path_factory.mktemp("code")
    write(root, "content/grpc-vs-rest.md", HANDOUT)
    build(root, "pdf")
    build(root, "html")
    return root


@pytest.fixture(scope="module")
def pdf(project) -> Path:
    return project / "output/pdf/grpc-vs-rest.pdf"


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def words(path: Path) -> list[tuple[float, float, str]]:
    """(x, y of the top, text) of each word on the first page, ZWSP dropped."""
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>',
                       pdftotext(path, "-bbox", "-f", "1", "-l", "1"))
    return [(float(x), float(y), html.unescape(text).replace("\u200b", ""))
            for x, y, text in found]


def code_rows(path: Path) -> list[tuple[float, float, list[str]]]:
    """The rows of the Python block, top to bottom: (x of the first word, y, words)."""
    found = words(path)
    left, top = next((x, y) for x, y, text in found if text == "class")
    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, text in found:
        if y >= top - 1 and left - 1 < x < A4_COLUMN + left:
            rows.setdefault(round(y, 1), []).append((x, text))
    ordered = []
    for y, row in sorted(rows.items()):
        row.sort()
        ordered.append((row[0][0], y, [text for _, text in row]))
        if [text for _, text in row] == ["item", "-=", "1"]:
            return ordered
    raise AssertionError(f"the block's last line is not in {ordered}")


def code_size(pdf: Path, read_pdf, first_word: str) -> float:
    return next(f.size for f in read_pdf(pdf).fragments
                if "JetBrains" in f.font and f.text.split()[:1] == [first_word])


def test_each_source_line_is_whole_and_continues_right_of_its_indent(pdf, read_pdf):
    rows = code_rows(pdf)
    advance = ADVANCE * code_size(pdf, read_pdf, "class")
    left = rows[0][0]
    wrapped = 0
    for line in CODE.splitlines():
        indent = len(line) - len(line.lstrip())
        x, _, taken = rows.pop(0)
        assert x == pytest.approx(left + indent * advance, abs=0.6), line
        while len(taken) < len(line.split()):  # the line continues on the next row
            x, _, more = rows.pop(0)
            assert x == pytest.approx(left + (indent + 2) * advance, abs=0.6), line
            taken += more
            wrapped += 1
        assert taken == line.split(), "a token split or moved"  # `->` included
    assert rows == []
    assert wrapped >= 3  # the signature, the docstring and the deep `if` wrap


def test_no_blank_line_is_inserted(pdf):
    tops = [y for _, y, _ in code_rows(pdf)]
    steps = [b - a for a, b in zip(tops, tops[1:])]
    assert max(steps) < 1.2 * min(steps), steps


def test_the_continuation_mark_is_drawn_not_written(pdf):
    text = pdftotext(pdf) + pdftotext(pdf, "-layout")
    assert not set(MARKS) & set(text)
    assert "->" in text and "-\n" not in text.split("Details", 1)[1].split("make")[0]


def test_a_block_shrinks_to_its_longest_line_down_to_the_floor(pdf, read_pdf):
    assert code_size(pdf, read_pdf, "class") == pytest.approx(FLOOR, abs=0.01)
    assert code_size(pdf, read_pdf, "make") == pytest.approx(BODY_CODE, abs=0.01)
    fitted = (A4_COLUMN - 14) / len(FITTING) / ADVANCE
    assert FLOOR < fitted < BODY_CODE
    assert code_size(pdf, read_pdf, "pg_dump") == pytest.approx(fitted, abs=0.02)
    rows = [row for row in pdftotext(pdf, "-layout").splitlines() if "pg_dump" in row]
    assert FITTING.split()[-1] in rows[0]  # on one line


def test_code_in_table_cells_breaks_only_where_allowed(pdf):
    found = [text for _, _, text in words(pdf)]
    assert found.count("grpcurl") >= 3  # the comparison, the body table (twice)
    assert "Order)" in found
    whole = set(HANDOUT.replace("`", " ").split())
    codes = ("grpcurl", "OrderBy(created_at)", "Order)", "soapui", "httpie")

    def piece_of(word: str, code: str) -> bool:
        """Whether ``word`` is ``code`` cut only where it may break."""
        breaks = {0, len(code), *(m.start() for m in CODE_BREAK_RE.finditer(code))}
        return any({m.start(), m.end()} <= breaks
                   for m in re.finditer(re.escape(word), code))

    for word in found:
        within = [code for code in codes if word in code]
        if word not in whole and within and len(word) > 1:
            assert any(piece_of(word, code) for code in within), word


def test_print_keeps_the_highlighting_and_each_token_whole(parse_html):
    markdown = Markdown()
    markdown.start(["Alpha", "Beta"], {}, screen=False)
    document = parse_html(str(markdown.block(f"```python\n{CODE}```\n")))
    pre = document.find("pre")
    longest = max(map(len, CODE.splitlines()))
    assert pre.attrs["style"] == f"--chars: {longest}"
    lines = list(pre.find_all("span", class_="line"))
    assert [line.text() for line in lines] == CODE.splitlines()
    assert lines[2].attrs["style"] == "--indent: 8"
    tokens = [token.text() for token in pre.find_all("span", class_="tok")]
    assert "->" in tokens and '"""Return' in tokens
    assert document.find("span", class_="sd") and document.find("span", class_="nf")


def test_the_web_page_scrolls_code_in_a_named_focusable_region(project, parse_html):
    page = project / "output/html/grpc-vs-rest.html"
    blocks = list(parse_html(page).find_all("pre"))
    assert len(blocks) == 3
    for pre in blocks:
        assert pre.attrs["tabindex"] == "0" and pre.attrs["role"] == "region"
        assert "\n" in pre.text() and not pre.find("span", class_="line")
    assert [pre.attrs["aria-label"] for pre in blocks] == ["Code 1", "Code 2", "Code 3"]
    assert vnu([page]) == []
    with chromium() as driver:
        for width in (390, 1280):
            show(driver, page, width=width)
            assert axe(driver) == [], width
            scroll = driver.execute_script(
                "const pre = document.querySelector('pre');"
                "return [pre.scrollWidth > pre.clientWidth, getComputedStyle(pre).whiteSpace]")
            assert scroll == [True, "pre"], width


def test_a_code_region_is_named_in_the_pages_language(tmp_path, build, parse_html):
    from support.files import write

    write(tmp_path, "content/uno.md", "---\nitems: [A, B]\nlang: es\nattributes:\n"
          "  X:\n    A: uno\n    B: dos\n---\nTexto.\n\n```python\nprint(1)\n```\n")
    build(tmp_path, "html")
    (pre,) = parse_html(tmp_path / "output/html/uno.html").find_all("pre")
    assert pre.attrs["aria-label"] == "Código 1"
