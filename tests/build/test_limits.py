"""Time limits: a handout that takes too long is stopped and reported; the rest build."""

from __future__ import annotations

import time

import pytest

from click.testing import CliRunner

from support.files import write
from versus.cli.main import main

HEADER = """---
items: [A, B]
attributes:
{rows}
---
"""


def handout(rows: int, body: str = "A lead.\n") -> str:
    table = "\n".join(f"  Row {n}:\n    A: some words in a cell\n    B: other words here"
                      for n in range(rows))
    return HEADER.format(rows=table) + body


def build(project, *options):
    return CliRunner().invoke(main, [*options, "--project", str(project), "--jobs", "1"])


SLOW_CONVERTER = """
import time
import versus.render.converter

convert = versus.render.converter.Markdown.block

def block(self, text, screen=False):
    # A conversion far longer than the limit, whatever Markdown's own speed.
    if "NEVER-ENDING" in text:
        end = time.monotonic() + 120
        while time.monotonic() < end:
            time.sleep(0.01)
    return convert(self, text, screen)

versus.render.converter.Markdown.block = block
"""


def test_slow_markdown_is_stopped_and_the_other_handouts_build(tmp_path, monkeypatch):
    # Workers are fresh interpreters: the slow converter reaches them as a
    # sitecustomize module on their PYTHONPATH.
    write(tmp_path, "site/sitecustomize.py", SLOW_CONVERTER)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "site"))
    project = tmp_path / "project"
    write(project, "content/quick.md", handout(1))
    write(project, "content/slow.md", handout(1, "NEVER-ENDING\n"))
    result = build(project, "html", "--timeout", "1")
    assert result.exit_code == 1, result.output
    assert "slow.md: converting the Markdown took longer than 1 s; stopped" in result.output
    assert (project / "output/html/quick.html").is_file()
    assert not (project / "output/html/slow.html").exists()


# The timer may interrupt a garbage-collector callback of another library; it is
# ignored there (and reported by pytest), then raised again 0.2 s later.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_slow_pdf_is_stopped_and_reported(tmp_path):
    from versus.pdf.renderer import PdfJob, render_job
    from versus.build.making import render_context
    from versus.render.theme import Theme

    stylesheet, roots = render_context(tmp_path, Theme.for_project(tmp_path))
    paragraph = "<p>" + "Words that fill a page of a handout, again. " * 12 + "</p>"

    def job(html: str, timeout: float) -> PdfJob:
        return PdfJob(slug="long", source=str(tmp_path / "content/long.md"), html=html,
                      base_url="file:///versus-project/content/", paper="A4",
                      stylesheet=stylesheet, roots=roots, timeout=timeout)

    assert render_job(job("<p>warm up</p>", 60)).pdf  # fonts and CSS, outside the limit
    started = time.monotonic()
    stopped = render_job(job(paragraph * 3000, 0.5))
    assert time.monotonic() - started < 60  # the 0.5 s limit, not the whole render
    assert stopped.pdf is None
    assert stopped.error.message == "rendering the PDF took longer than 0.5 s; stopped"
    assert stopped.error.path.endswith("long.md")
    assert render_job(job(paragraph * 3, 60)).pdf  # the worker renders on afterwards
