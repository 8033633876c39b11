"""``init``: a new site in an empty folder: content/, versus.yaml, templates/, static/,
a .gitignore and a workflow that checks, builds and publishes it on GitHub Pages."""

from __future__ import annotations

import ast
import inspect
import os
import secrets
import shutil
import textwrap
from dataclasses import MISSING, fields
from pathlib import Path

import yaml

from .. import settings as settings_module
from ..content.files import CONTENT_DIR
from ..errors import VersusError
from ..output import write_error, write_new
from ..settings import SETTINGS_FILE, SITE_STATIC, Settings
from .skeleton import today

EXAMPLE_SLUG = "merge-vs-rebase"
STAGING_PREFIX = ".versus-init-"
"""The folder a site is made in, beside its own, before it is renamed into place."""
EXAMPLE = """\
---
items: [Merge, Rebase]
title: Git Merge vs. Git Rebase
tagline: What's the Difference?
date: {date}
lang: en
tags: [git, version control]
attributes:
  Purpose:
    Merge: Joins two branches with a new commit that has both as parents
    Rebase: Replays a branch's commits on top of another branch
  History:
    Merge: Kept as it happened, branches and all
    Rebase: Rewritten into one straight line
  Conflicts:
    Merge: Resolved once, in the merge commit
    Rebase: Resolved commit by commit, as each is replayed
  Shared branches:
    Merge: Safe, as no published commit changes
    Rebase: Unsafe once others have the commits, who must then reset
  Typical command:
    Merge: "`git merge feature`"
    Rebase: "`git rebase main`"
---
Merge and rebase both bring the work of one Git branch into another. A merge
records that two lines of work came together; a rebase rewrites one line of work
so that it seems to have started from the other's newest commit. Both end with
the same files; they differ in the history they leave behind.

## Further Detail

Which one a team uses shapes how its history reads and how its members share
work. The sections below compare them where the difference shows.

### Definition

A **merge** creates a commit with two parents, the tips of both branches. A
**rebase** takes the commits of the current branch, sets them aside, moves the
branch to the tip of another, and applies the commits again, one by one, as new
commits.

### History

A merge keeps every commit as it was made, so the history shows when work
diverged and came together; with many branches it becomes a braid that is hard
to follow. A rebase gives a straight line that reads like a story, at the cost
of commits whose dates and parents no longer say how the work was done.

### Collaboration

A merge never changes a commit others may already have. A rebase does, so it
belongs to a branch nobody else builds on; rebasing a shared branch forces
everyone to reset theirs.

## Conclusion

Merge shared branches, and rebase your own before you share them: the history
stays honest where others depend on it and readable where only you do.
"""

TEMPLATES_README = """\
Overrides of the default theme, for this site only.

A file here replaces the file of the same name in Versus's default theme, file by
file: copy handout.html, comparison.html, base.html, index.html, tag.html,
listing.html, booklet.html or static/versus.css from the default theme into this
folder and change the copy. Files you do not copy keep coming from the theme, and
other sites are not affected. Translations of the theme's fixed words go in
i18n/<lang>.yaml here (the keys you give win; the others come from the theme).

The default theme is the folder this prints:

    python -c "from versus.render.pages import default_theme; print(default_theme())"

Often no template needs to change: a logo and an extra stylesheet that sets the
theme's colours and fonts are settings in versus.yaml (logo, extra_css), their
files in static/. See docs/theming.md in the Versus sources for the templates'
variables, their blocks and the CSS custom properties.
"""

WORKFLOW = Path(".github") / "workflows" / "versus.yml"
WORKFLOW_TEXT = """\
# Checks the handouts, builds the site and the PDFs, and publishes output/ on
# GitHub Pages at every push to main (versus init wrote this file).
# Before the first run, in the repository's settings: Pages > Source: "GitHub
# Actions"; and Secrets and variables > Actions > Variables: VERSUS_PACKAGE, what
# `pip install` installs Versus from (a package index name, or an address such
# as git+https://example.org/you/versus@v0.1.0).
name: Handouts
on:
  push:
    branches: [main]
  workflow_dispatch:
permissions:
  contents: read
  pages: write
  id-token: write
concurrency:
  group: pages
  cancel-in-progress: true
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: WeasyPrint's libraries, fonts for every script
        run: |
          sudo apt-get update -qq
          sudo apt-get install -y -qq --no-install-recommends libpango-1.0-0 \\
            libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fonts-noto-cjk
      - name: Versus
        env:
          VERSUS_PACKAGE: ${{ vars.VERSUS_PACKAGE }}
        run: |
          if [ -z "$VERSUS_PACKAGE" ]; then
            echo "::error::set the repository variable VERSUS_PACKAGE (what pip installs)"
            exit 1
          fi
          pip install "$VERSUS_PACKAGE"
      - run: versus check --strict
      - run: versus all
      - uses: actions/upload-pages-artifact@v3
        with:
          path: output
  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""
GITIGNORE = ("# Made by builds: published by deploy or the workflow, never committed.\n"
             "output/\n")

HEADER = """\
# The settings of this site. Every setting has a default, shown commented out:
# remove the "# " before a line to change it. Paths are relative to this folder.
"""


def field_docs() -> dict[str, str]:
    """Each ``Settings`` field's docstring, by name, as one line of text."""
    tree = ast.parse(inspect.getsource(settings_module))
    body = next(node for node in tree.body
                if isinstance(node, ast.ClassDef) and node.name == Settings.__name__).body
    docs = {}
    for node, after in zip(body, body[1:]):
        if (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)):
            docs[node.target.id] = " ".join(str(after.value.value).split())
    return docs


def settings_text(theme_words=None) -> str:
    """``versus.yaml`` with every setting commented out at its default, each after
    its explanation. ``theme_words(key)`` gives the theme's text for a setting whose
    default is the theme's (``None``)."""
    docs = field_docs()
    parts = [HEADER]
    for field in fields(Settings):
        default = field.default if field.default is not MISSING else ""
        if default is None:  # the theme's words: shown, since null is no text
            default = theme_words(field.name) if theme_words else ""
        line = yaml.safe_dump({field.name: default}, allow_unicode=True,
                              width=10_000).strip()
        comment = textwrap.fill(docs.get(field.name, ""), 86,
                                initial_indent="# ", subsequent_indent="# ")
        parts.append(f"\n{comment}\n# {line}\n")
    return "".join(parts)


def init_site(folder: Path) -> list[Path]:
    """Make a site in ``folder`` (new, or an empty folder); the files written.

    ``VersusError`` when ``folder`` is a file or holds anything: nothing is ever
    overwritten, and nothing is written then.
    """
    if folder.exists() and not folder.is_dir():
        raise VersusError("not a folder: versus init makes a site in a new or empty "
                          "folder", folder)
    if folder.is_dir() and any(folder.iterdir()):
        raise VersusError("not empty: versus init makes a site in a new or empty "
                          "folder, and never overwrites a file", folder)
    from ..render.pages import Pages
    from ..render.theme import Theme

    words = Pages(Theme.for_project(folder), Settings()).words(Settings().lang)
    files = {
        Path(CONTENT_DIR) / f"{EXAMPLE_SLUG}.md": EXAMPLE.format(date=today()),
        Path(SETTINGS_FILE): settings_text(words),
        Path("templates") / "README.txt": TEMPLATES_README,
        WORKFLOW: WORKFLOW_TEXT,
        Path(".gitignore"): GITIGNORE,
    }
    # Made in a folder beside it, then renamed into place: a failure (a full disk)
    # leaves no half site that init would then refuse as not empty.
    staging = folder.parent / f"{STAGING_PREFIX}{secrets.token_hex(4)}"
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging.mkdir()
        for relative, text in files.items():
            write_new(staging / relative, text)
        (staging / SITE_STATIC).mkdir()
        os.rename(staging, folder)  # an empty folder is replaced as a whole
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise write_error(_in_place(error.filename, staging, folder), error,
                          kept=False) from None
    return [folder / relative for relative in files]


def _in_place(name: str | None, staging: Path, folder: Path) -> Path:
    """Where a file of the staging folder was to be, for the message."""
    if name is None:
        return folder
    try:
        return folder / Path(name).relative_to(staging)
    except ValueError:  # not in it: the folder above, say
        return Path(name)

