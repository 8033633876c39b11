"""``versus deploy``: output/ committed as the whole tree of a branch, pushed if asked.

The site is committed with git's own plumbing on a temporary index whose work
tree is output/: ``add``, ``write-tree``, ``commit-tree``, ``update-ref``. The
user's working tree, index and checked-out branch are never touched. What
output/ holds that is not the site (the marker, ``--keep-html``'s print pages)
is left out, and ``.nojekyll`` is added so GitHub Pages serves every file as it
is; the build state and lock are never in output/ (``.versus/``).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import VersusError
from ..output import MARKER, OLD_LOCK_FILE, OUTPUT_DIR, TEMP_PREFIX
from .printcopy import PRINT_DIR
from .state import OLD_STATE_FILES

NOT_THE_SITE = (MARKER, PRINT_DIR, f"{TEMP_PREFIX}*", OLD_LOCK_FILE, *OLD_STATE_FILES)
"""What output/ holds that is not the site: never published (the build state and
lock are in .versus/; an older version kept them here)."""
NOJEKYLL = ".nojekyll"


@dataclass(frozen=True)
class Deployed:
    """What ``deploy`` did."""

    branch: str
    commit: str
    files: int
    changed: bool
    """False: the branch already held this site; nothing was committed."""
    pushed: str | None = None


class DeployError(VersusError):
    """The site could not be committed or pushed."""


def deploy(project: Path, branch: str, remote: str | None = None,
           message: str = "Deploy the site") -> Deployed:
    """Commit ``project``'s output/ as the tree of ``branch`` (its history kept),
    then push it to ``remote`` when one is named."""
    output = project / OUTPUT_DIR
    if not (output / MARKER).is_file():
        raise DeployError("nothing to deploy: build the site first (versus all)", output)
    git_dir = _git(project, "rev-parse", "--absolute-git-dir", what="find the repository",
                   missing=f"not a git repository: {project} (run git init there first)")
    ref = f"refs/heads/{branch}"
    if _run(project, "check-ref-format", ref).returncode != 0:
        raise DeployError(f"'{branch}' is not a branch name git accepts")
    with tempfile.TemporaryDirectory(prefix="versus-deploy-") as folder:
        env = {"GIT_INDEX_FILE": str(Path(folder) / "index"), "GIT_DIR": git_dir,
               "GIT_WORK_TREE": str(output)}
        excluded = [f":(exclude,glob){name}" for name in NOT_THE_SITE] + \
                   [f":(exclude,glob)**/{TEMP_PREFIX}*"]
        _git(output, "add", "--all", "--force", "--", ".", *excluded, env=env,
             what="stage the site")
        blob = _git(output, "hash-object", "-w", "--stdin", env=env, what="write .nojekyll",
                    stdin="")
        _git(output, "update-index", "--add", "--cacheinfo", f"100644,{blob},{NOJEKYLL}",
             env=env, what="add .nojekyll")
        tree = _git(output, "write-tree", env=env, what="write the tree")
        files = len(_git(output, "ls-files", env=env, what="list the site").splitlines())
    parent = _run(project, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    parent_commit = parent.stdout.strip() if parent.returncode == 0 else None
    changed = parent_commit is None or _git(
        project, "rev-parse", f"{parent_commit}^{{tree}}", what="read the branch") != tree
    commit = parent_commit
    if changed:
        commit = _git(project, "commit-tree", tree, *(["-p", parent_commit]
                                                      if parent_commit else []),
                      "-m", message, what="commit the site")
        _git(project, "update-ref", ref, commit, *([parent_commit] if parent_commit else
                                                   ["0" * 40]),
             what=f"move {branch}")
    pushed = None
    if remote is not None:
        _git(project, "push", "--quiet", remote, f"{ref}:{ref}", what=f"push to {remote}")
        pushed = remote
    return Deployed(branch, commit, files, changed, pushed)


def _run(cwd: Path, *args: str, env: dict | None = None,
         stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          input=stdin, env={**os.environ, **(env or {})})


def _git(cwd: Path, *args: str, what: str, env: dict | None = None,
         stdin: str | None = None, missing: str | None = None) -> str:
    """Run git; its output, stripped; a ``DeployError`` saying ``what`` failed."""
    try:
        done = _run(cwd, *args, env=env, stdin=stdin)
    except FileNotFoundError:
        raise DeployError("git is not installed: deploy needs it") from None
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
        raise DeployError(missing or f"cannot {what}: {reason or 'git failed'}")
    return done.stdout.strip()
