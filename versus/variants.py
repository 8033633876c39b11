"""PDF variants: the standards a handout PDF can claim, and print-shop bleed.

Versus offers the variants of WeasyPrint that make sense for handouts, under
their standards' names. WeasyPrint 70 knows PDF/A-4 only with a conformance
letter ('pdf/a-4u', 'e', 'f'), while plain PDF/A-4 has none; ``register`` adds
it to WeasyPrint's table under that name, with no letter in the XMP.
"""

from __future__ import annotations

import re

VARIANTS = ("pdf/ua-1", "pdf/ua-2", "pdf/a-2b", "pdf/a-3b", "pdf/a-4", "pdf/x-4")
"""Accessibility (UA), archiving (A), printing (X)."""
BLEED_VARIANTS = ("pdf/x-4",)
"""The variants a bleed and crop marks make sense for: print-shop files."""
BLEED_RE = re.compile(r"^(\d{1,2}(\.\d+)?)(mm|pt|in|cm)$")


def check_variant(value: str) -> str | None:
    """Why ``value`` is no variant Versus offers, or ``None``."""
    if value and value not in VARIANTS:
        return f"pdf_variant must be one of {', '.join(VARIANTS)}, not '{value}'"
    return None


def check_bleed(bleed: str | None, variant: str | None) -> str | None:
    """Why a bleed of ``bleed`` cannot go with ``variant``, or ``None``."""
    if not bleed:
        return None
    if not BLEED_RE.match(bleed):
        return f"bleed must be a length such as 3mm or 0.125in, not '{bleed}'"
    if variant not in BLEED_VARIANTS:
        return f"--bleed needs --pdf-variant {' or '.join(BLEED_VARIANTS)}"
    return None


def page_css(bleed: str | None) -> str:
    """The @page rule that adds ``bleed`` around each page, with crop marks."""
    return f"@page {{ bleed: {bleed}; marks: crop; }}" if bleed else ""


def register(weasyprint_pdf) -> None:
    """Add plain 'pdf/a-4' to ``weasyprint.pdf.VARIANTS`` (once)."""
    if "pdf/a-4" in weasyprint_pdf.VARIANTS:
        return
    from functools import partial

    from weasyprint.pdf import pdfa

    function, values = weasyprint_pdf.VARIANTS["pdf/a-4u"]
    weasyprint_pdf.VARIANTS["pdf/a-4"] = (partial(pdfa.pdfa, version=4, variant=None),
                                          dict(values))
