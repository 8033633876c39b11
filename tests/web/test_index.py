"""output/index.html: the handouts in pages, a page per tag, and a filter that
searches every handout through output/search-index.js (loaded by <script src>, so
it also works on a page opened from disk).

The filter runs in headless Chromium (``webcheck``); the address's ``?q=`` fills
the box. The scale of it (3,000 handouts) is in test_web.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest

from support.files import write
from support.webcheck import chromium, show

HANDOUTS = {  # slug: (title, items, tags, tagline)
    "alpha-vs-beta": ("Alpha vs. Beta", ["Alpha", "Beta"], ["greek", "letters"],
                      "Two letters"),
    "cafe-vs-bar": ("Café vs. Bar", ["Café", "Bar"], ["places"], "Where to meet"),
    "tools/hammer-vs-saw": ("Workshop basics", ["Hammer", "Saw"], ["tools", "wood"], ""),
}


def handout(title, items, tags, tagline) -> str:
    rows = "\n".join(f"    {item}: value of {item}" for item in items)
    own = f"tagline: {tagline}\n" if tagline else ""
    return (f"---\ntitle: {title}\nitems: [{', '.join(items)}]\ntags: [{', '.join(tags)}]\n"
            f"{own}attributes:\n  Kind:\n{rows}\n---\nLead.\n")


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


def search_index(project: Path) -> dict:
    text = (project / "output" / "search-index.js").read_text("utf-8")
    match = re.fullmatch(r"/\*.*?\*/\nwindow\.VERSUS_INDEX = (.*);\n", text, re.DOTALL)
    assert match, text[:200]
    return json.loads(match.group(1))


def test_index_loads_the_search_index_and_its_script_by_src(index):
    box = index.find("input", id="filter")
    assert box is not None and box.attrs.get("type") == "search"
    label = index.find("label")
    assert label is not None and label.attrs.get("for") == "filter"
    scripts = [script.attrs.get("src") for script in index.find_all("script")]
    assert scripts == ["search-index.js", "assets/index.js"], (
        "the filter's data and code are files a <script src> loads: a page opened "
        "from disk may not fetch() them")
    assert "hidden" in index.find("form").attrs, "without its script the box does nothing"


def test_every_handout_is_listed_without_what_every_entry_repeats(index):
    found = entries(index)
    assert sorted(found) == sorted(fields[0] for fields in HANDOUTS.values())
    for title, items, tags, tagline in HANDOUTS.values():
        li = found[title]
        shown = [" ".join(e.text().split()) for e in li.find_all("span", class_="item")]
        # the items only when the title says something else; the tagline only when
        # the handout has its own (not the theme's "What's the Difference?")
        assert shown == ([] if title == " vs. ".join(items) else items), (title, shown)
        assert [e.text() for e in li.find_all("a", class_="tag")] == tags
        taglines = [e.text() for e in li.find_all("span", class_="tagline")]
        assert taglines == ([tagline] if tagline else []), (title, taglines)
        assert "Difference" not in li.text()


def test_every_handout_links_its_page_pdf_and_tags(project, index, index_path):
    for slug, (title, _, tags, _) in HANDOUTS.items():
        hrefs = {a.attrs["href"] for a in entries(index)[title].find_all("a")}
        assert hrefs == {f"html/{slug}.html", f"pdf/{slug}.pdf",
                         *(f"tags/{tag}.html" for tag in tags)}, hrefs
        for href in hrefs:
            target = (index_path.parent / unquote(urlsplit(href).path)).resolve()
            assert target.is_file(), f"{href} -> {target} is missing"


def test_each_tag_has_a_page_listing_its_handouts(project, parse_html):
    tags = {}
    for slug, (title, _, names, _) in HANDOUTS.items():
        for name in names:
            tags.setdefault(name, []).append(title)
    pages = sorted(path.name for path in (project / "output" / "tags").iterdir())
    assert pages == sorted(f"{name}.html" for name in tags)
    for name, titles in tags.items():
        page = parse_html(project / "output" / "tags" / f"{name}.html")
        assert page.find("h1").text() == name
        assert sorted(entries(page)) == sorted(titles)
        hrefs = [a.attrs["href"] for a in page.find_all("a", class_="title")]
        assert all(href.startswith("../html/") for href in hrefs), hrefs


def test_search_index_holds_every_handout_compactly(project):
    data = search_index(project)
    tags = [name for name, _ in data["tags"]]
    assert tags == sorted(tags)
    rows = {row[0]: row for row in data["handouts"]}
    assert sorted(rows) == sorted(HANDOUTS)
    for slug, (title, items, names, tagline) in HANDOUTS.items():
        row = rows[slug]
        assert row[1] == items and [tags[number] for number in row[2]] == names
        # title and tagline only when the handout has its own
        assert row[3:] == ([title if title != " vs. ".join(items) else 0, tagline]
                           if tagline else [title] if title != " vs. ".join(items) else [])


def test_tags_are_named_for_files_and_never_share_a_page_by_accident():
    from versus.web.site import tag_slug

    assert tag_slug("Machine Learning") == tag_slug("machine  learning") == \
        "machine-learning"
    assert tag_slug("Café") == "café"
    assert tag_slug("C++") != tag_slug("C") == "c"
    assert tag_slug("a/b").startswith("a-b-") and "/" not in tag_slug("../x")
    assert tag_slug("+++").startswith("tag-")


def test_later_pages_hold_the_rest_and_link_each_other(make_project, build, parse_html,
                                                       monkeypatch):
    from versus.web import site

    monkeypatch.setattr(site, "PAGE_SIZE", 2)
    project = make_project()
    for number in range(4):
        make_project(slug=f"x{number}-vs-y{number}", items=(f"X{number}", f"Y{number}"),
                     attributes={"Kind": {f"X{number}": "a", f"Y{number}": "b"}},
                     project=project)
    build(project, "html", "--jobs", "1")
    output = project / "output"
    names = sorted(path.name for path in output.glob("index*.html"))
    assert names == ["index.2.html", "index.3.html", "index.html"]
    listed = [sorted(entries(parse_html(output / name))) for name in
              ("index.html", "index.2.html", "index.3.html")]
    assert [len(titles) for titles in listed] == [2, 2, 1]
    last = parse_html(output / "index.3.html")
    assert [a.attrs["href"] for a in last.find("nav", class_="pager").find_all("a")] == [
        "index.2.html"]
    monkeypatch.setattr(site, "PAGE_SIZE", 100)
    (project / "content" / "x0-vs-y0.md").unlink()
    build(project, "html", "--jobs", "1")
    assert sorted(path.name for path in output.glob("index*.html")) == ["index.html"], (
        "the pages an earlier build made and this one does not are removed")


# ------------------------------------------------------------ the filter, run

@pytest.fixture(scope="module")
def driver():
    with chromium() as driver:
        yield driver


def shown_after_typing(driver, index_path: Path, words: str) -> list[str]:
    """The titles listed after the page loads with ``words`` in the box."""
    show(driver, index_path.as_uri() + "?q=" + quote(words))
    return sorted(driver.execute_script(
        "return Array.from(document.querySelectorAll('#handouts > li:not([hidden]) .title'),"
        " a => a.textContent.trim())"))


@pytest.mark.parametrize("words, expected", [
    ("", ["Alpha vs. Beta", "Café vs. Bar", "Workshop basics"]),
    ("wood", ["Workshop basics"]),                     # a tag
    ("saw", ["Workshop basics"]),                      # an item the title does not name
    ("CAFE", ["Café vs. Bar"]),                        # case and accents ignored
    ("  beta   GREEK ", ["Alpha vs. Beta"]),           # every word, in any field
    ("meet", ["Café vs. Bar"]),                        # the handout's own tagline
    ("beta wood", []),                                 # each word in another handout
])
def test_filter_lists_the_handouts_with_every_word(driver, index_path, words, expected):
    assert shown_after_typing(driver, index_path, words) == expected
    status = driver.execute_script("return document.getElementById('filter-status')"
                                   ".textContent")
    assert status == (f"{len(expected)} of 3" if words.strip() else "")
    no_match = driver.execute_script("return document.querySelector('.no-match').hidden")
    assert no_match == bool(expected) or not words.strip()


def test_filter_results_link_like_the_page_and_clearing_restores_it(driver, index_path):
    show(driver, index_path.as_uri() + "?q=wood")
    links = driver.execute_script(
        "return Array.from(document.querySelectorAll('#handouts a'), a => a.getAttribute('href'))")
    assert links == ["html/tools/hammer-vs-saw.html", "pdf/tools/hammer-vs-saw.pdf",
                     "tags/tools.html", "tags/wood.html"]
    driver.execute_script("const box = document.getElementById('filter'); box.value = '';"
                          "box.dispatchEvent(new Event('input'));")
    assert len(driver.execute_script("return document.querySelectorAll('#handouts > li')")) == 3


def test_building_named_handouts_keeps_every_handout_in_the_index(make_project, build,
                                                                  parse_html):
    project = make_project(tags=["first"])
    make_project(slug="gamma-vs-delta", items=("Gamma", "Delta"), tags=["second"],
                 attributes={"Colour": {"Gamma": "Green", "Delta": "Grey"}},
                 project=project)
    build(project, "html")
    source = project / "content" / "alpha-vs-beta.md"
    source.write_text(source.read_text("utf-8") + "\nMore.\n", encoding="utf-8")
    make_project(slug="new-vs-old", items=("New", "Old"), tags=["third"],
                 attributes={"Age": {"New": "0", "Old": "9"}}, project=project)
    build(project, "html", "alpha-vs-beta")
    output = project / "output"
    titles = sorted(entries(parse_html(output / "index.html")))
    assert titles == ["Alpha vs. Beta", "Gamma vs. Delta", "New vs. Old"], (
        "a build of named handouts lists every handout, as a full build would")
    assert not (output / "html" / "new-vs-old.html").exists()
    assert sorted(path.name for path in (output / "tags").iterdir()) == [
        "first.html", "second.html", "third.html"]
