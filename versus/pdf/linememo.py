"""WeasyPrint 70's line breaking done once per layout, not again at each balancing try."""

from __future__ import annotations

import contextvars
import functools
import inspect
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

VERIFIED_MAJOR = "70"
"""The WeasyPrint major version the memo was checked against, byte for byte."""
SWITCH = "VERSUS_LINE_MEMO"
"""The environment variable that turns the memo off: 0, off, false or no."""
LIMIT = 200_000
"""Line breaks kept for one document at most; past it, the rest are not kept."""

_PLAIN = (str, int, float, bool, type(None))


@dataclass
class Memo:
    """The line breaks of one document's layout, and how often they were asked for."""

    lines: dict = field(default_factory=dict)
    """Call key -> (style, context, layout attributes, the other results)."""
    calls: int = 0
    hits: int = 0


_CURRENT: contextvars.ContextVar[Memo | None] = contextvars.ContextVar(
    "versus_line_memo", default=None)
_LAST: contextvars.ContextVar[Memo | None] = contextvars.ContextVar(
    "versus_line_memo_last", default=None)


def switched_on(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether ``environ`` leaves the memo on (it is on unless ``SWITCH`` says no)."""
    return environ.get(SWITCH, "").strip().lower() not in ("0", "off", "false", "no")


def verified(version: str) -> bool:
    """Whether WeasyPrint ``version`` is one the memo was checked on."""
    return version.split(".")[0] == VERIFIED_MAJOR


def last() -> Memo | None:
    """The memo of the last layout in this thread, emptied, with its counts;
    None when that layout ran without it (switched off, another version)."""
    return _LAST.get()


def install(weasyprint) -> bool:
    """Have WeasyPrint (the package) remember line breaks during each document's
    layout if it is version 70; whether it does. Calling it again changes nothing.

    To balance a run of columns WeasyPrint 70 lays the same content out again at
    each height it tries (``layout/column.py``), and each try breaks the same text
    into the same lines: ``split_first_line``, which shapes the text with Pango,
    is called again with the same arguments. Its two callers in the layout
    (``layout.inline``, ``layout.preferred``) get ``remembering``'s version, and
    ``layout_document`` is ``scoped`` to one memo per document."""
    if not verified(weasyprint.__version__):
        return False
    from weasyprint import document
    from weasyprint.layout import inline, preferred
    from weasyprint.text import line_break

    split = inline.split_first_line
    if getattr(split, "remembers_lines", False):
        return True
    if not (split is preferred.split_first_line is line_break.split_first_line
            and inspect.isgeneratorfunction(document.layout_document)):
        return False  # not the code this was checked on
    remembered = remembering(split, line_break.Layout)
    inline.split_first_line = preferred.split_first_line = remembered
    document.layout_document = scoped(document.layout_document, weasyprint)
    return True


def scoped(layout_document: Callable[..., Iterator], weasyprint) -> Callable[..., Iterator]:
    """``layout_document`` (a generator of pages) with a memo of its own: in use
    while it lays a page out, not between pages, and emptied when it is done, so
    a worker rendering hundreds of handouts keeps none. With the switch off or
    another WeasyPrint version, the layout runs without one."""

    @functools.wraps(layout_document)
    def layout(*args, **kwargs) -> Iterator:
        pages = layout_document(*args, **kwargs)
        if not (switched_on() and verified(weasyprint.__version__)):
            _LAST.set(None)
            yield from pages
            return
        memo = Memo()
        try:
            while True:
                token = _CURRENT.set(memo)
                try:
                    page = next(pages)
                except StopIteration:
                    return
                finally:
                    _CURRENT.reset(token)
                yield page
        finally:
            pages.close()
            memo.lines.clear()
            _LAST.set(memo)

    return layout


def remembering(split: Callable[..., tuple], layout_class: type) -> Callable[..., tuple]:
    """``split_first_line`` that answers a call seen in this layout from the memo.

    ``split_first_line`` reads only its arguments, the style's values and fonts
    (``style.font_config``) and ``context.dictionaries`` (hyphenation
    dictionaries made from the style). So a call is known by its text, its
    style's identity, the style's font configuration, the layout context, the
    width, the justification spacing and both flags. The memo holds the style
    and the context, so no other object can take their identity while it
    lives; WeasyPrint copies a style before it changes what line breaking
    reads. What is kept is plain data: the numbers, and the attributes of the
    ``Layout`` WeasyPrint returns detached from Pango (text, width, direction,
    decoration metrics). Callers change the layout they get (drawing attaches
    it to Pango again and may set its text), so each call gets a new
    ``layout_class`` made from that data, never one another box holds. A result
    holding anything but plain data is not kept, nor any past ``LIMIT``.
    """

    @functools.wraps(split)
    def remembered(text, style, context, max_width, justification_spacing,
                   is_line_start=True, minimum=False):
        memo = _CURRENT.get()
        if memo is None:
            return split(text, style, context, max_width, justification_spacing,
                         is_line_start, minimum)
        memo.calls += 1
        key = (text, id(style), id(getattr(style, "font_config", None)), id(context),
               max_width, type(max_width), justification_spacing,
               type(justification_spacing), is_line_start, minimum)
        known = memo.lines.get(key)
        if known is not None:
            memo.hits += 1
            layout = layout_class.__new__(layout_class)
            layout.__dict__.update(known[2])
            return (layout, *known[3])
        result = split(text, style, context, max_width, justification_spacing,
                       is_line_start, minimum)
        attributes, others = dict(vars(result[0])), result[1:]
        if len(memo.lines) < LIMIT and all(
                type(value) in _PLAIN for value in (*attributes.values(), *others)):
            memo.lines[key] = (style, context, attributes, others)
        return result

    remembered.remembers_lines = True
    return remembered
