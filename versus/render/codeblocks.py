"""Code blocks for their medium: wrapped only at spaces in print, scrolled on the web."""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Iterator

BLOCK_RE = re.compile(r'<div class="highlight"><pre>(?:<span></span>)?<code>(.*?)</code>'
                      r'</pre></div>', re.DOTALL)
TAG_RE = re.compile(r"<(/?)span(?: [^<>]*)?>")
OTHER_TAG_RE = re.compile(r"<(?!/?span[ >])")
PIECE_RE = re.compile(r" +|[^ ]+")
LONGEST_TOKEN = 40
"""Characters of the longest run kept whole: the narrowest column (three on a
landscape Letter page, type at its floor) holds about 50, less a hanging indent.
A longer run (a URL, a hash) may wrap where the line breaking rules allow."""
DEEPEST_HANG = 20
"""Characters a wrapped line's continuation is indented at most (plus its mark)."""


def lay_out(markup: str, screen: bool, names: Iterator[str]) -> str:
    """``markup`` (cleaned HTML) with its code blocks laid out for print or screen;
    ``names`` names a page's blocks on the web, in reading order ("Code 2").

    Python-Markdown's codehilite leaves a block as ``<div class="highlight"><pre>
    <span></span><code>`` and Pygments' spans, one run of spans per source line.
    Once the raw HTML policy has cleaned the HTML (it would drop the attributes
    added here), each block is rewritten for its medium:

    - print: the ``<pre>`` carries its longest line in characters (``--chars``),
      from which the stylesheet shrinks its type to fit the column, down to a
      floor; each source line becomes ``<span class="line" style="--indent: N">``,
      a block the stylesheet wraps under a hanging indent of the line's own
      indent, behind a continuation mark drawn in the margin (no character of the
      text). Each run of characters between spaces is a ``<span class="tok">``
      that never wraps inside, so ``->`` or ``self.name`` stay whole; Pygments'
      spans are split at the runs' edges, their classes kept;
    - screen: the ``<pre>`` is a focusable region that scrolls sideways
      (``tabindex``, ``role``), as a scrolling box must be for a keyboard's
      reader, named by its number in the page ("Code 2": a page's regions need
      names of their own).

    A block holding anything but spans (raw HTML made to look like one) is left
    as it is.
    """
    if '<div class="highlight">' not in markup:
        return markup
    return BLOCK_RE.sub(functools.partial(_for_screen, names=names) if screen
                        else _for_print, markup)


def _for_screen(match: re.Match, names: Iterator[str]) -> str:
    if not _only_spans(match.group(1)):
        return match.group(0)
    name = html.escape(next(names))
    return match.group(0).replace(
        "<pre>", f'<pre tabindex="0" role="region" aria-label="{name}">', 1)


def _for_print(match: re.Match) -> str:
    inner = match.group(1)
    lines = _lines(inner.removesuffix("\n")) if _only_spans(inner) else None
    if lines is None:
        return match.group(0)
    longest = max((_width(text for text, _ in line) for line in lines), default=0)
    body = "\n".join(_line(line) for line in lines)
    return (f'<div class="highlight"><pre style="--chars: {max(longest, 1)}"><code>'
            f"{body}</code></pre></div>")


def _only_spans(inner: str) -> bool:
    return OTHER_TAG_RE.search(inner) is None


def _lines(inner: str) -> list[list[tuple[str, tuple[str, ...]]]] | None:
    """The source lines of a block's HTML, each a list of (escaped text, the open
    span tags around it); None if its spans do not nest."""
    lines: list[list[tuple[str, tuple[str, ...]]]] = [[]]
    stack: list[str] = []
    position = 0
    for tag in [*TAG_RE.finditer(inner), None]:
        text = inner[position:tag.start() if tag else len(inner)]
        for number, part in enumerate(text.split("\n")):
            if number:
                lines.append([])
            if part:
                lines[-1].append((part, tuple(stack)))
        if tag is None:
            break
        position = tag.end()
        if tag.group(1):
            if not stack:
                return None
            stack.pop()
        else:
            stack.append(tag.group(0))
    return None if stack else lines


def _width(texts) -> int:
    """Columns the unescaped text takes in a monospace font (wide characters two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1
               for text in texts for char in html.unescape(text))


def _line(segments: list[tuple[str, tuple[str, ...]]]) -> str:
    """One source line as a ``line`` span of spaces and unbreakable runs."""
    text = "".join(html.unescape(part) for part, _ in segments)
    indent = len(text) - len(text.lstrip(" ")) if text.strip() else 0
    out: list[str] = []
    run: list[tuple[str, tuple[str, ...]]] = []

    def close_run() -> None:
        if run:
            pieces = "".join(_wrapped(piece, tags) for piece, tags in run)
            whole = _width(piece for piece, _ in run) <= LONGEST_TOKEN
            out.append(f'<span class="tok">{pieces}</span>' if whole else pieces)
            run.clear()

    for part, tags in segments:
        for piece in PIECE_RE.findall(part):
            if piece.startswith(" "):
                close_run()
                out.append(_wrapped(piece, tags))
            else:
                run.append((piece, tags))
    close_run()
    return (f'<span class="line" style="--indent: {min(indent, DEEPEST_HANG)}">'
            f'{"".join(out)}</span>')


def _wrapped(text: str, tags: tuple[str, ...]) -> str:
    return "".join(tags) + text + "</span>" * len(tags)
