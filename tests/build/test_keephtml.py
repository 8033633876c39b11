"""``pdf --keep-html``: the print HTML of each PDF in output/print/ (versus/build/printcopy.py).

What is kept opens on its own, from output/print/: plain WeasyPrint renders it to
the same pages Versus made (text and images), with the theme's stylesheet and
fonts copied beside it and the handout's images found through its <base>.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from versus.cli.main import main

from support.files import two_items, write

PNG = base64.b64decode(  # a 2×2 red PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==")


def cli(project: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["pdf", "--project", str(project), "--jobs", "1",
                                       *args])
    assert result.exit_code == 0, result.output
    return result.output


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def kept(tmp_path_factory) -> Path:
    """A project with a handout at the top and one in a folder with an image,
    built with --keep-html."""
    project = tmp_path_factory.mktemp("keephtml") / "project"
    write(project, "content/top.md", two_items("Tea", "Coffee", "Plain words on top.\n"))
    write(project, "content/guides/pictured.md",
          two_items("Cats", "Dogs", "A picture:\n\n![A red square](img/red.png)\n"))
    write(project, "content/guides/img/red.png", PNG)
    cli(project, "--keep-html")
    return project


def test_each_pdf_has_its_print_html_and_the_theme_beside_them(kept):
    output = kept / "output" / "print"
    assert (output / "top.html").is_file() and (output / "guides" / "pictured.html").is_file()
    assert (output / "assets" / "versus.css").is_file()
    assert list((output / "assets" / "fonts").glob("Inter-*.otf"))
    page = (output / "guides" / "pictured.html").read_text(encoding="utf-8")
    assert '<base href="../../../content/guides/">' in page
    assert '<link rel="stylesheet" href="../../output/print/assets/versus.css">' in page
    assert "@page { size: A4; }" in page


@pytest.mark.parametrize("slug", ["top", "guides/pictured"])
def test_plain_weasyprint_renders_the_kept_html_as_versus_did(kept, slug, tmp_path):
    plain = tmp_path / "plain.pdf"
    subprocess.run([sys.executable, "-m", "weasyprint", "--quiet",
                    str(kept / "output" / "print" / f"{slug}.html"), str(plain)],
                   check=True, cwd=tmp_path)
    made = kept / "output" / "pdf" / f"{slug}.pdf"
    assert pdftotext(plain) == pdftotext(made)
    images = [subprocess.run(["pdfimages", "-list", str(pdf)], check=True,
                             capture_output=True, text=True).stdout.splitlines()[2:]
              for pdf in (plain, made)]
    assert len(images[0]) == len(images[1]) == (1 if slug == "guides/pictured" else 0)


def test_without_the_option_nothing_is_kept(tmp_path):
    project = tmp_path / "project"
    write(project, "content/top.md", two_items("Tea", "Coffee", "Words.\n"))
    cli(project)
    assert not (project / "output" / "print").exists()


def test_asking_later_keeps_the_pdfs_and_writes_the_html(kept, tmp_path):
    project = tmp_path / "copy"
    shutil.copytree(kept, project)
    shutil.rmtree(project / "output" / "print")
    pdf = project / "output" / "pdf" / "top.pdf"
    before = pdf.stat().st_mtime_ns
    cli(project)  # without the option: the PDFs' inputs changed, their pages did not
    said = cli(project, "--keep-html", "--explain")
    assert "pdf/top.pdf: kept (same page)" in said
    assert (project / "output" / "print" / "top.html").is_file()
    assert pdf.stat().st_mtime_ns == before
    (project / "output" / "print" / "top.html").unlink()
    said = cli(project, "--keep-html", "--explain")
    assert "pdf/top.pdf: rebuild (its print HTML (--keep-html) is missing)" in said
    assert (project / "output" / "print" / "top.html").is_file()
    assert "pdf/guides/pictured.pdf: skip (up to date)" in said


def test_a_deleted_handout_takes_its_print_html_along(kept, tmp_path):
    project = tmp_path / "copy"
    shutil.copytree(kept, project)
    (project / "content" / "top.md").unlink()
    cli(project, "--keep-html")
    assert not (project / "output" / "print" / "top.html").exists()
    assert (project / "output" / "print" / "guides" / "pictured.html").is_file()
