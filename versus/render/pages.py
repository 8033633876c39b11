"""Handout -> HTML page: its Markdown converted (``converter``), the theme's Jinja
templates (``theme``) filled, and the templates a page used, for the build state.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2 import meta
from markupsafe import Markup

from .. import __version__, i18n
from ..content.editions import changes
from ..content.handouts import Handout
from ..errors import Problems, RenderError, TemplateError
from ..settings import Settings
from ..settings import source_date as epoch_date
from .citations import Cited, cite
from .contents import contents, keep_last_words
from .parts import parts
from .converter import MAX_HTML_CHARS, Markdown
from .differences import arrange
from . import profiles
from .marks import draw_table
from .qrcode import copy_check
from .reporting import report_url, short
from .theme import (BOOKLET_TEMPLATE, HANDOUT_TEMPLATE, INDEX_TEMPLATE, ITEM_TEMPLATE,
                    TAG_TEMPLATE, Theme)

ELEMENT_RE = re.compile(r"<[a-zA-Z]")
MAX_ELEMENTS = 5000
"""HTML elements one handout's content may make: about a hundred printed pages."""
SENTENCE_END_RE = re.compile(r"[.!?…][\"'”’)\]]*(?=\s|$)|[。！？]")
NOTE_CALL_RE = re.compile(r'<sup class="footnote-ref".*?</sup>', re.DOTALL)
MAX_DESCRIPTION = 300


def source_date() -> datetime.date | None:
    """The date SOURCE_DATE_EPOCH gives, for handouts without one; never the clock."""
    try:
        return epoch_date()
    except ValueError as error:  # the CLI says so first, as a usage error
        raise RenderError(str(error)) from None


DEBUG_INFO_RE = re.compile(r"^debug_info = .*$", re.M)
"""The line of Jinja's compiled code mapping template lines to code lines."""


@dataclass(frozen=True)
class Converted:
    """A handout's Markdown converted to HTML: what its page's template shows."""

    lead: Markup
    body: Markup
    table: list[tuple[Markup, list[Markup]]]
    """Each attribute's name and its values, one per item."""
    notes: list[Markup]
    elements: int = 0
    """The HTML elements of the lead, body and cells (at most ``MAX_ELEMENTS``)."""
    marks: list[list[int | None]] = field(default_factory=list)
    """Each cell's source number, row by row (None: no source)."""
    sources: list[Cited] = field(default_factory=list)
    """The sources the cells name, in reading order."""
    legend: Markup = Markup("")
    """The line under the table naming the marks of its typed cells, if any."""

    def images(self) -> list[str]:
        """The image sources the content shows."""
        from ..security.sandbox import image_sources

        cells = [cell for name, values in self.table for cell in (name, *values)]
        return image_sources("".join(map(str, [self.lead, self.body, *cells,
                                                *self.notes])))


def _check_elements(handout: Handout, parts: list[str]) -> int:
    """Refuse a handout whose content makes more HTML elements than ``MAX_ELEMENTS``:
    laying out a page costs memory by the element (10,000 list items take 0.5 GB).
    The count, if not."""
    count = sum(len(ELEMENT_RE.findall(part)) for part in parts)
    if count > MAX_ELEMENTS:
        raise RenderError(f"the content makes {count:,} HTML elements; at most "
                          f"{MAX_ELEMENTS:,} (a printed handout never needs more)",
                          handout.source)
    return count


def _too_much_html(handout: Handout) -> RenderError:
    return RenderError(f"the content makes more than {MAX_HTML_CHARS:,} characters of "
                       "HTML (a footnote is copied wherever it is called)", handout.source)


def first_sentence(html: str) -> str:
    """The first sentence of ``html`` as plain text, at most ``MAX_DESCRIPTION``
    characters: what a page's description says. A full stop ends it only before a
    capital, a digit or the end ('e.g. this' goes on)."""
    text = " ".join(Markup(NOTE_CALL_RE.sub("", str(html))).striptags().split())
    for match in SENTENCE_END_RE.finditer(text):
        after = text[match.end():].lstrip()
        if not after or not after[0].isalpha() or after[0].isupper() \
                or match.group()[0] in "。！？":
            text = text[:match.end()]
            break
    if len(text) > MAX_DESCRIPTION:
        text = text[:MAX_DESCRIPTION - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


@jinja2.pass_context
def _isolate(context, text) -> Markup:
    """The ``isolate`` filter: ``text`` wholly in the other direction than the page
    (a Latin name on an Arabic page) in a ``<bdi>`` of its own direction, so its
    neutral characters ("C++") stay on its side. The ``dir`` attribute, not
    ``dir="auto"``, because WeasyPrint reads only ``ltr`` and ``rtl``."""
    text = Markup.escape(text)
    own = i18n.text_direction(text.striptags())
    if own is None or own == context.get("dir", "ltr"):
        return text
    return Markup('<bdi dir="{}">{}</bdi>').format(own, text)


class Pages:
    """Renders handouts and the index through the theme's Jinja templates."""

    def __init__(self, theme: Theme, settings: Settings,
                 references: dict[str, list[str]] | None = None):
        self.theme = theme
        self.settings = settings
        self.references = {} if references is None else references
        """Templates each template source refers to, by the source's digest: a
        build keeps them, so one with nothing to do parses no template."""
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in theme.dirs]),
            autoescape=jinja2.select_autoescape(["html", "xml"], default=True),
            undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
        self.env.filters["smart"] = self._smart
        self.env.filters["isolate"] = _isolate
        self.env.filters["keep_last_words"] = keep_last_words
        self.env.filters["parts"] = parts

    @functools.cached_property
    def _smarty(self):
        from .typeset import Smart

        return Smart()

    def _smart(self, text) -> Markup:
        """The ``smart`` filter: quotes, dashes and ellipses in plain text."""
        return Markup(self._smarty(str(text)))

    @functools.cached_property
    def markdown(self) -> Markdown:
        """The converter, made on first use: a build with nothing to do never needs it."""
        return Markdown()

    def handout(self, handout: Handout, medium: str, root: str = "",
                shown: set[str] | None = None) -> str:
        """The HTML of ``handout`` for ``medium`` 'print' (PDF) or 'screen' (web page);
        ``shown`` gets the image sources its content shows (the page's other images
        come from the templates)."""
        content = self.convert(handout, medium)
        if shown is not None:
            shown.update(content.images())
        return self.page(handout, content, medium, root)

    def convert(self, handout: Handout, medium: str) -> Converted:
        """The content of ``handout`` converted from Markdown for ``medium``: most of
        the cost of a page, so ``check`` converts once and fills both media's templates."""
        from .typeset import TooMuchHtml, extract_notes

        try:
            screen = medium == "screen"
            lead_text, lead_notes = extract_notes(handout.lead)
            body_text, notes = extract_notes(handout.body)
            words = self.words(handout.lang)
            self.markdown.start(handout.items, {**lead_notes, **notes}, screen,
                                lambda number: words("code_block", number=number))
            lead = self.markdown.block(lead_text, screen)
            table = [(self.markdown.inline(attribute.name, screen),
                      [self.markdown.inline(value, screen) for value in attribute.values])
                     for attribute in handout.attributes]
            table, legend = draw_table(handout, table, self.words(handout.lang))
            body = self.markdown.block(body_text, screen)
            # Footnotes numbered in reading order: the lead, the cells row by row,
            # the body, each as it reads (not as the converter reached its parts).
            lead, *cells, body = self.markdown.number(
                [lead, *(cell for name, values in table for cell in (name, *values)), body])
            rows = iter(cells)
            table = [(next(rows), [next(rows) for _ in values]) for _, values in table]
        except RecursionError:
            raise RenderError("the Markdown is nested too deeply to convert",
                              handout.source) from None
        except TooMuchHtml:
            raise _too_much_html(handout) from None
        notes = self.markdown.notes()
        # The attribute names too: a name is Markdown, and can make elements.
        parts = [lead, body, *(cell for name, values in table for cell in (name, *values))]
        if sum(map(len, parts + notes)) > MAX_HTML_CHARS:
            raise _too_much_html(handout)
        elements = _check_elements(handout, parts)
        marks, sources = cite(handout)
        return Converted(lead, body, table, notes, elements, marks, sources, legend)

    def typed_words(self, lang: str) -> dict[str, str]:
        """The typed cells' words in ``lang``, folded: word -> type."""
        from .marks import local_words

        return local_words(self.words(lang))

    def page(self, handout: Handout, content: Converted, medium: str, root: str = "") -> str:
        """The HTML of ``handout``'s page for ``medium`` from its converted ``content``."""
        from ..web.site import site_url, tag_slugs

        base = self.settings.base_url
        canonical = site_url(base, f"html/{handout.slug}.html") if base else ""
        report = report_url(self.settings.issue_url, handout)
        rows = arrange(handout, content.table, content.marks,
                       handout.identical_rows or self.settings.identical_rows)
        return self._render(HANDOUT_TEMPLATE, handout.lang, handout=handout,
                            medium=medium, root=root, date=handout.date or source_date(),
                            lead=content.lead, body=content.body, table=rows.table,
                            notes=content.notes, marks=rows.marks, same=rows.same,
                            winners=rows.winners,
                            common=rows.common, sources=content.sources,
                            legend=content.legend, canonical=canonical,
                            report=report, report_short=short(report),
                            report_row=functools.partial(report_url,
                                                         self.settings.issue_url, handout),
                            changes=changes(handout, handout.editions),
                            qr=(copy_check(self.settings.base_url, handout)
                                if medium == "print" else None),
                            description=first_sentence(content.lead),
                            contents=(contents(content.lead, content.body)
                                      if medium == "print" else []),
                            heads=profiles.heads(handout, medium, root),
                            related=profiles.related(handout, medium),
                            tag_slugs=tag_slugs(handout.tags))

    def index(self, handouts: list[Handout], booklet: bool = False) -> dict[str, str]:
        """The index's pages, the tags' pages, the search index and the sitemap that
        list ``handouts``, by path below output/ (see ``versus.web.site``); with
        ``booklet`` they link the booklet."""
        from ..web import site

        return site.files(self, handouts, booklet)

    def listing(self, path: str, **context) -> str:
        """The HTML of the listing page at ``path`` below output/: a page of the index,
        or of a tag's handouts (``tags/...``)."""
        from ..web.site import site_url

        template = (TAG_TEMPLATE if path.startswith("tags/") else
                    ITEM_TEMPLATE if path.startswith("items/") else
                    INDEX_TEMPLATE)
        canonical = site_url(self.settings.base_url, path) if self.settings.base_url else ""
        return self._render(template, self.settings.lang, medium="screen",
                            canonical=canonical, **context)

    def booklet(self, entries: list, **context) -> str:
        """The HTML of the booklet's cover and contents page listing ``entries``."""
        return self._render(BOOKLET_TEMPLATE, self.settings.lang, entries=entries,
                            medium="print", root="", **context)

    @functools.cache
    def words(self, lang: str) -> i18n.Translator:
        """The theme's fixed words in ``lang`` (see ``versus.i18n``)."""
        try:
            return i18n.Translator(lang, i18n.catalogs(self.theme.dirs, lang))
        except Problems as problems:
            error = problems.errors[0]
            raise TemplateError(error.message, error.path, error.line) from None

    def translations(self) -> list[Path]:
        """Every translation file of the theme: inputs of every page."""
        return sorted(path for folder in self.theme.dirs
                      for path in (folder / i18n.I18N_DIR).glob("*.yaml"))

    def logo(self, root: str, medium: str) -> str:
        """The URL of the ``logo`` setting's image from a page at ``root`` (the way up
        to output/), in ``medium``; empty without one. In print, ``root`` leads to
        the project: a content image is read where it is, not where it is published."""
        logo = self.settings.logo
        return profiles.image_url(logo, root, medium) if logo else ""

    def _render(self, name: str, lang: str, **context) -> str:
        t = self.words(lang)
        try:
            template = self.env.get_template(name)
            logo = self.logo(context.get("root", ""), context.get("medium", "print"))
            return template.render(settings=self.settings, version=__version__, t=t,
                                   lang=lang, dir=t.direction, logo=logo,
                                   local_date=lambda date: i18n.format_date(date, lang),
                                   **context)
        except jinja2.TemplateSyntaxError as error:
            raise TemplateError(error.message or str(error),
                                error.filename or name, error.lineno) from None
        except jinja2.TemplateNotFound as error:
            raise TemplateError(f"template '{error.name}' not found", name) from None
        except jinja2.TemplateError as error:
            path, line = _template_frame(sys.exc_info()[2], self.theme.dirs, name)
            raise TemplateError(str(error), path, line) from None
        except RecursionError:
            path, line = _template_frame(sys.exc_info()[2], self.theme.dirs, name)
            raise TemplateError("templates include or extend each other without end",
                                path, line) from None

    @functools.cache
    def templates_used(self, name: str = HANDOUT_TEMPLATE) -> tuple[Path, ...]:
        """The files of ``name`` and every template it extends, includes or imports."""
        seen: dict[str, Path] = {}
        pending: list[tuple[str, Path | str]] = [(name, name)]  # (template, named by)
        while pending:
            current, named_by = pending.pop()
            if current in seen:
                continue
            try:
                source, filename, _ = self.env.loader.get_source(self.env, current)
            except jinja2.TemplateNotFound as error:
                raise TemplateError(f"template '{error.name}' not found",
                                    named_by) from None
            seen[current] = Path(filename)
            pending.extend((ref, seen[current])
                           for ref in self._references(source, current, filename))
        return tuple(seen[key] for key in sorted(seen))

    def template_code(self, path: Path) -> str:
        """The digest of the Python code the template at ``path`` compiles to, less
        the line numbers kept for tracebacks: a comment, or a change of how the
        template is written that renders the same, leaves it as it was. A template
        that does not compile is its bytes' digest (rendering reports the error)."""
        source = path.read_bytes()
        try:
            code = self.env.compile(source.decode("utf-8"), raw=True)
        except (jinja2.TemplateError, UnicodeDecodeError):
            return hashlib.sha256(source).hexdigest()
        code = DEBUG_INFO_RE.sub("", code)
        return hashlib.sha256(code.encode("utf-8")).hexdigest()

    def _references(self, source: str, name: str, filename: str) -> list[str]:
        """The templates ``source`` extends, includes or imports."""
        key = hashlib.sha256(source.encode("utf-8")).hexdigest()
        if key not in self.references:
            try:
                tree = self.env.parse(source, name, filename)
            except jinja2.TemplateSyntaxError as error:
                raise TemplateError(error.message or str(error),
                                    error.filename or name, error.lineno) from None
            self.references[key] = sorted(
                ref for ref in meta.find_referenced_templates(tree) if ref)
        return self.references[key]


def _template_frame(traceback, dirs, fallback: str) -> tuple[str, int | None]:
    """The innermost template file and line in ``traceback``."""
    found = (fallback, None)
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if any(filename.startswith(str(folder)) for folder in dirs):
            found = (filename, traceback.tb_lineno)
        traceback = traceback.tb_next
    return found
