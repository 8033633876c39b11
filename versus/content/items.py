"""Item profiles: ``content/items/<item-slug>.yaml`` describes an item once, for every handout naming it.

A profile gives the item's ``name``, the ``aliases`` that mean the same item, a
one-line ``summary``, its ``website``, a ``logo`` (an image below content/ or
static/, as the site's ``logo`` setting) and ``facts``: attribute name to a cell
in any form a handout's table takes. A handout whose table lists an attribute
with no value for an item takes the profile's fact; its own value wins
(``versus.content.table``). Profiles are read once per folder state: a build
lists content/items/ and parses again only when a file in it changed.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ContentError, Problems
from ..settings import HIDDEN_PREFIXES, file_problem
from ..yamldoc import YamlDoc, load_yaml, nfc
from .facts import Cell, Source, read_cell, read_sources, url_problem

ITEMS_DIR = "items"
"""The folder below content/ that holds item profiles, and no handouts."""
PROFILE_KEYS = ("name", "aliases", "summary", "website", "logo", "facts", "sources")
MAX_ALIASES = 20
MAX_SUMMARY = 300
MAX_FACTS = 200
"""Facts one profile may give: as many as a table has rows."""


@dataclass(frozen=True)
class Profile:
    """One item, described once."""

    slug: str
    """Its file's name in content/items/, without ``.yaml``."""
    path: Path
    name: str
    aliases: tuple[str, ...] = ()
    summary: str = ""
    website: str = ""
    logo: str = ""
    """The image's path from the project (``static/logos/pg.svg``); empty for none."""
    facts: tuple[tuple[str, Cell], ...] = ()
    """(attribute name, cell), in the order given."""
    sources: tuple[tuple[str, Source], ...] = field(default=(), compare=False)
    """The sources its facts name, by key."""
    places: tuple[tuple[int, int], ...] = field(default=(), compare=False)
    """Where its name and each alias are written (line, column)."""

    @property
    def names(self) -> tuple[str, ...]:
        """Every name that means this item."""
        return (self.name, *self.aliases)

    def fact(self, attribute: str) -> Cell | None:
        """Its cell for ``attribute`` (names compared as a reader would: case and
        spacing aside), or None."""
        wanted = name_key(attribute)
        return next((cell for name, cell in self.facts if name_key(name) == wanted), None)


@dataclass(frozen=True)
class Profiles:
    """Every profile of a project, and what reading them found wrong."""

    by_slug: dict[str, Profile] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)
    """``name_key`` of each name and alias -> the profile's slug."""
    errors: tuple[ContentError, ...] = ()

    def of(self, item: str) -> Profile | None:
        """The profile of the item a handout names ``item``, or None."""
        slug = self.by_name.get(name_key(item))
        return None if slug is None else self.by_slug[slug]

    def __bool__(self) -> bool:
        return bool(self.by_slug)


def name_key(name: str) -> str:
    """What two spellings of one name share: 'PostgreSQL' and 'postgresql '."""
    return " ".join(nfc(name).casefold().split())


def folder(content: Path) -> Path:
    """The profiles' folder of the project whose content/ is ``content``."""
    return content / ITEMS_DIR


def paths(content: Path) -> list[Path]:
    """Every profile file (``content/items/*.yaml``, not hidden), sorted."""
    try:
        with os.scandir(folder(content)) as entries:
            names = sorted(entry.name for entry in entries if entry.name.endswith(".yaml")
                           and not entry.name.startswith(HIDDEN_PREFIXES))
    except OSError:  # no such folder: no profiles
        return []
    return [folder(content) / name for name in names]


_cache: dict[str, tuple[tuple, Profiles]] = {}


def load_profiles(content: Path, read_text: Callable[[Path], str]) -> Profiles:
    """Every profile below ``content``; parsed again only when a file of it changed."""
    found = paths(content)
    stamp = tuple((path.name, *_stamp(path)) for path in found)
    cached = _cache.get(str(content))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    profiles = read_profiles(found, content.parent, read_text)
    _cache[str(content)] = (stamp, profiles)
    return profiles


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.lstat()
    except OSError:
        return (-1, -1)
    return stat.st_size, max(stat.st_mtime_ns, stat.st_ctime_ns)


def read_profiles(found: list[Path], project: Path,
                  read_text: Callable[[Path], str]) -> Profiles:
    """The profiles in the files ``found``; an alias two of them claim is an error
    at the second, and its item keeps the first."""
    by_slug, by_name, errors = {}, {}, []
    for path in found:
        try:
            profile = read_profile(path, project, read_text)
        except Problems as problems:
            errors.extend(problems.errors)
            continue
        by_slug[profile.slug] = profile
        for name, (line, column) in zip(profile.names, profile.places):
            claimed = by_name.setdefault(name_key(name), profile.slug)
            if claimed != profile.slug:
                errors.append(ContentError(
                    f"'{name}' is a name of item profile '{claimed}' too "
                    f"({by_slug[claimed].path.name}): an item has one profile",
                    path, line, column))
    return Profiles(by_slug, by_name, tuple(errors))


def read_profile(path: Path, project: Path, read_text: Callable[[Path], str]) -> Profile:
    """The profile in ``path``; ``Problems`` with every error found."""
    if path.is_symlink() or not path.is_file():
        raise Problems([ContentError("an item profile must be a file of the project, "
                                     "not a link or a folder", path)])
    try:
        doc = load_yaml(read_text(path), str(path))
    except ContentError as error:
        raise Problems([error]) from None
    if not isinstance(doc.data, dict):
        raise Problems([doc.error("an item profile must be a mapping of name, aliases, "
                                  "summary, website, logo and facts")])
    errors: list[ContentError] = []
    _unknown_keys(doc, errors)
    name = _text(doc, "name", errors, required=True)
    aliases = _aliases(doc, errors)
    summary = _text(doc, "summary", errors)
    if len(summary) > MAX_SUMMARY:
        errors.append(doc.error(f"'summary' is {len(summary):,} characters long; at "
                                f"most {MAX_SUMMARY} (one line)", "summary"))
    website = _text(doc, "website", errors)
    if website and (problem := url_problem(website)):
        errors.append(doc.error(problem.replace("a source's address", "'website'"),
                                "website"))
    logo = _text(doc, "logo", errors)
    if logo and (problem := file_problem(project, "logo", logo)):
        errors.append(doc.error(problem, "logo"))
    sources = read_sources(doc, ("sources",), errors)
    facts = _facts(doc, sources, errors)
    if errors:
        raise Problems(errors)
    places = (doc.where("name"), *(doc.where("aliases", index)
                                   for index in range(len(aliases))))
    return Profile(path.stem, path, name, aliases, summary, website, logo, facts,
                   tuple(sources.items()), places)


def _unknown_keys(doc: YamlDoc, errors: list) -> None:
    for key in doc.data:
        if key not in PROFILE_KEYS:
            hint = difflib.get_close_matches(str(key), PROFILE_KEYS, n=1)
            errors.append(doc.error(
                f"unknown item profile key '{key}'"
                + (f"; did you mean '{hint[0]}'?" if hint
                   else f" (known: {', '.join(PROFILE_KEYS)})"), key, at_key=True))


def _text(doc: YamlDoc, key: str, errors: list, required: bool = False) -> str:
    value = doc.data.get(key)
    if value is None:
        if required:
            errors.append(doc.error(f"an item profile needs a '{key}'"))
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool) \
            or not str(value).strip():
        errors.append(doc.error(f"'{key}' must be text", key))
        return ""
    return nfc(str(value).strip())


def _aliases(doc: YamlDoc, errors: list) -> tuple[str, ...]:
    given = doc.data.get("aliases", [])
    if (not isinstance(given, list) or len(given) > MAX_ALIASES
            or not all(isinstance(alias, (str, int, float)) and str(alias).strip()
                       for alias in given)):
        errors.append(doc.error(f"'aliases' must be a list of at most {MAX_ALIASES} "
                                "names", "aliases"))
        return ()
    return tuple(nfc(str(alias).strip()) for alias in given)


def _facts(doc: YamlDoc, sources: dict[str, Source],
           errors: list) -> tuple[tuple[str, Cell], ...]:
    given = doc.data.get("facts", {})
    if not isinstance(given, dict) or len(given) > MAX_FACTS:
        errors.append(doc.error(f"'facts' must map at most {MAX_FACTS} attribute names "
                                "to a value each", "facts"))
        return ()
    facts = []
    for attribute, value in given.items():
        if not isinstance(attribute, str) or not attribute.strip():
            errors.append(doc.error("an attribute name must be text", "facts", attribute,
                                    at_key=True))
            continue
        cell = (Cell("", place=doc.where("facts", attribute)) if value is None else
                read_cell(doc, ("facts", attribute), value, sources, errors,
                          f"fact '{attribute}'"))
        if cell is not None:
            facts.append((nfc(attribute.strip()), cell))
    return tuple(facts)
