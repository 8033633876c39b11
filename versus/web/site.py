"""The pages around the handouts: the index in pages of ``PAGE_SIZE``, a page per
tag and per item (``itempages``), the search index the index's filter reads, and the sitemap.

All of them come from the handouts' front matter. The index's first page stays
small however many handouts there are; ``search-index.js`` holds every handout
in a compact array and is loaded by ``<script src>``, so the filter also works
on a page opened from disk, where a script may not fetch a file.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..content.handouts import Handout
from ..output import write_atomic
from . import itempages

PAGE_SIZE = 100
"""Handouts listed on one page of the index or of a tag."""
INDEX_STEM = "index"
INDEX = f"{INDEX_STEM}.html"
TAGS_DIR = "tags"
SEARCH_INDEX = "search-index.js"
SITEMAP = "sitemap.xml"
LISTING_RE = re.compile(r"^index\.[0-9]+\.html$")
"""The index's later pages (index.2.html...): made, and pruned, by the build."""
SLUG_DROP_RE = re.compile(r"[^\w]+")
MAX_SLUG = 80
MAX_SLUG_BYTES = 160
"""A tag page's name in UTF-8, digest left out: with it, a page number and a
temporary file's prefix, still below the file systems' 255-byte names."""
DIGESTED_RE = re.compile(r"(^|-)[0-9a-f]{8}$")
"""How a slug with a digest ends: a plain one that ends so gets a digest too."""
SMART_RE = re.compile(r"['\"]|--|\.\.\.")


@dataclass(frozen=True)
class Tag:
    """A tag, the file name of its page, and the handouts that carry it."""

    name: str
    slug: str
    handouts: tuple[Handout, ...]


@dataclass(frozen=True)
class Entry:
    """One handout as a listing shows it: what repeats on every entry is left out."""

    slug: str
    title: str
    items: tuple[str, ...]
    own_title: bool
    """Whether the title is more than the items joined by 'vs.' (then the items show)."""
    tagline: str
    """The handout's own tagline; empty when it is the site's."""
    tags: tuple[tuple[str, str], ...]
    """(name, page slug) of each tag."""


def tag_slug(name: str) -> str:
    """The file name of the page of tag ``name``: lower case, its words joined by '-'
    ('Machine Learning' -> 'machine-learning', 'Café' -> 'café'). A name that loses
    more than that ('C++', 'a/b', a very long one) gets a digest of itself after it, so
    two tags share a page only when they differ in case and spacing alone. A name
    that looks like a slug with a digest gets one too, so that it never takes the
    page of the tag that slug is made for."""
    folded = "-".join(unicodedata.normalize("NFC", name).casefold().split())
    slug = SLUG_DROP_RE.sub("-", folded).replace("_", "-").strip("-")[:MAX_SLUG]
    slug = _cut(slug, MAX_SLUG_BYTES).strip("-")
    if slug != folded or not slug or DIGESTED_RE.search(slug):
        digest = hashlib.sha256(folded.encode("utf-8")).hexdigest()[:8]
        slug = f"{slug}-{digest}" if slug else f"tag-{digest}"
    return slug


def _cut(text: str, size: int) -> str:
    """``text`` cut to at most ``size`` bytes of UTF-8, at a character's end."""
    return text.encode("utf-8")[:size].decode("utf-8", "ignore")


def tag_slugs(names) -> list[tuple[str, str]]:
    """(name, page slug) of each tag in ``names``, blank ones and repeats left out."""
    found: dict[str, str] = {}
    for name in names:
        name = name.strip()
        if name:
            found.setdefault(tag_slug(name), name)
    return [(name, slug) for slug, name in found.items()]


def tags_of(handouts: list[Handout]) -> list[Tag]:
    """Every tag of ``handouts``, by name, with the spelling it is first given."""
    names: dict[str, str] = {}
    listed: dict[str, list[Handout]] = {}
    for handout in handouts:
        for name, slug in tag_slugs(handout.tags):
            names.setdefault(slug, name)
            listed.setdefault(slug, []).append(handout)
    order = sorted(names, key=lambda slug: (names[slug].casefold(), slug))
    return [Tag(names[slug], slug, tuple(listed[slug])) for slug in order]


def entries(handouts: list[Handout], tags: list[Tag], is_default) -> list[Entry]:
    """The listing entries of ``handouts``; tags show with their page's name, taglines
    only when ``is_default(tagline, lang)`` is false."""
    names = {tag.slug: tag.name for tag in tags}
    return [Entry(handout.slug, handout.title, handout.items,
                  handout.title != " vs. ".join(handout.items),
                  "" if is_default(handout.tagline, handout.lang) else handout.tagline,
                  tuple((names[slug], slug) for _, slug in tag_slugs(handout.tags)))
            for handout in handouts]


def page_name(stem: str, number: int) -> str:
    """Page ``number`` (from 1) of a listing: ``stem.html``, then ``stem.2.html``..."""
    return f"{stem}.html" if number == 1 else f"{stem}.{number}.html"


def chunks(listed: list, size: int | None = None) -> list[list]:
    """``listed`` in pages of ``size`` (``PAGE_SIZE``); one empty page when there is
    nothing."""
    size = size or PAGE_SIZE
    return [listed[start:start + size] for start in range(0, len(listed), size)] or [[]]


def search_index(listed: list[Entry], tags: list[Tag]) -> str:
    """The script that sets ``VERSUS_INDEX``: the tags as [name, slug], and each
    handout as [slug, items, tag numbers, title, tagline], the last two only when
    the handout has its own."""
    numbers = {tag.slug: number for number, tag in enumerate(tags)}
    rows = []
    for entry in listed:
        row = [entry.slug, list(entry.items), [numbers[slug] for _, slug in entry.tags]]
        if entry.tagline or entry.own_title:
            row.append(entry.title if entry.own_title else 0)
        if entry.tagline:
            row.append(entry.tagline)
        rows.append(row)
    data = {"tags": [[tag.name, tag.slug] for tag in tags], "handouts": rows}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return ("/* Every handout, for the index's filter (versus/web/site.py says the format). */\n"
            f"window.VERSUS_INDEX = {text};\n")


def site_url(base_url: str, path: str) -> str:
    """The address of ``path`` (below output/) on the site published at ``base_url``."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    return base + quote(path)


def sitemap(base_url: str, paths: list[str]) -> str:
    """The sitemap (sitemaps.org) of the pages at ``paths`` below ``base_url``."""
    from xml.sax.saxutils import escape  # it imports urllib.request: not at start-up

    urls = "".join(f"  <url><loc>{escape(site_url(base_url, path))}</loc></url>\n"
                   for path in paths)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n")


def write_changed(output: Path, files: dict[str, str]) -> None:
    """Write each of ``files`` (path below ``output`` -> text) whose bytes differ, then
    remove the listing pages, tag pages and sitemap an earlier build made and this
    one did not."""
    for relative, text in files.items():
        path = output / relative
        data = text.encode("utf-8")
        if not (path.is_file() and path.read_bytes() == data):
            write_atomic(path, data)
    stale = [path for path in output.glob("index.*.html") if LISTING_RE.match(path.name)]
    tags = output / TAGS_DIR
    if tags.is_dir():
        stale.extend(path for path in tags.glob("*.html"))
    stale.extend(itempages.stale(output, files))
    stale.append(output / SITEMAP)
    for path in stale:
        if path.relative_to(output).as_posix() not in files and path.is_file():
            path.unlink()


@dataclass(frozen=True)
class Pager:
    """Where page ``number`` of ``count`` of a listing named ``stem`` sits among the others."""

    stem: str
    number: int
    count: int

    def href(self, number: int) -> str:
        """The link to page ``number`` from any page of the listing."""
        return page_name(Path(self.stem).name, number)


def files(pages, handouts: list[Handout], booklet=False) -> dict[str, str]:
    """The index's pages, the tags' pages, the search index and, with a ``base_url``,
    the sitemap, each by its path below output/; ``pages`` renders them. With
    ``booklet`` true the listings link output/booklet.pdf; a tuple of (title, path
    below output/) links those booklets by their titles."""
    settings = pages.settings
    booklets = () if isinstance(booklet, bool) else tuple(booklet)
    booklet = booklet is True
    tags = tags_of(handouts)
    listed = [dataclasses.replace(entry, title=_smart(pages, entry.title),
                                  tagline=_smart(pages, entry.tagline))
              for entry in entries(handouts, tags, functools.partial(_default_tagline, pages))]
    made = _listing(pages, INDEX_STEM, listed, root="", tags=tags, total=len(listed),
                    booklet=booklet, booklets=booklets)
    by_tag: dict[str, list[Entry]] = {tag.slug: [] for tag in tags}
    for entry in listed:
        for _, slug in entry.tags:
            by_tag[slug].append(entry)
    for tag in tags:
        made.update(_listing(pages, f"{TAGS_DIR}/{tag.slug}", by_tag[tag.slug], root="../",
                             tag=tag, total=len(by_tag[tag.slug]), booklet=booklet,
                             booklets=booklets))
    by_slug = {entry.slug: entry for entry in listed}
    for item in itempages.items_of(handouts):
        made.update(_listing(pages, f"{itempages.ITEMS_DIR}/{item.slug}",
                             [by_slug[slug] for slug in item.slugs], root="../",
                             total=len(item.slugs), **itempages.context(item)))
    made[SEARCH_INDEX] = search_index(listed, tags)
    if settings.base_url:
        paths = [*(path for path in made if path.endswith(".html")),
                 *(f"html/{handout.slug}.html" for handout in handouts)]
        made[SITEMAP] = sitemap(settings.base_url, sorted(paths))
    return made


def _smart(pages, text: str) -> str:
    """``text`` with the typographic quotes and dashes its handout's page shows."""
    if not SMART_RE.search(text):
        return text  # most titles: nothing to change, and 10,000 of them add up
    return pages.env.filters["smart"](text).unescape()


def _default_tagline(pages, tagline: str, lang: str) -> bool:
    """Whether ``tagline`` is the one every handout gets: the site's or the theme's."""
    same = tagline.replace("\u2019", "'").strip()
    return same in ("", pages.settings.tagline.replace("\u2019", "'").strip(),
                    pages.words(lang)("tagline").replace("\u2019", "'"))


def _listing(pages, stem: str, listed: list[Entry], **context) -> dict[str, str]:
    """The pages of one listing (the index, or a tag's) by path."""
    split = chunks(listed)
    made = {}
    for number, chunk in enumerate(split, 1):
        path = page_name(stem, number)
        made[path] = pages.listing(path, entries=chunk,
                                   pager=Pager(stem, number, len(split)), **context)
    return made
