"""Every command's --help lists only what the command takes."""

from __future__ import annotations

import dataclasses
import re

import pytest

import versus.cli.main as cli
from versus.build.pipeline import BuildOptions

BUILDING = ["pdf", "html", "all", "booklet"]
PDF_ONLY = ["--paper", "--pdf-variant", "--bleed", "--allow-remote", "--keep-html"]
SAMPLES = {"--paper": "A5", "--pdf-variant": "pdf/ua-1", "--bleed": "3mm",
           "--jobs": "2", "-j": "2", "--timeout": "5",
           "--scheduler": "tcp://127.0.0.1:8786", "--format": "json", "--port": "0",
           "--tag": "cloud", "--match": "cloud/*", "--name": "guide"}


def help_text(run_cli, command: str) -> str:
    result = run_cli(command, "--help")
    assert result.exit_code == 0, result.output
    return result.output


def listed_options(text: str) -> list[str]:
    """The long (or only) name of every option --help lists, --help itself aside."""
    names = re.findall(r"^\s+(?:-\w, )?(--[\w-]+)", text, re.MULTILINE)
    return [name for name in names if name != "--help"]


@pytest.fixture
def fake_core(monkeypatch):
    """Stand-ins for the build, which check each option is a real build option."""
    calls = []
    fields = {field.name for field in dataclasses.fields(BuildOptions)}

    def fake_build(formats, project, targets=(), explain=False, duplex=False, tags=(),
                   globs=(), name=None, **options):
        assert set(options) <= fields, set(options) - fields
        BuildOptions(formats=formats, targets=targets, **options)
        calls.append((formats, targets, options))
        return 0

    monkeypatch.setattr(cli, "_build", fake_build)
    monkeypatch.setattr(cli, "_booklet", lambda formats, project, **kw: fake_build(
        formats, project, **kw))
    return calls


@pytest.mark.parametrize("command", BUILDING)
def test_every_listed_option_is_accepted(command, tmp_path, run_cli, fake_core):
    (tmp_path / "content").mkdir()
    text = help_text(run_cli, command)
    options = listed_options(text)
    assert "--force" in options and "--project" in options
    for option in options:
        value = [SAMPLES[option]] if option in SAMPLES else []
        if option == "--project":
            value = [str(tmp_path)]
        result = run_cli(command, "--project", tmp_path, option, *value)
        assert result.exit_code == 0, f"{command} {option}: {result.output}"
    if "[TARGETS]" in text:
        result = run_cli(command, "--project", tmp_path, "a-vs-b")
        assert result.exit_code == 0, result.output
        assert fake_core[-1][1] == ("a-vs-b",)


def test_booklet_help_lists_no_targets(run_cli):
    assert "TARGETS" not in help_text(run_cli, "booklet")
    assert "--duplex" in help_text(run_cli, "booklet")


def test_html_help_lists_no_pdf_options(run_cli, tmp_path, fake_core):
    text = help_text(run_cli, "html")
    assert "[TARGETS]" in text
    for option in PDF_ONLY:
        assert option not in text
        assert run_cli("html", "--project", tmp_path, option).exit_code == 2


@pytest.mark.parametrize("command", ["pdf", "all", "booklet"])
def test_pdf_commands_list_pdf_options(command, run_cli):
    options = listed_options(help_text(run_cli, command))
    assert set(PDF_ONLY) <= set(options)


@pytest.mark.parametrize("command", ["watch", "serve", "check", "clean"])
def test_other_commands_list_no_build_options(command, run_cli):
    options = listed_options(help_text(run_cli, command))
    assert "--force" not in options and "--bleed" not in options
    assert "--project" in options
