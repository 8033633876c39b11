"""``versus release`` as a user runs it: editions recorded in editions/<slug>.yaml,
printed in the PDF's byline ("Edition 1 · 6 December 2025", "+ changes" once
edited), rebuilt for, the same on every clone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.files import two_items, write

REPO = Path(__file__).resolve().parents[2]
EPOCH = "1765000000"  # 2025-12-06 UTC


def versus(project: Path, *args: str, epoch: str = EPOCH) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args,
                           "--project", str(project)], capture_output=True, text=True,
                          env=env, timeout=300, cwd=project)


def byline(project: Path, slug: str) -> str:
    """The first page's text above the lead, spaces made plain."""
    text = subprocess.run(["pdftotext", "-l", "1", str(project / "output" / "pdf" /
                                                         f"{slug}.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    return " ".join(text.replace("\xa0", " ").split())


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("release") / "project"
    write(project, "content/tea.md", two_items("Tea", "Coffee", "Brewed.\n"))
    write(project, "content/de/kaffee.md",
          two_items("Tee", "Kaffee", "Gebrüht.\n").replace("---\n", "---\nlang: de\n", 1))
    write(project, "content/soon.md",
          two_items("Milk", "Water", "Later.\n").replace("---\n", "---\ndraft: true\n", 1))
    first = versus(project, "release", "--note", "First printing")
    assert first.returncode == 0, first.stderr
    assert "tea: edition 1 recorded in editions/tea.yaml" in first.stderr
    assert versus(project, "pdf").returncode == 0
    return project


def test_release_records_each_handout_with_its_date_and_note(released):
    text = (released / "editions" / "tea.yaml").read_text(encoding="utf-8")
    assert "- edition: 1\n  date: 2025-12-06\n  note: First printing\n" in text
    assert "  table:\n    Focus:\n      Tea: one\n      Coffee: two\n" in text
    assert (released / "editions" / "de" / "kaffee.yaml").is_file()
    assert not (released / "editions" / "soon.yaml").exists(), "a draft is released when named"


def test_the_pdf_prints_its_edition_in_its_language(released):
    assert "Edition 1 · December 6, 2025" in byline(released, "tea")
    assert "Ausgabe 1 · 6. Dezember 2025" in byline(released, "de/kaffee")


def test_releasing_again_unchanged_writes_nothing_and_says_so(released):
    before = (released / "editions" / "tea.yaml").read_bytes()
    again = versus(released, "release", "tea", epoch="1766000000")
    assert again.returncode == 0, again.stderr
    assert "tea: unchanged since edition 1; nothing to release" in again.stderr
    assert (released / "editions" / "tea.yaml").read_bytes() == before


def test_an_edit_prints_changes_until_the_next_release(released, tmp_path):
    project = tmp_path / "copy"
    shutil.copytree(released, project)
    with (project / "content" / "tea.md").open("a", encoding="utf-8") as handle:
        handle.write("\nSteeped longer.\n")
    assert versus(project, "pdf").returncode == 0
    assert "Edition 1 + changes" in byline(project, "tea")
    second = versus(project, "release", "tea", "--note", "Steeping", epoch="1766000000")
    assert "tea: edition 2 recorded" in second.stderr
    built = versus(project, "pdf", "--explain")
    assert "pdf/tea.pdf: rebuild (editions/tea.yaml changed)" in built.stderr
    assert "pdf/de/kaffee.pdf: skip (up to date)" in built.stderr
    assert "Edition 2 · December 17, 2025" in byline(project, "tea")
    text = (project / "editions" / "tea.yaml").read_text(encoding="utf-8")
    assert text.count("- edition:") == 2 and "note: Steeping" in text


def test_a_named_draft_is_released(released, tmp_path):
    project = tmp_path / "copy"
    shutil.copytree(released, project)
    assert versus(project, "release", "soon").returncode == 0
    assert (project / "editions" / "soon.yaml").is_file()


def test_two_clones_record_and_print_the_same_edition(released, tmp_path):
    clones = []
    for name in ("one", "two"):
        project = tmp_path / name
        shutil.copytree(released / "content", project / "content")
        assert versus(project, "release").returncode == 0
        assert versus(project, "pdf").returncode == 0
        clones.append(project)
    for relative in ("editions/tea.yaml", "output/pdf/tea.pdf"):
        assert (clones[0] / relative).read_bytes() == (clones[1] / relative).read_bytes()


def test_the_report_link_carries_the_edition(released, tmp_path):
    project = tmp_path / "copy"
    shutil.copytree(released, project)
    write(project, "versus.yaml",
          "issue_url: https://example.org/new?title={slug}&body=edition%20{edition}\n")
    assert versus(project, "html", "tea").returncode == 0
    page = (project / "output" / "html" / "tea.html").read_text(encoding="utf-8")
    assert "https://example.org/new?title=tea&amp;body=edition%201" in page


def test_a_handout_never_released_prints_no_edition(tmp_path):
    project = tmp_path / "project"
    write(project, "content/tea.md", two_items("Tea", "Coffee", "Brewed.\n"))
    assert versus(project, "pdf").returncode == 0
    assert "Edition" not in byline(project, "tea")


def test_release_names_an_unknown_handout_as_a_usage_error(released):
    result = versus(released, "release", "nothing-here")
    assert result.returncode == 2 and "no handout 'nothing-here'" in result.stderr


def test_the_web_page_and_the_facts_say_what_each_edition_changed(released, tmp_path):
    import json

    import jsonschema

    project = tmp_path / "copy"
    shutil.copytree(released, project)
    source = project / "content" / "tea.md"
    source.write_text(source.read_text(encoding="utf-8").replace("Tea: one", "Tea: green"),
                      encoding="utf-8")
    assert versus(project, "release", "tea", "--note", "Greener",
                  epoch="1766000000").returncode == 0
    assert versus(project, "all", "tea").returncode == 0
    page = (project / "output" / "html" / "tea.html").read_text(encoding="utf-8")
    section = page[page.index('<section class="changes"'):]
    section = section[:section.index("</section>")]
    assert ('Edition 2 · <time datetime="2025-12-17">December 17, 2025</time>: Greener'
            in section)
    assert "<li>Focus, Tea: <del>one</del> → <ins>green</ins></li>" in section
    assert "First printing" in section and section.index("Edition 2") < section.index(
        "Edition 1")
    facts = json.loads((project / "output" / "data" / "tea.json").read_text("utf-8"))
    schema = json.loads((REPO / "versus" / "theme" / "data.schema.json").read_text("utf-8"))
    jsonschema.validate(facts, schema)
    assert facts["edition"] == 2
    assert facts["changes"][0]["cells"] == [{"attribute": "Focus", "item": "Tea",
                                             "old": "one", "new": "green"}]
    printed = subprocess.run(["pdftotext", str(project / "output" / "pdf" / "tea.pdf"),
                              "-"], capture_output=True, text=True).stdout
    assert "Edition 2" in printed and "Greener" not in printed, (
        "the Changes section is the web page's")


# ------------------------------------------------ is my copy current? (base_url)

@pytest.fixture(scope="module")
def published(released, tmp_path_factory) -> Path:
    """The released project with base_url set, tea at edition 2, built."""
    project = tmp_path_factory.mktemp("published") / "project"
    shutil.copytree(released, project)
    write(project, "versus.yaml", "base_url: https://handouts.example.org/site/\n")
    source = project / "content" / "tea.md"
    source.write_text(source.read_text(encoding="utf-8").replace("Tea: one", "Tea: green"),
                      encoding="utf-8")
    assert versus(project, "release", "tea", epoch="1766000000").returncode == 0
    built = versus(project, "all")
    assert built.returncode == 0, built.stderr
    assert "QR code" not in built.stderr
    return project


def test_the_pdf_carries_a_qr_code_of_its_page_at_its_edition(published, tmp_path):
    address = "https://handouts.example.org/site/html/tea.html?edition=2"
    pdf = published / "output" / "pdf" / "tea.pdf"
    assert address in " ".join(subprocess.run(["pdftotext", str(pdf), "-"], check=True,
                                              capture_output=True, text=True).stdout.split())
    subprocess.run(["pdftoppm", "-png", "-r", "200", str(pdf), str(tmp_path / "page")],
                   check=True)
    decoded = [subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True,
                              text=True).stdout.strip()
               for png in sorted(tmp_path.glob("page*.png"))]
    assert address in decoded


def test_the_qr_code_is_a_figure_with_alt_text_for_pdf_ua(published):
    from support.tagged import pdfua_problems

    assert pdfua_problems(published / "output" / "pdf" / "tea.pdf") == []


def test_without_base_url_a_released_handout_says_why_it_has_no_qr(released, tmp_path):
    project = tmp_path / "copy"
    shutil.copytree(released, project)
    built = versus(project, "pdf", "--force")
    assert built.returncode == 0
    warnings = [line for line in built.stderr.splitlines() if "QR code" in line]
    assert warnings == ["warning: versus.yaml: no QR code on the PDF of 2 released "
                        "handouts, for readers to check their copy: set base_url (the "
                        "address the site is published at)"]


@pytest.mark.parametrize("held, shown", [(1, True), (2, False), (0, False)])
def test_the_page_opened_from_a_copy_says_which_edition_it_holds(published, held, shown):
    from support.webcheck import axe, chromium, show

    page = (published / "output" / "html" / "tea.html").as_uri() + f"?edition={held}"
    with chromium() as driver:
        show(driver, page, width=390)
        notice = driver.execute_script(
            "const n = document.querySelector('.held-edition');"
            "return [n.hidden, n.textContent,"
            " [...document.querySelectorAll('#changes .since-held')].map(e => e.id)];")
        assert notice == ([False, "You hold edition 1; this is edition 2. What changed "
                                  "since is marked under Changes.", ["edition-2"]]
                          if shown else [True, "", []])
        assert axe(driver) == []


def test_output_holds_the_site_and_no_bookkeeping_or_absolute_path(published):
    """What a build keeps for itself is in .versus/ (with a .gitignore), beside output/."""
    output = published / "output"
    names = {path.relative_to(output).as_posix() for path in output.rglob("*")}
    assert not {name for name in names if "state" in name or name.endswith(".lock")}
    assert (published / ".versus" / "state.db").is_file()
    assert (published / ".versus" / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    leaks = [path for path in output.rglob("*")
             if path.is_file() and str(published).encode() in path.read_bytes()]
    assert leaks == []


def test_the_index_links_the_booklet_when_there_is_one(published, tmp_path):
    index = (published / "output" / "index.html").read_text(encoding="utf-8")
    assert '<a href="booklet.pdf">All handouts in one PDF: the booklet</a>' in index
    assert (published / "output" / "booklet.pdf").is_file()
    project = tmp_path / "web-only"
    write(project, "content/tea.md", two_items("Tea", "Coffee", "Brewed.\n"))
    assert versus(project, "html").returncode == 0
    assert "booklet.pdf" not in (project / "output" / "index.html").read_text("utf-8")


def test_the_page_with_its_changes_passes_the_nu_checker(published):
    from support.webcheck import vnu

    assert vnu([published / "output" / "html" / "tea.html"]) == []
