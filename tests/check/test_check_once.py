"""``check`` converts each handout's Markdown once, and still fills the templates of
both media from it: a template that breaks on one medium only is found."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.files import write
from versus.check import checks as check
from versus.check.checks import CheckJob, check_handout, check_project, know_slugs
from versus.render.converter import Markdown
from versus.render.theme import Theme, default_theme
from versus.settings import load_settings

HANDOUT = """\
---
items: [Alpha, Beta]
attributes:
  Focus: {Alpha: One, Beta: "*Two*"}
---
Alpha and Beta are two things.[^1]

## Section

Text with a [link](b.md).

[^1]: A note.
"""


@pytest.fixture
def project(tmp_path) -> Path:
    write(tmp_path, "content/a.md", HANDOUT)
    write(tmp_path, "content/b.md", HANDOUT)
    return tmp_path


def _job(project: Path, slug: str) -> CheckJob:
    theme = Theme.for_project(project)
    return CheckJob(project / "content" / f"{slug}.md", slug, load_settings(project),
                    theme.dirs, (project, *theme.dirs), None)


def test_check_converts_a_handouts_markdown_once(project, monkeypatch):
    calls = []
    block = Markdown.block

    def counted(self, text, screen=False):
        calls.append((text[:10], screen))
        return block(self, text, screen)

    monkeypatch.setattr(Markdown, "block", counted)
    monkeypatch.setattr(check, "_slugs", frozenset())
    know_slugs(frozenset({"a", "b"}))
    checked = check_handout(_job(project, "a"))
    assert checked.findings == ()
    # The lead and the body, each once: the print conversion fills both templates.
    assert calls == [("Alpha and ", False), ("## Section", False)]


@pytest.mark.parametrize("medium", ["print", "screen"])
def test_a_template_broken_on_one_medium_only_is_found(project, medium):
    template = (default_theme() / "handout.html").read_text(encoding="utf-8")
    write(project, "templates/handout.html",
          f'{{% if medium == "{medium}" %}}{{{{ no_such_name }}}}{{% endif %}}\n' + template)
    result = check_project(project, jobs=1)
    assert [(Path(f.error.path).name, f.error.line, f.code) for f in result.findings] == [
        ("handout.html", 1, "template")]
    assert "no_such_name" in result.findings[0].error.message


def test_content_too_big_for_a_web_page_only_is_still_found(project):
    # Each call of a note is one element in print (the note floats there), two or
    # more on a web page (a numbered link): within the limit in print, over it on screen.
    calls = " ".join(["Alpha[^1]"] * 2600)
    write(project, "content/a.md", HANDOUT.replace("Text with a [link](b.md).", calls))
    result = check_project(project, jobs=1)
    found = [(Path(f.error.path).name, f.code, f.error.message) for f in result.findings]
    assert len(found) == 1 and found[0][:2] == ("a.md", "template"), found
    assert "HTML elements; at most 5,000" in found[0][2]
