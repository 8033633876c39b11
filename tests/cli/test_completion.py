"""Shell completion: commands, options and handout slugs from content/."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.shell_completion import ShellComplete

from support.files import write
from versus.cli.main import main

SCRIPT = Path(sys.executable).parent / "versus"


def complete(cwd: Path, *words: str) -> list[str]:
    """What bash completion offers after ``versus WORDS`` (the last one being typed)."""
    env = {**os.environ, "_VERSUS_COMPLETE": "bash_complete",
           "COMP_WORDS": " ".join(("versus", *words)), "COMP_CWORD": str(len(words))}
    done = subprocess.run([str(SCRIPT)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    return [line.partition(",")[2] for line in done.stdout.splitlines() if line]


def project(root: Path) -> Path:
    for slug in ("kafka-vs-pulsar", "kafka-vs-redis", "go-vs-rust"):
        write(root, f"content/{slug}.md", "---\nitems: [A, B]\n---\n")
    write(root, "content/lang/c-vs-d.md", "---\nitems: [C, D]\n---\n")
    return root


def test_targets_complete_handout_slugs(tmp_path):
    root = project(tmp_path)
    assert complete(root, "pdf", "ka") == ["kafka-vs-pulsar", "kafka-vs-redis"]
    assert complete(root, "html", "") == ["go-vs-rust", "kafka-vs-pulsar",
                                          "kafka-vs-redis", "lang/c-vs-d"]


def test_targets_complete_from_the_project_option(tmp_path):
    root = project(tmp_path / "site")
    assert complete(tmp_path, "all", "--project", str(root), "go") == ["go-vs-rust"]
    assert complete(tmp_path, "pdf", "go") == []  # no content/ here


def test_commands_and_options_complete(tmp_path):
    assert complete(tmp_path, "boo") == ["booklet"]
    assert "--duplex" in complete(tmp_path, "booklet", "--")
    assert "--bleed" not in complete(tmp_path, "html", "--")


def test_completion_through_clicks_api(tmp_path, monkeypatch):
    project(tmp_path)
    monkeypatch.chdir(tmp_path)
    completer = ShellComplete(main, {}, "versus", "_VERSUS_COMPLETE")
    items = completer.get_completions(["pdf"], "kafka-vs-p")
    assert [item.value for item in items] == ["kafka-vs-pulsar"]
