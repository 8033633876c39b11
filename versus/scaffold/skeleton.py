"""``new``: a handout skeleton to fill in, written once and never over a file.

The skeleton follows the seed handout: front matter with the items, title,
tagline, date and an ``attributes`` table of empty cells, then a lead and the
seed's sections, each with a placeholder sentence, in the handout's language.
It loads without errors, so it builds before a word of it is written.
"""

from __future__ import annotations

import datetime
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from ..content.facts import EXAMPLE_SOURCE
from ..content.files import CONTENT_DIR, data_files
from ..content.handouts import MAX_ITEMS, MIN_ITEMS
from ..errors import ContentError, VersusError
from ..i18n import format_list
from ..output import write_error, write_new
from ..settings import LANG_RE, load_settings, normal_lang, source_date

# The skeleton's words are the theme's (``attribute_<key>``, ``heading_<key>``,
# ``skeleton_<key>`` in i18n/<lang>.yaml), so ``new --lang`` writes it in that
# language and ``check`` knows its placeholder sentences in every language.
ATTRIBUTES = ("focus", "goal", "tools", "team", "metrics")
SECTIONS = (("##", "further_detail"), ("###", "definition"), ("###", "focus"),
            ("###", "tools"), ("###", "workflow"), ("###", "collaboration"),
            ("###", "benefits"), ("##", "conclusion"))


# Latin letters that Unicode does not decompose into an ASCII letter and a mark.
_LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d",
                          "ð": "d", "ł": "l", "þ": "th", "ı": "i"})


def slugify(name: str) -> str:
    """``name`` as a slug part: ASCII letters folded to lowercase, digits, hyphens."""
    name = unicodedata.normalize("NFKD", name.lower().translate(_LETTERS))
    return re.sub(r"[^a-z0-9]+", "-", name.encode("ascii", "ignore").decode()).strip("-")


def slug_for(items: Sequence[str]) -> str:
    """The slug of a comparison of ``items``; ``ValueError`` if they cannot make one."""
    count_items(items)
    parts = []
    for item in items:
        part = slugify(item)
        if not part:
            raise ValueError(f"item {item!r} has no letters a-z or digits to name a "
                             "file by: name the file with --slug")
        if part in parts:
            raise ValueError(f"items {items[parts.index(part)]!r} and {item!r} are the "
                             f"same in a file name ('{part}'): name the file with "
                             "--slug")
        parts.append(part)
    return "-vs-".join(parts)


def today(environ: Mapping[str, str] = os.environ) -> datetime.date:
    """Today's date, or the UTC day of ``SOURCE_DATE_EPOCH`` when that is set."""
    return source_date(environ) or datetime.date.today()


def new_handout(project: Path, items: Sequence[str], date: datetime.date,
                title: str | None = None, lang: str | None = None,
                slug: str | None = None) -> Path:
    """Write ``content/<slug>.md`` for ``items`` and return its path.

    The skeleton is in ``lang`` (the project's language by default), and the file
    named ``slug`` when given, else after the items. ``ValueError`` for items, a
    title, a language or a slug that cannot make a handout; ``ContentError`` if the
    file exists (it is never overwritten); ``Problems`` for bad settings.
    """
    items = [str(item).strip() for item in items]
    slug = _checked_slug(slug) if slug is not None else slug_for(items)
    count_items(items)
    if title is not None and not title.strip():
        raise ValueError("the title must not be empty")
    if lang is not None and not LANG_RE.match(lang):
        raise ValueError(f"--lang must be a language tag such as 'de' or 'pt-BR', "
                         f"not '{lang}'")
    lang = normal_lang(lang) if lang is not None else None
    if not project.is_dir():
        raise VersusError("no such project folder", project)
    settings = load_settings(project)
    words = _theme_words(project, lang or settings.lang)
    path = project / CONTENT_DIR / f"{slug}.md"
    meta = {"items": items,
            "title": (title or f" {words('versus')} ".join(items)).strip(),
            "tagline": settings.tagline or words("tagline"), "date": date}
    if lang is not None and lang != settings.lang:
        meta["lang"] = lang
    try:
        write_new(path, _text(path, meta, words))
    except FileExistsError:
        raise ContentError("already exists", path) from None
    except OSError as error:  # a read-only project, a name too long for the disk
        raise write_error(path, error, kept=False) from None
    return path


def count_items(items: Sequence[str]) -> None:
    """``ValueError`` unless there are as many items as a comparison takes."""
    if not MIN_ITEMS <= len(items) <= MAX_ITEMS:
        raise ValueError(f"give {MIN_ITEMS} to {MAX_ITEMS} items, not {len(items)}")


def _checked_slug(slug: str) -> str:
    """``slug`` if it names a handout file as ``new`` would, else ``ValueError``."""
    if not slug or slugify(slug) != slug:
        suggestion = slugify(slug)
        raise ValueError(f"--slug must be lowercase letters a-z, digits and single "
                         f"hyphens, such as '{suggestion or 'csharp-vs-cpp'}', "
                         f"not '{slug}'")
    return slug


def _text(path: Path, meta: dict, words) -> str:
    """The skeleton's front matter and body, in the language of ``words``."""
    items = meta["items"]
    if not data_files(path):  # else the table already waits beside the handout
        meta["attributes"] = {words(f"attribute_{key}"): {item: "" for item in items}
                              for key in ATTRIBUTES}
        first = next(iter(meta["attributes"].values()))  # how a sourced cell is written
        first[items[0]] = {"value": "", "source": EXAMPLE_SOURCE, "as_of": meta["date"]}
    text = "---\n" + yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                               width=1000, default_flow_style=False)
    return text + "---\n" + skeleton(items, words)


def skeleton(items: Sequence[str], words) -> str:
    """The Markdown body: a lead and the seed's sections, each a placeholder
    sentence, in the language of ``words`` (a ``versus.i18n.Translator``)."""
    names = format_list(list(items), words.lang)
    parts = [words("skeleton_lead", items=names)]
    for level, key in SECTIONS:
        parts += [f"{level} {words(f'heading_{key}')}",
                  words(f"skeleton_{key}", items=names)]
    return "\n\n".join(parts) + "\n"


class _Dumper(yaml.SafeDumper):
    """Safe YAML as a person writes it: ``items`` as a flow list, empty cells as "",
    a value given twice (the date) written twice, not as an anchor and alias."""

    def ignore_aliases(self, data) -> bool:
        return True


_Dumper.add_representer(list, lambda dumper, data: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", data, flow_style=True))
_Dumper.add_representer(str, lambda dumper, data: dumper.represent_scalar(
    "tag:yaml.org,2002:str", data, style='"' if data == "" else None))


def _theme_words(project: Path, lang: str):
    """The theme's fixed words in ``lang``, as pages get them."""
    from ..render.pages import Pages
    from ..render.theme import Theme

    theme = Theme.for_project(project)
    return Pages(theme, load_settings(project)).words(lang)
