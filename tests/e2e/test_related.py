"""Items written once and comparisons that know each other, as a user runs them: a
profile's facts in every handout naming the item, an edit to it rebuilding exactly
those, related comparisons linked in web pages and PDFs, an item's page, and a
shared passage included in two handouts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest

from support.files import write

REPO = Path(__file__).resolve().parents[2]
PROFILE = """\
name: PostgreSQL
aliases: [Postgres]
summary: The open-source object-relational database.
website: https://www.postgresql.org/
logo: static/postgresql.svg
facts:
  Licence: {value: PostgreSQL Licence, source: "https://www.postgresql.org/about/licence/"}
  First release: 1996
"""


LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        '<rect width="10" height="10" fill="#d82c20"/></svg>')
"""A red square: no colour of the theme's."""


def versus(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1765000000"}
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args,
                           "--project", str(project)], capture_output=True, text=True,
                          env=env, timeout=300, cwd=project)


def pdf_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return " ".join(text.replace("\xa0", " ").split())


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("items") / "project"
    write(project, "content/items/postgresql.yaml", PROFILE)
    write(project, "static/postgresql.svg", LOGO)
    write(project, "content/shared/licences.md",
          "A licence says what you may do with the code.\n")
    write(project, "content/postgresql-vs-mysql.md", (
        "---\nitems: [PostgreSQL, MySQL]\nattributes:\n  Licence:\n    MySQL: GPL v2\n"
        "  First release:\n    MySQL: 1995\n---\nTwo databases.\n\n## Licences\n\n"
        '--8<-- "licences.md"\n'))
    write(project, "content/db/postgres-vs-sqlite.md", (
        "---\nitems: [Postgres, SQLite]\nattributes:\n  Licence:\n"
        "    SQLite: Public domain\n  First release:\n    Postgres: 1986 (as POSTGRES)\n"
        "    SQLite: 2000\n---\nTwo more databases.\n\n## Licences\n\n"
        "--8<-- 'licences.md'\n"))
    write(project, "content/redis-vs-memcached.md", (
        "---\nitems: [Redis, Memcached]\nattributes:\n  Licence:\n    Redis: RSAL\n"
        "    Memcached: BSD\n---\nTwo caches.\n"))
    result = versus(project, "all")
    assert result.returncode == 0, result.stderr
    return project


def test_two_handouts_take_the_licence_from_the_profile(project):
    pdf = project / "output" / "pdf"
    assert "PostgreSQL Licence" in pdf_text(pdf / "postgresql-vs-mysql.pdf")
    assert "PostgreSQL Licence" in pdf_text(pdf / "db" / "postgres-vs-sqlite.pdf")
    page = (project / "output/html/db/postgres-vs-sqlite.html").read_text("utf-8")
    assert "PostgreSQL Licence" in re.sub(r"<[^>]+>", "", page)
    assert "The open-source object-relational database." in page, "summary in the head"
    assert "https://www.postgresql.org/about/licence/" in page, "the fact's source listed"


def test_the_profile_logo_heads_the_items_column_in_print_and_on_the_web(project,
                                                                        tmp_path):
    from PIL import Image

    page = project / "output/html/db/postgres-vs-sqlite.html"
    (src,) = re.findall(r'<img class="item-logo" src="([^"]+)"', page.read_text("utf-8"))
    assert src == "../../static/postgresql.svg" and (page.parent / src).resolve().is_file()
    for name, logos in (("postgresql-vs-mysql", True), ("redis-vs-memcached", False)):
        subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1",
                        str(project / "output/pdf" / f"{name}.pdf"), str(tmp_path / name)],
                       check=True)
        (png,) = tmp_path.glob(f"{name}*.png")
        pixels = Image.open(png).convert("RGB").tobytes()
        red = sum(1 for at in range(0, len(pixels), 3)
                  if pixels[at] > 180 and pixels[at + 1] < 90 and pixels[at + 2] < 80)
        assert (red > 4) is logos, (name, red)


def test_a_handout_value_wins_over_the_profile(project):
    text = pdf_text(project / "output/pdf/db/postgres-vs-sqlite.pdf")
    assert "1986 (as POSTGRES)" in text and "1996" not in text
    assert "1996" in pdf_text(project / "output/pdf/postgresql-vs-mysql.pdf")


def test_a_shared_passage_appears_in_both_handouts(project):
    for pdf in ("postgresql-vs-mysql.pdf", "db/postgres-vs-sqlite.pdf"):
        assert "A licence says what you may do with the code." in pdf_text(
            project / "output" / "pdf" / pdf)
    assert "licence says" not in pdf_text(project / "output/pdf/redis-vs-memcached.pdf")


def test_related_comparisons_link_each_other_in_web_pages_and_pdfs(project):
    output = project / "output"
    page = (output / "html/postgresql-vs-mysql.html").read_text("utf-8")
    related = page[page.index('class="related"'):]
    hrefs = re.findall(r'href="([^"]+)"', related[:related.index("</nav>")])
    assert hrefs == ["db/postgres-vs-sqlite.html"], "redis shares no item"
    assert (output / "html" / hrefs[0]).is_file()
    nested = (output / "html/db/postgres-vs-sqlite.html").read_text("utf-8")
    assert 'href="../postgresql-vs-mysql.html"' in nested
    text = pdf_text(output / "pdf/postgresql-vs-mysql.pdf")
    assert "Related comparisons • Postgres vs. SQLite" in text
    with pikepdf.open(output / "pdf/db/postgres-vs-sqlite.pdf") as pdf:
        uris = [str(annot.A.URI) for page in pdf.pages for annot in page.get("/Annots", [])
                if "/A" in annot and "/URI" in annot.A]
    assert "../postgresql-vs-mysql.pdf" in uris
    assert (output / "pdf/db" / "../postgresql-vs-mysql.pdf").resolve().is_file()
    assert "Related comparisons" not in pdf_text(output / "pdf/redis-vs-memcached.pdf")


def test_the_item_page_lists_both_handouts_and_the_profile(project):
    page = (project / "output/items/postgresql.html").read_text("utf-8")
    assert '../html/postgresql-vs-mysql.html' in page
    assert '../html/db/postgres-vs-sqlite.html' in page
    assert "redis" not in page
    assert "Also called: Postgres" in page and "https://www.postgresql.org/" in page
    assert (project / "output/items/mysql.html").is_file(), "an item without a profile too"
    head = (project / "output/html/postgresql-vs-mysql.html").read_text("utf-8")
    assert 'href="../items/postgresql.html"' in head, "the column head links the item"


def outputs(project: Path) -> dict[str, int]:
    return {path.relative_to(project / "output").as_posix(): path.stat().st_mtime_ns
            for folder in ("html", "pdf") for path in (project / "output" / folder).rglob("*")
            if path.is_file()}


def test_editing_the_profile_rebuilds_exactly_the_handouts_naming_it(project):
    before = outputs(project)
    time.sleep(0.01)
    path = project / "content/items/postgresql.yaml"
    path.write_text(PROFILE.replace("PostgreSQL Licence", "The PostgreSQL Licence"),
                    encoding="utf-8")
    result = versus(project, "all", "--explain")
    assert result.returncode == 0, result.stderr
    after = outputs(project)
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert changed == ["html/db/postgres-vs-sqlite.html", "html/postgresql-vs-mysql.html",
                       "pdf/db/postgres-vs-sqlite.pdf", "pdf/postgresql-vs-mysql.pdf"]
    assert "pdf/postgresql-vs-mysql.pdf: rebuild (item profile postgresql changed)" \
        in result.stderr
    assert "html/redis-vs-memcached.html: skip (up to date)" in result.stderr
    assert "The PostgreSQL Licence" in pdf_text(project / "output/pdf/postgresql-vs-mysql.pdf")
    again = versus(project, "all")
    assert again.returncode == 0 and outputs(project) == after, "a second build does nothing"


def test_editing_a_shared_passage_rebuilds_the_handouts_including_it(project):
    before = outputs(project)
    time.sleep(0.01)
    write(project, "content/shared/licences.md", "A licence says what you may do.\n")
    result = versus(project, "html", "--explain")
    assert result.returncode == 0, result.stderr
    after = outputs(project)
    assert sorted(name for name in after if after[name] != before.get(name)) == [
        "html/db/postgres-vs-sqlite.html", "html/postgresql-vs-mysql.html"]
    assert "html/postgresql-vs-mysql.html: rebuild (shared passage licences.md changed)" \
        in result.stderr


def test_a_cycle_of_passages_is_an_error_at_its_line(tmp_path):
    write(tmp_path, "content/shared/a.md", 'A.\n\n--8<-- "b.md"\n')
    write(tmp_path, "content/shared/b.md", 'B.\n--8<-- "a.md"\n')
    write(tmp_path, "content/tea.md", ("---\nitems: [Tea, Coffee]\nattributes:\n  Focus:\n"
                                       "    Tea: one\n    Coffee: two\n---\nText.\n\n"
                                       '--8<-- "a.md"\n'))
    result = versus(tmp_path, "html")
    assert result.returncode != 0
    assert ("error: content/shared/b.md:2:8: 'a.md' includes itself: a.md -> b.md -> a.md"
            in result.stderr), result.stderr
    assert not (tmp_path / "output/html/tea.html").exists()


def test_check_warns_of_a_profile_no_handout_names(project):
    write(project, "content/items/oracle.yaml", "name: Oracle Database\n")
    try:
        result = versus(project, "check")
        listed = versus(project, "check", "--format", "json")
    finally:
        (project / "content/items/oracle.yaml").unlink()
    assert result.returncode == 0, result.stderr
    assert ("warning: content/items/oracle.yaml:1:1: no handout names 'Oracle Database'"
            in result.stderr)
    assert '"code": "unused-profile"' in listed.stdout


def test_in_the_booklet_a_related_comparison_jumps_to_its_first_page(project):
    with pikepdf.open(project / "output/booklet.pdf") as pdf:
        starts = {str(dest): pdf.pages.index(pikepdf.Page(target[0]))
                  for dest, target in zip(pdf.Root.Names.Dests.Names[::2],
                                          pdf.Root.Names.Dests.Names[1::2])}
        page = starts["postgresql-vs-mysql"]
        jumps = [pdf.pages.index(pikepdf.Page(annot.Dest[0]))
                 for annot in pdf.pages[page].get("/Annots", []) if "/Dest" in annot]
        uris = [str(annot.A.URI) for annot in pdf.pages[page].get("/Annots", [])
                if "/A" in annot and "/URI" in annot.A]
    assert starts["db/postgres-vs-sqlite"] in jumps, "the related handout's first page"
    assert not [uri for uri in uris if uri.endswith(".pdf")], uris
