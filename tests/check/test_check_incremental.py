"""``check`` is incremental: findings of unchanged handouts are reused, not redone.

A handout is checked again when one of its files changed, or anything every
handout depends on (settings, a template, the set of handouts, images); the
others' findings come from the build state — warnings included, so a warning
found once is reported on every check until it is fixed. (A project never built,
with no output/, is checked in full each time: check writes nothing there.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support.files import write
from versus.check.checks import check_project

FRONT = "---\nitems: [Alpha, Beta]\n{extra}attributes:\n  Focus: {{Alpha: One, Beta: Two}}\n---\n"
REPO = Path(__file__).resolve().parents[2]


def handout(body: str = "Alpha and Beta.\n\n## Section\n\nText.\n", extra: str = "") -> str:
    return FRONT.format(extra=extra) + body


@pytest.fixture
def project(tmp_path) -> Path:
    project = tmp_path / "project"
    write(project, "content/a.md", handout(extra="titel: Oops\n"))  # unknown-key
    write(project, "content/b.md", handout("See [c](c.md).\n"))  # broken-link
    write(project, "content/d.md", handout())
    (project / "output").mkdir()  # as after a build: check keeps findings only then
    return project


def found(result) -> list[tuple]:
    return [(Path(f.error.path).name, f.error.line, f.error.column, f.severity, f.code,
             f.error.message) for f in result.findings]


def test_unchanged_handouts_are_not_checked_again_and_keep_their_warnings(project):
    first = check_project(project, jobs=1)
    assert first.reused == 0
    codes = {(name, code) for name, *_, code, _ in found(first)}
    assert codes == {("a.md", "unknown-key"), ("b.md", "broken-link")}, found(first)
    again = check_project(project, jobs=1)
    assert again.reused == 3
    assert found(again) == found(first), "reused findings must be reported as before"
    assert [f.as_dict() for f in again.findings] == [f.as_dict() for f in first.findings]


def test_an_edited_handout_is_checked_again_alone(project):
    check_project(project, jobs=1)
    write(project, "content/a.md", handout())  # the unknown key is gone
    result = check_project(project, jobs=1)
    assert result.reused == 2
    assert {code for *_, code, _ in found(result)} == {"broken-link"}


def test_a_changed_template_checks_every_handout_again(project):
    write(project, "templates/handout.html",
          (REPO / "versus" / "theme" / "handout.html").read_text("utf-8"))
    check_project(project, jobs=1)
    write(project, "templates/handout.html",
          (REPO / "versus" / "theme" / "handout.html").read_text("utf-8") + "{{ nope( }}\n")
    result = check_project(project, jobs=1)
    assert result.reused == 0
    assert "template" in {code for *_, code, _ in found(result)}, found(result)


def test_a_new_handout_rechecks_the_links_to_it(project):
    check_project(project, jobs=1)
    write(project, "content/c.md", handout())
    result = check_project(project, jobs=1)
    assert {code for *_, code, _ in found(result)} == {"unknown-key"}, found(result)


def test_a_new_image_clears_its_missing_image_error(project):
    write(project, "content/d.md", handout("![A picture](pic.png)\n"))
    assert "missing-image" in {f.code for f in check_project(project, jobs=1).findings}
    write(project, "content/pic.png", (REPO / "tests" / "golden" / "seed-pages.png")
          .read_bytes())
    assert "missing-image" not in {f.code for f in check_project(project, jobs=1).findings}


def test_the_summary_says_how_many_were_reused(project, run_cli):
    run_cli("check", "--project", project)
    result = run_cli("check", "--project", project)
    assert "3 handouts checked (3 unchanged: findings reused)" in result.output


def test_an_edited_data_file_checks_its_handout_again(project):
    write(project, "content/e.md", "---\nitems: [Alpha, Beta]\n---\nAlpha and Beta.\n")
    write(project, "content/e.csv", "Attribute;Alpha;Beta\nFocus;one;two\n")
    first = check_project(project, jobs=1)
    assert "empty-cell" not in {code for *_, code, _ in found(first)}
    write(project, "content/e.csv", "Attribute;Alpha;Beta\nFocus;one;\n")
    result = check_project(project, jobs=1)
    assert result.reused == 3  # a, b and d; e is checked again
    assert [(name, line, code) for name, line, _, _, code, _ in found(result)
            if code == "empty-cell"] == [("e.csv", 2, "empty-cell")]
