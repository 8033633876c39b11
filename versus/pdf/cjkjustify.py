"""Chinese and Japanese justified as they are set: a line's spare width spread between its characters."""

from __future__ import annotations

import functools

VERIFIED_MAJOR = "70"
"""The WeasyPrint major version whose justification this was checked on."""
LANGUAGES = ("ja", "zh")
"""Languages set without spaces between words, justified between characters."""


def verified(version: str) -> bool:
    """Whether WeasyPrint ``version`` is one this was checked on."""
    return version.split(".")[0] == VERIFIED_MAJOR


def install(weasyprint) -> bool:
    """Have WeasyPrint (the package) justify Chinese and Japanese lines between
    their characters, if it is version 70; whether it does. Calling it again
    changes nothing.

    WeasyPrint 70 justifies a line by widening its spaces
    (``layout.inline.justify_line``) and knows no ``text-justify``; a Chinese or
    Japanese line has no spaces, so ``text-align: justify`` leaves it ragged,
    as English is set. Typesetters of both spread the spare width evenly between
    the characters (``text-justify: inter-character``, JIS X 4051), which is
    what this does for a line whose language is one of ``LANGUAGES``: each of
    its text boxes gets the letter spacing that brings its last character to
    the line's end. Lines of other languages are justified as before."""
    if not verified(weasyprint.__version__):
        return False
    from weasyprint.layout import inline

    if getattr(inline.justify_line, "spreads_characters", False):
        return True
    inline.justify_line = spreading(inline.justify_line)
    return True


def spreading(justify):
    """``justify_line`` that spreads a Chinese or Japanese line between its characters."""

    @functools.wraps(justify)
    def justified(context, line, extra_width):
        characters = sum(len(box.text) for box in _text_boxes(line))
        if not _spread_language(line.style) or characters < 2:
            return justify(context, line, extra_width)
        _spread(context, line, extra_width / (characters - 1), 0)
        return None

    justified.spreads_characters = True
    return justified


def _spread_language(style) -> bool:
    """Whether text of ``style`` is justified between its characters."""
    language = (style["lang"] or "").split("-")[0].lower()
    return language in LANGUAGES


def _text_boxes(box):
    """The text boxes in normal flow inside ``box``, in order."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        yield box
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _text_boxes(child)


def _spread(context, box, spacing: float, x_advance: float) -> float:
    """Move ``box`` by ``x_advance`` and widen its text by ``spacing`` after each
    character, as WeasyPrint's ``add_word_spacing`` does for spaces; the advance
    for what follows."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.line_break import create_layout

    if isinstance(box, boxes.TextBox):
        box.position_x += x_advance
        if box.text:
            style = box.style.copy()
            letter_spacing = style["letter_spacing"]
            style["letter_spacing"] = (0 if letter_spacing == "normal"
                                       else letter_spacing) + spacing
            layout = create_layout(box.text, style, context, max_width=None,
                                   justification_spacing=box.justification_spacing)
            layout.deactivate()
            box.style, box.pango_layout = style, layout
            box.width += spacing * len(box.text)
            x_advance += spacing * len(box.text)
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        before = x_advance
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _spread(context, child, spacing, x_advance)
        box.width += x_advance - before
    else:  # an atomic inline box: moved, not widened
        box.translate(x_advance, 0)
    return x_advance
