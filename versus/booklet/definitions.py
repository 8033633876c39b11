"""The booklets a project defines: ``booklets:`` in versus.yaml, read and checked.

Each booklet has a name (its file, ``output/booklets/<name>.pdf``), a title and
subtitle for its cover, whether it is printed on both sides, its paper, and its
parts: each a title and the handouts it holds, named by slug or shell pattern
(``handouts:``) or by tag (``tags:``). Reading checks the shape of the section
and reports every problem at its ``path:line:col``; ``resolve`` then turns a
booklet's parts into slugs, in the order given.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import ContentError, Problems, SettingsError, VersusError
from ..output import BOOKLETS_DIR
from ..settings import PAPER_SIZES, SETTINGS_FILE
from ..yamldoc import load_yaml, nfc

SECTION = "booklets"
NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_NAME = 80
BOOKLET_KEYS = ("name", "title", "subtitle", "duplex", "paper", "parts")
PART_KEYS = ("title", "handouts", "tags")
PATTERN_CHARS = "*?["


@dataclass(frozen=True)
class Named:
    """A slug or shell pattern in a part's ``handouts:``, and where it is written."""

    text: str
    line: int
    column: int

    @property
    def pattern(self) -> bool:
        return any(char in self.text for char in PATTERN_CHARS)


@dataclass(frozen=True)
class PartDefinition:
    """One part of a booklet: its title, then the handouts named, then those tagged."""

    title: str
    handouts: tuple[Named, ...] = ()
    tags: tuple[str, ...] = ()
    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class Definition:
    """One booklet of ``booklets:``; ``None`` where the project's setting applies."""

    name: str
    parts: tuple[PartDefinition, ...]
    title: str | None = None
    subtitle: str | None = None
    duplex: bool = False
    paper: str | None = None
    path: str = ""
    """The versus.yaml it is defined in, for the messages about it."""
    line: int = 0
    column: int = 0

    @property
    def target(self) -> str:
        """Its file below output/."""
        return booklet_target(self.name)


def booklet_target(name: str) -> str:
    return f"{BOOKLETS_DIR}/{name}.pdf"


def name_problem(name) -> str | None:
    """Why ``name`` cannot name a booklet's file, or ``None``."""
    if not isinstance(name, str) or not NAME_RE.match(name) or len(name) > MAX_NAME:
        shown = name if isinstance(name, str) else type(name).__name__
        return (f"a booklet's name is its file name: lowercase a-z, 0-9 and '-' (at most "
                f"{MAX_NAME}), such as 'field-guide', not '{shown}'")
    return None


def load_definitions(project: Path) -> tuple[Definition, ...]:
    """The booklets ``versus.yaml`` defines (none without ``booklets:``); raise
    ``Problems`` listing every error in the section."""
    path = project / SETTINGS_FILE
    if not path.is_file():
        return ()
    display = str(path)
    try:
        doc = load_yaml(path.read_text(encoding="utf-8-sig"), display)
    except (ContentError, UnicodeDecodeError, OSError):
        return ()  # the settings say so: they are read first
    if not isinstance(doc.data, dict) or doc.data.get(SECTION) is None:
        return ()
    reader = _Reader(display, doc.node)
    found = reader.booklets(doc.data[SECTION])
    if reader.errors:
        raise Problems(reader.errors)
    return found


class _Reader:
    """Reads the section, collecting its errors, each placed by its YAML node."""

    def __init__(self, path: str, root):
        self.path, self.root = path, root
        self.errors: list[VersusError] = []

    def error(self, message: str, *where, key: bool = False) -> None:
        line, column = self.where(*where, key=key)
        self.errors.append(SettingsError(message, self.path, line, column))

    def where(self, *keys, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at ``keys`` (mapping keys and list
        indices), or with ``key`` of the last mapping key itself."""
        node, mark = self.root, self.root.start_mark
        for number, step in enumerate(keys, 1):
            if isinstance(node, yaml.MappingNode):
                pair = next(((k, v) for k, v in node.value
                             if isinstance(k, yaml.ScalarNode) and nfc(k.value) == str(step)),
                            None)
                if pair is None:
                    break
                node = pair[1]
                mark = (pair[0] if key and number == len(keys) else node).start_mark
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) \
                    and step < len(node.value):
                node, mark = node.value[step], node.value[step].start_mark
            else:
                break
        return mark.line + 1, mark.column + 1

    def booklets(self, value) -> tuple[Definition, ...]:
        if value == []:
            return ()
        if not isinstance(value, list):
            self.error("'booklets' must be a list of booklets, each with a name and "
                       "parts", SECTION)
            return ()
        found, names = [], {}
        for index, item in enumerate(value):
            definition = self.booklet(item, (SECTION, index))
            if definition is None:
                continue
            if definition.name in names:
                self.error(f"booklet '{definition.name}' is defined twice (first on line "
                           f"{names[definition.name]})", SECTION, index, "name")
                continue
            names[definition.name] = definition.line
            found.append(definition)
        return tuple(found)

    def booklet(self, item, at: tuple) -> Definition | None:
        if not isinstance(item, dict):
            self.error("each booklet must be a mapping with a name and parts", *at)
            return None
        errors = len(self.errors)
        self.known_keys(item, BOOKLET_KEYS, "a booklet", at)
        name = item.get("name")
        if name is None:
            self.error("a booklet needs a name (its file: output/booklets/<name>.pdf)",
                       *at)
        elif problem := name_problem(name):
            self.error(problem, *at, "name")
        title = self.text(item, "title", at)
        subtitle = self.text(item, "subtitle", at)
        duplex = item.get("duplex", False)
        if not isinstance(duplex, bool):
            self.error("'duplex' must be true or false", *at, "duplex")
        paper = item.get("paper")
        if paper is not None and str(paper).lower() not in PAPER_SIZES:
            self.error(f"paper must be one of {', '.join(PAPER_SIZES.values())}, "
                       f"not '{paper}'", *at, "paper")
        parts = self.parts(item.get("parts"), at)
        if len(self.errors) > errors:
            return None
        line, column = self.where(*at)
        return Definition(name, parts, title, subtitle, duplex,
                          PAPER_SIZES[str(paper).lower()] if paper is not None else None,
                          self.path, line, column)

    def parts(self, value, at: tuple) -> tuple[PartDefinition, ...]:
        if not isinstance(value, list) or not value:
            self.error("a booklet needs 'parts': a list of parts, each with a title and "
                       "handouts or tags", *at, *(("parts",) if value is not None else ()))
            return ()
        parts = []
        for index, item in enumerate(value):
            where = (*at, "parts", index)
            if not isinstance(item, dict):
                self.error("each part must be a mapping with a title and handouts or "
                           "tags", *where)
                continue
            self.known_keys(item, PART_KEYS, "a part", where)
            title = self.text(item, "title", where)
            if not title:
                self.error("a part needs a title", *where)
            handouts = self.strings(item, "handouts", where)
            tags = self.strings(item, "tags", where)
            if "handouts" not in item and "tags" not in item:
                self.error("a part needs 'handouts' (slugs or shell patterns) or 'tags'",
                           *where)
            line, column = self.where(*where)
            parts.append(PartDefinition(
                title or "", tuple(Named(text, *self.where(*where, "handouts", number))
                                   for number, text in handouts),
                tuple(text for _, text in tags), line, column))
        return tuple(parts)

    def known_keys(self, item: dict, known: tuple[str, ...], what: str,
                   at: tuple) -> bool:
        unknown = [key for key in item if key not in known]
        for key in unknown:
            hint = difflib.get_close_matches(str(key), known, n=1)
            suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
            self.error(f"unknown key '{key}' in {what}{suggestion} (it may have "
                       f"{', '.join(known)})", *at, key, key=True)
        return not unknown

    def text(self, item: dict, key: str, at: tuple) -> str | None:
        value = item.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.error(f"'{key}' must be text, not {type(value).__name__}", *at, key)
            return None
        return value

    def strings(self, item: dict, key: str, at: tuple) -> list[tuple[int, str]]:
        """The texts of list ``key`` with their indices (one text is a list of one)."""
        value = item.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip()
                                                  for v in value):
            self.error(f"'{key}' must be a list of "
                       + ("slugs or shell patterns" if key == "handouts" else "tags"),
                       *at, key)
            return []
        return [(index, text.strip()) for index, text in enumerate(value)]


@dataclass
class Resolved:
    """A booklet's handouts by part, and what resolving it found wrong."""

    parts: list[tuple[str, list[str]]]
    errors: list[VersusError]
    warnings: list[VersusError]

    @property
    def slugs(self) -> list[str]:
        return [slug for _, slugs in self.parts for slug in slugs]


def resolve(definition: Definition, slugs: Iterable[str],
            tags_of: Callable[[str], set[str]]) -> Resolved:
    """The slugs of each part of ``definition`` among the handouts ``slugs``.

    A part holds the handouts its ``handouts:`` names, in the order given (a
    pattern's matches in slug order), then those with any of its ``tags:`` (in
    slug order). A slug is named once per booklet, and a handout matched once:
    a slug named twice, or a handout two patterns match, is an error. A pattern
    leaves out the handouts the booklet names by slug, and a tag those it already
    holds: ``[cloud/aws-vs-gcp, 'cloud/*']`` puts that one first, then the rest.
    """
    slugs = sorted(slugs)
    known = set(slugs)
    result = Resolved([], [], [])
    where = {}
    for part in definition.parts:
        for named in part.handouts:
            if named.pattern:
                continue
            if named.text not in known:
                hint = difflib.get_close_matches(named.text, slugs, n=1)
                result.errors.append(_at(definition, named, (
                    f"no handout '{named.text}' in content/ for booklet "
                    f"'{definition.name}'" + (f"; did you mean '{hint[0]}'?" if hint else ""))))
            elif named.text in where:
                result.errors.append(_at(definition, named, (
                    f"'{named.text}' is named twice in booklet '{definition.name}' "
                    f"(first on line {where[named.text].line})")))
            else:
                where[named.text] = named
    placed: dict[str, Named] = {}
    for part in definition.parts:
        chosen = []
        for named in part.handouts:
            if not named.pattern:
                if where.get(named.text) is named:
                    chosen.append(named.text)
                    placed[named.text] = named
                continue
            matches = [slug for slug in slugs if fnmatch.fnmatchcase(slug, named.text)]
            if not matches:
                result.warnings.append(_at(definition, named, (
                    f"'{named.text}' matches no handout in content/ (booklet "
                    f"'{definition.name}')")))
            for slug in matches:
                if slug in where:
                    continue  # named by its slug: it goes there
                if slug in placed:
                    result.errors.append(_at(definition, named, (
                        f"'{named.text}' matches '{slug}', which '{placed[slug].text}' on "
                        f"line {placed[slug].line} matches too: a handout is named once "
                        f"in booklet '{definition.name}'")))
                    continue
                chosen.append(slug)
                placed[slug] = named
        result.parts.append((part.title, chosen))
    _add_tagged(definition, slugs, tags_of, result)
    return result


def _add_tagged(definition: Definition, slugs: list[str],
                tags_of: Callable[[str], set[str]], result: Resolved) -> None:
    """Each part's tagged handouts, after its named ones, each in its first part."""
    placed = set(result.slugs)
    for (title, chosen), part in zip(result.parts, definition.parts):
        wanted = {tag.casefold() for tag in part.tags}
        if not wanted:
            continue
        tagged = [slug for slug in slugs if tags_of(slug) & wanted]
        if not tagged:
            result.warnings.append(VersusError(
                f"no handout has the tags {', '.join(part.tags)} of part '{title}' "
                f"(booklet '{definition.name}')", definition.path, part.line, part.column))
        for slug in tagged:
            if slug not in placed:
                chosen.append(slug)
                placed.add(slug)


def _at(definition: Definition, named: Named, message: str) -> VersusError:
    return SettingsError(message, definition.path, named.line, named.column)
