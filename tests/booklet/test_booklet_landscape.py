"""Landscape handout pages (five or six items) in the portrait booklet: turned a
quarter (``/Rotate 90``) to stand as the other pages do, their media box kept, the
booklet's number at the outer foot of the page as bound (pdftotext -bbox gives
words where the turned page shows them), and no running head.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from support.files import write

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TWO = ("---\nitems: [Alpha, Beta]\ntitle: Alpha vs. Beta\nattributes:\n"
       "  Colour: {Alpha: Red, Beta: Blue}\n---\nAlpha first.\n")
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.DOTALL)
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                  r"([^<]*)</word>")


@pytest.fixture(scope="module", params=[False, True], ids=["simplex", "duplex"])
def booklet(request, tmp_path_factory, build) -> tuple[Path, bool]:
    project = tmp_path_factory.mktemp("landscape") / "project"
    write(project, "content/alpha-vs-beta.md", TWO)
    write(project, "content/databases-six.md", (FIXTURES / "databases-six.md").read_bytes())
    write(project, "versus.yaml", "site_name: Field Guide\n")
    build(project, "booklet", "--jobs", "1", *(["--duplex"] if request.param else []))
    return project / "output" / "booklet.pdf", request.param


def shown(path: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words, in the coordinates of the page as shown (turned)."""
    text = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [[(*map(float, word[:4]), word[4]) for word in WORD.findall(body)]
            for _, _, body in PAGE.findall(text)]


def test_landscape_pages_are_turned_and_keep_their_media_box(booklet):
    path, _ = booklet
    with pikepdf.open(path) as pdf:
        pages = [([float(v) for v in page.mediabox], int(page.obj.get("/Rotate", 0)))
                 for page in pdf.pages]
    landscape = [(box, turn) for box, turn in pages if box[2] > box[3]]
    portrait = [(box, turn) for box, turn in pages if box[2] < box[3]]
    assert len(landscape) == 2 and portrait, pages
    assert all(turn == 90 for _, turn in landscape)
    assert all(turn == 0 for _, turn in portrait)
    # Turned, a landscape A4 page is as wide and tall as the portrait ones.
    assert {tuple(box[2:]) for box, _ in portrait} == {
        (box[3], box[2]) for box, _ in landscape}


def test_the_number_stands_at_the_outer_foot_of_a_turned_page(booklet):
    path, duplex = booklet
    with pikepdf.open(path) as pdf:
        boxes = [[float(v) for v in page.mediabox] for page in pdf.pages]
    words = shown(path)
    numbered = 0
    for number, (box, page) in enumerate(zip(boxes, words), start=1):
        width, height = sorted(box[2:])  # as bound: portrait
        folio = [word for word in page if word[4] == "Page"]
        if not folio or box[2] < box[3]:
            continue
        numbered += 1
        x0, y0, x1, y1, _ = folio[-1]
        text = " ".join(word[4] for word in page if abs(word[1] - y0) < 2)
        assert f"Page {number} of {len(boxes)}" in text
        assert y0 > height * 0.93 and y1 < height, "at the foot, upright"
        if duplex and number % 2 == 0:  # a left-hand page: its outer edge is its left
            assert x0 < width * 0.2, (number, folio)
        else:
            assert x1 > width * 0.8, (number, folio)
        # no running head: the site's name was at the top of the landscape page
        assert "Field" not in [word[4] for word in page]
    assert numbered == 2


def test_portrait_pages_keep_their_number_where_it_was(booklet):
    path, _ = booklet
    words = shown(path)
    with pikepdf.open(path) as pdf:
        portrait = [n for n, page in enumerate(pdf.pages)
                    if float(page.mediabox[2]) < float(page.mediabox[3])]
    folios = [word for n in portrait for word in words[n] if word[4] == "Page"]
    assert folios and all(word[1] > 841.89 * 0.93 for word in folios)
