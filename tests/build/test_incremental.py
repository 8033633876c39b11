"""Incremental builds: an output is rebuilt exactly when one of its inputs changed.

SPEC.md, Guarantees:

- A failed or interrupted build never leaves a partial file in ``output/`` and never
  removes the last good output of a handout.
- An output is rebuilt exactly when one of its inputs changed: its content and data
  files, the templates, CSS, fonts and images it used, the settings, the Versus
  version. A build with nothing to do does not import WeasyPrint.
- The same inputs give byte-identical HTML and PDF, whatever the machine path, the
  number of jobs, or the executor.

Builds run in-process through ``versus.build.pipeline.build`` (or the Click CLI where the
test is about what the user sees). Where the behaviour does not depend on the
format, only HTML is built; PDFs are rendered (with ``jobs=1``) only where the test
is about PDFs, and most PDF tests start from a copy of one project built once per
module.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from versus.cli.main import main
from versus.build.pipeline import BuildOptions, BuildReport, build
from versus.build.state import dump

REPO = Path(__file__).resolve().parents[2]
STATE = "state.db"  # in .versus/, beside output/
LOCK = ".versus-output"  # the marker every build writes: bookkeeping, not an output
SLUGS = ("a", "b", "c")
FRONT = "---\nitems: [A, B]\nattributes: {X: {A: a, B: b}}\n---\n"
FRONT_NO_TABLE = "---\nitems: [A, B]\n---\n"
OLD = 1_000_000_000  # an mtime (2001) no build can produce


# --------------------------------------------------------------------- helpers

def body(slug: str) -> str:
    return f"Lead paragraph of handout {slug}.\n\n## Details\n\nMore about {slug}.\n"


def write_handout(project: Path, slug: str, table: str = "front") -> Path:
    """``content/<slug>.md``; ``table`` is 'front', 'yaml' or 'csv' (a sidecar)."""
    content = project / "content"
    content.mkdir(parents=True, exist_ok=True)
    path = content / f"{slug}.md"
    if table == "front":
        path.write_text(FRONT + body(slug), encoding="utf-8")
    else:
        path.write_text(FRONT_NO_TABLE + body(slug), encoding="utf-8")
        if table == "yaml":
            (content / f"{slug}.yaml").write_text("X:\n  A: a\n  B: b\n", encoding="utf-8")
        elif table == "csv":
            (content / f"{slug}.csv").write_text("Attribute,A,B\nX,a,b\n", encoding="utf-8")
        else:
            raise ValueError(table)
    return path


def new_project(root: Path, slugs=SLUGS, **tables) -> Path:
    """A project with one handout per slug (``tables`` maps slug -> table kind)."""
    project = root / "project"
    for slug in slugs:
        write_handout(project, slug, tables.get(slug, "front"))
    return project


def run(project: Path, *formats: str, **options) -> BuildReport:
    """One in-process build of ``formats`` (default: html and pdf), one job."""
    options.setdefault("jobs", 1)
    return build(project, BuildOptions(formats=formats or ("html", "pdf"), **options))


def run_expecting_errors(project: Path, *formats: str, **options) -> BuildReport:
    """A build in which some handout fails: it must report, not raise."""
    try:
        report = run(project, *formats, **options)
    except Exception as error:  # noqa: BLE001 - the point is that it must not raise
        pytest.fail(f"a build with a broken handout crashed instead of reporting it: "
                    f"{type(error).__name__}: {error!r} (see the traceback above)")
    assert not report.ok, "the broken handout was not reported as an error"
    assert any(e.path and Path(e.path).name == "a.md" for e in report.errors), (
        f"no error names content/a.md: {[str(e) for e in report.errors]}")
    return report


def built(report: BuildReport, project: Path) -> list[str]:
    """What the build wrote, as sorted paths relative to ``output/``."""
    output = (project / "output").resolve()
    return sorted(Path(path).resolve().relative_to(output).as_posix()
                  for path in report.built)


def handout_outputs(report: BuildReport, project: Path) -> list[str]:
    """The handout pages and PDFs the build wrote (not the index or assets)."""
    return [name for name in built(report, project)
            if name.startswith(("html/", "pdf/"))]


def targets(formats=("html", "pdf"), slugs=SLUGS) -> list[str]:
    return sorted(f"{fmt}/{slug}.{fmt}" for fmt in formats for slug in slugs)


def ok(report: BuildReport) -> BuildReport:
    assert report.ok, f"build failed: {[str(e) for e in report.errors]}"
    return report


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def output_files(project: Path) -> dict[str, bytes]:
    output = project / "output"
    return {p.relative_to(output).as_posix(): p.read_bytes()
            for p in sorted(output.rglob("*")) if p.is_file()}


def temp_leftovers(project: Path) -> list[str]:
    return [p.relative_to(project).as_posix()
            for p in (project / "output").rglob("*") if ".versus-tmp-" in p.name]


def read_state(project: Path) -> dict:
    return dump(project / ".versus" / STATE)


def recorded_handout_targets(project: Path) -> list[str]:
    """The handout outputs (html/…, pdf/…) the state has a record of."""
    return sorted(name for name in read_state(project)["targets"]
                  if name.startswith(("html/", "pdf/")))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli(*args):
    result = CliRunner().invoke(main, [str(arg) for arg in args], catch_exceptions=True)
    text = result.output
    stderr = getattr(result, "stderr", "")
    if stderr and stderr not in text:
        text += stderr
    return result, text


# -------------------------------------------------------------------- fixtures

@pytest.fixture(autouse=True)
def versus_log_propagates():
    """Let ``caplog`` see Versus's log even after a CLI run installed its own handler.

    ``versus.log.configure`` (called by every CLI command, also in-process) stops the
    ``versus`` logger from propagating; undo that for each test and restore it after.
    """
    logger = logging.getLogger("versus")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    logger.handlers[:] = []
    logger.setLevel(logging.NOTSET)
    logger.propagate = True
    yield
    logger.handlers[:], level, logger.propagate = saved
    logger.setLevel(level)


@pytest.fixture(scope="module")
def prebuilt(tmp_path_factory) -> Path:
    """Three handouts, built once (HTML and PDF). Tests use copies (``built_project``)."""
    project = new_project(tmp_path_factory.mktemp("prebuilt"))
    report = ok(run(project))
    assert handout_outputs(report, project) == targets(), built(report, project)
    return project


@pytest.fixture
def built_project(prebuilt, tmp_path) -> Path:
    """A fresh copy of the prebuilt project, output and state included."""
    project = tmp_path / "copy"
    shutil.copytree(prebuilt, project)
    return project


@pytest.fixture
def html_project(tmp_path) -> Path:
    """Three handouts with their HTML built once."""
    project = new_project(tmp_path)
    report = ok(run(project, "html"))
    assert handout_outputs(report, project) == targets(["html"])
    return project


# ------------------------------------------------------------- nothing to do

def test_unchanged_project_rebuilds_nothing(built_project):
    for path in (built_project / "output").rglob("*"):
        if path.is_file() and path.name not in (STATE, LOCK):
            os.utime(path, (OLD, OLD))
    report = ok(run(built_project))
    assert built(report, built_project) == [], (
        "a second build of an unchanged project wrote outputs")
    assert report.up_to_date == len(targets()), report
    assert report.handouts == len(SLUGS), report
    rewritten = [path.relative_to(built_project).as_posix()
                 for path in (built_project / "output").rglob("*")
                 if path.is_file() and path.name not in (STATE, LOCK)
                 and path.stat().st_mtime != OLD]
    assert rewritten == [], f"a build with nothing to do rewrote {rewritten}"


def test_touching_files_without_changing_them_rebuilds_nothing(tmp_path):
    project = new_project(tmp_path, c="yaml")
    (project / "versus.yaml").write_text("site_name: Touchy\n", encoding="utf-8")
    (project / "templates").mkdir()
    shutil.copy(REPO / "versus" / "theme" / "handout.html", project / "templates" / "handout.html")
    ok(run(project, "html"))
    touched = [p for p in project.rglob("*")
               if p.is_file() and "output" not in p.relative_to(project).parts]
    assert len(touched) >= 6, touched
    future = 2_000_000_000
    for path in touched:
        os.utime(path, (future, future))
    report = ok(run(project, "html"))
    assert built(report, project) == [], (
        f"touching {[p.relative_to(project).as_posix() for p in touched]} without "
        f"changing their bytes rebuilt {built(report, project)}")
    assert report.up_to_date == len(SLUGS)


# ------------------------------------------------------------- content edits

def test_editing_one_handout_rebuilds_exactly_that_one(built_project):
    edit(built_project / "content" / "b.md", "More about b.", "More about b, edited.")
    report = ok(run(built_project))
    assert built(report, built_project) == ["html/b.html", "pdf/b.pdf"], (
        "editing the body of content/b.md should rebuild its page and PDF only "
        "(the index does not show the body)")
    assert report.up_to_date == 4
    assert "edited" in (built_project / "output/html/b.html").read_text("utf-8")


@pytest.mark.parametrize("kind", ["yaml", "csv"])
def test_editing_the_data_file_rebuilds_that_handout(tmp_path, kind):
    project = new_project(tmp_path, c=kind)
    ok(run(project, "html"))
    data = project / "content" / f"c.{kind}"
    if kind == "yaml":
        edit(data, "A: a", "A: changed-cell")
    else:
        edit(data, "X,a,b", "X,changed-cell,b")
    report = ok(run(project, "html"))
    assert built(report, project) == ["html/c.html"], (
        f"editing content/c.{kind} should rebuild html/c.html only")
    assert "changed-cell" in (project / "output/html/c.html").read_text("utf-8")


def test_deleted_html_output_is_rebuilt_alone(html_project):
    (html_project / "output/html/b.html").unlink()
    report = ok(run(html_project, "html"))
    assert built(report, html_project) == ["html/b.html"]
    assert report.up_to_date == 2


def test_removing_a_handout_updates_the_index_and_the_pages_relating_to_it(html_project):
    page = html_project / "output" / "html" / "a.html"
    assert 'href="c.html"' in page.read_text("utf-8"), "a relates to c: same items"
    (html_project / "content" / "c.md").unlink()
    report = ok(run(html_project, "html"))
    assert handout_outputs(report, html_project) == ["html/a.html", "html/b.html"], (
        "removing content/c.md rebuilds the pages that listed it as related, no other")
    assert 'href="c.html"' not in page.read_text("utf-8")
    index = (html_project / "output" / "index.html").read_text("utf-8")
    assert "html/a.html" in index and "html/b.html" in index
    assert "html/c.html" not in index, "the index still lists the removed handout c"
    assert report.handouts == 2


def test_deleted_pdf_is_rebuilt_alone(built_project):
    (built_project / "output/pdf/c.pdf").unlink()
    report = ok(run(built_project))
    assert built(report, built_project) == ["pdf/c.pdf"]
    assert report.up_to_date == 5
    assert (built_project / "output/pdf/c.pdf").read_bytes().startswith(b"%PDF")


# ------------------------------------------------------------------ templates

@pytest.mark.parametrize("name", ["handout.html", "base.html", "comparison.html"])
def test_editing_a_shared_template_rebuilds_all_that_use_it(tmp_path, name):
    project = new_project(tmp_path)
    (project / "templates").mkdir(parents=True)
    shutil.copy(REPO / "versus" / "theme" / name, project / "templates" / name)
    ok(run(project, "html"))
    settled = ok(run(project, "html"))
    assert built(settled, project) == [], "an unchanged override must not rebuild"
    template = project / "templates" / name
    text = template.read_text("utf-8")
    if name == "handout.html":  # a child template: only its blocks render
        text = text.replace("{% block body %}", "{% block body %}<!-- edited-template -->")
    else:
        text += "\n<!-- edited-template -->\n"
    template.write_text(text, encoding="utf-8")
    report = ok(run(project, "html"))
    assert handout_outputs(report, project) == targets(["html"]), (
        f"editing templates/{name} (used by every handout) should rebuild every page")


def test_editing_the_shared_template_rebuilds_pdfs_too(built_project):
    (built_project / "templates").mkdir()
    shutil.copy(REPO / "versus" / "theme" / "handout.html",
                built_project / "templates" / "handout.html")
    ok(run(built_project))
    edit(built_project / "templates" / "handout.html",
         '<p class="kicker">{{ t("versus") | isolate }}</p>', '<p class="kicker">versus</p>')
    report = ok(run(built_project))
    assert handout_outputs(report, built_project) == targets()


def test_a_translation_file_of_the_site_rebuilds_pages_and_pdfs(built_project):
    (built_project / "templates" / "i18n").mkdir(parents=True)
    (built_project / "templates" / "i18n" / "en.yaml").write_text(
        "comparison: Side by side\n", encoding="utf-8")
    report = ok(run(built_project))
    assert handout_outputs(report, built_project) == targets()
    page = next((built_project / "output" / "html").glob("*.html"))
    assert ">Side by side</h2>" in page.read_text(encoding="utf-8")
    assert handout_outputs(ok(run(built_project)), built_project) == []


def test_adding_an_unused_template_rebuilds_nothing(tmp_path):
    project = new_project(tmp_path)
    (project / "templates").mkdir()
    shutil.copy(REPO / "versus" / "theme" / "handout.html", project / "templates" / "handout.html")
    ok(run(project, "html"))
    (project / "templates" / "unused.html").write_text("<p>{{ nothing }}</p>\n",
                                                        encoding="utf-8")
    report = ok(run(project, "html"))
    assert built(report, project) == [], "a template no page uses changed nothing"


def test_adding_a_templates_folder_with_an_unused_template_rebuilds_nothing(html_project):
    (html_project / "templates").mkdir()
    (html_project / "templates" / "unused.html").write_text("<p>unused</p>\n",
                                                             encoding="utf-8")
    report = ok(run(html_project, "html"))
    assert built(report, html_project) == []


def test_editing_the_index_template_rewrites_the_index(html_project):
    """The index is an output too: its template is one of its inputs."""
    (html_project / "templates").mkdir()
    shutil.copy(REPO / "versus" / "theme" / "index.html", html_project / "templates" / "index.html")
    ok(run(html_project, "html"))
    edit(html_project / "templates" / "index.html", '<h2 class="list-heading"',
         '<h2 class="list-heading edited-index"')
    report = ok(run(html_project, "html"))
    index = (html_project / "output" / "index.html").read_text("utf-8")
    assert "edited-index" in index, (
        "templates/index.html changed but output/index.html was not rewritten: a "
        "change to the index's own template must make the index stale; "
        f"built={built(report, html_project)}")
    assert handout_outputs(report, html_project) == [], (
        "index.html is not used by the handout pages")


# --------------------------------------------------- files the renderer read

def png(rgb: tuple[int, int, int]) -> bytes:
    """A valid 1x1 PNG of one colour."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" + bytes(rgb))) + chunk(b"IEND", b""))


def test_pdf_depends_on_the_images_it_shows(tmp_path):
    project = new_project(tmp_path, slugs=("a", "b"))
    (project / "content" / "pic.png").write_bytes(png((255, 0, 0)))
    edit(project / "content" / "a.md", "More about a.", "More about a.\n\n![red](pic.png)")
    ok(run(project, "pdf"))
    (project / "content" / "pic.png").write_bytes(png((0, 0, 255)))
    report = ok(run(project, "pdf"))
    assert built(report, project) == ["pdf/a.pdf"], (
        "content/pic.png changed: the PDF that shows it (and only that one) is stale")


def test_pdfs_depend_on_the_project_stylesheet(tmp_path):
    project = new_project(tmp_path, slugs=("a", "b"))
    ok(run(project, "pdf"))
    shutil.copytree(REPO / "versus" / "theme" / "static", project / "templates" / "static")
    css = project / "templates" / "static" / "versus.css"
    css.write_text(css.read_text("utf-8") + "\n.kicker { letter-spacing: 0.2em; }\n",
                   encoding="utf-8")
    report = ok(run(project, "pdf"))
    assert built(report, project) == ["pdf/a.pdf", "pdf/b.pdf"], (
        "the project now has its own templates/static/versus.css (different from the "
        "theme's), which replaces the theme stylesheet for every PDF, yet no PDF was "
        "rebuilt: the stylesheet is tracked only through the record's 'read' files, "
        "which still name the theme's versus.css (unchanged), so a newly added "
        "override is never noticed (and later edits to it neither)")
    css.write_text(css.read_text("utf-8") + "\n.tagline { letter-spacing: 0.1em; }\n",
                   encoding="utf-8")
    report = ok(run(project, "pdf"))
    assert built(report, project) == ["pdf/a.pdf", "pdf/b.pdf"], (
        "templates/static/versus.css changed: every PDF is stale")


# ------------------------------------------------------------ settings/options

def test_paper_option_rebuilds_pdfs_but_not_html(built_project):
    import pypdf

    report = ok(run(built_project, paper="Letter"))
    assert built(report, built_project) == targets(["pdf"]), (
        "--paper Letter should rebuild every PDF and no web page")
    width = float(pypdf.PdfReader(built_project / "output/pdf/a.pdf").pages[0].mediabox.width)
    assert abs(width - 612) < 1, f"pdf/a.pdf is {width} pt wide, not Letter (612 pt)"
    again = ok(run(built_project, paper="Letter"))
    assert built(again, built_project) == []


def test_changing_a_setting_rebuilds_everything(built_project):
    (built_project / "versus.yaml").write_text("disclaimer: A brand-new disclaimer.\n",
                                               encoding="utf-8")
    report = ok(run(built_project))
    assert handout_outputs(report, built_project) == targets(), (
        "the disclaimer is on every page and PDF: all must be rebuilt")
    assert "A brand-new disclaimer." in (
        built_project / "output/html/a.html").read_text("utf-8")


def test_settings_file_restating_the_defaults_rebuilds_nothing(html_project):
    from versus.settings import Settings

    (html_project / "versus.yaml").write_text(
        f"site_name: {Settings().site_name}\npaper: {Settings().paper}\n", encoding="utf-8")
    report = ok(run(html_project, "html"))
    assert built(report, html_project) == [], (
        "versus.yaml gives the values already in effect: no output depends on the "
        "file's bytes, only on the settings")


def test_force_rebuilds_everything(built_project):
    report = ok(run(built_project, force=True))
    assert handout_outputs(report, built_project) == targets()
    assert report.up_to_date == 0
    again = ok(run(built_project))
    assert built(again, built_project) == []


# -------------------------------------------------------------------- explain

def explained(text: str, target: str) -> str:
    pattern = re.compile(rf"(^|\s){re.escape(target)}:\s")
    lines = [line for line in text.splitlines() if pattern.search(line)]
    assert len(lines) == 1, f"expected one --explain line for {target}, got:\n{text}"
    return lines[0]


def test_explain_says_why_each_target_is_rebuilt_or_skipped(tmp_path):
    project = new_project(tmp_path)

    result, text = cli("html", "--project", project, "--explain")
    assert result.exit_code == 0, text
    for slug in SLUGS:
        line = explained(text, f"html/{slug}.html")
        assert "rebuild" in line and "never built" in line, line

    result, text = cli("html", "--project", project, "--explain")
    assert result.exit_code == 0, text
    for slug in SLUGS:
        line = explained(text, f"html/{slug}.html")
        assert re.search(r"\bskip \(up to date\)", line), line

    edit(project / "content" / "a.md", "More about a.", "More about a, edited.")
    (project / "output" / "html" / "b.html").unlink()
    result, text = cli("html", "--project", project, "--explain")
    assert result.exit_code == 0, text
    line = explained(text, "html/a.html")
    assert re.search(r"\brebuild\b.*content/a\.md changed", line), line
    line = explained(text, "html/b.html")
    assert re.search(r"\brebuild\b.*output missing", line), line
    line = explained(text, "html/c.html")
    assert re.search(r"\bskip \(up to date\)", line), line

    result, text = cli("html", "--project", project, "--explain", "--force")
    assert result.exit_code == 0, text
    for slug in SLUGS:
        line = explained(text, f"html/{slug}.html")
        assert "rebuild" in line and "--force" in line, line


def test_explain_names_the_changed_template(tmp_path):
    project = new_project(tmp_path, slugs=("a",))
    (project / "templates").mkdir()
    shutil.copy(REPO / "versus" / "theme" / "comparison.html",
                project / "templates" / "comparison.html")
    ok(run(project, "html"))
    template = project / "templates" / "comparison.html"
    template.write_text(template.read_text("utf-8") + "\n", encoding="utf-8")
    result, text = cli("html", "--project", project, "--explain")
    assert result.exit_code == 0, text
    line = explained(text, "html/a.html")
    assert re.search(r"\brebuild\b.*templates/comparison\.html changed", line), line


# ------------------------------------------------------------ the state file

GARBAGE = {
    "text": b"this is { not json",
    "binary": b"\xff\xfe\x00\x01garbage\x80",
    "empty": b"",
    "truncated": b'{"version": 1, "targets": {"html/a.html": {"inp',
}

WRONG_LAYOUT = {
    "list": "[1, 2, 3]",
    "null": "null",
    "string": '"state"',
    "number": "42",
    "no-targets": '{"version": 1}',
    "other-version": '{"version": 999, "targets": {}}',
    "targets-list": '{"version": 1, "targets": []}',
}


MANGLED = {  # valid SQLite, but rows a build cannot use
    "own-is-number": "UPDATE targets SET own = 5 WHERE target = 'html/a.html'",
    "own-is-not-json": "UPDATE targets SET own = '{oops' WHERE target = 'html/b.html'",
    "read-set-gone": "DELETE FROM sets WHERE key IN (SELECT read FROM targets)",
    "size-is-text": "UPDATE files SET size = 'big'",
    "handout-facts-are-text": "UPDATE handouts SET facts = '\"draft\"'",
    "other-version": "UPDATE meta SET value = '999' WHERE key = 'version'",
    "no-targets": "DROP TABLE targets",
}


def _state_warnings(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records
            if record.name == "versus.build.state" and record.levelno == logging.WARNING]


def _check_unreadable_state_recovers(project: Path, caplog, what: str) -> None:
    caplog.clear()
    caplog.set_level(logging.DEBUG, logger="versus")
    try:
        report = run(project, "html")
    except Exception as error:  # noqa: BLE001 - the point is that it must not raise
        pytest.fail(f"a state file with {what} crashed the build: "
                    f"{type(error).__name__}: {error}")
    ok(report)
    warnings = _state_warnings(caplog)
    assert len(warnings) == 1, (
        f"a state file with {what} should give exactly one warning from versus.build.plan, "
        f"got {[r.getMessage() for r in warnings]}")
    assert STATE in warnings[0].getMessage(), warnings[0].getMessage()
    assert handout_outputs(report, project) == targets(["html"]), (
        f"a state file with {what} should mean a full build; "
        f"built {built(report, project)}")
    assert recorded_handout_targets(project) == targets(["html"])  # rewritten, readable
    caplog.clear()
    again = ok(run(project, "html"))
    assert _state_warnings(caplog) == [], "the rewritten state should be readable"
    assert built(again, project) == []


@pytest.mark.parametrize("garbage", GARBAGE.values(), ids=GARBAGE.keys())
def test_corrupt_state_warns_once_and_rebuilds(html_project, caplog, garbage):
    (html_project / ".versus" / STATE).write_bytes(garbage)
    _check_unreadable_state_recovers(html_project, caplog, f"garbage {garbage!r}")


@pytest.mark.parametrize("text", WRONG_LAYOUT.values(), ids=WRONG_LAYOUT.keys())
def test_state_with_wrong_layout_warns_once_and_rebuilds(html_project, caplog, text):
    (html_project / ".versus" / STATE).write_text(text, encoding="utf-8")
    _check_unreadable_state_recovers(html_project, caplog, f"the layout {text}")


@pytest.mark.parametrize("mangle", MANGLED.values(), ids=MANGLED.keys())
def test_state_with_a_mangled_record_warns_once_and_rebuilds(html_project, caplog,
                                                             mangle):
    import sqlite3

    con = sqlite3.connect(html_project / ".versus" / STATE)
    with con:
        con.execute(mangle)
        # A build whose snapshot shows nothing changed reads no record at all (and
        # so cannot trip on a mangled one); whether the fixture's build could trust
        # its files' times enough to keep a snapshot depends on the machine's speed.
        con.execute("DELETE FROM meta WHERE key LIKE 'snapshot %'")
    con.close()
    _check_unreadable_state_recovers(
        html_project, caplog, f"a valid database but a wrong inner layout ({mangle})")


@pytest.mark.parametrize("failure", ["front-matter", "missing-image"])
def test_state_records_only_outputs_that_succeeded(tmp_path, failure):
    project = new_project(tmp_path, slugs=("a", "b"))
    source = project / "content" / "a.md"
    if failure == "front-matter":
        edit(source, "items: [A, B]", "items: [A, B")
    else:  # the web page fails as the PDF does: neither can show the image
        edit(source, "More about a.", "More about a.\n\n![a picture](missing.png)")
    expected = ["html/b.html", "pdf/b.pdf"]
    run_expecting_errors(project)
    recorded = recorded_handout_targets(project)
    assert recorded == expected, (
        f"after handout a failed ({failure}) the state should record {expected}, "
        f"not {recorded}")
    record = read_state(project)["targets"]["pdf/b.pdf"]
    assert record["inputs"]["content/b.md"] == sha256(project / "content" / "b.md")
    assert not temp_leftovers(project), temp_leftovers(project)
    assert not (project / "output" / "pdf" / "a.pdf").exists()


# ------------------------------------------------------------ failed handouts

def test_failed_handout_keeps_its_last_good_output(built_project):
    source = built_project / "content" / "a.md"
    original = source.read_bytes()
    good = output_files(built_project)

    edit(source, "items: [A, B]", "items: [A, B")  # a YAML syntax error
    report = run_expecting_errors(built_project)
    assert handout_outputs(report, built_project) == []
    after = output_files(built_project)
    for name in ("html/a.html", "pdf/a.pdf"):
        assert name in after, f"the failed build removed the last good {name}"
        assert after[name] == good[name], f"the failed build changed {name}"
    assert not temp_leftovers(built_project), temp_leftovers(built_project)

    source.write_bytes(original)
    fixed = ok(run(built_project))
    assert set(handout_outputs(fixed, built_project)) <= {"html/a.html", "pdf/a.pdf"}, (
        "only handout a may be rebuilt after fixing it")
    final = output_files(built_project)
    for name in ("html/a.html", "pdf/a.pdf", "html/b.html", "pdf/b.pdf"):
        assert final[name] == good[name], f"{name} differs from its good build"
    links = re.findall(r'href="(html/[^"]+)"', final["index.html"].decode("utf-8"))
    assert final["index.html"] == good["index.html"], (
        "after content/a.md was restored, output/index.html should list handout a "
        "again exactly as before (if the failed build wrote the index without a, the "
        "fixed build must rewrite it even when a's own outputs are up to date)"
        f"; links now: {links}")
    again = ok(run(built_project))
    assert built(again, built_project) == []


# ------------------------------------------------------------------ WeasyPrint

PROBE = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    entry, project = sys.argv[1], sys.argv[2]
    result = {"workers": 0}
    import versus.executors.workers
    start_worker = versus.executors.workers._Worker.__init__
    def counted(worker, *args):
        result["workers"] += 1
        start_worker(worker, *args)
    versus.executors.workers._Worker.__init__ = counted
    if entry == "cli":
        from versus.cli.main import main
        try:
            main(["all", "--project", project, "--jobs", "1", "--quiet"],
                 standalone_mode=False)
            result["exit"] = 0
        except SystemExit as exit:
            result["exit"] = exit.code
    else:
        from versus.build.pipeline import BuildOptions, build
        report = build(Path(project), BuildOptions(jobs=1))
        result["exit"] = 0 if report.ok else 1
        result["built"] = [str(p) for p in report.built]
    result["weasyprint"] = "weasyprint" in sys.modules
    print(json.dumps(result))
""")


def probe(entry: str, project: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-c", PROBE, entry, str(project)],
                          capture_output=True, text=True, env=env, cwd=project,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("entry", ["cli", "pipeline"])
def test_noop_build_does_not_import_weasyprint(built_project, entry):
    if entry == "cli":  # `all` also binds output/booklet.pdf, which the prebuilt lacks
        assert probe(entry, built_project)["exit"] in (0, None)
    result = probe(entry, built_project)
    assert result["exit"] in (0, None), result
    assert result.get("built", []) == [], result
    assert not result["weasyprint"], (
        f"a build with nothing to do ({entry}) imported weasyprint")
    assert not result["workers"], f"a build with nothing to do ({entry}) started workers"


def test_build_with_a_stale_pdf_imports_weasyprint(built_project):
    """The inverse of the test above, so that one cannot pass vacuously."""
    (built_project / "output" / "pdf" / "b.pdf").unlink()
    result = probe("cli", built_project)
    assert result["exit"] in (0, None), result
    assert (built_project / "output" / "pdf" / "b.pdf").is_file()
    assert result["workers"], "rendering a PDF started no worker process?"


# ------------------------------------------------------------------ parallel

def test_parallel_build_gives_the_same_pdf_bytes(tmp_path):
    project = new_project(tmp_path)
    serial = ok(run(project, "pdf", jobs=1))
    assert built(serial, project) == targets(["pdf"])
    first = {slug: (project / f"output/pdf/{slug}.pdf").read_bytes() for slug in SLUGS}
    parallel = ok(run(project, "pdf", jobs=2, force=True))
    assert built(parallel, project) == targets(["pdf"])
    differ = [slug for slug in SLUGS
              if (project / f"output/pdf/{slug}.pdf").read_bytes() != first[slug]]
    assert differ == [], (
        f"jobs=2 gave different PDF bytes than jobs=1 for {differ}: the PDF output is "
        "not deterministic")
    again = ok(run(project, "pdf", jobs=2))
    assert built(again, project) == [], "the parallel build recorded no state"


def test_pdf_bytes_do_not_depend_on_the_project_path(tmp_path):
    one = new_project(tmp_path / "one", slugs=("a",))
    two = new_project(tmp_path / "somewhere" / "else", slugs=("a",))
    ok(run(one, "pdf"))
    ok(run(two, "pdf"))
    assert (one / "output/pdf/a.pdf").read_bytes() == (two / "output/pdf/a.pdf").read_bytes()
