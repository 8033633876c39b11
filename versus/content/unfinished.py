"""What ``check`` warns about as unfinished work, each at its ``path:line:col``.

- ``empty-cell``: a cell of the comparison table with no text.
- ``placeholder``: a sentence ``versus new`` wrote for the author to replace. The
  sentences come from where the skeleton takes them: every catalog's
  ``skeleton_*`` keys (``templates/i18n/<lang>.yaml`` of the theme and the site),
  so the two cannot drift apart.
- ``todo``: ``TODO``, ``TBD`` or ``FIXME`` outside code spans, code blocks and comments.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from collections.abc import Iterator
from pathlib import Path

import yaml

from ..errors import ContentError
from ..i18n import I18N_DIR
from ..yamldoc import load_yaml
from .facts import EXAMPLE_SOURCE
from .handouts import Handout, read_text, split_front_matter
from .lint import WARNING, Body, Finding, read_body
from .spreadsheet import FACT_COLUMN_RE, WINNER_COLUMN, XLSX_SUFFIX, read_csv, read_xlsx

TODO_WORDS = ("TODO", "TBD", "FIXME")
TODO_RE = re.compile(r"\b(" + "|".join(TODO_WORDS) + r")\b")
"""A word of ``TODO_WORDS``, looked for only in a text that holds one: on the seed,
three substring searches take a fifth of the time of this pattern tried at every place."""
PLACEHOLDER_RE = re.compile(r"\{[^{}]*\}")
"""A value filled in by the skeleton, such as ``{items}``."""
SKELETON_PREFIX = "skeleton_"


def unfinished(handout: Handout, theme: tuple[Path, ...], body: Body | None = None,
               sentences: tuple[_Sentence, ...] | None = None) -> list[Finding]:
    """The empty cells, placeholder sentences and TODOs of a handout that loaded;
    ``body`` is its ``lint.read_body`` and ``sentences`` the theme's
    ``placeholders``, if already read."""
    return [*_empty_cells(handout), *_example_sources(handout),
            *_in_body(body or read_body(handout.source),
                      placeholders(theme) if sentences is None else sentences)]


@dataclass(frozen=True)
class _Sentence:
    """A skeleton sentence as a pattern, and its longest fixed part to look for
    first: a substring search is cheap, a pattern tried at every place is not."""

    anchor: str
    pattern: re.Pattern

    @functools.cached_property
    def ascii(self) -> bool:
        """Whether the anchor is all ASCII: else text that is cannot hold it."""
        return self.anchor.isascii()


def placeholders(theme: tuple[Path, ...]) -> tuple[_Sentence, ...]:
    """Every skeleton sentence, in every language, as something to look for."""
    sentences: set[str] = set()
    for folder in theme:
        sentences.update(_catalog_sentences(folder / I18N_DIR))
    return _patterns(tuple(sorted(sentences)))


@functools.lru_cache(maxsize=16)
def _patterns(sentences: tuple[str, ...]) -> tuple[_Sentence, ...]:
    found = []
    for sentence in sentences:
        pieces = PLACEHOLDER_RE.split(sentence.strip())
        anchor = max(pieces, key=len)
        if anchor.strip():  # a value filled in (``{items}``) may be any text on the line
            found.append(_Sentence(anchor, re.compile("[^\n]+?".join(map(re.escape,
                                                                          pieces)))))
    return tuple(found)


def _catalog_sentences(folder: Path) -> Iterator[str]:
    """The ``skeleton_*`` sentences of the catalogs in ``folder`` (headings aside)."""
    if not folder.is_dir():
        return
    for catalog in sorted(folder.glob("*.yaml")):
        try:
            stat = catalog.stat()
        except OSError:
            continue
        yield from _catalog(catalog, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=128)
def _catalog(catalog: Path, mtime_ns: int, size: int) -> tuple[str, ...]:
    """One catalog's skeleton sentences, read again only when the file changes
    (its time and size are part of the key): a check asks once per handout."""
    try:
        words = yaml.safe_load(read_text(catalog))
    except (ContentError, yaml.YAMLError):
        return ()  # a broken catalog is reported where pages are rendered
    if not isinstance(words, dict):
        return ()
    return tuple(value for key, value in words.items()
                 if str(key).startswith(SKELETON_PREFIX) and isinstance(value, str)
                 and PLACEHOLDER_RE.search(value))


def _matches(text: str, sentences: tuple[_Sentence, ...]) -> list[re.Match]:
    """Each place a sentence is left in ``text``, in order: a sentence sits on one
    line, so its pattern is tried only on the lines that hold its anchor."""
    found: dict[int, re.Match] = {}
    plain = text.isascii()  # most sentences are in other scripts than the text's
    for sentence in sentences:
        if plain and not sentence.ascii:
            continue
        start = text.find(sentence.anchor)
        while start >= 0:
            line_end = text.find("\n", start)
            line_end = len(text) if line_end < 0 else line_end
            line = sentence.pattern.search(text, text.rfind("\n", 0, start) + 1, line_end)
            if line is not None:
                found.setdefault(line.start(), line)
            start = text.find(sentence.anchor, line_end)
    return [found[start] for start in sorted(found)]


def _in_body(body: Body | None, sentences: tuple[_Sentence, ...]) -> Iterator[Finding]:
    if body is None:
        return
    for match in _matches(body.text, sentences):
        yield Finding(WARNING, "placeholder", body.error(
            f"placeholder text left from 'versus new': '{match.group()[:60]}'",
            match.start()))
    if not any(word in body.text for word in TODO_WORDS):
        return
    for match in TODO_RE.finditer(body.text):
        yield Finding(WARNING, "todo", body.error(f"unfinished: '{match.group()}'",
                                                  match.start()))


def _empty_cells(handout: Handout) -> Iterator[Finding]:
    data = handout.data_file
    try:
        if data is None or data.suffix == ".yaml":
            yield from _empty_yaml_cells(handout)
        else:
            sheet = (read_xlsx(data, data.stat().st_size + 1) if data.suffix == XLSX_SUFFIX
                     else read_csv(read_text(data), data))
            header = sheet.rows[0][1] if sheet.rows else []
            facts = {index for index, name in enumerate(header)  # optional: may be empty
                     if FACT_COLUMN_RE.match(name.strip())
                     or name.strip().casefold() == WINNER_COLUMN}
            for line, row in sheet.rows[1:]:
                for index, cell in enumerate(row[1:], start=1):
                    if not cell.strip() and index not in facts:
                        yield Finding(WARNING, "empty-cell", sheet.error(
                            f"attribute '{row[0].strip()}' has an empty cell", line, index))
    except (ContentError, OSError):
        return  # it loaded a moment ago: a file changed while checking


def _example_sources(handout: Handout) -> Iterator[Finding]:
    """The cells still naming the example source ``new`` wrote."""
    path = str(handout.data_file or handout.source)
    for attribute in handout.attributes:
        for item, cell in zip(handout.items, attribute.cells):
            if cell.source == EXAMPLE_SOURCE:
                line, column = cell.place or (None, None)
                yield Finding(WARNING, "placeholder", ContentError(
                    f"attribute '{attribute.name}' of item '{item}' names the example "
                    "source new wrote: give the address you read the fact at",
                    path, line, column))


def _empty_yaml_cells(handout: Handout) -> Iterator[Finding]:
    # The places come from the YAML read again; a handout whose every cell has
    # text of its own, as nearly all do, has none to find, and is not read again.
    if all(cell.text.strip() and cell.origin is None
           for attribute in handout.attributes for cell in attribute.cells):
        return
    if handout.data_file is None:
        front, _, _ = split_front_matter(read_text(handout.source), handout.source)
        doc, keys = load_yaml(front, str(handout.source), line_offset=1), ("attributes",)
    else:
        doc, keys = load_yaml(read_text(handout.data_file), str(handout.data_file)), ()
    table = doc.data
    for key in keys:
        table = table.get(key)
    for name, cells in table.items():
        for item, value in cells.items():
            at = (*keys, name, item)
            if isinstance(value, dict):  # a sourced cell: its text, or a rating
                at += ("value",) if "value" in value else ()
                value = value.get("value", value.get("rating"))
            if value is None or not str(value).strip():
                yield Finding(WARNING, "empty-cell", doc.error(
                    f"attribute '{name}' has no text for item '{item}'", *at))
