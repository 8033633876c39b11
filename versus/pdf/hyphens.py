"""Hyphens WeasyPrint adds: read as soft hyphens in the PDF's text, never in a cell's last word."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

VERIFIED_MAJOR = "70"
"""The WeasyPrint major version whose line breaking and drawing this was checked on."""
MARK = "versus_layout_hyphen"
"""The attribute set on a text box whose last characters are a hyphen the layout added."""
LAST = "versus_cell_end"
"""The attribute set on the last text box of a table cell, whose last word stays whole."""
SOFT = b"/Span <</ActualText <FEFF00AD>>> BDC"
"""Marked content saying that the glyphs it holds read as U+00AD, a soft hyphen."""
END = b"EMC"
_TOKENS = re.compile(rb"<([0-9a-fA-F]*)>|([^<>]+)")


def verified(version: str) -> bool:
    """Whether WeasyPrint ``version`` is one this was checked on."""
    return version.split(".")[0] == VERIFIED_MAJOR


def install(weasyprint) -> bool:
    """Have WeasyPrint (the package) mark the hyphens its layout adds as soft
    hyphens in the text layer, and keep a table cell's last word whole, if it is
    version 70; whether it does. Calling it again changes nothing.

    Where ``hyphens`` breaks a word, WeasyPrint 70 ends the line's text box with
    the ``hyphenate-character`` (U+2010 by default) and draws it as text: search,
    copy and screen readers meet "deploy‐" and "ment", a word that is not in the
    source. Tagged PDF says such a hyphen is a soft hyphen, U+00AD (ISO 32000-1,
    14.8.2.2.3, incidental artifacts), and ``/ActualText`` is how it says what
    glyphs stand for. So the line breaking (``layout.inline.split_text_box``) marks
    a box whose hyphen it added, not one whose text has a hyphen of its own, and
    the drawing (``draw.text.draw_first_line``) puts the glyphs of that hyphen, and
    only them, in a ``/Span`` marked content whose ``/ActualText`` is U+00AD, inside
    the text object and the box's own tagged content. The glyph stays on the page;
    a reader that honours ``/ActualText`` (poppler's pdftotext does) reads a soft
    hyphen there, which says the word goes on after the line break, never a hyphen
    the source does not have. A line whose last glyphs are not the hyphen's as
    drawn (right-to-left text, an ellipsis) is drawn as before.

    CSS has no ``hyphenate-limit-last`` in WeasyPrint 70, so a table cell could
    end on half a word ("transac-" / "tions"). The box tree's builder
    (``document.build_formatting_structure``) marks the last text box of each
    cell, and the line breaking breaks a line of it again without hyphens when
    its hyphen would fall in the box's last word: the word goes whole to the
    next line. It keeps the hyphen only when the line without it would not fit
    or would cut a word anyway (a word wider than the cell)."""
    if not verified(weasyprint.__version__):
        return False
    from weasyprint import document
    from weasyprint.draw import text
    from weasyprint.layout import inline

    if getattr(inline.split_text_box, "marks_hyphens", False):
        return True
    inline.split_text_box = marking(inline.split_text_box)
    text.draw_first_line = softening(text.draw_first_line)
    document.build_formatting_structure = cell_ends(document.build_formatting_structure)
    return True


def cell_ends(build: Callable[..., object]) -> Callable[..., object]:
    """``build_formatting_structure`` that marks the last text box, with more than
    whitespace, of each table cell of the tree it builds."""
    from weasyprint.formatting_structure.boxes import TableCellBox, TextBox

    @functools.wraps(build)
    def built(*args, **kwargs):
        root = build(*args, **kwargs)
        pending, last = [root], None
        while pending:
            box = pending.pop()
            if box is None:  # a cell's boxes are done
                if last is not None:
                    setattr(last, LAST, True)
                last = None
                continue
            if isinstance(box, TableCellBox):
                pending.append(None)
                last = None
            elif isinstance(box, TextBox) and box.text.strip():
                last = box
            pending.extend(reversed(getattr(box, "children", ())))
        return root

    built.marks_cell_ends = True
    return built


def marking(split_text_box: Callable[..., tuple]) -> Callable[..., tuple]:
    """``split_text_box`` that marks the box it returns when the line ends with a
    hyphen the layout added: the box's text ends with the ``hyphenate-character``
    and the source text from where the line starts does not begin with it. In a
    cell's last text box, a hyphen in the last word is undone (``whole_last_word``)."""

    @functools.wraps(split_text_box)
    def split(context, box, available_width, skip, *args, **kwargs):
        result = split_text_box(context, box, available_width, skip, *args, **kwargs)
        hyphenated = _hyphenated(box, skip, result)
        if hyphenated and getattr(box, LAST, False):
            result = whole_last_word(split_text_box, context, box, available_width,
                                     skip, result, *args, **kwargs)
            hyphenated = _hyphenated(box, skip, result)
        if result[0] is not None:
            setattr(result[0], MARK, hyphenated)
        return result

    split.marks_hyphens = True
    return split


def _hyphenated(box, skip, result: tuple) -> bool:
    new_box = result[0]
    if new_box is None:
        return False
    hyphen = new_box.style["hyphenate_character"]
    return bool(hyphen) and new_box.text.endswith(hyphen) and \
        not box.text.encode()[skip or 0:].startswith(new_box.text.encode())


def whole_last_word(split_text_box: Callable[..., tuple], context, box,
                    available_width, skip, result: tuple, *args, **kwargs) -> tuple:
    """The line of ``box`` broken again without hyphens if ``result``, its line with
    a hyphen, leaves only the end of the box's last word for the lines after;
    ``result`` itself when the line without would overflow or cut a word."""
    resume = result[1]
    if resume is None or available_width is None or \
            len(box.text.encode()[resume:].decode().split()) != 1:
        return result
    whole = box.copy()
    whole.style = _unhyphenated(context, box.style)
    again = split_text_box(context, whole, available_width, skip, *args, **kwargs)
    new_box, at = again[0], again[1]
    if new_box is None or at is None or new_box.width > available_width + 1e-6:
        return result
    text = box.text.encode()
    before, after = text[:at].decode()[-1:], text[at:].decode()[:1]
    if before.isalnum() and after.isalnum():  # a word cut without a hyphen
        return result
    new_box.style = box.style
    return again


def _unhyphenated(context, style):
    """A copy of ``style`` with ``hyphens: manual``, one per style and layout; the
    layout context keeps the original too, so no other style takes its ``id``."""
    copies = context.__dict__.setdefault("versus_unhyphenated", {})
    known = copies.get(id(style))
    if known is None:
        copy = style.copy()
        copy["hyphens"] = "manual"
        known = copies[id(style)] = (style, copy)
    return known[1]


def softening(draw_first_line: Callable[..., list]) -> Callable[..., list]:
    """``draw_first_line`` that puts the added hyphen of a marked box in a soft
    hyphen's ``/Span``: the line's last ``TJ`` is cut in two before its glyphs."""

    @functools.wraps(draw_first_line)
    def draw(stream, textbox, text_overflow, block_ellipsis, matrix):
        emojis = draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
        if getattr(textbox, MARK, False) and text_overflow != "ellipsis" and \
                block_ellipsis == "none":
            glyphs = hyphen_glyphs(textbox)
            if glyphs:
                soften(stream.stream, glyphs)
        return emojis

    return draw


def hyphen_glyphs(textbox) -> tuple[int, ...]:
    """The glyph ids of the added hyphen at the end of ``textbox``'s line, as Pango
    shaped them; none when the line's last run is right-to-left or holds none."""
    from weasyprint.text.ffi import ffi

    layout = textbox.pango_layout
    hyphen = textbox.style["hyphenate_character"]
    if not layout.text.endswith(hyphen):
        return ()
    start = len(layout.text.encode()) - len(hyphen.encode())
    line, _ = layout.get_first_line()
    run, last = line.runs, None
    while run != ffi.NULL:
        last, run = run.data, run.next
    if last is None or last.item.analysis.level % 2:
        return ()
    glyphs = last.glyphs
    ids = [glyphs.glyphs[i].glyph for i in range(glyphs.num_glyphs)
           if last.item.offset + glyphs.log_clusters[i] >= start]
    return tuple(ids)


def soften(items: list, glyphs: tuple[int, ...]) -> bool:
    """Cut the ``TJ`` that ends ``items`` (a content stream's operations) before
    its last glyphs, ``glyphs``, and put those in a soft hyphen's marked content;
    whether it did (not when the ``TJ`` does not end with these glyphs)."""
    last = items[-1] if items else None
    if not (isinstance(last, bytes) and last.startswith(b"[") and last.endswith(b"] TJ")):
        return False
    tokens = [(match.group(1), match.group(2))
              for match in _TOKENS.finditer(last[1:-4])]
    for width in (4, 2):  # glyph ids as WeasyPrint writes them: 4 hex digits, 2 for bitmaps
        wanted = b"".join(b"%0*x" % (width, glyph) for glyph in glyphs)
        cut = _cut(tokens, len(wanted))
        if cut is None:
            continue
        head, tail = cut
        if b"".join(hexa for hexa, _ in tail if hexa is not None).lower() != wanted:
            continue
        before = [b"[" + _joined(head) + b"] TJ"] if head else []
        items[-1:] = [*before, SOFT, b"[" + _joined(tail) + b"] TJ", END]
        return True
    return False


def _cut(tokens: list, digits: int) -> tuple[list, list] | None:
    """``tokens`` split so that the second part holds the last ``digits`` hex digits
    and the numbers after them (a number moves the text the same in either ``TJ``);
    None when there are fewer digits."""
    head, tail, left = list(tokens), [], digits
    while head and left > 0:
        hexa, number = head.pop()
        if hexa is None:
            tail.insert(0, (None, number))
            continue
        if len(hexa) <= left:
            tail.insert(0, (hexa, None))
            left -= len(hexa)
        else:
            head.append((hexa[:len(hexa) - left], None))
            tail.insert(0, (hexa[len(hexa) - left:], None))
            left = 0
    return None if left else (head, tail)


def _joined(tokens: list) -> bytes:
    return b"".join(b"<" + hexa + b">" if hexa is not None else number
                    for hexa, number in tokens)
