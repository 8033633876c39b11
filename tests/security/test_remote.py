"""Remote images: left out with a warning and their alt text, unless --allow-remote."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from support.files import write
from versus.cli.main import main

HANDOUT = """---
items: [A, B]
attributes:
  Focus:
    A: one
    B: two
---
Before the picture.

![The remote logo](https://example.invalid/logo.png)
"""


def build(project: Path, *options: str):
    return CliRunner().invoke(main, ["pdf", "--project", str(project), "--jobs", "1",
                                     *options])


def test_a_remote_image_is_a_warning_and_the_alt_text_is_printed(tmp_path):
    write(tmp_path, "content/a-vs-b.md", HANDOUT)
    result = build(tmp_path)
    assert result.exit_code == 0, result.output
    assert ("content/a-vs-b.md: remote image "
            "'https://example.invalid/logo.png' not fetched") in result.output
    assert "Failed to load image" not in result.output  # said once, by Versus
    text = PdfReader(tmp_path / "output/pdf/a-vs-b.pdf").pages[0].extract_text()
    assert "The remote logo" in text


def test_strict_turns_the_warning_into_an_error_and_writes_nothing(tmp_path):
    write(tmp_path, "content/a-vs-b.md", HANDOUT)
    result = build(tmp_path, "--strict")
    assert result.exit_code == 1, result.output
    assert "content/a-vs-b.md: remote image" in result.output
    assert not (tmp_path / "output/pdf/a-vs-b.pdf").exists()


def test_allow_remote_tries_the_network_and_reports_a_failure(tmp_path):
    # example.invalid never resolves: with --allow-remote the fetch is attempted,
    # and its failure is the handout's error rather than a warning.
    write(tmp_path, "content/a-vs-b.md", HANDOUT)
    result = build(tmp_path, "--allow-remote")
    assert result.exit_code == 1, result.output
    assert "cannot load 'https://example.invalid/logo.png'" in result.output
