"""Corrections a reader can send: the address a mistake is reported at, filled in for a handout."""

from __future__ import annotations

from urllib.parse import quote, urlsplit, urlunsplit

from ..content.handouts import Handout


def report_url(template: str, handout: Handout, attribute: str = "",
               item: str = "") -> str:
    """``template`` (the ``issue_url`` setting) with the handout's slug and title,
    the attribute, the item and the edition it prints (0: never released) filled
    in, each URL-encoded; empty when there is no template."""
    if not template:
        return ""
    values = {"slug": handout.slug, "title": handout.title, "attribute": attribute,
              "item": item, "edition": str(handout.edition.number)}
    return template.format_map({key: quote(value, safe="") for key, value in values.items()})


def short(url: str) -> str:
    """``url`` without its query and fragment: what a printed page can show."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
