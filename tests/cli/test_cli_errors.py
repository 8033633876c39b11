"""The CLI's error behaviour: exit statuses, ``path:line:col: message`` lines, and
the guarantee that a failed build keeps the last good output.

Each test writes a tiny project into ``tmp_path``, makes it the working directory
(so error paths print relative to it, as a user sees them) and runs ``versus.cli.main.main``
in-process through Click's ``CliRunner``. Only the PDF tests render with WeasyPrint.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from versus.cli.main import main
from support.files import write

GOOD = """\
---
items: [DevOps, MLOps]
attributes:
  Focus:
    DevOps: Software
    MLOps: Models
  Goal:
    DevOps: Collaboration
    MLOps: Lifecycle
---
DevOps and MLOps are both methodologies.

## Conclusion

Both matter.
"""
# GOOD without the Goal cell of MLOps: file line 7, column 3 is the key 'Goal'.
MISSING_CELL = GOOD.replace("    MLOps: Lifecycle\n", "")
MISSING_CELL_ERROR = ("content/devops-vs-mlops.md:7:3: "
                      "attribute 'Goal' has no value for item 'MLOps'")



@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """An empty project folder that is also the working directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def versus(project: Path, command: str, *args: str):
    """Run ``versus COMMAND --project PROJECT ARGS`` in-process; Click's result."""
    result = CliRunner().invoke(main, [command, "--project", str(project), *args])
    # A user's mistake ends in SystemExit, never in an escaped exception.
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def lines(result) -> list[str]:
    """The lines the command printed (Click mixes stderr into ``output``)."""
    return result.output.splitlines()


def assert_printed_once(result, line: str) -> None:
    """``line`` appears exactly once, and no traceback was printed."""
    assert lines(result).count(line) == 1, result.output
    assert "Traceback" not in result.output


def assert_error_once(result, problem: str) -> None:
    """``error: problem`` is printed exactly once, labelled as warnings are."""
    assert_printed_once(result, f"error: {problem}")


def temp_files(output: Path) -> list[Path]:
    return list(output.rglob(".versus-tmp-*"))


# --- success and partial failure -----------------------------------------------

def test_html_of_a_good_project_exits_0(project):
    write(project, "content/devops-vs-mlops.md", GOOD)
    result = versus(project, "html")
    assert result.exit_code == 0, result.output
    assert (project / "output" / "html" / "devops-vs-mlops.html").is_file()
    assert (project / "output" / "index.html").is_file()


def test_html_builds_the_good_handout_and_exits_1_for_the_bad_one(project):
    write(project, "content/devops-vs-mlops.md", MISSING_CELL)
    write(project, "content/kafka-vs-pulsar.md",
          GOOD.replace("DevOps", "Kafka").replace("MLOps", "Pulsar"))
    result = versus(project, "html")
    assert result.exit_code == 1
    assert_error_once(result, MISSING_CELL_ERROR)
    assert (project / "output" / "html" / "kafka-vs-pulsar.html").is_file()
    assert not (project / "output" / "html" / "devops-vs-mlops.html").exists()


def test_pdf_builds_the_good_handout_and_exits_1_for_the_bad_one(project):
    write(project, "content/devops-vs-mlops.md", MISSING_CELL)
    write(project, "content/kafka-vs-pulsar.md",
          GOOD.replace("DevOps", "Kafka").replace("MLOps", "Pulsar"))
    result = versus(project, "pdf")
    assert result.exit_code == 1
    assert_error_once(result, MISSING_CELL_ERROR)
    good = project / "output" / "pdf" / "kafka-vs-pulsar.pdf"
    assert good.read_bytes().startswith(b"%PDF-")
    assert not (project / "output" / "pdf" / "devops-vs-mlops.pdf").exists()
    assert temp_files(project / "output") == []


# --- the error line of each kind of input problem --------------------------------

BROKEN = {
    "csv header": (
        {"content/a-vs-b.md": "---\nitems: [Kafka, Pulsar]\n---\nLead.\n",
         "content/a-vs-b.csv": "Attribute,Kafka\nFocus,logs\n"},
        "content/a-vs-b.csv:1:1: header names 'Kafka', but items are ['Kafka', 'Pulsar']: "
        "no column for 'Pulsar'"),
    "missing cell": (
        {"content/devops-vs-mlops.md": MISSING_CELL}, MISSING_CELL_ERROR),
    "invalid yaml": (  # the wording after "invalid YAML: " is PyYAML's (or libyaml's)
        {"content/a-vs-b.md": GOOD.replace("Focus:", "Focus: : x")},
        "content/a-vs-b.md:4:10: invalid YAML: "),
    "non-utf8": (
        {"content/a-vs-b.md": GOOD.encode().replace(b"Both", b"B\xf6th")},
        f"content/a-vs-b.md:15:2: not valid UTF-8 (byte {GOOD.index('oth matter')})"),
    "bad slug": (
        {"content/A_vs_B.md": GOOD},
        "content/A_vs_B.md: slug part 'A_vs_B' may use only lowercase a-z, 0-9 and '-'"),
    "both data sources": (
        {"content/a-vs-b.md": GOOD, "content/a-vs-b.yaml": "Focus: {DevOps: a, MLOps: b}\n"},
        "content/a-vs-b.md:3:1: the comparison table is given twice "
        "(front matter and a-vs-b.yaml); keep one"),
    "settings": (
        {"content/a-vs-b.md": GOOD, "versus.yaml": "site_name: X\npapr: A4\n"},
        "versus.yaml:2:1: unknown setting 'papr'; did you mean 'paper'?"),
}


def _cases():
    for case in BROKEN:
        for command in ("check", "html"):
            yield pytest.param(case, command, id=f"{case}-{command}")


@pytest.mark.parametrize("case, command", list(_cases()))
def test_each_error_is_one_line_printed_once(project, case, command):
    files, expected = BROKEN[case]
    for relative, data in files.items():
        write(project, relative, data)
    result = versus(project, command)
    assert result.exit_code == 1, result.output
    if expected.endswith(": "):
        printed = [line for line in lines(result) if line.startswith(f"error: {expected}")]
        assert len(printed) == 1 and "Traceback" not in result.output, result.output
    else:
        assert_error_once(result, expected)


def test_all_settings_problems_are_printed_together(project):
    write(project, "content/a-vs-b.md", GOOD)
    write(project, "versus.yaml", "paper: B5\nlang: 'english!'\n")
    result = versus(project, "html")
    assert result.exit_code == 1
    assert_error_once(result, "versus.yaml:1:8: paper must be one of A4, Letter, A5, "
                                "not 'B5'")
    assert_error_once(result, "versus.yaml:2:7: lang must be a language tag such as "
                                "'en' or 'en-GB', not 'english!'")
    assert not (project / "output" / "html" / "a-vs-b.html").exists()


def test_unknown_front_matter_key_is_a_warning_not_an_error(project):
    write(project, "content/a-vs-b.md", GOOD.replace("items:", "titel: X\nitems:"))
    for command in ("check", "html"):
        result = versus(project, command)
        assert result.exit_code == 0, result.output
        assert_printed_once(result, "warning: content/a-vs-b.md:2:1: unknown front matter "
                                    "key 'titel'; did you mean 'title'?")
    assert (project / "output" / "html" / "a-vs-b.html").is_file()


# --- usage errors ------------------------------------------------------------------

def test_unknown_option_is_a_usage_error(project):
    write(project, "content/a-vs-b.md", GOOD)
    result = versus(project, "html", "--no-such-option")
    assert result.exit_code == 2
    assert "--no-such-option" in result.output
    assert not (project / "output").exists()


def test_unknown_target_is_a_usage_error(project):
    write(project, "content/a-vs-b.md", GOOD)
    result = versus(project, "html", "c-vs-d")
    assert result.exit_code == 2
    assert "no handout 'c-vs-d'" in result.output
    assert "Traceback" not in result.output
    assert not (project / "output" / "html").exists()


def test_a_named_target_builds_only_that_handout(project):
    write(project, "content/a-vs-b.md", GOOD)
    write(project, "content/cloud/aws-vs-gcp.md", GOOD)
    result = versus(project, "html", "cloud/aws-vs-gcp")
    assert result.exit_code == 0, result.output
    assert (project / "output" / "html" / "cloud" / "aws-vs-gcp.html").is_file()
    assert not (project / "output" / "html" / "a-vs-b.html").exists()


def test_drafts_are_built_only_with_the_drafts_option(project):
    write(project, "content/a-vs-b.md", GOOD.replace("items:", "draft: true\nitems:"))
    assert versus(project, "html").exit_code == 0
    assert not (project / "output" / "html" / "a-vs-b.html").exists()
    assert versus(project, "html", "--drafts").exit_code == 0
    assert (project / "output" / "html" / "a-vs-b.html").is_file()


# --- check and clean ---------------------------------------------------------------

def test_check_exits_0_on_a_clean_project_and_writes_nothing(project):
    write(project, "content/a-vs-b.md", GOOD)
    result = versus(project, "check")
    assert result.exit_code == 0, result.output
    assert not (project / "output").exists()


def test_check_reports_every_bad_handout(project):
    write(project, "content/devops-vs-mlops.md", MISSING_CELL)
    write(project, "content/b-vs-c.md", GOOD.replace("[DevOps, MLOps]", "[DevOps]"))
    write(project, "content/good.md", GOOD)
    result = versus(project, "check")
    assert result.exit_code == 1
    assert_error_once(result, MISSING_CELL_ERROR)
    assert_error_once(result, "content/b-vs-c.md:2:8: 'items' must name 2 to 6 "
                                "things, not 1")


def test_check_validates_drafts_too(project):
    write(project, "content/devops-vs-mlops.md",
          MISSING_CELL.replace("items:", "draft: true\nitems:"))
    result = versus(project, "check")
    assert result.exit_code == 1
    assert any("has no value for item 'MLOps'" in line for line in lines(result))


def test_clean_removes_output_only(project):
    write(project, "content/a-vs-b.md", GOOD)
    write(project, "versus.yaml", "site_name: Mine\n")
    write(project, "templates/static/extra.css", "p {}\n")
    write(project, "output/html/a-vs-b.html", "<p>old</p>")
    write(project, "output/pdf/a-vs-b.pdf", b"%PDF-old")
    write(project, "output/.versus-output", "")  # what every build writes
    result = versus(project, "clean")
    assert result.exit_code == 0, result.output
    assert not (project / "output").exists()
    assert (project / "content" / "a-vs-b.md").read_text(encoding="utf-8") == GOOD
    assert (project / "versus.yaml").is_file()
    assert (project / "templates" / "static" / "extra.css").is_file()


def test_clean_without_output_is_fine(project):
    write(project, "content/a-vs-b.md", GOOD)
    assert versus(project, "clean").exit_code == 0
    assert (project / "content" / "a-vs-b.md").is_file()


# --- a failed rebuild keeps the last good output ----------------------------------

@pytest.mark.parametrize("command, relative", [
    pytest.param("html", "output/html/devops-vs-mlops.html"),
    pytest.param("pdf", "output/pdf/devops-vs-mlops.pdf"),
])
def test_a_failed_rebuild_keeps_the_last_good_output(project, command, relative):
    source = write(project, "content/devops-vs-mlops.md", GOOD)
    assert versus(project, command).exit_code == 0
    target = project / relative
    good = target.read_bytes()
    assert good

    source.write_text(MISSING_CELL, encoding="utf-8")
    result = versus(project, command)
    assert result.exit_code == 1
    assert_error_once(result, MISSING_CELL_ERROR)
    assert target.read_bytes() == good
    assert temp_files(project / "output") == []
