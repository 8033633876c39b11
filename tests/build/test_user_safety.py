"""Nothing a user owns is lost, and a command never reports success having done
nothing: clean deletes only what builds made, commands find their project from
any folder inside it, --strict writes no handout with a warning, and the reports
say what happened in words that read right."""

from __future__ import annotations


import pytest

from support.files import write

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4"
                    "890000000d4944415478da63f8cfc0f01f0005000201a5d5e4c10000000049454e"
                    "44ae426082")
FRONT = "---\nitems: [Alpha, Beta]\nattributes:\n  Colour: {Alpha: Red, Beta: Blue}\n---\n"


def lines(result) -> list[str]:
    return result.output.splitlines()


# --- clean deletes only what Versus made --------------------------------------------

def test_clean_refuses_an_output_folder_no_build_made(tmp_path, run_cli, monkeypatch):
    """A user's folder with output/thesis.pdf, and no Versus project: nothing goes."""
    thesis = write(tmp_path, "output/thesis.pdf", b"%PDF-1.7 my thesis")
    monkeypatch.chdir(tmp_path)
    result = run_cli("clean")
    assert result.exit_code == 2, result.output
    assert thesis.read_bytes() == b"%PDF-1.7 my thesis"
    write(tmp_path, "content/notes.txt", "not a handout")  # now it is a project
    result = run_cli("clean", "--project", tmp_path)
    assert result.exit_code == 2, result.output
    assert lines(result) == ["error: output: not removed: no build of Versus wrote it "
                             "(no .versus-output in it)"]
    assert thesis.read_bytes() == b"%PDF-1.7 my thesis"


def test_clean_deletes_what_a_build_made_and_keeps_a_users_file(
        tmp_path, make_project, build, run_cli, monkeypatch):
    project = make_project()
    build(project, "all", "--jobs", "1")
    assert (project / "output" / ".versus-output").is_file()
    mine = write(project, "output/thesis.pdf", b"%PDF-1.7 mine")
    monkeypatch.chdir(project)
    result = run_cli("clean")
    assert result.exit_code == 0, result.output
    assert "kept output/thesis.pdf: Versus did not make it" in lines(result)
    assert sorted(path.name for path in (project / "output").iterdir()) == ["thesis.pdf"]
    assert mine.read_bytes() == b"%PDF-1.7 mine"


def test_clean_removes_the_whole_output_of_every_command(
        tmp_path, make_project, build, run_cli, monkeypatch):
    """Every file any build writes is known to clean as Versus's: nothing is left."""
    project = make_project(tags=["one"], settings={"base_url": "https://example.org/"})
    write(project, "content/dot.png", PNG)
    write(project, "static/site.css", "body { color: black }\n")
    write(project, "content/alpha-vs-beta.md", (project / "content/alpha-vs-beta.md")
          .read_text(encoding="utf-8") + "\n![A dot](dot.png)\n")
    build(project, "all", "--jobs", "1")
    build(project, "check")
    made = {path.name for path in (project / "output").iterdir()}
    assert {"booklet.pdf", "sitemap.xml", "tags", "static", "html", "pdf"} <= made
    result = run_cli("clean", "--project", project)
    assert result.exit_code == 0, result.output
    assert not (project / "output").exists(), list((project / "output").rglob("*"))


# --- commands find their project, or say there is none ------------------------------

COMMANDS = [("pdf",), ("html",), ("all",), ("booklet",), ("check",), ("new", "A", "B"),
            ("watch",), ("serve", "--port", "0"), ("clean",)]


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_outside_a_project_every_command_says_so_and_writes_nothing(
        tmp_path, run_cli, monkeypatch, command):
    folder = tmp_path / "somewhere" / "deeper"
    folder.mkdir(parents=True)
    monkeypatch.chdir(folder)

    def never(*args, **kwargs):  # watch and serve run until Ctrl-C: fail, not hang
        raise AssertionError("the command ran outside a project")
    monkeypatch.setattr("versus.preview.watch.watch", never)
    monkeypatch.setattr("versus.preview.watch.serve", never)
    result = run_cli(*command)
    assert result.exit_code == 2, result.output
    assert lines(result) == [f"error: no Versus project here (no versus.yaml or content/ "
                             f"in {folder} or above); `versus init DIR` makes one"]
    assert [path for path in tmp_path.rglob("*")] == [folder.parent, folder]


def test_a_build_run_inside_content_builds_the_project(tmp_path, make_project, run_cli,
                                                       monkeypatch):
    project = make_project(slug="cloud/alpha-vs-beta")
    monkeypatch.chdir(project / "content" / "cloud")
    result = run_cli("pdf", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert (project / "output/pdf/cloud/alpha-vs-beta.pdf").is_file()
    assert not (project / "content" / "cloud" / "output").exists()


def test_a_project_with_only_settings_is_found_from_below(tmp_path, run_cli, monkeypatch):
    write(tmp_path, "versus.yaml", "paper: A4\n")
    (tmp_path / "notes").mkdir()
    monkeypatch.chdir(tmp_path / "notes")
    result = run_cli("new", "Kafka", "Pulsar")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "content/kafka-vs-pulsar.md").is_file()
    assert not (tmp_path / "notes" / "content").exists()


# --- the summary counts handouts as handouts and files as files -----------------------

def test_the_summary_counts_handouts_and_files_in_words_that_read_right(
        make_project, build):
    project = make_project()
    result = build(project, "all", "--jobs", "1")
    assert any(line.startswith("1 handout: 3 files built, 0 up to date, 0 errors in ")
               for line in lines(result)), result.output
    assert any(line.startswith("built booklet.pdf: 1 handout, ") for line in
               lines(result)), result.output
    make_project(slug="gamma-vs-delta", items=("Gamma", "Delta"),
                 attributes={"Colour": {"Gamma": "Red", "Delta": "Blue"}}, project=project)
    result = build(project, "pdf", "--jobs", "1", "gamma-vs-delta")
    assert any(line.startswith("1 handout: 1 file built, 0 up to date, 0 errors in ")
               for line in lines(result)), result.output
    result = build(project, "pdf")
    assert any(line.startswith("2 handouts: 0 files built, 2 up to date, 0 errors in ")
               for line in lines(result)), result.output
    result = build(project, "check")
    assert "2 handouts checked: 0 errors, 0 warnings" in lines(result)


# --- --strict: a handout with a warning is not written --------------------------------

def test_strict_pdf_with_an_unknown_front_matter_key_writes_nothing(
        make_project, run_cli, build, monkeypatch):
    project = make_project(colour="blue")
    monkeypatch.chdir(project)
    result = run_cli("pdf", "--strict", "--jobs", "1")
    assert result.exit_code == 1, result.output
    assert "error: content/alpha-vs-beta.md:5:1: unknown front matter key 'colour'" \
        in lines(result), result.output
    assert not (project / "output/pdf/alpha-vs-beta.pdf").exists()
    result = build(project, "pdf", "--jobs", "1")  # without --strict: a warning
    assert "warning: content/alpha-vs-beta.md:5:1: unknown front matter key 'colour'" \
        in lines(result), result.output
    assert (project / "output/pdf/alpha-vs-beta.pdf").is_file()


def test_strict_all_on_an_unfilled_skeleton_fails_and_writes_no_page(
        tmp_path, run_cli, monkeypatch):
    (tmp_path / "content").mkdir()
    monkeypatch.chdir(tmp_path)
    assert run_cli("new", "Kafka", "Pulsar").exit_code == 0
    result = run_cli("all", "--strict", "--jobs", "1")
    assert result.exit_code == 1, result.output
    assert ("error: content/kafka-vs-pulsar.md:9:14: attribute 'Focus' has no text for "
            "item 'Kafka'") in lines(result), result.output
    assert any(line.startswith("error: content/kafka-vs-pulsar.md:") and
               "placeholder text left from 'versus new'" in line for line in lines(result))
    assert not (tmp_path / "output/html/kafka-vs-pulsar.html").exists()
    assert not (tmp_path / "output/pdf/kafka-vs-pulsar.pdf").exists()
    assert not (tmp_path / "output/booklet.pdf").exists()


def test_strict_reports_every_remote_image_of_a_pdf(make_project, run_cli, monkeypatch):
    body = ("Lead.\n\n![One](https://example.invalid/one.png)\n\n"
            "![Two](https://example.invalid/two.png)\n")
    project = make_project(body=body)
    monkeypatch.chdir(project)
    result = run_cli("pdf", "--strict", "--jobs", "1")
    assert result.exit_code == 1, result.output
    errors = [line for line in lines(result) if line.startswith("error: ")]
    assert len(errors) == 2 and "one.png" in errors[0] and "two.png" in errors[1], errors
    assert not (project / "output/pdf/alpha-vs-beta.pdf").exists()


# --- a build reports every missing image as check does --------------------------------

MISSING = ("Lead.\n\n![One](pic.png) and ![Two](gone.png)\n\n"
           '<img src="img/Chart.PNG" alt="chart">\n')
MISSING_LINES = [
    "error: content/alpha-vs-beta.md:15:1: image 'pic.png' not found; did you mean "
    "'Pic.png'?",
    "error: content/alpha-vs-beta.md:15:21: image 'gone.png' not found",
    "error: content/alpha-vs-beta.md:17:11: image 'img/Chart.PNG' not found; did you "
    "mean 'img/chart.png'?"]


@pytest.mark.parametrize("command", ["pdf", "html", "check"])
def test_every_missing_image_is_reported_at_its_place_with_did_you_mean(
        make_project, run_cli, monkeypatch, command):
    project = make_project(body=MISSING)
    write(project, "content/Pic.png", PNG)
    write(project, "content/img/chart.png", PNG)
    monkeypatch.chdir(project)
    result = run_cli(command, *(() if command == "check" else ("--jobs", "1")))
    assert result.exit_code == 1, result.output
    assert [line for line in lines(result) if line.startswith("error: ")] \
        == MISSING_LINES, result.output
    assert not (project / "output/pdf/alpha-vs-beta.pdf").exists()
    assert not (project / "output/html/alpha-vs-beta.html").exists()


# --- a glyph no font draws is found however the YAML writes it ------------------------

UNDRAWN = "\U0010fffd"  # private use, plane 16: no font has it


def test_an_undrawn_character_written_as_a_yaml_escape_is_warned_at_its_cell(
        tmp_path, run_cli, monkeypatch):
    write(tmp_path, "content/a-vs-b.md",
          '---\nitems: [Alpha, Beta]\ntagline: "Which \\uE001 one?"\n---\nLead.\n')
    write(tmp_path, "content/a-vs-b.yaml",
          'Colour:\n  Alpha: Red\n  Beta: "Blue \\U0010FFFD"\n')
    monkeypatch.chdir(tmp_path)
    expected = ["content/a-vs-b.md:3:10: no font for U+E001 'private use character'",
                "content/a-vs-b.yaml:3:9: no font for U+10FFFD 'private use character'"]
    check = run_cli("check")
    assert [line.removeprefix("warning: ") for line in lines(check)
            if line.startswith("warning: ")] == expected, check.output
    built = run_cli("html", "--jobs", "1")
    assert built.exit_code == 0, built.output
    assert [line.removeprefix("warning: ") for line in lines(built)
            if line.startswith("warning: ")] == expected, built.output
    strict = run_cli("pdf", "--strict", "--jobs", "1")
    assert strict.exit_code == 1, strict.output
    assert not (tmp_path / "output/pdf/a-vs-b.pdf").exists()


def test_a_character_written_out_and_escaped_is_warned_once_at_its_first_place(
        tmp_path, run_cli, monkeypatch):
    write(tmp_path, "content/a-vs-b.md",
          f'---\nitems: [Alpha, Beta]\ntagline: "Which \\U0010FFFD one?"\nattributes:\n'
          f'  Colour: {{Alpha: Red, Beta: Blue}}\n---\nLead {UNDRAWN}.\n')
    monkeypatch.chdir(tmp_path)
    check = run_cli("check")
    assert [line for line in lines(check) if line.startswith("warning: ")] == [
        "warning: content/a-vs-b.md:3:10: no font for U+10FFFD 'private use "
        "character'"], check.output
