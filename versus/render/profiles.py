"""The items' column heads and the related comparisons a page shows: each item's
summary and logo from its profile, its item page, and links to the handouts
sharing an item with it."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ..content.handouts import Handout
from ..web.itempages import ITEMS_DIR, image_url, item_slug


@dataclass(frozen=True)
class Head:
    """What an item's column head shows besides its name."""

    summary: str = ""
    logo: str = ""
    """The logo's address from the page; empty for none."""
    page: str = ""
    """The address of the item's page on the site (web pages only)."""


def heads(handout: Handout, medium: str, root: str) -> list[Head]:
    """The column head of each of ``handout``'s items."""
    found = []
    for position in range(len(handout.items)):
        profile = handout.profiles[position] if position < len(handout.profiles) else None
        page = (f"{root}{ITEMS_DIR}/{item_slug(handout, position)}.html"
                if medium == "screen" else "")
        if profile is None:
            found.append(Head(page=page))
        else:
            logo = image_url(profile.logo, root, medium) if profile.logo else ""
            found.append(Head(profile.summary, logo, page))
    return found


def related(handout: Handout, medium: str) -> list[tuple[str, str]]:
    """(address, title) of each related comparison: its web page on the web, its
    PDF in print, relative as links between handouts are."""
    suffix = ".html" if medium == "screen" else ".pdf"
    folder = posixpath.dirname(handout.slug) or "."
    return [(posixpath.relpath(slug, folder) + suffix, title)
            for slug, title in handout.related]
