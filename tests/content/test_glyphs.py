"""A character no font can draw is a warning at its place, in builds and in check."""

from __future__ import annotations

import json

from support.files import write
from versus.content.glyphs import Coverage

FRONT = "---\nitems: [Alpha, Beta]\nattributes:\n  Colour: {Alpha: Red, Beta: Blue}\n---\n"
UNDRAWN = "\U0010fffd"  # private use, plane 16: no font has it


def test_coverage_merges_ranges():
    coverage = Coverage([(10, 20), (15, 30), (32, 32), (31, 31), (100, 100)])
    assert [code for code in range(0, 110) if code in coverage] == [
        *range(10, 33), 100]
    assert not Coverage([])


def test_check_warns_at_each_undrawn_character_once(tmp_path, run_cli):
    text = FRONT + f"Lead {UNDRAWN}.\n\n日本語 and العربية are drawn; {UNDRAWN} again.\n"
    write(tmp_path, "content/a-vs-b.md", text)
    write(tmp_path, "content/b-vs-c.csv", "x")  # no handout: not read
    result = run_cli("check", "--project", tmp_path, "--format", "json")
    findings = json.loads(result.stdout)
    assert [(f["code"], f["severity"], f["line"], f["column"], f["message"])
            for f in findings] == [
        ("no-font", "warning", 6, 6, "no font for U+10FFFD 'private use character'")]
    assert run_cli("check", "--project", tmp_path, "--strict").exit_code == 1


def test_build_warns_and_strict_refuses(tmp_path, run_cli):
    write(tmp_path, "content/a-vs-b.md",
          FRONT.replace("Red", f"Red {UNDRAWN}") + "Lead.\n")
    result = run_cli("html", "--project", tmp_path)
    assert result.exit_code == 0
    assert (f"warning: {tmp_path}/content/a-vs-b.md:4:23: no font for U+10FFFD "
            "'private use character'") in result.output.replace("\\", "/")
    strict = run_cli("pdf", "--project", tmp_path, "--strict")
    assert strict.exit_code == 1
    assert "no font for U+10FFFD" in strict.output
    assert not (tmp_path / "output/pdf/a-vs-b.pdf").exists()


def test_scripts_of_the_translations_are_drawn(tmp_path, run_cli):
    words = "Ελληνικά Русский 日本語 中文 한국어 العربية עברית हिन्दी ไทย"
    write(tmp_path, "content/a-vs-b.md", FRONT + f"Lead: {words}.\n")
    result = run_cli("check", "--project", tmp_path, "--format", "json")
    assert json.loads(result.stdout) == []
