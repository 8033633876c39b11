"""``versus init DIR``: a new site that builds as it is, and its commented settings."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from versus.scaffold.newsite import field_docs
from versus.settings import Settings, load_settings


def test_init_makes_a_site_that_builds_and_checks_clean(tmp_path, run_cli, build):
    site = tmp_path / "mysite"
    result = run_cli("init", site)
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == [
        ".github", ".github/workflows", ".github/workflows/versus.yml", ".gitignore",
        "content", "content/merge-vs-rebase.md", "static", "templates",
        "templates/README.txt", "versus.yaml"]
    build(site, "pdf")
    build(site, "html")
    assert (site / "output/pdf/merge-vs-rebase.pdf").stat().st_size > 10_000
    assert (site / "output/html/merge-vs-rebase.html").is_file()
    assert (site / "output/index.html").is_file()
    checked = run_cli("check", "--project", site, "--strict")
    assert checked.exit_code == 0, checked.output


def test_the_console_script_makes_a_site(tmp_path):
    script = Path(sys.executable).with_name("versus")
    assert script.is_file(), "the venv has no 'versus' console script"
    made = subprocess.run([str(script), "init", "site"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    assert "site/versus.yaml" in made.stderr
    built = subprocess.run([str(script), "pdf", "-q"], cwd=tmp_path / "site",
                           capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "site/output/pdf/merge-vs-rebase.pdf").is_file()


def test_settings_file_names_every_setting_with_its_explanation(tmp_path, run_cli):
    assert run_cli("init", tmp_path / "s").exit_code == 0
    text = (tmp_path / "s" / "versus.yaml").read_text(encoding="utf-8")
    docs = field_docs()
    for field in fields(Settings):
        assert re.search(rf"^# {field.name}:", text, re.MULTILINE), field.name
        assert docs.get(field.name), f"Settings.{field.name} has no docstring"
        assert docs[field.name].split()[0] in text


def test_every_commented_setting_is_its_default_when_uncommented(tmp_path, run_cli):
    site = tmp_path / "s"
    assert run_cli("init", site).exit_code == 0
    path = site / "versus.yaml"
    names = "|".join(field.name for field in fields(Settings))
    text = re.sub(rf"^# ({names}):", r"\1:", path.read_text(encoding="utf-8"),
                  flags=re.MULTILINE)
    path.write_text(text, encoding="utf-8")
    loaded = load_settings(site)
    assert loaded.replace(disclaimer="x") == Settings().replace(disclaimer="x")
    assert loaded.disclaimer.startswith("Comparisons may contain")


@pytest.mark.parametrize("existing", ["file.txt", ".hidden", "content/a-vs-b.md"])
def test_init_refuses_a_folder_that_is_not_empty(tmp_path, run_cli, existing):
    site = tmp_path / "site"
    (site / existing).parent.mkdir(parents=True, exist_ok=True)
    (site / existing).write_text("mine", encoding="utf-8")
    result = run_cli("init", site)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "not empty" in lines[0] and "Traceback" not in lines[0]
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")
                  if p.is_file()) == [existing]
    assert (site / existing).read_text(encoding="utf-8") == "mine"


def test_init_refuses_a_file(tmp_path, run_cli):
    path = tmp_path / "site"
    path.write_text("mine", encoding="utf-8")
    result = run_cli("init", path)
    assert result.exit_code == 1
    assert "not a folder" in result.output
    assert path.read_text(encoding="utf-8") == "mine"


def test_init_makes_an_empty_folder_a_site(tmp_path, run_cli):
    site = tmp_path / "empty"
    site.mkdir()
    assert run_cli("init", site).exit_code == 0
    assert (site / "content" / "merge-vs-rebase.md").is_file()


def test_init_writes_a_workflow_that_checks_builds_and_publishes(tmp_path, run_cli):
    """The workflow's steps run the commands a user runs, with options that exist,
    and publish output/ with GitHub's own Pages actions."""
    import yaml

    site = tmp_path / "mysite"
    assert run_cli("init", site).exit_code == 0
    workflow = yaml.safe_load((site / ".github/workflows/versus.yml").read_text("utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    commands = [step["run"] for step in steps if "run" in step]
    assert "versus check --strict" in commands and "versus all" in commands
    for command in ("check --strict", "all"):
        name, *options = command.split()
        assert run_cli(name, "--help").exit_code == 0
        assert all(option in run_cli(name, "--help").output for option in options)
    assert {"uses": "actions/upload-pages-artifact@v3", "with": {"path": "output"}} in steps
    assert workflow["jobs"]["deploy"]["steps"][0]["uses"] == "actions/deploy-pages@v4"
    assert workflow["permissions"] == {"contents": "read", "pages": "write",
                                       "id-token": "write"}
    assert (site / ".gitignore").read_text("utf-8").endswith("output/\n")
