"""The booklet's cover: the site's name and subtitle, the handouts (their titles, or
past 24 of them their tags), the date; a project's own booklet.html replaces it."""

from __future__ import annotations

import datetime
import html
import re
from pathlib import Path

from support.files import write
from versus.booklet.pages import ContentsEntry, tag_counts
from versus.render.pages import Pages
from versus.render.theme import Theme
from versus.settings import Settings


def entry(number: int, *tags: str) -> ContentsEntry:
    return ContentsEntry(slug=f"a{number}-vs-b{number}", title=f"A{number} vs. B{number}",
                 tagline="What's the Difference?", tags=tags, page=number + 3)


def cover(project: Path, entries: list[ContentsEntry], **settings) -> str:
    """The text of the cover section of booklet.html, tags stripped."""
    pages = Pages(Theme.for_project(project), Settings(**settings))
    page = pages.booklet(entries, date=datetime.date(2026, 3, 5), duplex=False,
                         tags=tag_counts(entries))
    section = page[page.index('<section class="booklet-cover">'):
                   page.index('<section class="booklet-contents">')]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", section)).split())


def test_cover_names_the_site_its_subtitle_the_handouts_and_the_date(tmp_path):
    text = cover(tmp_path, [entry(1), entry(2)], site_name="Field Guide",
                 site_subtitle="Two by two")
    assert text.startswith("vs. Field Guide Two by two 2 comparison handouts"), text
    assert "In this booklet A1 vs. B1 A2 vs. B2" in text
    assert "March 5, 2026" in text


def test_a_long_booklet_lists_its_tags_with_their_counts_instead(tmp_path):
    entries = [entry(n, "ops" if n % 3 else "data", "all") for n in range(30)]
    text = cover(tmp_path, entries)
    assert "A1 vs. B1" not in text
    assert "Topics all 30 ops 20 data 10" in text, text


def test_tags_are_counted_most_used_first():
    assert tag_counts([entry(1, "b", "a"), entry(2, "a"), entry(3, "C")]) == [
        ("a", 2), ("b", 1), ("C", 1)]


def test_a_projects_booklet_template_replaces_the_cover(tmp_path):
    write(tmp_path, "templates/booklet.html",
          '{% extends "base.html" %}{% block body %}<section class="booklet-cover">'
          "{{ settings.site_name }} by us</section>"
          '<section class="booklet-contents"></section>{% endblock %}')
    assert cover(tmp_path, [entry(1)], site_name="Guide") == "Guide by us"
