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
from collections.abc import Iterator
from pathlib import Path

import yaml

from .content import Handout, read_text, split_front_matter
from .errors import ContentError
from .i18n import I18N_DIR
from .lint import WARNING, Body, Finding
from .spreadsheet import XLSX_SUFFIX, read_csv, read_xlsx
from .yamldoc import load_yaml

TODO_RE = re.compile(r"\b(TODO|TBD|FIXME)\b")
PLACEHOLDER_RE = re.compile(r"\{[^{}]*\}")
"""A value filled in by the skeleton, such as ``{items}``."""
SKELETON_PREFIX = "skeleton_"


def unfinished(handout: Handout, theme: tuple[Path, ...]) -> list[Finding]:
    """The empty cells, placeholder sentences and TODOs of a handout that loaded."""
    return [*_empty_cells(handout), *_in_body(handout.source, placeholders(theme))]


def placeholders(theme: tuple[Path, ...]) -> re.Pattern:
    """One pattern matching every skeleton sentence, in every language."""
    sentences: set[str] = set()
    for folder in theme:
        sentences.update(_catalog_sentences(folder / I18N_DIR))
    return _pattern(tuple(sorted(sentences)))


@functools.lru_cache(maxsize=16)
def _pattern(sentences: tuple[str, ...]) -> re.Pattern:
    parts = ["".join(re.escape(text) + ("[^\n]+?" if index < len(pieces) - 1 else "")
                     for index, text in enumerate(pieces))
             for pieces in (PLACEHOLDER_RE.split(sentence.strip()) for sentence in sentences)]
    return re.compile("|".join(f"(?:{part})" for part in parts if part.strip()))


def _catalog_sentences(folder: Path) -> Iterator[str]:
    """The ``skeleton_*`` sentences of the catalogs in ``folder`` (headings aside)."""
    if not folder.is_dir():
        return
    for catalog in sorted(folder.glob("*.yaml")):
        try:
            words = yaml.safe_load(read_text(catalog))
        except (ContentError, yaml.YAMLError):
            continue  # a broken catalog is reported where pages are rendered
        if not isinstance(words, dict):
            continue
        for key, value in words.items():
            if (str(key).startswith(SKELETON_PREFIX) and isinstance(value, str)
                    and PLACEHOLDER_RE.search(value)):
                yield value


def _in_body(path: Path, pattern: re.Pattern) -> Iterator[Finding]:
    try:
        _, text, first_line = split_front_matter(read_text(path), path)
    except ContentError:
        return
    body = Body(text, path, first_line)
    for match in pattern.finditer(body.text):
        yield Finding(WARNING, "placeholder", body.error(
            f"placeholder text left from 'versus new': '{match.group()[:60]}'",
            match.start()))
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
            for line, row in sheet.rows[1:]:
                for index, cell in enumerate(row[1:], start=1):
                    if not cell.strip():
                        yield Finding(WARNING, "empty-cell", sheet.error(
                            f"attribute '{row[0].strip()}' has an empty cell", line, index))
    except (ContentError, OSError):
        return  # it loaded a moment ago: a file changed while checking


def _empty_yaml_cells(handout: Handout) -> Iterator[Finding]:
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
            if value is None or not str(value).strip():
                yield Finding(WARNING, "empty-cell", doc.error(
                    f"attribute '{name}' has no text for item '{item}'", *keys, name, item))
