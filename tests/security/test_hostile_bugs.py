"""Bugs a hostile review found: each test fails without its fix."""

from __future__ import annotations

import errno

import pytest

from versus.executors.workers import Limit, WatchedPool


def fail_on_odd(number: int) -> int:
    """A job that raises an OSError for odd numbers (in a worker)."""
    if number % 2:
        raise OSError(errno.EACCES, "Permission denied", f"file{number}")
    return number


def test_os_error_in_a_job_is_that_jobs_error_and_the_worker_goes_on():
    pool = WatchedPool(1, 100)
    limit = Limit(60, "working", lambda job, message: ("stopped", job, message))
    try:
        results = list(pool.map(fail_on_odd, range(5), limit))
        # The same worker ran every job: none was taken for a dead worker.
        assert len(pool._idle) == 1
    finally:
        pool.close()
    assert sorted(r for r in results if isinstance(r, int)) == [0, 2, 4]
    stopped = sorted(r for r in results if isinstance(r, tuple))
    assert stopped == [("stopped", 1, "working failed: file1: Permission denied"),
                       ("stopped", 3, "working failed: file3: Permission denied")]


@pytest.mark.parametrize("command", ["booklet", "all"])
def test_booklet_with_every_handout_a_draft_says_so(make_project, run_cli, command):
    project = make_project(draft=True)
    result = run_cli(command, "--project", project)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception)
    assert result.exit_code == 0, result.output
    assert "booklet.pdf not written: no handout to bind" in result.output
    assert not (project / "output" / "booklet.pdf").exists()


def test_a_too_long_slug_is_refused_and_the_rest_built(make_project, run_cli):
    longest, too_long = "a" * 196 + "-vs-", "b" * 247 + "-vs-"
    project = make_project(slug=longest)
    make_project(slug=too_long, project=project)
    result = run_cli("html", "--project", project)
    assert result.exit_code == 1, result.output
    assert f"content/{too_long}.md: slug part '{'b' * 20}…' is 251 characters long" in (
        result.output)
    assert "Traceback" not in result.output
    assert (project / "output" / "html" / f"{longest}.html").is_file()
    assert (project / "output" / "index.html").is_file()


def test_tag_slugs_fit_a_file_name_and_never_collide():
    from versus.web.site import tag_slug

    wide = tag_slug("\U0001d400" * 80)  # MATHEMATICAL BOLD CAPITAL A, 4 bytes each
    assert len(f"{wide}.999.html".encode()) <= 200
    digested = tag_slug("C++")
    assert tag_slug(digested) != digested
    assert tag_slug("Machine Learning") == "machine-learning"
    assert tag_slug("machine   LEARNING") == "machine-learning"


def test_a_tag_of_wide_characters_builds_the_whole_index(make_project, run_cli):
    wide = "\U0001d400" * 50  # the longest tag allowed: 200 bytes of UTF-8
    project = make_project(tags=[wide, "C++"], settings={"base_url": "https://x.test/"})
    from versus.web.site import tag_slug

    make_project(slug="gamma-vs-delta", items=("Gamma", "Delta"),
                 attributes={"Size": {"Gamma": "S", "Delta": "L"}},
                 tags=[tag_slug("C++")], project=project)
    result = run_cli("html", "--project", project)
    assert result.exit_code == 0, result.output
    output = project / "output"
    assert (output / "search-index.js").is_file()
    assert (output / "sitemap.xml").is_file()
    pages = sorted(path.name for path in (output / "tags").glob("*.html"))
    assert len(pages) == 3, pages


def test_a_handout_made_a_draft_loses_its_published_outputs(make_project, build):
    project = make_project()
    make_project(slug="gamma-vs-delta", items=("Gamma", "Delta"),
                 attributes={"Size": {"Gamma": "S", "Delta": "L"}}, project=project)
    output = project / "output"
    build(project, "html")
    build(project, "pdf", "alpha-vs-beta")
    make_project(draft=True, project=project)
    build(project, "html")
    build(project, "pdf")
    assert not (output / "html" / "alpha-vs-beta.html").exists()
    assert not (output / "pdf" / "alpha-vs-beta.pdf").exists()
    assert "alpha-vs-beta" not in (output / "index.html").read_text(encoding="utf-8")
    assert "alpha-vs-beta" not in (output / "search-index.js").read_text(encoding="utf-8")
    assert (output / "html" / "gamma-vs-delta.html").is_file()


def test_attribute_names_count_towards_the_element_cap(make_project, run_cli):
    from versus.render.pages import MAX_ELEMENTS

    rows = 10
    name = " ".join(["*a*"] * (MAX_ELEMENTS // rows + 1))
    attributes = {f"{name} {row}": {"Alpha": "x", "Beta": "y"} for row in range(rows)}
    project = make_project(attributes=attributes)
    result = run_cli("html", "--project", project)
    assert result.exit_code == 1, result.output
    assert "content/alpha-vs-beta.md: the content makes" in result.output
    assert f"at most {MAX_ELEMENTS:,}" in result.output
    assert not (project / "output" / "html" / "alpha-vs-beta.html").exists()


def _workbook(path, edit: str | None = None):
    """A workbook as a user writes it; ``edit`` replaces the XML of cell B3."""
    import datetime
    import re
    import zipfile

    import openpyxl
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Attribute", "Alpha", "Beta"])
    sheet.append(["Size", 3, 4.5])
    sheet.append(["Since", datetime.date(2020, 1, 2), True])
    sheet.append(["Style", CellRichText(TextBlock(InlineFont(b=True), "bold"), " plain"),
                  "text"])
    sheet.append(["Note", "merged across", None])
    sheet.merge_cells("B5:C5")
    book.save(path)
    if edit is not None:
        with zipfile.ZipFile(path) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
        name = "xl/worksheets/sheet1.xml"
        members[name] = re.sub(rb'<c r="B3".*?</c>', edit.encode(), members[name])
        with zipfile.ZipFile(path, "w") as archive:
            for member, data in members.items():
                archive.writestr(member, data)
    return path


def test_a_workbook_as_a_user_writes_it_checks_clean(make_project, run_cli):
    project = make_project(attributes={"Size": {"Alpha": "S", "Beta": "L"}})
    handout = project / "content" / "alpha-vs-beta.md"
    text = handout.read_text(encoding="utf-8")
    handout.write_text(text.replace("attributes:\n  Size: {Alpha: S, Beta: L}\n", "")
                       .replace("attributes:\n  Size:\n    Alpha: S\n    Beta: L\n", ""),
                       encoding="utf-8")
    assert "attributes" not in handout.read_text(encoding="utf-8")
    path = _workbook(project / "content" / "alpha-vs-beta.xlsx")
    # Merged cells leave the others of the range empty: give the second its text.
    import openpyxl
    book = openpyxl.load_workbook(path)
    book.active.unmerge_cells("B5:C5")
    book.active["C5"] = "its own"
    book.save(path)
    result = run_cli("check", "--strict", "--project", project)
    assert result.exit_code == 0, result.output
    assert "empty" not in result.output


@pytest.mark.parametrize("edit, message", [
    ('<c r="B3" t="e"><v>#DIV/0!</v></c>', "3:2: the cell holds an error value #DIV/0!"),
    ('<c r="B3" t="e"><f>1/0</f></c>', "3:2: the cell holds an error value"),
    ('<c r="B3" t="d"><v>someday</v></c>', "3:1: row 3 has a cell that cannot be read"),
    ('<c r="B3" t="b"><v>maybe</v></c>', "3:1: row 3 has a cell that cannot be read"),
    ('<c r="B3"><v>many</v></c>', "3:1: row 3 has a cell that cannot be read"),
    ('<c r="B3" t="inlineStr"><is><r><rPr><sz val="big"/></rPr><t>x</t></r></is></c>',
     "3:1: row 3 has a cell that cannot be read"),
    ('<c r="B3" t="s"><v>999</v></c>', "3:1: row 3 has a cell that cannot be read"),
])
def test_a_malformed_workbook_cell_is_a_clean_error(tmp_path, edit, message):
    from versus.errors import ContentError
    from versus.content.spreadsheet import read_xlsx

    path = _workbook(tmp_path / "table.xlsx", edit)
    with pytest.raises(ContentError) as caught:
        read_xlsx(path, 10 ** 7)
    assert str(caught.value).startswith(f"{path}:{message}"), str(caught.value)


def test_a_workbook_with_only_a_chart_sheet_is_a_clean_error(tmp_path):
    import openpyxl
    from openpyxl.chart import BarChart

    from versus.errors import ContentError
    from versus.content.spreadsheet import read_xlsx

    book = openpyxl.Workbook()
    chart = book.create_chartsheet()
    book.remove(book.active)
    chart.add_chart(BarChart())
    path = tmp_path / "chart.xlsx"
    book.save(path)
    with pytest.raises(ContentError) as caught:
        read_xlsx(path, 10 ** 7)
    assert str(caught.value) == (f"{path}:1:1: the workbook has no worksheet "
                                 "(a chart sheet holds no table)")


@pytest.mark.parametrize("folder", ["sedan", "4913", "sedimentary"])
def test_watch_sees_a_folder_named_like_an_editor_file(tmp_path, folder):
    from watchfiles import Change

    from versus.preview.watch import change_filter

    relevant = change_filter(tmp_path)
    (tmp_path / "content" / folder).mkdir(parents=True)
    assert relevant(Change.added, str(tmp_path / "content" / folder))
    assert relevant(Change.added, str(tmp_path / "content" / folder / "a-vs-b.md"))
    assert relevant(Change.added, str(tmp_path / "content" / "sedan.md"))
    for temporary in ("4913", "sedAb12Cd"):  # what Vim and sed -i write, as files
        assert not relevant(Change.added, str(tmp_path / "content" / "x" / temporary))


@pytest.mark.parametrize("tag, normal", [("DE", "de"), ("pt-br", "pt-BR"),
                                         ("ZH-HANT-tw", "zh-Hant-TW"), ("es-419", "es-419")])
def test_language_tags_ignore_case(tag, normal):
    from versus.settings import normal_lang

    assert normal_lang(tag) == normal


def test_an_upper_case_lang_gets_its_theme_words(make_project, build):
    project = make_project(lang="DE", settings={"lang": "FR"})
    make_project(slug="gamma-vs-delta", items=("Gamma", "Delta"),
                 attributes={"Size": {"Gamma": "S", "Delta": "L"}}, project=project)
    build(project, "html")
    german = (project / "output" / "html" / "alpha-vs-beta.html").read_text("utf-8")
    french = (project / "output" / "html" / "gamma-vs-delta.html").read_text("utf-8")
    assert '<html lang="de"' in german
    assert '<html lang="fr"' in french
    from versus.i18n import catalogs
    from versus.render.theme import Theme

    dirs = Theme.for_project(project).dirs
    assert catalogs(dirs, "de")["tagline"] in german.replace("\u2019", "'")
    assert catalogs(dirs, "fr")["tagline"] in french.replace("\u2019", "'")


@pytest.mark.parametrize("other", ["\u0410lpha", "Al\u200bpha", "\uff21lpha", "ALPHA"])
def test_look_alike_items_are_refused(make_project, run_cli, other):
    project = make_project(items=("Alpha", other),
                           attributes={"Size": {"Alpha": "S", other: "L"}})
    result = run_cli("html", "--project", project)
    assert result.exit_code == 1, result.output
    assert (f"content/alpha-vs-beta.md:3:1: items 'Alpha' and {ascii(other)} look the "
            "same") in result.output, result.output


def test_items_that_only_share_letters_are_kept(make_project, build):
    project = make_project(items=("Café", "Cafe", "Ca\u0301fe 2"),
                           attributes={"Size": {"Café": "S", "Cafe": "M",
                                                "Ca\u0301fe 2": "L"}})
    build(project, "html")


def test_a_full_disk_while_saving_the_state_says_so(make_project, build, run_cli,
                                                    monkeypatch):
    import sqlite3

    project = make_project()
    build(project, "html")
    page = project / "output" / "html" / "alpha-vs-beta.html"
    before = page.read_bytes()
    make_project(body="A changed lead.\n", project=project)

    reading = sqlite3.connect

    def full(database, *args, **kwargs):
        if kwargs.get("uri"):  # the state is read as a URI, written as a path
            return reading(database, *args, **kwargs)
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sqlite3, "connect", full)
    result = run_cli("html", "--project", project)
    assert result.exit_code == 1, result.output
    assert ("cannot write: no space left on device while saving the build state; "
            "the outputs are kept") in result.output, result.output
    assert "Errno" not in result.output and "unreadable" not in result.output
    assert page.read_bytes() != before and b"A changed lead." in page.read_bytes()


@pytest.mark.parametrize("part", ["a" * 255, "a" * 256, "%C3%A9" * 200])
def test_serve_answers_a_request_with_a_long_path_part(tmp_path, part, caplog):
    import http.client
    import logging

    from versus.preview.server import LiveReload, start_server

    server = start_server(tmp_path, 0, LiveReload(tmp_path))
    try:
        port = server.server_address[1]
        for path in (f"/{part}", f"/html/{part}.html", f"/{part}/"):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                with caplog.at_level(logging.DEBUG, logger="versus"):
                    connection.request("GET", path)
                    response = connection.getresponse()
                    assert response.status == 404, path
                    response.read()
            finally:
                connection.close()
    finally:
        server.shutdown()
        server.server_close()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_init_on_a_full_disk_leaves_nothing_half_made(tmp_path, run_cli, monkeypatch):
    from pathlib import Path

    target = tmp_path / "site"
    real, calls = Path.open, []

    def fill_up(path, mode="r", *args, **kwargs):
        if "x" in mode:  # a new file: the second one meets a full disk
            calls.append(path)
            if len(calls) == 2:
                raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", fill_up)
    result = run_cli("init", target)
    assert result.exit_code == 1, result.output
    assert "cannot write: No space left on device" in result.output, result.output
    assert f"{target}/versus.yaml" in result.output
    assert sorted(tmp_path.iterdir()) == []  # nothing beside it either
    monkeypatch.setattr(Path, "open", real)
    target.mkdir()  # an empty folder, as a user may make first
    result = run_cli("init", target)
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in target.iterdir()) == [
        ".github", ".gitignore", "content", "static", "templates", "versus.yaml"]
    assert sorted(tmp_path.iterdir()) == [target]


DOT_PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4"
                        "890000000d4944415478da63f8cfc0f01f0005000201a5d5e4c10000000049454e"
                        "44ae426082")
IMAGE_HANDOUT = ("---\nitems: [A, B]\nattributes:\n  Focus:\n    A: one\n    B: two\n---\n"
                 "Lead.\n\n![A dot](dot.png)\n")


def test_check_sees_a_re_pointed_image(tmp_path):
    from versus.check.checks import check_project

    project = tmp_path / "project"
    (project / "output").mkdir(parents=True)
    (project / "content").mkdir()
    (project / "content" / "a-vs-b.md").write_text(IMAGE_HANDOUT, encoding="utf-8")
    (project / "content" / "real.png").write_bytes(DOT_PNG)
    (tmp_path / "outside.png").write_bytes(DOT_PNG)
    (project / "content" / "dot.png").symlink_to("real.png")
    assert [str(f) for f in check_project(project, jobs=1).findings] == []
    (project / "content" / "dot.png").unlink()
    (project / "content" / "dot.png").symlink_to("../../outside.png")
    found = [str(f) for f in check_project(project, jobs=1).findings]
    assert found == [f"{project / 'content' / 'a-vs-b.md'}:10:1: image 'dot.png' is "
                     "outside the project"]


def test_check_keeps_a_time_limit_finding_only_under_that_limit(tmp_path, monkeypatch):
    from versus.check import checks as check

    project = tmp_path / "project"
    (project / "output").mkdir(parents=True)
    (project / "content").mkdir()
    (project / "content" / "a-vs-b.md").write_text(IMAGE_HANDOUT.replace(
        "![A dot](dot.png)", "Text."), encoding="utf-8")
    real = check._check_all

    def all_stopped(checks, slugs, jobs, timeout, result, cache):
        # As if every handout overran the limit: no time is spent, none depended on.
        for job in checks:
            stopped = check._stopped(job, f"{check.CHECKING} took longer than "
                                          f"{timeout:g} s; stopped")
            result.findings.extend(stopped.findings)
            cache.keep(stopped.slug, stopped.findings)
        return []

    monkeypatch.setattr(check, "_check_all", all_stopped)
    first = check.check_project(project, timeout=1, jobs=1)
    assert [f.error.message for f in first.findings] == [
        "checking the handout took longer than 1 s; stopped"]
    monkeypatch.setattr(check, "_check_all", real)
    again = check.check_project(project, timeout=1, jobs=1)
    assert again.reused == 1 and len(again.findings) == 1
    longer = check.check_project(project, timeout=120, jobs=1)
    assert longer.reused == 0
    assert [str(f) for f in longer.findings] == []
