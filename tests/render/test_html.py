"""The web pages: links that work opened from disk, assets, semantics, escaping."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

SLUG = "devops-vs-mlops"
TITLE = "DevOps vs. MLOps"
TAGLINE = "What's the Difference?"
LEAD_SENTENCE = ("DevOps and MLOps are both methodologies that aim to streamline and automate "
                 "the software development and deployment process.")
ITEMS = ["DevOps", "MLOps"]
ATTRIBUTES = ["Focus", "Goal", "Tools", "Team Structure", "Metrics"]
CSS_URL_RE = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def local_target(page: Path, href: str) -> Path | None:
    """The file a relative link on ``page`` points at; None for remote/fragment links."""
    parts = urlsplit(href)
    if parts.scheme in ("http", "https", "mailto", "data") or href.startswith("#"):
        return None
    assert not parts.scheme and not parts.netloc and not href.startswith("/"), (
        f"{page.name}: link {href!r} is not relative, so the page breaks when the "
        "output folder is moved or opened from disk")
    return (page.parent / unquote(parts.path)).resolve()


def links(document):
    for element in document.find_all():
        for attribute in ("href", "src"):
            if attribute in element.attrs:
                yield element, element.attrs[attribute]


# ------------------------------------------------------------------ assets

def test_handout_page_links_the_copied_stylesheet(seed_project, seed_html, parse_html):
    document = parse_html(seed_html)
    stylesheets = [e.attrs["href"] for e in document.find_all("link", rel="stylesheet")]
    assert stylesheets == ["../assets/versus.css"], stylesheets
    target = local_target(seed_html, stylesheets[0])
    assert target == (seed_project / "output" / "assets" / "versus.css").resolve()
    assert target.is_file(), f"{target} does not exist"


def test_stylesheet_fonts_exist_beside_it(seed_project):
    css = seed_project / "output" / "assets" / "versus.css"
    urls = [match.group(2) for match in CSS_URL_RE.finditer(css.read_text("utf-8"))]
    local = [url for url in urls if not url.startswith(("data:", "http:", "https:"))]
    assert len(local) >= 6, f"expected the bundled @font-face fonts, found {urls}"
    missing = [url for url in local if not (css.parent / unquote(url)).is_file()]
    assert not missing, f"versus.css refers to files missing from output/assets: {missing}"
    families = {Path(url).name.split("-")[0] for url in local}
    assert {"Inter", "JetBrainsMono"} <= families, families


def test_every_local_link_of_the_handout_page_resolves(seed_html, parse_html):
    document = parse_html(seed_html)
    broken = []
    for element, href in links(document):
        target = local_target(seed_html, href)
        if target is not None and not target.is_file():
            broken.append(f"<{element.tag}> {href} -> {target}")
    assert not broken, "broken links: " + "; ".join(broken)


def test_handout_page_links_its_pdf_and_the_index(seed_project, seed_html, parse_html):
    document = parse_html(seed_html)
    hrefs = [e.attrs.get("href") for e in document.find_all("a")]
    assert f"../pdf/{SLUG}.pdf" in hrefs, hrefs
    assert "../index.html" in hrefs, hrefs
    output = seed_project / "output"
    assert local_target(seed_html, f"../pdf/{SLUG}.pdf") == \
        (output / "pdf" / f"{SLUG}.pdf").resolve()
    assert local_target(seed_html, "../index.html") == (output / "index.html").resolve()
    assert (output / "pdf" / f"{SLUG}.pdf").is_file()
    assert (output / "index.html").is_file()


def test_index_lists_the_handout_with_working_links(seed_project, parse_html):
    index = seed_project / "output" / "index.html"
    document = parse_html(index)
    anchors = {e.attrs["href"]: squash(e.text()) for e in document.find_all("a")}
    assert f"html/{SLUG}.html" in anchors, anchors
    assert anchors[f"html/{SLUG}.html"] == TITLE
    assert f"pdf/{SLUG}.pdf" in anchors, anchors
    # the theme's tagline, the same on every handout, is not repeated in the list
    assert TAGLINE not in squash(document.root.text())
    broken = []
    for element, href in links(document):
        target = local_target(index, href)
        if target is not None and not target.is_file():
            broken.append(f"<{element.tag}> {href} -> {target}")
    assert not broken, "broken links in index.html: " + "; ".join(broken)


def test_nested_slug_pages_link_back_correctly(make_project, build, parse_html):
    project = make_project(slug="cloud/aws-vs-gcp", items=("AWS", "GCP"),
                           attributes={"Owner": {"AWS": "Amazon", "GCP": "Google"}})
    build(project, "html")
    build(project, "pdf")
    output = project / "output"
    page = output / "html" / "cloud" / "aws-vs-gcp.html"
    assert page.is_file(), "output/html/cloud/aws-vs-gcp.html was not written"
    document = parse_html(page)
    hrefs = [href for _, href in links(document)]
    assert "../../assets/versus.css" in hrefs, hrefs
    assert "../../pdf/cloud/aws-vs-gcp.pdf" in hrefs, hrefs
    assert "../../index.html" in hrefs, hrefs
    for pagefile in (page, output / "index.html"):
        for element, href in links(parse_html(pagefile)):
            target = local_target(pagefile, href)
            assert target is None or target.is_file(), (
                f"{pagefile.name}: <{element.tag}> {href} -> {target} does not exist")


# ------------------------------------------------------------------ head

def test_html_lang_and_head_metadata(seed_html, parse_html):
    document = parse_html(seed_html)
    html = document.find("html")
    assert html is not None and html.attrs.get("lang") == "en", (
        f"<html> has lang={html.attrs.get('lang') if html else None!r}")
    assert squash(document.find("title").text()) == TITLE
    description = [e.attrs.get("content") for e in document.find_all("meta",
                                                                      name="description")]
    assert description == [LEAD_SENTENCE], description


def test_html_lang_follows_the_handout(make_project, build, parse_html):
    project = make_project(lang="de")
    build(project, "html")
    document = parse_html(project / "output" / "html" / "alpha-vs-beta.html")
    assert document.find("html").attrs.get("lang") == "de"


# ------------------------------------------------------------------ table

def test_comparison_table_semantics(seed_html, parse_html):
    document = parse_html(seed_html)
    table = document.find("section", class_="comparison").find("table")
    assert table is not None
    thead, tbody = table.find("thead"), table.find("tbody")
    assert thead is not None, "the comparison table has no <thead>"
    assert tbody is not None, "the comparison table has no <tbody>"
    header = list(thead.find_all("th"))
    assert [squash(th.text()) for th in header] == ["Attribute", *ITEMS]
    assert all(th.attrs.get("scope") == "col" for th in header), (
        [th.attrs for th in header])
    assert list(thead.find_all("td")) == []
    rows = list(tbody.find_all("tr"))
    assert len(rows) == len(ATTRIBUTES)
    for row, name in zip(rows, ATTRIBUTES):
        row_headers = list(row.find_all("th"))
        assert [squash(th.text()) for th in row_headers] == [name]
        assert row_headers[0].attrs.get("scope") == "row", row_headers[0].attrs
        cells = [child for child in row.children if not isinstance(child, str)]
        assert [cell.tag for cell in cells] == ["th"] + ["td"] * len(ITEMS), (
            f"row {name!r}: cells are {[cell.tag for cell in cells]}")


def test_inline_markdown_in_a_cell(make_project, build, parse_html):
    project = make_project(attributes={
        "Style": {"Alpha": "**bold** and [link](https://example.com)",
                  "Beta": "*italic* with `code`"},
        "Plain": {"Alpha": "just text", "Beta": "more text"},
    })
    build(project, "html")
    document = parse_html(project / "output" / "html" / "alpha-vs-beta.html")
    row = next(tr for tr in document.find_all("tr")
               if squash(tr.find("th").text()) == "Style")
    alpha, beta = [child for child in row.children
                   if not isinstance(child, str) and child.tag == "td"]
    assert "p" not in alpha.inner_tags(), f"cell wrapped in <p>: {alpha.inner_tags()}"
    assert "p" not in beta.inner_tags(), f"cell wrapped in <p>: {beta.inner_tags()}"
    strong = alpha.find("strong")
    assert strong is not None and strong.text() == "bold", alpha.inner_tags()
    link = alpha.find("a")
    assert link is not None and link.attrs.get("href") == "https://example.com"
    assert link.text() == "link"
    assert squash(alpha.text()) == "bold and link"
    assert beta.find("em") is not None and beta.find("code") is not None
    plain = next(tr for tr in document.find_all("tr")
                 if squash(tr.find("th").text()) == "Plain")
    first = [c for c in plain.children if not isinstance(c, str) and c.tag == "td"][0]
    assert first.children == ["just text"], first.children


def test_text_with_angle_brackets_is_escaped(make_project, build, parse_html):
    title = "Less <b>than</b> & <script>x</script>"
    project = make_project(title=title, tagline="a < b > c")
    build(project, "html")
    page = project / "output" / "html" / "alpha-vs-beta.html"
    source = page.read_text("utf-8")
    assert "<b>than</b>" not in source and "<script>x</script>" not in source, (
        "the title was written as raw HTML, not escaped")
    assert "&lt;b&gt;than&lt;/b&gt;" in source
    document = parse_html(page)
    h1 = document.find("h1")
    assert h1.inner_tags() == [] and h1.text() == title, (h1.inner_tags(), h1.text())
    assert document.find("title").text() == title
    assert squash(document.find("p", class_="tagline").text()) == "a < b > c"
    assert [e.attrs["content"] for e in document.find_all("meta", property="og:title")] \
        == [title]
    index = parse_html(project / "output" / "index.html")
    entry = index.find("a", class_="title")
    assert entry.inner_tags() == [] and entry.text() == title


# ------------------------------------------------------------------ index freshness

def index_entries(parse_html, project):
    index = parse_html(project / "output" / "index.html")
    return sorted(e.attrs["href"] for e in index.find_all("a", class_="title"))


def test_index_drops_a_deleted_handout(make_project, build, parse_html):
    """The index lists the handouts that exist, also after one is deleted."""
    project = make_project()
    make_project(slug="gamma-vs-delta", items=("Gamma", "Delta"),
                 attributes={"Colour": {"Gamma": "Green", "Delta": "Grey"}},
                 project=project)
    build(project, "html")
    assert index_entries(parse_html, project) == ["html/alpha-vs-beta.html",
                                                  "html/gamma-vs-delta.html"]
    (project / "content" / "gamma-vs-delta.md").unlink()
    build(project, "html")
    entries = index_entries(parse_html, project)
    assert entries == ["html/alpha-vs-beta.html"], (
        "BUG: after content/gamma-vs-delta.md was deleted, `versus html` left "
        f"output/index.html listing it: {entries} (versus/build/pipeline.py Build.build "
        "rewrites the index only when some handout is stale)")



def test_images_and_links_between_handouts_work_on_the_web_pages(make_project, run_cli):
    from support.files import write

    project = make_project("a-vs-b", body="See [the other](c-vs-d.md#details).\n\n"
                                          "![A dot](pics/dot.png)\n")
    make_project("c-vs-d", project=project, items=["C", "D"],
                 attributes={"Focus": {"C": "c", "D": "d"}})
    write(project, "content/pics/dot.png", bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"))
    result = run_cli("html", "--project", str(project))
    assert result.exit_code == 0, result.output
    page = (project / "output/html/a-vs-b.html").read_text()
    assert 'href="c-vs-d.html#details"' in page
    assert 'src="pics/dot.png"' in page
    assert (project / "output/html/pics/dot.png").read_bytes() == \
        (project / "content/pics/dot.png").read_bytes()
