"""A PDF's text lines as pdftotext's ``-bbox-layout`` places them, for layout tests."""

from __future__ import annotations

from dataclasses import dataclass

HYPHENS = ("-", "\u2010", "\u00ad")
"""What a line ends with where a word was broken."""


@dataclass(frozen=True)
class Line:
    """One line of text on a page (numbered from 0), in points from the top edge."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def height(self) -> float:
        return round(self.y1 - self.y0, 1)

    @property
    def hyphenated(self) -> bool:
        return self.text.endswith(HYPHENS) and len(self.text) > 1 and \
            self.text[-2].isalpha()
