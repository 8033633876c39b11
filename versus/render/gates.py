"""Python-Markdown's inline patterns tried only on text holding what they match."""

from __future__ import annotations

import hashlib
import inspect
import os
import re
from collections.abc import Mapping

from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString

SWITCH = "VERSUS_INLINE_GATES"
"""The environment variable that turns the gates off: 0, off, false or no."""

_MD = "markdown.inlinepatterns."
_SMART = "markdown.extensions.smarty.SubstituteTextPattern"
INLINE = (
    # name, class, regular expression, what any text it matches in holds (one of)
    ("backtick", _MD + "BacktickInlineProcessor",
     "(?:(?<!\\\\)((?:\\\\{2})+)(?=`+)|(?<!\\\\)`)", ("`",)),
    ("escape", _MD + "EscapeInlineProcessor", "\\\\(.)", ("\\",)),
    ("versus-notes", "versus.render.typeset.NoteCalls", "\\[\\^([^\\]\\s]+)\\]", ("[^",)),
    ("reference", _MD + "ReferenceInlineProcessor", "(?<!\\!)\\[", ("[",)),
    ("link", _MD + "LinkInlineProcessor", "(?<!\\!)\\[", ("[",)),
    ("image_link", _MD + "ImageInlineProcessor", "\\!\\[", ("![",)),
    ("image_reference", _MD + "ImageReferenceInlineProcessor", "\\!\\[", ("![",)),
    ("short_reference", _MD + "ShortReferenceInlineProcessor", "(?<!\\!)\\[", ("[",)),
    ("short_image_ref", _MD + "ShortImageReferenceInlineProcessor", "\\!\\[", ("![",)),
    ("autolink", _MD + "AutolinkInlineProcessor", "<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>",
     ("://",)),
    ("automail", _MD + "AutomailInlineProcessor", "<([^<> !]+@[^@<> ]+)>", ("@",)),
    ("linebreak", _MD + "SubstituteTagInlineProcessor", "  \\n", ("  \n",)),
    ("html", _MD + "HtmlInlineProcessor",
     "(<(\\/?+[a-zA-Z][^\\s\"'<>@]*+(?:\\s+[^\\s\"'=<>]++(?:\\s*+=\\s*+(?:\"[^\"]*+\""
     "|'[^']*+'|[^\\s\"'=<>]++))?+)*+\\s*+/?|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>)"
     ".)*[?]|!\\[CDATA\\[(?:(?!<!\\[CDATA\\[|\\]\\]>).)*\\]\\])>)", ("<",)),
    ("entity", _MD + "HtmlInlineProcessor",
     "(&(?:\\#[0-9]+|\\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)", ("&",)),
    ("em_strong", _MD + "DelimiterProcessor", "\\*|_", ("*", "_")),
)
"""Versus's converter's inline patterns in the order they are tried (``converter``)."""

_QUOTE_AFTER = "(?=[!\"#\\$\\%'()*+,-.\\/:;<=>?\\@\\[\\\\\\]\\^_`{|}~]\\B)"
_CLOSE = "(?<=[^\\ \\t\\r\\n\\[\\{\\(\\-\\u0002\\u0003])"
_OPEN = "(\\s|&nbsp;|--|–|—|&[mn]dash;|&#8211;|&#8212;)"
SMARTY = (
    ("smarty-em-dashes", _SMART, "(?<!-)---(?!-)", ("---",)),
    ("smarty-en-dashes", _SMART, "(?<!-)--(?!-)", ("--",)),
    ("smarty-quotes-0", _SMART, "^'" + _QUOTE_AFTER, ("'",)),
    ("smarty-quotes-1", _SMART, '^"' + _QUOTE_AFTER, ('"',)),
    ("smarty-quotes-2", _SMART, "\"'(?=\\w)", ("\"'",)),
    ("smarty-quotes-3", _SMART, "'\"(?=\\w)", ("'\"",)),
    ("smarty-quotes-4", _SMART, _CLOSE + "\\'\"", ("'\"",)),
    ("smarty-quotes-5", _SMART, _CLOSE + "\\\"'", ("\"'",)),
    ("smarty-quotes-6", _SMART, "(?<!\\w)'(?=\\d{2}s)", ("'",)),
    ("smarty-quotes-7", _SMART, _OPEN + "'(?=\\w)", ("'",)),
    ("smarty-quotes-8", _SMART, _CLOSE + "'(?!\\s|s\\b|\\d)", ("'",)),
    ("smarty-quotes-9", _SMART, "'(\\s|s\\b)", ("'",)),
    ("smarty-quotes-10", _SMART, "'", ("'",)),
    ("smarty-quotes-11", _SMART, _OPEN + '"(?=\\w)', ('"',)),
    ("smarty-quotes-12", _SMART, '"(?=\\s)', ('"',)),
    ("smarty-quotes-13", _SMART, _CLOSE + '"', ('"',)),
    ("smarty-quotes-14", _SMART, '"', ('"',)),
    ("smarty-ellipses", _SMART, "(?<!\\.)\\.{3}(?!\\.)", ("...",)),
)
"""The smarty extension's patterns (its default configuration), in the order tried."""

GATED = {"inline": INLINE, "smarty": SMARTY}
"""Each gated tree processor (an ``InlineProcessor``) by name: its patterns."""

STOCK_CODE = "7bb364a981d1d753"
"""The start of the SHA-256 of ``InlineProcessor``'s ``__handleInline`` and
``__applyPattern`` as this was written for (Python-Markdown 3.11)."""


def switched_on(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether ``environ`` leaves the gates on (they are on unless ``SWITCH`` says no)."""
    return environ.get(SWITCH, "").strip().lower() not in ("0", "off", "false", "no")


def stock_code() -> str:
    """The digest ``STOCK_CODE`` is compared with, of the installed Python-Markdown
    (empty when its source cannot be read)."""
    try:
        source = "".join(inspect.getsource(getattr(InlineProcessor, name))
                         for name in ("_InlineProcessor__handleInline",
                                      "_InlineProcessor__applyPattern"))
    except (AttributeError, OSError, TypeError):
        return ""
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def install(md, environ: Mapping[str, str] = os.environ) -> list[str]:
    """Gate the inline patterns of ``md``'s tree processors named in ``GATED`` whose
    patterns are exactly the ones listed there; the names of those gated.

    A pattern is tried on a text only if the text holds one of its strings: one
    that every match of its regular expression needs, so a pattern skipped could
    not have matched and the HTML is the stock converter's. Any other set of
    patterns (another extension, another Python-Markdown, another order) keeps
    Python-Markdown's own processing; so does ``SWITCH`` set to 0."""
    if not switched_on(environ) or stock_code() != STOCK_CODE:
        return []
    gated = []
    for name, expected in GATED.items():
        stock = md.treeprocessors[name] if name in md.treeprocessors else None
        if type(stock) is not InlineProcessor or not written_for(stock.inlinePatterns,
                                                                 expected):
            continue
        processor = Gated(md, stock.inlinePatterns, [strings for *_, strings in expected])
        md.treeprocessors.register(processor, name, _priority(md.treeprocessors, name))
        gated.append(name)
    return gated


def written_for(registry, expected) -> bool:
    """Whether ``registry`` holds the patterns ``expected`` lists, in its order."""
    return _listing(registry) == [entry[:3] for entry in expected]


def _listing(registry) -> list[tuple[str, str, str]]:
    """Each pattern of ``registry`` in the order tried: name, class, regular
    expression (with the flags Python-Markdown compiles all of them with)."""
    listing = []
    for entry, pattern in zip(_entries(registry), registry):
        regex = getattr(pattern, "compiled_re", None)
        flags = getattr(regex, "flags", None)
        kind = type(pattern)
        listing.append((entry.name, f"{kind.__module__}.{kind.__qualname__}",
                        regex.pattern if flags == re.DOTALL | re.UNICODE else None))
    return listing


def _entries(registry) -> list:
    # A Registry lists its names only in this attribute, sorted as it iterates.
    list(registry)
    return registry._priority


def _priority(registry, name: str) -> float:
    return next(entry.priority for entry in _entries(registry) if entry.name == name)


class Gated(InlineProcessor):
    """Python-Markdown's ``InlineProcessor`` trying each pattern only on text that
    holds one of its strings (``gates``, one tuple per pattern in order)."""

    def __init__(self, md, registry, gates: list[tuple[str, ...]]):
        super().__init__(md)
        self.inlinePatterns, self.gates = registry, gates
        self.checked = list(registry)
        """The patterns checked at set-up."""
        self.live: list | None = None
        """The patterns of this run, gated; None: this run is Python-Markdown's own."""

    def run(self, tree, ancestors=None):
        """As Python-Markdown's; gated only while the patterns are the ones
        checked at set-up (the same objects, in the same order)."""
        patterns = list(self.inlinePatterns)
        self.live = patterns if patterns == self.checked else None
        return super().run(tree, ancestors)

    # The stock ``run`` calls ``self.__handleInline``, which is this name.
    def _InlineProcessor__handleInline(self, data, patternIndex=0):  # noqa: N802,N803
        """Python-Markdown's loop over the patterns, a pattern that could not match
        skipped as the stock loop's try of it would end: ``__applyPattern`` finds
        no match (or an excluded ancestor) and returns the text, False, 0."""
        patterns = self.live
        if patterns is None:
            return super()._InlineProcessor__handleInline(data, patternIndex)
        if isinstance(data, AtomicString):
            return data
        apply, gates = self._InlineProcessor__applyPattern, self.gates
        start, count = 0, len(patterns)
        while patternIndex < count:
            for string in gates[patternIndex]:
                if string in data:
                    break
            else:
                patternIndex, start = patternIndex + 1, 0
                continue
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data
