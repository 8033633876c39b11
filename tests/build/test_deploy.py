"""``versus deploy`` (versus/build/deploy.py): output/ as the whole tree of a branch,
the user's working tree, index and branch untouched, pushed when asked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from versus.build.deploy import DeployError, deploy

from support.files import two_items, write

REPO = Path(__file__).resolve().parents[2]
IDENTITY = {"GIT_AUTHOR_NAME": "Tester", "GIT_AUTHOR_EMAIL": "tester@example.org",
            "GIT_COMMITTER_NAME": "Tester", "GIT_COMMITTER_EMAIL": "tester@example.org"}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True, env={**os.environ, **IDENTITY}).stdout.strip()


def versus(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args, "--project",
                           str(project)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **IDENTITY}, cwd=project)


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A git repository with one handout committed, its web pages built."""
    for key, value in IDENTITY.items():
        monkeypatch.setenv(key, value)
    project = tmp_path / "project"
    write(project, "content/tea.md", two_items("Tea", "Coffee", "Brewed.\n"))
    write(project, ".gitignore", "output/\n")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "handouts")
    assert versus(project, "html").returncode == 0
    write(project, "content/draft-notes.txt", "not committed\n")  # a dirty work tree
    return project


def site_files(output: Path) -> set[str]:
    return {path.relative_to(output).as_posix() for path in output.rglob("*")
            if path.is_file()}


def untouched(project: Path) -> tuple:
    return (git(project, "status", "--porcelain"), (project / ".git" / "index").read_bytes(),
            git(project, "rev-parse", "HEAD"), git(project, "symbolic-ref", "HEAD"))


def test_the_branch_tree_is_the_site_and_nothing_else_is_touched(project):
    before = untouched(project)
    done = deploy(project, "gh-pages")
    assert done.changed and done.files > 5
    tree = set(git(project, "ls-tree", "-r", "--name-only", "gh-pages").splitlines())
    output = project / "output"
    expected = {name for name in site_files(output)
                if not name.startswith(".versus")} | {".nojekyll"}
    assert tree == expected
    assert {"index.html", "html/tea.html", "assets/versus.css"} <= tree
    assert not any(name.startswith(".versus") for name in tree)
    for name in ("index.html", "html/tea.html"):
        assert git(project, "show", f"gh-pages:{name}") == \
            (output / name).read_text(encoding="utf-8").strip()
    assert untouched(project) == before


def test_deploying_the_same_site_again_commits_nothing(project):
    first = deploy(project, "gh-pages")
    again = deploy(project, "gh-pages")
    assert not again.changed and again.commit == first.commit


def test_a_new_build_is_a_new_commit_on_top_of_the_last(project):
    first = deploy(project, "gh-pages")
    with (project / "content" / "tea.md").open("a", encoding="utf-8") as handle:
        handle.write("\nSteeped longer.\n")
    assert versus(project, "html").returncode == 0
    second = deploy(project, "gh-pages", message="Longer steeping")
    assert second.changed and git(project, "rev-parse", "gh-pages^") == first.commit
    assert "Steeped longer." in git(project, "show", "gh-pages:html/tea.html")


def test_a_named_remote_receives_the_branch(project, tmp_path):
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(project, "remote", "add", "pages", str(remote))
    result = versus(project, "deploy", "--branch", "site", "--remote", "pages")
    assert result.returncode == 0, result.stderr
    assert "pushed site to pages" in result.stderr
    assert git(remote, "rev-parse", "site") == git(project, "rev-parse", "site")


def test_a_project_that_is_no_git_repository_gets_one_clear_line(tmp_path):
    project = tmp_path / "plain"
    write(project, "content/tea.md", two_items("Tea", "Coffee", "Brewed.\n"))
    assert versus(project, "html").returncode == 0
    result = versus(project, "deploy")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: not a git repository: {project} (run git init there first)"]


def test_nothing_built_is_nothing_to_deploy(tmp_path):
    project = tmp_path / "empty"
    write(project, "content/tea.md", two_items("Tea", "Coffee", "Brewed.\n"))
    with pytest.raises(DeployError, match="build the site first"):
        deploy(project, "gh-pages")


def test_a_branch_name_git_refuses_is_refused(project):
    with pytest.raises(DeployError, match="not a branch name"):
        deploy(project, "no..dots")
