"""PDF variants: the standards a handout PDF can claim, and print-shop bleed.

Versus offers the variants of WeasyPrint that make sense for handouts, under
their standards' names. WeasyPrint 70 knows PDF/A-4 only with a conformance
letter ('pdf/a-4u', 'e', 'f'), while plain PDF/A-4 has none; ``register`` adds
it to WeasyPrint's table under that name, with no letter in the XMP, and gives
PDF/X-4 an output intent and a date that never comes from the clock. Which
variants a setting may name, and which take a bleed, is ``versus.settings``'s.
"""

from __future__ import annotations


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
