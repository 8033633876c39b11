"""Markdown -> HTML with Python-Markdown: one converter per process, reset between
handouts, its inline patterns tried only on text that can match them (``gates``),
its output cleaned by the raw HTML policy, then its code blocks laid out for the
medium (``codeblocks``); links between handouts follow the medium (a page's
``.html``, a PDF's ``.pdf``)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from markupsafe import Markup


MARKDOWN_EXTENSIONS = ["tables", "toc", "attr_list", "fenced_code", "codehilite",
                       "sane_lists", "def_list", "admonition", "smarty"]


def _heading_id(text: str, separator: str) -> str:
    """A heading's id, as the toc extension makes it, without its footnote calls."""
    from markdown.extensions.toc import slugify

    from .typeset import NOTE_MARK_RE

    return slugify(NOTE_MARK_RE.sub("", text), separator)


MARKDOWN_CONFIG = {"codehilite": {"guess_lang": False, "css_class": "highlight"},
                   "toc": {"permalink": False, "slugify": _heading_id}}
PARAGRAPH_RE = re.compile(r"^<p>(.*)</p>$", re.DOTALL)
PLAIN_RE = re.compile(r"(?![-+#!? ]|\d+\.)(?:[^\W_]|[^\x00-\x7f\s]|[-,.;:()/%+=#!?]| (?! ))+"
                      r"(?<! )")
"""A table cell that needs no Markdown: letters, digits, single spaces and a
little punctuation that no block, inline pattern or smart punctuation reads
(none at the start, where a list or heading could begin)."""
SMART_RE = re.compile(r"\.\.|\. \.|--")


class Markdown:
    """One Python-Markdown converter, reset between documents.

    A relative link to another handout's Markdown file (``other-vs-thing.md``)
    points at its page (``other-vs-thing.html``) on the web and at its PDF
    (``other-vs-thing.pdf``) in print. Footnotes and names: see ``typeset``.
    """

    def __init__(self):
        import markdown
        from markdown.treeprocessors import Treeprocessor

        from ..security.sanitize import clean
        from .codeblocks import lay_out
        from .gates import install
        from .tablescroll import TableScroll
        from .typeset import NoteState, Typeset, mark_names, names_pattern

        class PageLinks(Treeprocessor):
            def run(self, root):
                suffix = ".html" if self.md.versus_screen else ".pdf"
                for link in root.iter("a"):
                    link.set("href", _page_link(link.get("href", ""), suffix))

        self._clean, self._lay_out = clean, lay_out
        self._md = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS + [Typeset()],
                                     extension_configs=MARKDOWN_CONFIG,
                                     output_format="html")
        self._md.treeprocessors.register(PageLinks(self._md), "versus-page-links", 1)
        self._md.treeprocessors.register(TableScroll(self._md), "versus-table-scroll", 1)
        self.gated = install(self._md)
        """The tree processors whose inline patterns are gated (``gates``)."""
        self._md.versus_screen = False
        self._note_state, self._names_pattern = NoteState, names_pattern
        self._mark_names = mark_names
        self._code_names = map("Code {}".format, itertools.count(1))
        """Names the web page's code blocks (``codeblocks``), anew from each ``start``."""

    def start(self, items, notes: dict[str, str], screen: bool,
              code_name: Callable[[int], str] = "Code {}".format) -> None:
        """Begin a handout: its item names, its footnotes (label -> Markdown), and
        what its web page calls its code block N."""
        self._code_names = map(code_name, itertools.count(1))
        self._md.versus_names_re = self._names_pattern(items)
        self._md.versus_notes = self._note_state()
        converted = {label: self.inline(text, screen) for label, text in notes.items()}
        self._md.versus_notes = self._note_state(converted, print_=not screen,
                                                 budget=MAX_HTML_CHARS)

    def number(self, parts: list[str]) -> list[Markup]:
        """This handout's converted ``parts``, in the order its page shows them, with
        their footnote calls numbered in that order (``typeset.NoteState.number``)."""
        return [Markup(part) for part in self._md.versus_notes.number(parts)]

    def notes(self) -> list[Markup]:
        """The footnotes ``number`` numbered in this handout, in their numbers' order."""
        return [Markup(html) for html in self._md.versus_notes.ordered()]

    def block(self, text: str, screen: bool = False) -> Markup:
        """Markdown blocks -> HTML, cleaned by the raw HTML policy (``sanitize``)."""
        self._md.versus_screen = screen
        html = self._clean(self._md.reset().convert(text), screen)
        return Markup(self._lay_out(html, screen, self._code_names))

    def inline(self, text: str, screen: bool = False) -> Markup:
        """A table cell's Markdown -> cleaned HTML without the wrapping paragraph.

        Most cells are plain words: those skip the converter (most of a web
        page's cost) and only get their names marked, as it would mark them."""
        if PLAIN_RE.fullmatch(text) and not SMART_RE.search(text):
            return Markup(self._mark_names(text, self._md.versus_names_re))
        return self.convert_inline(text, screen)

    def convert_inline(self, text: str, screen: bool = False) -> Markup:
        """``inline`` through the converter, whatever the text."""
        self._md.versus_screen = screen
        html = self._lay_out(self._clean(self._md.reset().convert(text), screen), screen,
                       self._code_names)
        match = PARAGRAPH_RE.match(html)
        if match and "<p>" not in match.group(1):
            html = match.group(1)
        return Markup(html)


def _page_link(href: str, suffix: str) -> str:
    """``x.md`` (and ``x.md#part``) as ``x`` + ``suffix``; any other link as it is."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.endswith(".md"):
        return href
    return urlunsplit(parts._replace(path=parts.path[:-3] + suffix))
MAX_HTML_CHARS = 8_000_000
"""Characters of HTML one handout's content may make: four times the largest
content file, though a footnote called many times is copied at every call."""
