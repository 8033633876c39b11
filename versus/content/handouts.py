"""content/ -> Handout objects: front matter, attribute data, and their checks.

A handout is ``content/<slug>.md``: YAML front matter between ``---`` lines, then
Markdown. Its comparison table lives in the front matter (``attributes``) or in a
data file beside it (``<slug>.yaml``, ``<slug>.csv`` or ``<slug>.xlsx``), never
both (``versus.content.table``). Every problem
is reported as a ``ContentError`` at ``path:line:col``, all of them at once.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ContentError, Problems
from ..settings import IDENTICAL_ROWS, LANG_RE, Settings, normal_lang
from ..yamldoc import YamlDoc, load_yaml, nfc
from . import editions, passages
from .editions import Standing
from .facts import Source, parse_date
from .files import MAX_FILE_BYTES
from .items import Profile, Profiles, load_profiles
from .passages import outside_fences
from .table import Attribute, Table, load_table

MIN_ITEMS, MAX_ITEMS = 2, 6
MAX_INDENT = 200
"""Columns a body line may be indented: deeper makes Markdown recurse for minutes."""
MAX_BLOCKS = 5000
"""Table rows and list items a body may hold. Each makes at least one HTML element,
and a page may have at most ``versus.render.pages.MAX_ELEMENTS``: counted on the source,
so a 60,000-row table is refused before Markdown spends minutes converting it."""
BLOCK_RE = re.compile(r"^\s*(\||[-*+]\s|\d{1,9}[.)]\s)")
MAX_TEXT = {"title": 500, "tagline": 500, "author": 300, "lang": 64, "tag": 50}
"""Characters of each front-matter text: smart quotes on a 240 KB title of quotes
took minutes, and a ``lang`` of 100,000 subtags as long; BCP 47 asks for 35."""
MAX_ITEM = 75
"""Characters of an item name: six of them make a title within ``MAX_TEXT``."""
MAX_CORRECTIONS = 50
"""Corrections one handout lists: the ones a reader needs, not a changelog."""
MAX_TAGS = 20
"""Tags of one handout: 4,000 made 4,000 tag pages listing 4,000 tags each (769 MB)."""
KNOWN_KEYS = ("items", "title", "tagline", "date", "lang", "author", "tags", "draft",
              "attributes", "sources", "review_after", "identical_rows", "corrections")
HEADING_RE = re.compile(r"^ {0,3}#{1,6}(\s|$)")
SETEXT_RE = re.compile(r"^ {0,3}(=+|-+)\s*$")


@dataclass(frozen=True)
class Handout:
    """One comparison handout, validated and ready to render."""

    slug: str
    source: Path
    data_file: Path | None
    items: tuple[str, ...]
    title: str
    tagline: str
    lang: str
    author: str
    attributes: tuple[Attribute, ...]
    lead: str
    body: str
    date: datetime.date | None = None
    tags: tuple[str, ...] = ()
    draft: bool = False
    sources: tuple[tuple[str, Source], ...] = ()
    """The sources its cells name, by key (``sources:`` and URLs given in cells)."""
    identical_rows: str | None = None
    """How the page shows rows whose cells are all the same; None: as the settings say."""
    review_after: datetime.date | None = None
    """The day after which ``check`` says its facts are due for review."""
    corrections: tuple[tuple[datetime.date, str], ...] = ()
    """The corrections made after readers' reports: (day, what was corrected)."""
    edition: Standing = Standing()
    """The edition it prints as (``versus.content.editions``): 0 until released."""
    editions: tuple[editions.Edition, ...] = ()
    """Every edition ``versus release`` recorded of it, oldest first."""
    profiles: tuple[Profile | None, ...] = field(default=(), compare=False)
    """Each item's profile (``versus.content.items``), or None."""
    passages: tuple[Path, ...] = ()
    """The shared passages its body includes (``versus.content.passages``)."""
    related: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    """(slug, title) of the comparisons sharing an item with it, most shared
    first: the build fills it in (``versus.build.uses``)."""
    warnings: tuple[ContentError, ...] = field(default=(), compare=False)

    @property
    def inputs(self) -> tuple[Path, ...]:
        """The content files this handout was read from."""
        return ((self.source,) + ((self.data_file,) if self.data_file else ())
                + tuple(profile.path for profile in self.used_profiles) + self.passages)

    @property
    def used_profiles(self) -> tuple[Profile, ...]:
        """The item profiles of its items, each once."""
        return tuple({p.slug: p for p in self.profiles if p is not None}.values())


def read_text(path: Path) -> str:
    """The UTF-8 text of ``path`` with a BOM dropped and newlines made ``\\n``."""
    try:
        with path.open("rb") as handle:  # never more than the cap, however large the file
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:  # gone since it was listed (a save mid-build), unreadable
        raise ContentError(f"cannot read: {error.strerror or error}", path) from None
    if len(data) > MAX_FILE_BYTES:
        raise ContentError(f"file is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB",
                           path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise ContentError(f"not valid UTF-8 (byte {error.start})", path,
                           line, column) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """Front matter text, body text, and the 1-based line where the body starts."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise ContentError("missing front matter: the file must start with a '---' line",
                           path, 1, 1)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    raise ContentError("front matter is not closed by a '---' line", path, 1, 1)


def split_lead(body: str) -> tuple[str, str]:
    """The lead (all text before the first heading) and the rest of the body."""
    lines = body.split("\n")
    for index, line in outside_fences(lines):
        if HEADING_RE.match(line):
            return "\n".join(lines[:index]), "\n".join(lines[index:])
        if (SETEXT_RE.match(line) and index > 0 and lines[index - 1].strip()
                and not HEADING_RE.match(lines[index - 1])):
            start = index - 1
            while start > 0 and lines[start - 1].strip():
                start -= 1
            return "\n".join(lines[:start]), "\n".join(lines[start:])
    return body, ""


def content_root(path: Path, slug: str) -> Path:
    """The content/ folder of handout ``path`` named ``slug``."""
    return path.parents[slug.count("/")]


def load_handout(path: Path, slug: str, settings: Settings,
                 profiles: Profiles | None = None) -> Handout:
    """Read and validate one handout; raise ``Problems`` with every error found.
    ``profiles``: the project's item profiles, when the caller has read them."""
    try:
        front_text, body, body_line = split_front_matter(read_text(path), path)
        doc = load_yaml(front_text, str(path), line_offset=1)
    except ContentError as error:
        raise Problems([error]) from None
    if not isinstance(doc.data, dict):
        raise Problems([doc.error("front matter must be a mapping of keys to values")])
    errors: list[ContentError] = []
    meta = _check_meta(doc, settings, errors)
    warnings = tuple(_unknown_keys(doc))
    items = meta.get("items", ())
    if profiles is None:
        profiles = load_profiles(content_root(path, slug), read_text)
    found = tuple(map(profiles.of, items)) if profiles else ()
    table = load_table(path, doc, items, errors, read_text, found) if items else Table()
    if errors:
        raise Problems(errors)
    # Before the caps: a passage counts as if written here.
    body, included = passages.include(body, path, body_line,
                                      content_root(path, slug) / passages.SHARED_DIR,
                                      read_text)
    deep = _too_deep(body)
    if deep:
        raise Problems([ContentError(f"line is indented {deep[1]} columns; at most "
                                     f"{MAX_INDENT} are allowed", path,
                                     body_line + deep[0], 1)])
    many = _too_many_blocks(body)
    if many is not None:
        raise Problems([ContentError(f"the body has more than {MAX_BLOCKS:,} table rows "
                                     "and list items (a printed handout never needs "
                                     "more)", path, body_line + many, 1)])
    lead, rest = split_lead(body)
    handout = Handout(slug=slug, source=path, data_file=table.data_file,
                      attributes=table.attributes, sources=table.sources, lead=lead,
                      body=rest, warnings=warnings, profiles=found, passages=included,
                      **meta)
    try:
        recorded = recorded_editions(path, slug)
    except ContentError as error:
        raise Problems([error]) from None
    if not recorded:
        return handout
    return dataclasses.replace(handout, edition=editions.standing(handout, recorded),
                               editions=recorded)


def recorded_editions(path: Path, slug: str) -> tuple[editions.Edition, ...]:
    """What ``versus release`` recorded of the handout at ``path``."""
    try:
        recorded = editions.path_for(path, slug)
    except IndexError:  # not below a project's content/
        return ()
    if recorded.is_symlink():
        raise ContentError("a link: an editions file must be a file of the project",
                           recorded)
    if not recorded.is_file():
        return ()
    return editions.parse(read_text(recorded), recorded)


def _too_deep(body: str) -> tuple[int, int] | None:
    """The first body line (0-based) indented more than ``MAX_INDENT``, and its indent."""
    for number, line in enumerate(body.split("\n")):
        if len(line) > MAX_INDENT:
            indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
            if indent > MAX_INDENT:
                return number, indent
    return None


def _too_many_blocks(body: str) -> int | None:
    """The body line (0-based) of the table row or list item past ``MAX_BLOCKS``,
    outside fenced code; None if there are not that many."""
    count = 0
    for number, line in outside_fences(body.split("\n")):
        if BLOCK_RE.match(line):
            count += 1
            if count > MAX_BLOCKS:
                return number
    return None


def _unknown_keys(doc: YamlDoc):
    import difflib

    for key in doc.data:
        if key not in KNOWN_KEYS:
            hint = difflib.get_close_matches(str(key), KNOWN_KEYS, n=1)
            suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
            yield doc.error(f"unknown front matter key '{key}'{suggestion}", key,
                            at_key=True)


def look_alike(names: list[str]) -> tuple[str, str] | None:
    """The first two of ``names`` a reader cannot tell apart, or None: the same
    once invisible (format) characters are dropped, compatibility forms folded
    (NFKC), look-alike letters of other scripts taken for one (Unicode's
    confusables) and case ignored."""
    seen: dict[str, str] = {}
    for name in names:
        first = seen.setdefault(skeleton(name), name)
        if first != name:
            return first, name
    return None


def skeleton(name: str) -> str:
    """What ``name`` looks like: one spelling for all the names that look alike."""
    from confusable_homoglyphs.confusables import confusables_data

    visible = "".join(char for char in unicodedata.normalize("NFKC", name)
                      if unicodedata.category(char) != "Cf").casefold()
    # Of a letter and its look-alikes, the lowest code point stands for them all.
    return "".join(min([char, *(glyph["c"] for glyph in confusables_data.get(char, ()))])
                   for char in visible)


def _check_meta(doc: YamlDoc, settings: Settings, errors: list) -> dict:
    """The handout's fields from front matter, with defaults; problems into ``errors``."""
    data = doc.data
    meta = {}
    items = data.get("items")
    if items is None:
        errors.append(doc.error("missing 'items': list the 2 to 6 things compared"))
    elif (not isinstance(items, list)
          or not all(isinstance(item, (str, int, float)) and str(item).strip()
                     for item in items)):
        errors.append(doc.error("'items' must be a list of names", "items"))
    else:
        names = [nfc(str(item).strip()) for item in items]  # 'Café' is one name
        duplicates = sorted({name for name in names if names.count(name) > 1})
        alike = None if duplicates else look_alike(names)
        if not MIN_ITEMS <= len(names) <= MAX_ITEMS:
            errors.append(doc.error(
                f"'items' must name {MIN_ITEMS} to {MAX_ITEMS} things, not {len(names)}",
                "items"))
        elif duplicates:
            errors.append(doc.error(f"item '{duplicates[0]}' is named twice", "items"))
        elif (longest := max(map(len, names))) > MAX_ITEM:
            errors.append(doc.error(f"an item name is {longest:,} characters long; at "
                                    f"most {MAX_ITEM}", "items"))
        elif alike:
            errors.append(doc.error(
                f"items {ascii(alike[0])} and {ascii(alike[1])} look the same (they differ "
                "only in look-alike or invisible characters): name them apart", "items"))
        else:
            meta["items"] = tuple(names)
    for key, default in (("title", " vs. ".join(meta.get("items", ()))),
                         ("tagline", settings.tagline), ("author", settings.author),
                         ("lang", settings.lang)):
        value = data.get(key, default)
        if not isinstance(value, str):
            errors.append(doc.error(f"'{key}' must be text", key))
        elif len(value) > MAX_TEXT[key]:  # before any work: typography is quadratic
            errors.append(doc.error(f"'{key}' is {len(value):,} characters long; at most "
                                    f"{MAX_TEXT[key]:,}", key))
        elif key == "lang" and not LANG_RE.match(value):
            errors.append(doc.error(f"'lang' must be a language tag such as 'en', "
                                    f"not '{value}'", key))
        else:
            meta[key] = normal_lang(value) if key == "lang" else value.strip()
    meta["date"] = _check_date(doc, errors)
    meta["review_after"] = _check_date(doc, errors, "review_after")
    meta["corrections"] = _check_corrections(doc, errors)
    mode = data.get("identical_rows")
    if mode is not None and mode not in IDENTICAL_ROWS:
        errors.append(doc.error(f"'identical_rows' must be one of "
                                f"{', '.join(IDENTICAL_ROWS)}", "identical_rows"))
    meta["identical_rows"] = mode if mode in IDENTICAL_ROWS else None
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        errors.append(doc.error("'tags' must be a list of words", "tags"))
    elif len(tags) > MAX_TAGS:  # each tag's page lists the tags of its handouts
        errors.append(doc.error(f"'tags' names {len(tags):,} tags; at most {MAX_TAGS}",
                                "tags"))
    elif (longest := max(map(len, tags), default=0)) > MAX_TEXT["tag"]:
        errors.append(doc.error(f"a tag is {longest:,} characters long; at most "
                                f"{MAX_TEXT['tag']}", "tags"))
    else:
        meta["tags"] = tuple(tags)
    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        errors.append(doc.error("'draft' must be true or false", "draft"))
    meta["draft"] = draft is True
    return meta


def _check_corrections(doc: YamlDoc, errors: list) -> tuple:
    """``corrections:``: a list of ``{date, text}``, in the order given."""
    given = doc.data.get("corrections", [])
    if not isinstance(given, list) or len(given) > MAX_CORRECTIONS:
        errors.append(doc.error(f"'corrections' must be a list of at most "
                                f"{MAX_CORRECTIONS} entries, each a date and a text",
                                "corrections"))
        return ()
    found = []
    for index, entry in enumerate(given):
        day = parse_date(entry.get("date")) if isinstance(entry, dict) else None
        text = entry.get("text") if isinstance(entry, dict) else None
        if (not isinstance(entry, dict) or set(entry) != {"date", "text"} or day is None
                or not isinstance(text, str) or not text.strip()
                or len(text) > MAX_TEXT["tagline"]):
            errors.append(doc.error(
                "a correction must be {date: 2026-12-01, text: what was corrected} "
                f"(the text at most {MAX_TEXT['tagline']} characters)",
                "corrections", index))
            continue
        found.append((day, text.strip()))
    return tuple(found)


def _check_date(doc: YamlDoc, errors: list, key: str = "date") -> datetime.date | None:
    value = doc.data.get(key)
    if value is None or type(value) is datetime.date:
        return value
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    errors.append(doc.error(f"'{key}' must be a date such as 2026-11-26", key))
    return None
