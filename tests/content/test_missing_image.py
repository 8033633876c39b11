"""A missing image fails the handout's web page as it fails the PDF, at the
path:line:col where the handout names it; the last good page stays."""

from __future__ import annotations

from pathlib import Path

from support.files import write
from versus.build.pipeline import BuildOptions, build

HANDOUT = ("---\nitems: [A, B]\nattributes:\n  Focus:\n    A: one\n    B: two\n---\n"
           "Lead.\n\n{image}\n")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4"
                    "890000000d4944415478da63f8cfc0f01f0005000201a5d5e4c10000000049454e"
                    "44ae426082")


def page(root: Path) -> Path:
    return root / "output" / "html" / "a-vs-b.html"


def test_a_missing_image_fails_the_web_page_at_its_place(tmp_path):
    write(tmp_path, "content/dot.png", PNG)
    write(tmp_path, "content/a-vs-b.md", HANDOUT.format(image="![A dot](dot.png)"))
    options = BuildOptions(formats=("html",), jobs=1)
    assert build(tmp_path, options).ok
    good = page(tmp_path).read_bytes()
    write(tmp_path, "content/a-vs-b.md",
          HANDOUT.format(image="Text first. ![A dot](gone.png) and ![B](gone2.png)"))
    report = build(tmp_path, options)
    source = tmp_path / "content" / "a-vs-b.md"
    assert sorted(str(error) for error in report.errors) == [
        f"{source}:10:13: image 'gone.png' not found",
        f"{source}:10:36: image 'gone2.png' not found"]
    assert page(tmp_path).read_bytes() == good


def test_the_cli_names_the_place_for_html_and_pdf_alike(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "content/a-vs-b.md", HANDOUT.format(image="![Gone](gone.png)"))
    result = run_cli("html", "--project", tmp_path, "--jobs", "1")
    assert result.exit_code == 1
    assert "error: content/a-vs-b.md:10:1: image 'gone.png' not found" \
        in result.output.splitlines()
    assert not page(tmp_path).exists()
    check = run_cli("check", "--project", tmp_path)
    assert "error: content/a-vs-b.md:10:1: image 'gone.png' not found" \
        in check.output.splitlines()


def test_a_present_image_builds(tmp_path):
    write(tmp_path, "content/dot.png", PNG)
    write(tmp_path, "content/a-vs-b.md", HANDOUT.format(image="![A dot](dot.png)"))
    assert build(tmp_path, BuildOptions(formats=("html",), jobs=1)).ok
    assert 'src="dot.png"' in page(tmp_path).read_text()
