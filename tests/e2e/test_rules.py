"""One rule under the comparison: the table's last hairline closes it, and the
heading after it draws none of its own (two a few points apart read as a mistake)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

DPI = 100


def words(pdf: Path) -> list[tuple[float, float, float, str]]:
    """(xMin, yMin, yMax, word) of page 1, in points from the top."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    return [(float(x), float(y0), float(y1), word) for x, y0, y1, word in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
        html)]


def test_one_rule_lies_between_the_table_and_the_next_heading(seed_pdf, tmp_path):
    from PIL import Image

    found = words(seed_pdf)
    last_row = max(y1 for _, _, y1, word in found if word in ("latency", "rate"))
    heading = min(y0 for _, y0, _, word in found if word == "Further" and y0 > last_row)
    left = min(x for x, _, _, word in found if word == "Metrics")
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", "1",
                    str(seed_pdf), str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    image = Image.open(png).convert("L")
    scale = DPI / 72
    x0, x1 = int(left * scale) + 2, int(left * scale) + 300  # across the first columns
    rows = [y for y in range(int(last_row * scale) + 1, int(heading * scale) - 1)
            if sum(image.getpixel((x, y)) < 235 for x in range(x0, x1)) > 0.9 * (x1 - x0)]
    rules = [y for y in rows if y - 1 not in rows]  # a rule may cover two pixel rows
    assert len(rules) == 1, f"rules at pixel rows {rows} between the table and the heading"
