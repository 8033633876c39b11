"""``new``: a handout skeleton to fill in, written once and never over a file.

The skeleton follows the seed handout: front matter with the items, title,
tagline, date and an ``attributes`` table of empty cells, then a lead and the
seed's sections, each with a placeholder sentence. It loads without errors, so
it builds (and ``check`` passes) before a word of it is written.
"""

from __future__ import annotations

import datetime
import errno
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from .content import CONTENT_DIR, MAX_ITEMS, MIN_ITEMS, data_files
from .errors import ContentError, VersusError
from .output import write_error
from .settings import load_settings, source_date

ATTRIBUTES = ("Focus", "Goal", "Tools", "Team Structure", "Metrics")
LEAD = ("Say in one paragraph what {items} are and how they differ. "
        "The comparison table follows this lead.")
SECTIONS = (
    ("## Further Detail", "Introduce the detailed comparison of {items}."),
    ("### Definition", "Define {items} in a sentence or two each."),
    ("### Focus", "Describe what each of {items} concentrates on."),
    ("### Tools and Technologies", "Name the tools and technologies typical of {items}."),
    ("### Workflow", "Walk through a typical workflow with {items}."),
    ("### Team Collaboration", "Explain how teams work together with {items}."),
    ("### Benefits", "List what {items} each bring to an organization."),
    ("## Conclusion", "Sum up how {items} differ and when to choose which."),
)


# Latin letters that Unicode does not decompose into an ASCII letter and a mark.
_LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d",
                          "ð": "d", "ł": "l", "þ": "th", "ı": "i"})


def slugify(name: str) -> str:
    """``name`` as a slug part: ASCII letters folded to lowercase, digits, hyphens."""
    name = unicodedata.normalize("NFKD", name.lower().translate(_LETTERS))
    return re.sub(r"[^a-z0-9]+", "-", name.encode("ascii", "ignore").decode()).strip("-")


def slug_for(items: Sequence[str]) -> str:
    """The slug of a comparison of ``items``; ``ValueError`` if they cannot make one."""
    if not MIN_ITEMS <= len(items) <= MAX_ITEMS:
        raise ValueError(f"give {MIN_ITEMS} to {MAX_ITEMS} items, not {len(items)}")
    parts = []
    for item in items:
        part = slugify(item)
        if not part:
            raise ValueError(f"item {item!r} has no letters a-z or digits to name a "
                             "file by")
        if part in parts:
            raise ValueError(f"items {items[parts.index(part)]!r} and {item!r} are the "
                             f"same in a file name ('{part}')")
        parts.append(part)
    return "-vs-".join(parts)


def today(environ: Mapping[str, str] = os.environ) -> datetime.date:
    """Today's date, or the UTC day of ``SOURCE_DATE_EPOCH`` when that is set."""
    return source_date(environ) or datetime.date.today()


def new_handout(project: Path, items: Sequence[str], date: datetime.date,
                title: str | None = None) -> Path:
    """Write ``content/<slug>.md`` for ``items`` and return its path.

    ``ValueError`` for items or a title that cannot make a handout; ``ContentError``
    if the file exists (it is never overwritten); ``Problems`` for bad settings.
    """
    items = [str(item).strip() for item in items]
    slug = slug_for(items)
    if title is not None and not title.strip():
        raise ValueError("the title must not be empty")
    if not project.is_dir():
        raise VersusError("no such project folder", project)
    settings = load_settings(project)
    path = project / CONTENT_DIR / f"{slug}.md"
    tagline = settings.tagline or _theme_words(project, settings.lang)("tagline")
    try:
        _write_new(path, _text(path, items, title, tagline, date))
    except FileExistsError:
        raise ContentError("already exists", path) from None
    except OSError as error:  # a read-only project, a name too long for the disk
        raise write_error(path, error, kept=False) from None
    return path


def _text(path: Path, items: list[str], title: str | None, tagline: str,
          date: datetime.date) -> str:
    """The skeleton's front matter and body."""
    meta = {"items": items, "title": (title or " vs. ".join(items)).strip(),
            "tagline": tagline, "date": date}
    if not data_files(path):  # else the table already waits beside the handout
        meta["attributes"] = {name: {item: "" for item in items} for name in ATTRIBUTES}
    text = "---\n" + yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                               width=1000, default_flow_style=False)
    return text + "---\n" + skeleton(items)


def _write_new(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, which must not exist yet."""
    try:
        path.parent.mkdir(exist_ok=True)
    except FileExistsError:  # a file named content: not the handout existing
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR),
                                 str(path.parent)) from None
    file = path.open("x", encoding="utf-8", newline="\n")
    try:
        with file:
            file.write(text)
    except BaseException:
        path.unlink(missing_ok=True)  # never leave half a skeleton
        raise


def skeleton(items: Sequence[str]) -> str:
    """The Markdown body: a lead and the seed's sections, each a placeholder sentence."""
    names = ", ".join(items[:-1]) + " and " + items[-1]
    parts = [LEAD.format(items=names)]
    for heading, sentence in SECTIONS:
        parts += [heading, sentence.format(items=names)]
    return "\n\n".join(parts) + "\n"


class _Dumper(yaml.SafeDumper):
    """Safe YAML as a person writes it: ``items`` as a flow list, empty cells as ""."""


_Dumper.add_representer(list, lambda dumper, data: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", data, flow_style=True))
_Dumper.add_representer(str, lambda dumper, data: dumper.represent_scalar(
    "tag:yaml.org,2002:str", data, style='"' if data == "" else None))


def _theme_words(project: Path, lang: str):
    """The theme's fixed words in ``lang``, as pages get them."""
    from .render import Pages, Theme

    theme = Theme.for_project(project)
    return Pages(theme, load_settings(project)).words(lang)
