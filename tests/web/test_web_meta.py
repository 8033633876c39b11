"""What sharing and search read from a web page: the description (the lead's first
sentence), Open Graph title and description, and with ``base_url`` in versus.yaml
the canonical URL and output/sitemap.xml."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from versus.render.pages import first_sentence

BASE_URL = "https://example.org/handouts/"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.mark.parametrize("html, expected", [
    ("<p>One sentence. Another one.</p>", "One sentence."),
    ("<p>Tools, e.g. make and ninja, differ. Yes.</p>", "Tools, e.g. make and ninja, differ."),
    ("<p>Is it? It is.</p>", "Is it?"),
    ('<p>He said "go." Then left.</p>', 'He said "go."'),
    ("<p>No full stop at all</p>", "No full stop at all"),
    ("<p>Version 2.0 came in 2024. Then 3.0.</p>", "Version 2.0 came in 2024."),
    ("<p>東京は大きい。大阪も大きい。</p>", "東京は大きい。"),
    ('<p>A<sup class="footnote-ref" id="fnref-1"><a href="#fn-1">1</a></sup> and '
     "<em>B</em> &amp; C. Next.</p>", "A and B & C."),
])
def test_first_sentence_of_the_lead(html, expected):
    assert first_sentence(html) == expected


def test_a_long_first_sentence_is_cut_at_a_word():
    text = first_sentence("<p>" + "word " * 200 + "end.</p>")
    assert len(text) <= 300 and text.endswith("word\u2026")


def meta(document, **attrs) -> list[str]:
    return [element.attrs.get("content") for element in document.find_all("meta", **attrs)]


def test_handout_page_meta_without_base_url(make_project, build, parse_html):
    project = make_project(title="Alpha & Beta", body="Alpha is `<first>`. Beta is not.\n")
    build(project, "html")
    output = project / "output"
    page = parse_html(output / "html" / "alpha-vs-beta.html")
    assert meta(page, name="description") == ["Alpha is <first>."]
    assert meta(page, property="og:title") == ["Alpha & Beta"]
    assert meta(page, property="og:description") == ["Alpha is <first>."]
    assert meta(page, property="og:type") == ["article"]
    assert list(page.find_all("link", rel="canonical")) == []
    assert meta(page, property="og:url") == []
    assert not (output / "sitemap.xml").exists()


def test_base_url_gives_canonical_urls_and_a_sitemap(make_project, build, parse_html):
    project = make_project(settings={"base_url": BASE_URL}, tags=["Machine Learning"])
    make_project(slug="cloud/aws-vs-gcp", items=("AWS", "GCP"),
                 attributes={"Owner": {"AWS": "Amazon", "GCP": "Google"}}, project=project)
    build(project, "html")
    output = project / "output"
    page = parse_html(output / "html" / "alpha-vs-beta.html")
    url = BASE_URL + "html/alpha-vs-beta.html"
    assert [e.attrs["href"] for e in page.find_all("link", rel="canonical")] == [url]
    assert meta(page, property="og:url") == [url]
    index = parse_html(output / "index.html")
    assert [e.attrs["href"] for e in index.find_all("link", rel="canonical")] == [
        BASE_URL + "index.html"]
    urls = [loc.text for loc in ET.parse(output / "sitemap.xml").getroot().iter(
        f"{SITEMAP_NS}loc")]
    assert urls == [BASE_URL + path for path in (
        "html/alpha-vs-beta.html", "html/cloud/aws-vs-gcp.html", "index.html",
        "items/alpha.html", "items/aws.html", "items/beta.html", "items/gcp.html",
        "tags/machine-learning.html")]


def test_the_sitemap_goes_when_base_url_does(make_project, build):
    project = make_project(settings={"base_url": "https://example.org"})
    build(project, "html")
    sitemap = project / "output" / "sitemap.xml"
    assert "<loc>https://example.org/index.html</loc>" in sitemap.read_text("utf-8")
    (project / "versus.yaml").write_text("site_name: Versus\n", encoding="utf-8")
    build(project, "html")
    assert not sitemap.exists()


def test_base_url_rebuilds_the_pdfs_with_a_qr_code_of_their_page(make_project, build):
    """The PDFs carry a QR code of their web page (versus/render/qrcode.py) when the
    site's address is known: setting it renders them again."""
    import subprocess

    project = make_project()
    build(project, "pdf")
    pdf = project / "output" / "pdf" / "alpha-vs-beta.pdf"
    before = pdf.stat().st_mtime_ns
    (project / "versus.yaml").write_text(f"base_url: {BASE_URL}\n", encoding="utf-8")
    build(project, "pdf")
    assert pdf.stat().st_mtime_ns != before
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "html/alpha-vs-beta.html?edition=0" in " ".join(text.split())


@pytest.mark.parametrize("value", ["example.org", "ftp://example.org/",
                                   "https://", "https://example.org/?q=1",
                                   "https://example.org/#top", "https://exa mple.org/"])
def test_a_base_url_that_is_no_web_address_is_an_error(tmp_path, value):
    from test_settings import only, settings_errors

    error = only(settings_errors(tmp_path, f"base_url: '{value}'\n"))
    assert error.message == (f"base_url must be an address such as "
                             f"https://example.org/handouts/, not '{value}'")
    assert (error.line, error.column) == (1, 11)
