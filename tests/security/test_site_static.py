"""A site's own files: static/ published and readable in print and on the web, the
logo and extra_css settings, template images, overrides that stay in their site,
and the hostile cases of static/ (links out, dotfiles, scripted SVGs)."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from support.files import write
from versus.scaffold.newsite import EXAMPLE_SLUG
from versus.render.theme import default_theme

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "theming.md"
BRAND = (10, 125, 90)  # #0a7d5a: the worked example's colour in docs/theming.md
LOGO_COLOUR = (214, 0, 140)


def worked_example() -> tuple[str, str]:
    """The extra stylesheet and the settings of docs/theming.md's worked example."""
    text = GUIDE.read_text(encoding="utf-8").split("## A worked example", 1)[1]
    css = re.search(r"```css\n(.*?)```", text, re.DOTALL).group(1)
    settings = re.search(r"```yaml\n(.*?)```", text, re.DOTALL).group(1)
    return css, settings


EXTRA_CSS, SETTINGS = worked_example()
SVG_SCRIPT = (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
              b'<script>alert(1)</script><rect width="10" height="10"/></svg>')


def png(colour=LOGO_COLOUR, size=(240, 80)) -> bytes:
    """A PNG of one colour."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def new_site(run_cli, folder: Path, branded: bool = False) -> Path:
    """A site made by ``versus init``; ``branded``: the worked example of
    docs/theming.md, a logo and a brand colour."""
    assert run_cli("init", folder).exit_code == 0
    if branded:
        (folder / "static" / "logo.png").write_bytes(png())
        write(folder, "static/extra.css", EXTRA_CSS)
        with (folder / "versus.yaml").open("a", encoding="utf-8") as settings:
            settings.write(SETTINGS)
    return folder


def page_pixels(pdf: Path, tmp_path: Path) -> Image.Image:
    """The first page of ``pdf`` at 40 dpi."""
    stem = tmp_path / f"page-{hashlib.sha256(str(pdf).encode()).hexdigest()[:8]}"
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(stem)], check=True)
    return Image.open(f"{stem}.png").convert("RGB")


def share(image: Image.Image, colour, tolerance: int = 12) -> float:
    """The share of ``image``'s pixels within ``tolerance`` of ``colour``."""
    counts = image.getcolors(image.width * image.height)
    near = sum(count for count, pixel in counts
               if all(abs(a - b) <= tolerance for a, b in zip(pixel, colour)))
    return near / (image.width * image.height)


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """Two sites built side by side: the worked example and an untouched one."""
    from conftest import _invoke

    root = tmp_path_factory.mktemp("sites")
    branded = new_site(_invoke, root / "acme", branded=True)
    plain = new_site(_invoke, root / "plain")
    for site in (branded, plain):
        for command in ("html", "pdf"):
            result = _invoke(command, "--project", site)
            assert result.exit_code == 0, result.output
    return branded, plain


def test_worked_example_shows_logo_and_brand_colour_in_the_pdf(sites, tmp_path):
    branded, plain = sites
    page = page_pixels(branded / f"output/pdf/{EXAMPLE_SLUG}.pdf", tmp_path)
    assert share(page, LOGO_COLOUR) > 0.002, "no logo on the printed page"
    assert share(page, BRAND) > 0.002, "no brand colour on the printed page"
    untouched = page_pixels(plain / f"output/pdf/{EXAMPLE_SLUG}.pdf", tmp_path)
    assert share(untouched, LOGO_COLOUR) == 0 and share(untouched, BRAND) == 0
    assert share(untouched, (0x2B, 0x59, 0xC3)) > 0.002  # the theme's accent


def test_worked_example_publishes_static_files_for_the_web_pages(sites):
    branded, _ = sites
    output = branded / "output"
    assert (output / "static/logo.png").read_bytes() == png()
    assert (output / "static/extra.css").read_text(encoding="utf-8") == EXTRA_CSS
    page = (output / f"html/{EXAMPLE_SLUG}.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="../static/extra.css">' in page
    assert '<img class="logo" src="../static/logo.png" alt="">' in page
    index = (output / "index.html").read_text(encoding="utf-8")
    assert '<img class="logo" src="static/logo.png" alt="">Acme Handouts' in index


def test_the_guide_names_the_worked_examples_colour():
    assert "--accent: #0a7d5a;" in EXTRA_CSS and "logo: static/logo.png" in SETTINGS


@pytest.mark.parametrize("width, scheme", [(390, "light"), (1280, "light"), (390, "dark")])
def test_worked_example_in_chromium(sites, width, scheme):
    from support.webcheck import axe, chromium, show

    branded, _ = sites
    with chromium() as driver:
        for page in (f"html/{EXAMPLE_SLUG}.html", "index.html"):
            show(driver, branded / "output" / page, width=width, scheme=scheme)
            logo = driver.execute_script(
                "const i = document.querySelector('img.logo');"
                "return i && i.complete ? [i.naturalWidth, i.getBoundingClientRect().height]"
                " : null;")
            assert logo and logo[0] == 240 and 10 < logo[1] < 60, (page, logo)
            assert axe(driver) == [], page
        show(driver, branded / "output" / f"html/{EXAMPLE_SLUG}.html", width=width,
             scheme=scheme)
        colour = driver.execute_script(
            "return getComputedStyle(document.querySelector('.kicker')).backgroundColor;")
        assert colour == ("rgb(10, 125, 90)" if scheme == "light" else "rgb(95, 211, 168)")
        overflow = driver.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth;")
        assert overflow <= 0


def test_an_override_changes_its_site_only(run_cli, build, tmp_path):
    theme = {path: path.read_bytes() for path in default_theme().rglob("*")
             if path.is_file()}
    first, second = (new_site(run_cli, tmp_path / name) for name in ("first", "second"))
    build(second, "pdf")
    build(second, "html")
    before = {path: path.read_bytes() for path in (second / "output").rglob("*.*")
              if path.suffix in (".pdf", ".html", ".css")}
    handout = (default_theme() / "handout.html").read_text(encoding="utf-8")
    write(first, "templates/handout.html",
          handout.replace('<p class="kicker">', '<p class="kicker">OVERRIDDEN '))
    write(first, "templates/static/versus.css",
          (default_theme() / "static/versus.css").read_text(encoding="utf-8")
          .replace("--accent: #2b59c3;", "--accent: #aa0000;"))
    build(first, "pdf")
    build(first, "html")
    assert "OVERRIDDEN" in (first / f"output/html/{EXAMPLE_SLUG}.html").read_text("utf-8")
    assert "#aa0000" in (first / "output/assets/versus.css").read_text("utf-8")
    build(second, "pdf", "--force")
    build(second, "html", "--force")
    after = {path: path.read_bytes() for path in before}
    assert after == before
    assert {path: path.read_bytes() for path in theme} == theme


# --- template images ----------------------------------------------------------------

def test_template_images_resolve_in_both_media(run_cli, build, tmp_path):
    site = new_site(run_cli, tmp_path / "site")
    (site / "static" / "badge.png").write_bytes(png((0, 0, 0), (20, 20)))
    write(site, "templates/static/icon.svg",
          '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>')
    handout = (default_theme() / "handout.html").read_text(encoding="utf-8")
    write(site, "templates/handout.html", handout.replace(
        '<p class="kicker">', '<img src="{{ root }}static/badge.png" alt="badge">'
        '<img src="{{ root }}assets/icon.svg" alt="icon"><p class="kicker">'))
    build(site, "pdf")
    build(site, "html")
    output = site / "output"
    assert (output / "static/badge.png").is_file() and (output / "assets/icon.svg").is_file()
    html = (output / f"html/{EXAMPLE_SLUG}.html").read_text(encoding="utf-8")
    assert 'src="../static/badge.png"' in html and 'src="../assets/icon.svg"' in html
    assert share(page_pixels(output / f"pdf/{EXAMPLE_SLUG}.pdf", tmp_path), (0, 0, 0), 4)


@pytest.mark.parametrize("command", ["pdf", "html", "check"])
def test_a_missing_template_image_is_the_templates_error(run_cli, tmp_path, command):
    site = new_site(run_cli, tmp_path / "site")
    handout = (default_theme() / "handout.html").read_text(encoding="utf-8")
    write(site, "templates/handout.html", handout.replace(
        '<p class="kicker">', '<img src="{{ root }}static/gone.png" alt="">\n'
        '<p class="kicker">'))
    line = next(number for number, text in enumerate(
        (site / "templates/handout.html").read_text("utf-8").splitlines(), 1)
        if "gone.png" in text)
    result = run_cli(command, "--project", site)
    assert result.exit_code == 1
    assert (f"templates/handout.html:{line}: image '../static/gone.png' not found"
            in result.output), result.output
    assert "content/" not in result.output


# --- settings -------------------------------------------------------------------------

@pytest.mark.parametrize("value, message", [
    ("static/none.png", "logo 'static/none.png' not found"),
    ("../outside.png", "logo must be a file below static/ or content/"),
    ("static/logo.txt", "logo must be a .png"),
    ("static/link.png", "logo 'static/link.png' is a link to a file outside static/"),
])
def test_a_bad_logo_setting_is_an_error_at_its_place(run_cli, tmp_path, value, message):
    site = new_site(run_cli, tmp_path / "site")
    (tmp_path / "outside.png").write_bytes(png())
    (site / "static" / "link.png").symlink_to(tmp_path / "outside.png")
    (site / "static" / "logo.txt").write_text("x", encoding="utf-8")
    write(site, "versus.yaml", f"logo: {value}\n")
    result = run_cli("pdf", "--project", site)
    assert result.exit_code == 1
    assert f"versus.yaml:1:7: {message}" in result.output, result.output
    assert not (site / "output" / "pdf").exists()


def test_a_logo_from_content_shows_in_both_media(run_cli, build, tmp_path):
    site = new_site(run_cli, tmp_path / "site")
    (site / "content" / "img").mkdir()
    (site / "content" / "img" / "logo.png").write_bytes(png())
    write(site, "versus.yaml", "logo: content/img/logo.png\n")
    build(site, "pdf")
    build(site, "html")
    html = (site / f"output/html/{EXAMPLE_SLUG}.html").read_text(encoding="utf-8")
    assert 'src="../html/img/logo.png"' in html
    assert (site / "output/html/img/logo.png").is_file()
    page = page_pixels(site / f"output/pdf/{EXAMPLE_SLUG}.pdf", tmp_path)
    assert share(page, LOGO_COLOUR) > 0.002


def test_editing_the_extra_css_rebuilds_the_pdf(run_cli, build, tmp_path):
    site = new_site(run_cli, tmp_path / "site", branded=True)
    build(site, "pdf")
    pdf = site / f"output/pdf/{EXAMPLE_SLUG}.pdf"
    first = pdf.read_bytes()
    assert "0 files built" in build(site, "pdf").output
    write(site, "static/extra.css", ":root { --accent: #aa0000; }\n")
    build(site, "pdf")
    assert pdf.read_bytes() != first
    assert share(page_pixels(pdf, tmp_path), (0xAA, 0, 0)) > 0.002


# --- hostile static/ ------------------------------------------------------------------

def test_hostile_static_files_are_never_published(run_cli, tmp_path):
    site = new_site(run_cli, tmp_path / "site")
    secret = tmp_path / "secret.png"
    secret.write_bytes(png())
    (site / "static" / "out.png").symlink_to(secret)
    (site / "static" / "out.css").symlink_to(tmp_path / "site" / ".." / "secret.png")
    (site / "static" / ".env").write_text("TOKEN=secret\n", encoding="utf-8")
    (site / "static" / "page.html").write_text("<script>x</script>", encoding="utf-8")
    (site / "static" / "evil.svg").write_bytes(SVG_SCRIPT)
    (site / "static" / "fine.png").write_bytes(png())
    result = run_cli("html", "--project", site)
    assert result.exit_code == 1
    published = sorted(p.name for p in (site / "output" / "static").iterdir())
    assert published == ["fine.png"]
    assert "static/out.png: file not published: a link to a file outside static/" \
        in result.output
    assert "static/evil.svg: file not published: an SVG a browser would run script" \
        in result.output
    assert ".env" not in result.output and "page.html" not in result.output


@pytest.mark.parametrize("src, why", [
    ("../static/.env", "not a file static/ publishes"),
    ("../static/out.png", "a link to a file outside static/"),
    ("../static/notes.txt", "not a file static/ publishes"),
    ("../static/%2E%2E/versus.yaml", None),
])
def test_content_cannot_read_past_the_static_rules(run_cli, tmp_path, src, why):
    site = new_site(run_cli, tmp_path / "site")
    (tmp_path / "secret.png").write_bytes(png())
    (site / "static" / "out.png").symlink_to(tmp_path / "secret.png")
    (site / "static" / ".env").write_text("TOKEN=secret\n", encoding="utf-8")
    (site / "static" / "notes.txt").write_text("private\n", encoding="utf-8")
    path = site / "content" / f"{EXAMPLE_SLUG}.md"
    path.write_text(path.read_text("utf-8").replace(
        "## Further Detail", f"![x]({src})\n\n## Further Detail"), encoding="utf-8")
    result = run_cli("pdf", "--project", site)
    assert result.exit_code == 1
    assert f"content/{EXAMPLE_SLUG}.md" in result.output
    assert why is None or why in result.output, result.output
    assert not (site / "output" / "pdf" / f"{EXAMPLE_SLUG}.pdf").exists()


def test_a_cluster_job_carries_the_sites_static_files(run_cli, tmp_path):
    from versus.security.sandbox import base_url
    from versus.pdf.renderer import PdfJob
    from versus.pdf.cluster import ThemeBundle, render_shipped, ship
    from versus.render.theme import STYLESHEET, Theme

    site = new_site(run_cli, tmp_path / "site", branded=True)
    font = default_theme() / "static/fonts/Inter-Bold.otf"
    (site / "static" / "brand.otf").write_bytes(font.read_bytes())
    write(site, "static/extra.css", EXTRA_CSS + '@font-face { font-family: "Brand";'
          ' src: url(brand.otf); }\nh1 { font-family: "Brand"; }\n')
    theme = Theme.for_project(site)
    html = ('<html><head><link rel="stylesheet" href="../static/extra.css"></head>'
            '<body><h1>Title</h1><img src="../static/logo.png" alt="logo"></body></html>')
    job = PdfJob("x", str(site / "content" / "x.md"), html,
                 base_url(site, site / "content"), "A4", str(theme.find(STYLESHEET)),
                 tuple(str(p) for p in (site, *theme.dirs)))
    shipped = ship(job)
    assert sorted(shipped.assets) == ["static/brand.otf", "static/extra.css",
                                      "static/logo.png"]
    result = render_shipped(shipped, ThemeBundle.of(theme.static_files()))
    assert result.error is None and result.pdf.startswith(b"%PDF")
    assert share(page_pixels(_save(result.pdf, tmp_path), tmp_path), LOGO_COLOUR) > 0.002


def _save(data: bytes, tmp_path: Path) -> Path:
    path = tmp_path / "shipped.pdf"
    path.write_bytes(data)
    return path


def test_the_printed_logo_is_a_figure_named_by_the_site(sites):
    import pikepdf
    from support.tagged import elements, pdfua_problems, unreachable_content

    branded, _ = sites
    path = branded / f"output/pdf/{EXAMPLE_SLUG}.pdf"
    with pikepdf.open(path) as pdf:
        figures = [str(e.get("/Alt")) for e in elements(pdf) if e.get("/S") == "/Figure"]
        assert figures == ["Acme Handouts"]
        assert unreachable_content(pdf) == []
    assert pdfua_problems(path) == []
