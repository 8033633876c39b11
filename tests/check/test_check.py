"""``versus check``: each finding's code, severity and ``path:line:col``, the JSON
format, and ``--strict``.

Each test writes a tiny project into ``tmp_path``, makes it the working directory
(so paths print as ``content/...``) and runs the CLI in-process. Positions are
computed from the text written, so a body line is counted in the .md file,
front matter included.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from support.files import write
from versus.content.lint import handout_slugs

PNG = bytes.fromhex(  # a valid 1×1 image: check refuses what the renderer would
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")

REPO = Path(__file__).resolve().parents[2]
FRONT = """\
---
items: [Alpha, Beta]
attributes:
  Focus:
    Alpha: One
    Beta: Two
---
"""
LEAD = "Alpha and Beta are two things.\n\n## Section\n\nText.\n"
FIELDS = ["path", "line", "column", "severity", "code", "message"]


def handout(body: str = LEAD, front: str = FRONT) -> str:
    return front + body


def where(text: str, needle: str) -> tuple[int, int]:
    """The 1-based line and column of the first ``needle`` in ``text``."""
    offset = text.index(needle)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def check(run_cli, project):
    """``check(*args) -> (result, findings)`` with ``--format json``."""
    def run(*args):
        result = run_cli("check", "--project", project, "--format", "json", *args)
        assert "Traceback" not in result.output
        return result, json.loads(result.stdout)
    return run


def only(findings, code: str) -> list[dict]:
    return [finding for finding in findings if finding["code"] == code]


def codes(findings) -> set[str]:
    return {finding["code"] for finding in findings}


# --- the errors a build rejects ------------------------------------------------------

def test_content_error_is_an_error_with_its_place(project, check):
    text = handout(front=FRONT.replace("  Focus:\n    Alpha: One\n", "  Focus:\n"))
    write(project, "content/a-vs-b.md", text)
    result, findings = check()
    assert result.exit_code == 1
    assert findings == [{"path": "content/a-vs-b.md", "line": 4, "column": 3,
                         "severity": "error", "code": "content",
                         "message": "attribute 'Focus' has no value for item 'Alpha'"}]


def test_settings_error_has_code_settings(project, check):
    write(project, "content/a-vs-b.md", handout())
    write(project, "versus.yaml", "paper: B5\n")
    result, findings = check()
    assert result.exit_code == 1
    assert [(f["path"], f["code"], f["severity"]) for f in findings] == [
        ("versus.yaml", "settings", "error")]


def test_template_error_has_code_template(project, check):
    write(project, "content/a-vs-b.md", handout())
    write(project, "templates/handout.html", "{{ handout.title }\n")
    result, findings = check()
    assert result.exit_code == 1
    assert [(f["path"], f["code"]) for f in findings] == [
        ("templates/handout.html", "template")]


def test_a_clean_project_has_no_findings(project, check):
    write(project, "content/a-vs-b.md", handout())
    result, findings = check("--strict")
    assert result.exit_code == 0, result.output
    assert findings == []
    assert result.stdout.strip() == "[]"


def test_the_seed_handout_is_clean(project, check):
    write(project, "content/devops-vs-mlops.md",
          (REPO / "tests" / "fixtures" / "devops-vs-mlops.md").read_text(encoding="utf-8"))
    result, findings = check("--strict")
    assert result.exit_code == 0, findings
    assert findings == []


# --- unknown-key ---------------------------------------------------------------------

def test_unknown_key_is_a_warning_with_a_suggestion(project, check):
    write(project, "content/a-vs-b.md", handout(front=FRONT.replace("items:", "titel: X\nitems:")))
    result, findings = check()
    assert result.exit_code == 0
    assert findings == [{"path": "content/a-vs-b.md", "line": 2, "column": 1,
                         "severity": "warning", "code": "unknown-key",
                         "message": "unknown front matter key 'titel'; did you mean 'title'?"}]


def test_known_keys_are_not_reported(project, check):
    front = FRONT.replace("items:", "title: X\ntagline: Y\ndraft: false\ntags: [t]\nitems:")
    write(project, "content/a-vs-b.md", handout(front=front))
    _, findings = check()
    assert only(findings, "unknown-key") == []


# --- slug-collision ------------------------------------------------------------------

def test_slugs_that_differ_only_in_case_collide(project, check):
    write(project, "content/a-vs-b.md", handout())
    write(project, "content/A-vs-B.md", handout())
    if len(list((project / "content").iterdir())) < 2:
        pytest.skip("this file system ignores case")
    _, findings = check()
    collisions = only(findings, "slug-collision")
    assert [(f["path"], f["severity"], f["line"]) for f in collisions] == [
        ("content/A-vs-B.md", "warning", None)]
    assert "collides with 'a-vs-b'" in collisions[0]["message"]
    # The uppercase file name is still rejected on its own.
    assert [f["path"] for f in only(findings, "content")] == ["content/A-vs-B.md"]


def test_collision_across_folders_counts_the_whole_slug(project, check):
    write(project, "content/cloud/aws-vs-gcp.md", handout())
    write(project, "content/Cloud/AWS-vs-GCP.md", handout())
    write(project, "content/x/a.md", handout())
    write(project, "content/x-a.md", handout())
    if not (project / "content" / "cloud").exists() or len(
            list((project / "content").iterdir())) < 4:
        pytest.skip("this file system ignores case")
    _, findings = check()
    assert [f["path"] for f in only(findings, "slug-collision")] == [
        "content/Cloud/AWS-vs-GCP.md"]


def test_different_slugs_do_not_collide(project, check):
    write(project, "content/x/a.md", handout())
    write(project, "content/x-a.md", handout())
    write(project, "content/a-vs-b.md", handout())
    _, findings = check()
    assert only(findings, "slug-collision") == []


# --- broken-link ---------------------------------------------------------------------

def test_links_to_missing_handouts_are_warnings(project, check):
    body = ("Lead: see [Gamma](c-vs-d.md) and [the page](e-vs-f.html).\n\n"
            "## Section\n\nAlso [PDF](../pdf/g-vs-h.pdf), and [ref][r].\n\n"
            "[r]: i-vs-j.md\n")
    text = handout(body)
    write(project, "content/a-vs-b.md", text)
    result, findings = check()
    assert result.exit_code == 0
    broken = only(findings, "broken-link")
    assert [(f["line"], f["column"]) for f in broken] == [
        where(text, "[Gamma]"), where(text, "[the page]"), where(text, "[PDF]"),
        where(text, "[r]:")]
    assert {f["severity"] for f in broken} == {"warning"}
    assert broken[0]["message"] == "link 'c-vs-d.md' names no handout ('c-vs-d' does not exist)"


def test_links_to_existing_handouts_and_other_targets_are_fine(project, check):
    write(project, "content/a-vs-b.md", handout(
        "See [sub](cloud/x-vs-y.md), [page](cloud/x-vs-y.html#focus), "
        "[pdf](../pdf/cloud/x-vs-y.pdf), [site](https://example.com/nope.md), "
        "[mail](mailto:a@b.c), [anchor](#section), [picture](picture.png), "
        "[root](/elsewhere.html) and [draft](draft.md).\n\n## Section\n\nText.\n"))
    write(project, "content/cloud/x-vs-y.md", handout(
        "Back to [a](../a-vs-b.md), [a page](../a-vs-b.html), "
        "[the index](../../index.html).\n\n## Section\n\nText.\n"))
    write(project, "content/draft.md", handout(
        front=FRONT.replace("items:", "draft: true\nitems:")))
    _, findings = check()
    assert only(findings, "broken-link") == []


def test_links_in_code_and_comments_are_not_checked(project, check):
    write(project, "content/a-vs-b.md", handout(
        "Lead with `[span](nope.md)` and <!-- [comment](nope.md) -->.\n\n"
        "## Section\n\n```markdown\n[fenced](nope.md)\n```\n"))
    _, findings = check()
    assert only(findings, "broken-link") == []


@pytest.mark.parametrize("url, slug, expected", [
    ("b.md", "a", ["b"]),
    ("../b.md", "x/a", ["b"]),
    ("b.html", "x/a", ["x/b"]),
    ("../pdf/b.pdf", "a", ["b"]),
    ("../../pdf/x/b.pdf", "x/a", ["x/b"]),
    ("../pdf/x/b.pdf", "x/a", ["pdf/x/b"]),
    ("b%20c.md", "a", ["b c"]),
    ("b.md#part", "a", ["b"]),
    ("../b.md", "a", []),
    ("b.png", "a", []),
    ("https://example.com/b.md", "a", []),
])
def test_handout_slugs_a_link_may_mean(url, slug, expected):
    assert handout_slugs(url, slug) == expected


# --- missing-image and image-alt -----------------------------------------------------

def test_missing_and_outside_images_are_errors(project, check):
    text = handout("Lead.\n\n## Section\n\n![Chart](img/chart.png)\n\n"
                   "![Secret](../../secret.png) and ![Ref][pic]\n\n[pic]: img/gone.png\n")
    write(project, "content/a-vs-b.md", text)
    write(project.parent, "secret.png", b"\x89PNG")
    result, findings = check()
    assert result.exit_code == 1
    missing = only(findings, "missing-image")
    assert [(f["line"], f["column"], f["severity"]) for f in missing] == [
        (*where(text, "![Chart]"), "error"), (*where(text, "![Secret]"), "error"),
        (*where(text, "![Ref]"), "error")]
    assert missing[0]["message"] == "image 'img/chart.png' not found"
    assert missing[1]["message"] == "image '../../secret.png' is outside the project"
    assert codes(findings) == {"missing-image"}


def test_present_remote_and_code_images_are_fine(project, check):
    write(project, "content/img/chart.png", PNG)
    write(project, "content/a-vs-b.md", handout(
        "Lead.\n\n## Section\n\n![Chart](img/chart.png \"A chart\")\n\n"
        "![Remote](https://example.com/x.png) "
        f"![Data](data:image/png;base64,{base64.b64encode(PNG).decode()})\n\n"
        "    ![Indented is a paragraph here](img/chart.png)\n\n"
        "```\n![Fenced](img/none.png)\n```\n"))
    result, findings = check("--strict")
    assert result.exit_code == 0, findings
    assert findings == []


def test_image_without_alt_text_is_a_warning(project, check):
    write(project, "content/img/chart.png", PNG)
    text = handout("Lead.\n\n## Section\n\nSee ![](img/chart.png) and ![  ](img/chart.png).\n")
    write(project, "content/a-vs-b.md", text)
    result, findings = check()
    assert result.exit_code == 0
    assert [(f["code"], f["severity"], f["line"], f["column"]) for f in findings] == [
        ("image-alt", "warning", *where(text, "![]")),
        ("image-alt", "warning", *where(text, "![  ]"))]
    assert findings[0]["message"] == "image 'img/chart.png' has no alt text: say what it shows"


def test_image_with_alt_text_and_in_a_link_is_checked(project, check):
    write(project, "content/img/chart.png", PNG)
    text = handout("Lead.\n\n## Section\n\n[![Chart](img/chart.png)](a-vs-b.md) "
                   "[![](img/chart.png)](a-vs-b.md)\n")
    write(project, "content/a-vs-b.md", text)
    _, findings = check()
    assert [(f["code"], f["column"]) for f in findings] == [
        ("image-alt", where(text, "![]")[1])]


# --- empty-section -------------------------------------------------------------------

def test_empty_sections_are_warnings(project, check):
    text = handout("Lead.\n\n## `Empty`\n\n## Parent\n### Child\n\nText.\n\n"
                   "### Empty child\n## Only a comment\n<!-- later -->\n\n"
                   "Setext\n------\n\n## Last\n")
    write(project, "content/a-vs-b.md", text)
    result, findings = check()
    assert result.exit_code == 0
    empty = only(findings, "empty-section")
    assert [(f["line"], f["column"]) for f in empty] == [
        where(text, "## `Empty`"), where(text, "### Empty child"),
        where(text, "## Only a comment"), where(text, "Setext"), where(text, "## Last")]
    assert empty[0]["message"] == "section '`Empty`' has no text"
    assert empty[3]["message"] == "section 'Setext' has no text"
    assert {f["severity"] for f in empty} == {"warning"}


def test_sections_with_text_code_or_subsections_are_not_empty(project, check):
    write(project, "content/a-vs-b.md", handout(
        "Lead.\n\n## Parent\n### Child\nText.\n\n## Code\n\n```\n## not a heading\n```\n\n"
        "## List\n- item\n\n## Table\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "## Rule after code\n\n```\ncode\n```\n---\n\n## End\n\nText.\n"))
    _, findings = check()
    assert only(findings, "empty-section") == []


# --- output formats and exit status --------------------------------------------------

def mixed_project(project: Path) -> str:
    text = handout("Lead [x](nope.md).\n\n## Empty\n\n## Full\n\n![Gone](gone.png)\n",
                   front=FRONT.replace("items:", "titel: X\nitems:"))
    write(project, "content/a-vs-b.md", text)
    return text


def test_json_is_one_array_of_findings_on_stdout(project, check):
    mixed_project(project)
    result, findings = check()
    assert isinstance(findings, list) and len(findings) == 4
    for finding in findings:
        assert list(finding) == FIELDS
        assert finding["severity"] in ("error", "warning")
        assert finding["path"] == "content/a-vs-b.md"
        assert isinstance(finding["line"], int) and isinstance(finding["column"], int)
    assert [f["code"] for f in findings] == ["unknown-key", "broken-link",
                                             "empty-section", "missing-image"]
    assert [f["severity"] for f in findings] == ["warning", "warning", "warning", "error"]
    assert result.exit_code == 1


def test_text_output_is_one_line_per_finding(project, run_cli):
    text = mixed_project(project)
    result = run_cli("check", "--project", project)
    link, section, image = where(text, "[x]"), where(text, "## Empty"), where(text, "![Gone]")
    expected = [
        "warning: content/a-vs-b.md:2:1: unknown front matter key 'titel'; "
        "did you mean 'title'?",
        f"warning: content/a-vs-b.md:{link[0]}:{link[1]}: link 'nope.md' names no "
        "handout ('nope' does not exist)",
        f"warning: content/a-vs-b.md:{section[0]}:{section[1]}: section 'Empty' has no text",
        f"error: content/a-vs-b.md:{image[0]}:{image[1]}: image 'gone.png' not found",
        "1 handout checked: 1 error, 3 warnings",
    ]
    assert result.output.splitlines() == expected
    assert result.stdout == ""
    assert result.exit_code == 1


def test_strict_makes_warnings_fail(project, check):
    write(project, "content/a-vs-b.md", handout("Lead [x](nope.md).\n\n## Section\n\nText.\n"))
    result, findings = check()
    assert codes(findings) == {"broken-link"}
    assert result.exit_code == 0
    result, _ = check("--strict")
    assert result.exit_code == 1
