"""output/index.html: every handout with its title, items, tags and links, and a
filter box whose inline script hides the entries that miss a typed word.

The script itself runs in headless Chromium (the address's ``?q=`` fills the
box); `make test` installs Chromium with the other system packages.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest

from helpers import write

HANDOUTS = {  # slug: (title, items, tags, tagline)
    "alpha-vs-beta": ("Alpha vs. Beta", ["Alpha", "Beta"], ["greek", "letters"],
                      "Two letters"),
    "cafe-vs-bar": ("Café vs. Bar", ["Café", "Bar"], ["places"], "Where to meet"),
    "tools/hammer-vs-saw": ("Hammer vs. Saw", ["Hammer", "Saw"], ["tools", "wood"],
                            "Workshop basics"),
}


def handout(title, items, tags, tagline) -> str:
    rows = "\n".join(f"    {item}: value of {item}" for item in items)
    return (f"---\ntitle: {title}\nitems: [{', '.join(items)}]\ntags: [{', '.join(tags)}]\n"
            f"tagline: {tagline}\nattributes:\n  Kind:\n{rows}\n---\nLead.\n")


@pytest.fixture(scope="module")
def project(tmp_path_factory, build) -> Path:
    project = tmp_path_factory.mktemp("index") / "project"
    for slug, fields in HANDOUTS.items():
        write(project, f"content/{slug}.md", handout(*fields))
    build(project, "html", "--jobs", "1")
    build(project, "pdf", "--jobs", "1")
    return project


@pytest.fixture(scope="module")
def index_path(project) -> Path:
    return project / "output" / "index.html"


@pytest.fixture(scope="module")
def index(index_path, parse_html):
    return parse_html(index_path)


def entries(index) -> dict[str, object]:
    """Title -> the list entry (``li``) of the handout list."""
    listing = index.find("ul", class_="handout-list")
    assert listing is not None, "no <ul class='handout-list'> in the index"
    found = {}
    for li in (c for c in listing.children if getattr(c, "tag", None) == "li"):
        title = li.find("a", class_="title")
        assert title is not None, f"an entry without a title link: {li.text()}"
        found[" ".join(title.text().split())] = li
    return found


def test_index_has_a_search_box_and_an_inline_script(index):
    box = index.find("input", id="filter")
    assert box is not None and box.attrs.get("type") == "search"
    label = index.find("label")
    assert label is not None and label.attrs.get("for") == "filter"
    scripts = list(index.find_all("script"))
    assert len(scripts) == 1 and "src" not in scripts[0].attrs, (
        "the filter must be one inline script: the page is opened from disk")
    code = scripts[0].text()
    assert "data-search" in code and "handout-list" in code and "hidden" in code


def test_every_handout_is_listed_with_items_tags_and_search_text(index):
    found = entries(index)
    assert sorted(found) == sorted(fields[0] for fields in HANDOUTS.values())
    for title, items, tags, tagline in HANDOUTS.values():
        li = found[title]
        shown = [" ".join(e.text().split()) for e in li.find_all("span", class_="item")]
        assert shown == items, (title, shown)
        assert [e.text() for e in li.find_all("span", class_="tag")] == tags
        assert tagline in li.text()
        search = li.attrs.get("data-search", "")
        for word in [title, tagline, *items, *tags]:
            assert word in search, f"'{word}' is not in data-search of {title}: {search!r}"


def test_every_handout_links_its_page_and_pdf(project, index, index_path):
    for slug, (title, *_) in HANDOUTS.items():
        hrefs = {a.attrs["href"] for a in entries(index)[title].find_all("a")}
        assert hrefs == {f"html/{slug}.html", f"pdf/{slug}.pdf"}, hrefs
        for href in hrefs:
            target = (index_path.parent / unquote(urlsplit(href).path)).resolve()
            assert target.is_file(), f"{href} -> {target} is missing"
    assert not list(index.find_all("link", rel="stylesheet", href="https://")), \
        "the index loads something from the network"


# ------------------------------------------------------------ the script, run

def chromium() -> str | None:
    return next((found for name in ("chromium", "chromium-browser", "google-chrome",
                                    "google-chrome-stable")
                 if (found := shutil.which(name))), None)


def shown_after_typing(index_path: Path, words: str, tmp_path: Path, parse_html) -> list:
    """The titles still visible after the page loads with ``words`` in the box."""
    url = index_path.as_uri() + "?q=" + quote(words)
    done = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={tmp_path / 'chromium'}", "--dump-dom", url],
        capture_output=True, text=True, timeout=90)
    assert done.returncode == 0 and "<html" in done.stdout, done.stderr[-2000:]
    dom = parse_html(done.stdout)
    assert dom.find("input", id="filter") is not None
    return sorted(title for title, li in entries(dom).items() if "hidden" not in li.attrs)


@pytest.mark.parametrize("words, expected", [
    ("", ["Alpha vs. Beta", "Café vs. Bar", "Hammer vs. Saw"]),
    ("wood", ["Hammer vs. Saw"]),                       # a tag
    ("CAFE", ["Café vs. Bar"]),                         # case and accents ignored
    ("  beta   GREEK ", ["Alpha vs. Beta"]),            # every word, in any field
    ("beta wood", []),                                  # each word in another handout
])
def test_filter_script_hides_entries_missing_a_word(index_path, tmp_path, parse_html,
                                                     words, expected):
    assert shown_after_typing(index_path, words, tmp_path, parse_html) == expected
