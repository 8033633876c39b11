"""Every passage of a page in its PDF: the laid-out text checked against the styled HTML's.

WeasyPrint turns the styled HTML into a tree of boxes, one for each piece of text
it shows, then lays the boxes out on pages. A bug in the layout can leave text
out with no error (``versus.pdf.columnfix`` tells of one). So while a page renders,
the text of each block of the box tree (a paragraph, a heading, a table cell, a
footnote) is kept as WeasyPrint built it, before layout; after layout it is
checked against the laid-out text, on whichever pages and columns it fell:
each element's text (a paragraph's own words, an emphasis inside it, a
footnote) must keep every one of its characters, or its block has lost text.

The box tree, not the bare HTML, is the reference: what the stylesheet hides
(``display: none``) is not meant to be on the page. Both sides leave out what
the stylesheet adds (list markers, footnote numbers, ``::before`` and
``::after``), and compare characters as a reader would: whitespace and
invisible format marks (soft hyphens, bidi marks) dropped, ligatures and other
compatibility forms unfolded, case folded. The laid-out side may hold more than
the tree (the hyphen added where a word breaks, a table's header repeated on
each page, the running header) but never less.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import functools
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

GENERATED = ("::before", "::after", "::marker", "::footnote-call", "::footnote-marker")
"""Pseudo-elements whose text the stylesheet makes, not the page."""
SHOWN = 60
"""Characters of a lost passage the error quotes."""

_RECORDING: contextvars.ContextVar[Recording | None] = contextvars.ContextVar(
    "versus_text_recording", default=None)


@dataclass
class Recording:
    """The text of one page's box tree, as built before layout."""

    pieces: list | None = None
    """(block, element, text) for each text box in reading order: the element
    whose text it is, and the block (paragraph, cell, footnote) it belongs to;
    None: no tree was built."""


def install() -> None:
    """Have WeasyPrint's box-tree builder record each tree it builds while a
    ``recording()`` is open; calling it again changes nothing."""
    from weasyprint import document

    build = document.build_formatting_structure
    if getattr(build, "records_text", False):
        return

    @functools.wraps(build)
    def recorded(*args, **kwargs):
        root = build(*args, **kwargs)
        recording = _RECORDING.get()
        if recording is not None:
            recording.pieces = list(_pieces(root, built=True))
        return root

    recorded.records_text = True
    document.build_formatting_structure = recorded


@contextlib.contextmanager
def recording():
    """Keep the text of the box tree WeasyPrint builds inside the ``with`` block."""
    kept = Recording()
    token = _RECORDING.set(kept)
    try:
        yield kept
    finally:
        _RECORDING.reset(token)


def lost_text(recording: Recording, document) -> str | None:
    """The first passage of ``recording`` that the laid-out ``document`` lacks,
    quoted for an error message; None when every character was laid out."""
    if recording.pieces is None:
        raise RuntimeError("the page's text was not recorded before layout")
    laid = [piece for page in document.pages
            for piece in _pieces(page._page_box, built=False)]
    built, shown = _by_element(recording.pieces), _by_element(laid)
    short = {element for element, text in built.items()
             if _short(text, shown.get(element, ""))}
    if not short:
        return None
    blocks = list(dict.fromkeys(block for block, element, _ in recording.pieces
                                if element in short))
    inside = {element for block, element, _ in recording.pieces if block is blocks[0]}
    quoted = _quote(_from_first_loss(
        "".join(text for _, element, text in recording.pieces if element in inside),
        "".join(text for _, element, text in laid if element in inside)))
    if len(blocks) > 1:
        others = len(blocks) - 1
        quoted += f" (and {others} more passage{'s' if others > 1 else ''})"
    return quoted


def _by_element(pieces) -> dict:
    """Element -> its text, folded."""
    texts: dict = {}
    for _, element, text in pieces:
        parts = texts.get(element)
        if parts is None:
            texts[element] = [text]
        else:
            parts.append(text)
    return {element: _folded("".join(parts)) for element, parts in texts.items()}


def _short(built: str, shown: str) -> bool:
    """Whether ``shown`` lacks a character of ``built`` (both folded): one it
    holds fewer times, wherever it is; a text laid out as built lacks none."""
    return built != shown and bool(Counter(built) - Counter(shown))


def _pieces(root, built: bool) -> Iterator[tuple[object, object, str]]:
    """(block, element, text) for each text box below ``root`` in reading order,
    generated text left out. In the ``built`` tree a footnote is read where it
    is called; in a laid-out one, in the footnote area it was laid out in."""
    from weasyprint.formatting_structure.boxes import BlockContainerBox

    pending = [(root, None)]
    while pending:
        box, block = pending.pop()
        footnote = getattr(box, "footnote", None)
        if built and footnote is not None:
            pending.append((footnote, block))
        if (getattr(box, "element_tag", None) or "").endswith(GENERATED):
            continue
        if isinstance(box, BlockContainerBox):
            block = box.element
        text = getattr(box, "text", None)
        if text:
            yield block, box.element, text
        children = getattr(box, "children", None)
        if children:
            pending.extend((child, block) for child in reversed(children))


@functools.lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    """One character as compared: compatibility forms unfolded, case folded,
    nothing for whitespace and format marks (soft hyphen, bidi controls)."""
    if char.isspace() or unicodedata.category(char) == "Cf":
        return ""
    return unicodedata.normalize("NFKC", char).casefold()


class _Folds(dict):
    """Code point -> its character folded (``_fold``), for ``str.translate``:
    each character's fold is worked out the first time it is met."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold(chr(code))
        return folded


_FOLDS = _Folds()


def _folded(text: str) -> str:
    # Character by character, so a text cut into lines folds as the whole does.
    return text.translate(_FOLDS)


def _from_first_loss(expected: str, laid: str) -> str:
    """``expected`` from the first character the laid-out text does not match."""
    folded, origin = [], []
    for index, char in enumerate(expected):
        for piece in _fold(char):
            folded.append(piece)
            origin.append(index)
    matcher = difflib.SequenceMatcher(None, folded, list(_folded(laid)), autojunk=False)
    position = 0
    for start, _, size in matcher.get_matching_blocks():
        if start > position:
            break
        position = start + size
    return expected[origin[position]:] if position < len(origin) else expected


def _quote(text: str) -> str:
    """``text`` on one line, cut to ``SHOWN`` characters, in quotes."""
    text = " ".join(text.split())
    if len(text) > SHOWN:
        text = text[:SHOWN].rstrip() + " …"
    return f'"{text}"'
