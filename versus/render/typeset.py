"""Markdown extensions for the printed page: footnotes, unbreakable names, smart quotes.

- Footnotes: definitions (``[^label]: text``) anywhere in the lead or body serve
  calls (``[^label]``) in the lead, the body and the table cells alike. The
  converter leaves a mark per call (it reaches an admonition's or a list's text
  after the text that follows it), and ``NoteState.number`` numbers the marks of
  the converted lead, cells and body in reading order, one numbering for both
  media. In print the note's text goes where it is called, for WeasyPrint to
  float it to the foot of the page, with that number; on the web page the call
  is a numbered link to an endnote.
- Names: item names, words like ``DevOps`` or ``MLflow`` and words with digits
  (versions, hashes) are wrapped in ``<span class="name">`` so the stylesheet
  never hyphenates them.
- Code: long code spans in print may wrap at a camel-case hump or after ``.``,
  ``_``, ``/`` or ``:``, and nowhere else (the stylesheet breaks no code word).
- Figures: an image alone in its paragraph, with a title, is a captioned figure.
- ``smart``: the smarty extension's quotes, dashes and ellipses for plain text
  such as a title.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import STX, ETX, AtomicString

NOTE_CALL_RE = r"\[\^([^\]\s]+)\]"
# A definition: its first line, then the lines indented by four spaces or a tab.
NOTE_DEFINITION_RE = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:[ \t]*(.*(?:\n(?: {4}|\t).*)*)\n?",
                                re.MULTILINE)
FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?^ {0,3}\1[ \t]*$", re.MULTILINE | re.DOTALL)
CAMEL = r"[A-Za-z]*[a-z][A-Z][A-Za-z]*|[A-Z]{2,}[a-z][A-Za-z]*"
WITH_DIGITS = r"[A-Za-z]*\d[\w.:/-]*\w|\d"
SHAPED_GATE = r"(?=[a-z]*+[A-Z\d])"
"""What every camel-case word and word with digits starts with: lower-case letters,
then a capital or a digit. Tried first, it turns a lower-case word away in one
pass, where the shapes would backtrack through it letter by letter; it turns
away nothing they match (tests/render/test_names.py)."""
SHORTEST = 7
"""The shortest word the stylesheet hyphenates; shorter names need no span."""
UNBREAKABLE_TAGS = {"code", "pre", "a", "kbd", "script", "style"}


def extract_notes(text: str) -> tuple[str, dict[str, str]]:
    """``text`` without its footnote definitions, and the definitions by label.

    Definitions inside fenced code blocks are code, and stay."""
    fences = [match.span() for match in FENCE_RE.finditer(text)]
    notes: dict[str, str] = {}

    def take(match: re.Match) -> str:
        if any(start <= match.start() < end for start, end in fences):
            return match.group(0)
        lines = match.group(2).split("\n")
        notes.setdefault(match.group(1), " ".join(line.strip() for line in lines).strip())
        return ""

    return NOTE_DEFINITION_RE.sub(take, text), notes


class TooMuchHtml(ValueError):
    """Footnotes copied where they are called would make more HTML than allowed."""


NOTE_MARK_RE = re.compile(f"{STX}note:(\\d+){ETX}")
"""A call the converter left for ``NoteState.number``: the note's place among the
definitions. Content cannot write one: Python-Markdown removes STX and ETX from
its source."""


class NoteState:
    """The footnotes of the handout being rendered: definitions and numbers given."""

    def __init__(self, notes: dict[str, str] | None = None, print_: bool = False,
                 budget: int | None = None):
        self.notes = notes or {}
        """Label -> the note's HTML."""
        self.labels = list(self.notes)
        self.places = {label: place for place, label in enumerate(self.labels)}
        self.print = print_
        self.numbers: dict[str, int] = {}
        self.budget = budget
        """Characters of note HTML print may copy in all (each call holds a copy)."""
        self.copied = 0

    def ordered(self) -> list[str]:
        """The notes' HTML in the order of their numbers."""
        return [self.notes[label] for label in self.numbers]

    def number(self, parts: list[str]) -> list[str]:
        """``parts`` (converted HTML, in the order the page shows them) with their
        calls numbered in that order: a note keeps the number of its first call."""
        return [NOTE_MARK_RE.sub(self._call, part) for part in parts]

    def _call(self, match: re.Match) -> str:
        label = self.labels[int(match.group(1))]
        first = label not in self.numbers
        number = self.numbers.setdefault(label, len(self.numbers) + 1)
        if self.print:
            self.copied += len(self.notes[label])
            if self.budget is not None and self.copied > self.budget:
                # refused before the copies are joined: 1,000 calls of a 500 KB
                # note would make 500 MB of HTML
                raise TooMuchHtml(self.copied)
            # WeasyPrint adds one to the counter after the note: its call and its
            # marker show ``number``, a second copy of a note the same number.
            return (f'<span class="footnote" style="counter-set: footnote {number - 1}">'
                    f'{self.notes[label]}</span>')
        back = f' id="fnref-{number}"' if first else ""  # the endnote's way back
        return f'<sup class="footnote-ref"{back}><a href="#fn-{number}">{number}</a></sup>'


class NoteCalls(InlineProcessor):
    """``[^label]`` -> a mark that ``NoteState.number`` makes the floating note
    (print) or a numbered link (screen)."""

    def handleMatch(self, match, data):  # noqa: N802 (Python-Markdown's name)
        state: NoteState = self.md.versus_notes
        place = state.places.get(match.group(1))
        if place is None:
            return None, None, None  # no such note: the text stays as written
        return AtomicString(f"{STX}note:{place}{ETX}"), match.start(0), match.end(0)


class Names(Treeprocessor):
    """Wrap names, numbers and hashes in text in ``<span class="name">``."""

    def run(self, root):
        pattern = self.md.versus_names_re
        for element in list(root.iter()):
            if element.tag in UNBREAKABLE_TAGS or element.get("class") == "name":
                continue
            self._wrap(element, pattern)

    def _wrap(self, element, pattern) -> None:
        if element.text and not isinstance(element.text, AtomicString):
            element.text, spans = self._split(element.text, pattern)
            for index, span in enumerate(spans):
                element.insert(index, span)
        for child in list(element):
            if child.tail and not isinstance(child.tail, AtomicString):
                child.tail, spans = self._split(child.tail, pattern)
                position = list(element).index(child) + 1
                for offset, span in enumerate(spans):
                    element.insert(position + offset, span)

    @staticmethod
    def _split(text: str, pattern) -> tuple[str, list]:
        """The text before the first name, and a span per name carrying what follows."""
        head, spans, last = None, [], 0
        for match in pattern.finditer(text):
            if match.group("protected") or len(match.group(0)) < SHORTEST:
                continue  # shorter words are never hyphenated (hyphenate-limit-chars)
            before = text[last:match.start()]
            if spans:
                spans[-1].tail = before
            else:
                head = before
            span = etree.Element("span", {"class": "name"})
            span.text = match.group(0)
            spans.append(span)
            last = match.end()
        if not spans:
            return text, []
        spans[-1].tail = text[last:]
        return head, spans


def mark_names(text: str, pattern: re.Pattern) -> str:
    """Plain ``text`` (nothing in it to escape) as HTML with its names marked as
    ``Names`` marks them in a converted document."""
    head, spans = Names._split(text, pattern)
    if not spans:
        return text
    return head + "".join(f'<span class="name">{span.text}</span>{span.tail}'
                          for span in spans)


class Figures(Treeprocessor):
    """A paragraph holding only an image with a title becomes a figure with the
    title as its caption: ``![alt](src "caption")``."""

    def run(self, root):
        for paragraph in root.iter("p"):
            children = list(paragraph)
            if (len(children) == 1 and children[0].tag == "img" and children[0].get("title")
                    and not (paragraph.text or "").strip()
                    and not (children[0].tail or "").strip()):
                image = children[0]
                paragraph.tag = "figure"
                caption = etree.SubElement(paragraph, "figcaption")
                caption.text = image.attrib.pop("title")
                image.tail = None


CODE_BREAK_RE = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[._/:])(?=\w)")
LONG_CODE = 16


class CodeBreaks(Treeprocessor):
    """In print, a long code span may wrap only where a reader expects it: before
    a capital inside a camel-case name and after ``.``, ``_``, ``/`` or ``:``
    (a zero-width space); never with a hyphen."""

    def run(self, root):
        if not self.md.versus_notes.print:
            return
        for code in root.iter("code"):
            if code.text and len(code.text) > LONG_CODE and not len(code):
                code.text = AtomicString(CODE_BREAK_RE.sub("\u200b", code.text))


def names_pattern(items) -> re.Pattern:
    """What ``Names`` wraps: these item names, camel-case words, words with digits."""
    return _names_pattern(tuple(items))


@functools.lru_cache(maxsize=256)
def _names_pattern(items: tuple[str, ...]) -> re.Pattern:
    # One compiled per set of names: handouts of a site share a few sets, and
    # each would otherwise rebuild the alternation and look it up in re's cache.
    names = sorted((re.escape(item) for item in items if item.strip()), key=len,
                   reverse=True)
    words = "|".join(names + [f"{SHAPED_GATE}(?:{CAMEL}|{WITH_DIGITS})"])
    return re.compile(f"(?P<protected>{STX}[^{ETX}]*{ETX})|(?<![\\w-])(?:{words})(?![\\w])")


class Typeset(Extension):
    """Registers the footnote calls and the names on a Markdown converter."""

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        md.versus_notes = NoteState()
        md.versus_names_re = names_pattern(())
        md.inlinePatterns.register(NoteCalls(NOTE_CALL_RE, md), "versus-notes", 175)
        md.treeprocessors.register(Names(md), "versus-names", 4)
        md.treeprocessors.register(Figures(md), "versus-figures", 3)
        md.treeprocessors.register(CodeBreaks(md), "versus-code-breaks", 3.5)


class Smart:
    """Smart quotes, dashes and ellipses for plain text (a title, a tagline)."""

    def __init__(self):
        import markdown

        from .gates import install

        self._md = markdown.Markdown(extensions=["smarty"], output_format="html")
        install(self._md)

    def __call__(self, text: str) -> str:
        """``text`` as HTML with the smarty extension's punctuation."""
        md = self._md.reset()
        root = etree.Element("div")  # the processor reads the text of children
        paragraph = etree.SubElement(root, "p")
        paragraph.text = str(text)
        md.treeprocessors["smarty"].run(root)
        html = md.serializer(paragraph)
        for processor in md.postprocessors:
            html = processor.run(html)
        return html.removeprefix("<p>").removesuffix("</p>")
