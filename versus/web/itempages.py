"""The items' pages: ``output/items/<item-slug>.html`` lists the comparisons naming an
item, with what its profile says of it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..content.handouts import Handout
from ..content.items import Profile

ITEMS_DIR = "items"
"""Where below output/ the items' pages are."""
CONTENT_PREFIX = "content/"

MAX_FACT_TEXT = 300
"""Characters of a fact an item page shows: a cell, not a paragraph."""


def item_slug(handout: Handout, position: int) -> str:
    """The name of the page of ``handout``'s item ``position``: its profile's, else
    the one its name makes (as a tag's)."""
    from .site import tag_slug

    profiles = handout.profiles
    profile = profiles[position] if position < len(profiles) else None
    return profile.slug if profile is not None else tag_slug(handout.items[position])


def image_url(path: str, root: str, medium: str) -> str:
    """The address of image ``path`` (from the project: static/… or content/…)
    from a page at ``root``: in print the project's file, on the web the
    published copy (content's images are published beside the pages)."""
    if medium == "screen" and path.startswith(CONTENT_PREFIX):
        path = "html/" + path[len(CONTENT_PREFIX):]
    return root + quote(path)


@dataclass(frozen=True)
class Item:
    """An item, the file name of its page, its profile, and the handouts naming it."""

    name: str
    slug: str
    profile: Profile | None
    slugs: tuple[str, ...]
    """The slugs of the handouts naming it, in the index's order."""


def items_of(handouts: list[Handout]) -> list[Item]:
    """Every item ``handouts`` name: one per profile (whatever name or alias a
    handout uses), else one per name; by name."""
    names: dict[str, str] = {}
    profiles: dict[str, Profile | None] = {}
    listed: dict[str, list[str]] = {}
    for handout in handouts:
        for position, name in enumerate(handout.items):
            slug = item_slug(handout, position)
            profile = handout.profiles[position] if position < len(handout.profiles) \
                else None
            names.setdefault(slug, profile.name if profile else name)
            if profiles.get(slug) is None:
                profiles[slug] = profile
            if handout.slug not in listed.setdefault(slug, []):
                listed[slug].append(handout.slug)
    order = sorted(names, key=lambda slug: (names[slug].casefold(), slug))
    return [Item(names[slug], slug, profiles[slug], tuple(listed[slug])) for slug in order]


@dataclass(frozen=True)
class Fact:
    """One fact an item page shows: the attribute, its value, where it was read."""

    attribute: str
    value: str
    source: str = ""
    """The address of its source; empty for none."""
    source_name: str = ""
    as_of: object = None


def facts(profile: Profile | None) -> list[Fact]:
    """The facts of ``profile``, as plain text (an item page converts no Markdown)."""
    if profile is None:
        return []
    sources = dict(profile.sources)
    found = []
    for attribute, cell in profile.facts:
        text = cell.text if cell.rating is None else f"{cell.rating[0]}/{cell.rating[1]}"
        source = sources.get(cell.source)
        found.append(Fact(attribute, text[:MAX_FACT_TEXT], source.url if source else "",
                          source.name if source else "", cell.as_of))
    return found


def context(item: Item) -> dict:
    """What an item's page shows besides its listing: the item, its facts, its logo."""
    logo = item.profile.logo if item.profile else ""
    return {"item": item, "facts": facts(item.profile),
            "item_logo": image_url(logo, "../", "screen") if logo else ""}


def stale(output: Path, files: dict[str, str]) -> list[Path]:
    """The item pages in ``output`` an earlier build made and this one did not."""
    folder = output / ITEMS_DIR
    if not folder.is_dir():
        return []
    return [path for path in folder.glob("*.html")
            if path.relative_to(output).as_posix() not in files]
