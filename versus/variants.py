"""PDF variants: the standards a handout PDF can claim, and print-shop bleed.

Versus offers the variants of WeasyPrint that make sense for handouts, under
their standards' names. WeasyPrint 70 knows PDF/A-4 only with a conformance
letter ('pdf/a-4u', 'e', 'f'), while plain PDF/A-4 has none; ``register`` adds
it to WeasyPrint's table under that name, with no letter in the XMP, and gives
PDF/X-4 an output intent and a date that never comes from the clock.
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
    """Adjust ``weasyprint.pdf.VARIANTS`` (once): plain 'pdf/a-4', and 'pdf/x-4'
    with the sRGB output intent and no date from the clock."""
    table = weasyprint_pdf.VARIANTS
    if "pdf/a-4" in table:
        return
    from functools import partial

    from weasyprint.pdf import pdfa

    table["pdf/a-4"] = (partial(pdfa.pdfa, version=4, variant=None),
                        dict(table["pdf/a-4u"][1]))
    # Without a CMYK profile in the theme WeasyPrint's PDF/X has no output intent
    # at all; sRGB is the one it bundles. A print shop converts to its own press.
    function, values = table["pdf/x-4"]
    table["pdf/x-4"] = (partial(_dated, function), {**values, "output_intent": "srgb"})


def _dated(function, pdf, document, *args, **kwargs):
    """PDF/X requires a creation date; WeasyPrint would take the clock's."""
    if not document.metadata.created:
        raise ValueError("pdf/x-4 needs a date: give the handout a 'date' or set "
                         "SOURCE_DATE_EPOCH")
    if not document.metadata.modified:
        document.metadata.modified = document.metadata.created
    return function(pdf, document, *args, **kwargs)
