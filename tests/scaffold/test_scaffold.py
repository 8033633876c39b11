"""``versus new``: the handout skeleton, its slug, and the promise never to overwrite.

Each test works in a project folder below ``tmp_path`` that is also the working
directory, so printed paths read as a user sees them (``content/<slug>.md``).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from support.files import write
from versus.content.handouts import load_handout, split_front_matter
from versus.scaffold.skeleton import new_handout, skeleton, slug_for, slugify, today
from versus.render.pages import Pages
from versus.render.theme import Theme
from versus.settings import Settings, load_settings

DAY = datetime.date(2026, 11, 26)
SECTIONS = ["## Further Detail", "### Definition", "### Focus",
            "### Tools and Technologies", "### Workflow", "### Team Collaboration",
            "### Benefits", "## Conclusion"]


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    (tmp_path / "content").mkdir()  # a project: new writes nowhere else
    return tmp_path


def new(run_cli, project: Path, *args):
    return run_cli("new", "--project", project, *args)


# --- the file written --------------------------------------------------------------

def test_new_writes_a_handout_that_loads_without_errors_or_warnings(project):
    write(project, "versus.yaml", "tagline: Which One Fits?\n")
    path = new_handout(project, ["Kafka", "Pulsar"], DAY)
    assert path == project / "content" / "kafka-vs-pulsar.md"
    handout = load_handout(path, "kafka-vs-pulsar", load_settings(project))
    assert handout.items == ("Kafka", "Pulsar")
    assert handout.title == "Kafka vs. Pulsar"
    assert handout.tagline == "Which One Fits?"
    assert handout.date == DAY
    assert handout.warnings == ()
    assert [a.name for a in handout.attributes] == ["Focus", "Goal", "Tools",
                                                      "Team Structure", "Metrics"]
    assert all(a.values == ("", "") for a in handout.attributes)


def test_front_matter_is_written_as_a_person_would(project):
    path = new_handout(project, ["Kafka", "Pulsar"], DAY)
    front, _, _ = split_front_matter(path.read_text(encoding="utf-8"), path)
    assert front.splitlines()[:4] == ["items: [Kafka, Pulsar]", "title: Kafka vs. Pulsar",
                                      "tagline: What’s the Difference?",
                                      "date: 2026-11-26"]
    assert ('  Focus:\n    Kafka:\n      value: ""\n'
            '      source: https://example.org/where-you-read-it\n'
            '      as_of: 2026-11-26\n    Pulsar: ""\n  Goal:\n    Kafka: ""') in front


def test_body_has_a_lead_and_the_seed_sections_each_with_a_sentence(project):
    path = new_handout(project, ["Kafka", "Pulsar", "RabbitMQ"], DAY)
    _, body, _ = split_front_matter(path.read_text(encoding="utf-8"), path)
    blocks = body.strip().split("\n\n")
    assert not blocks[0].startswith("#") and "Kafka, Pulsar, and RabbitMQ" in blocks[0]
    assert blocks[1::2] == SECTIONS
    assert all(block.strip().endswith(".") and not block.startswith("#")
               for block in blocks[2::2])
    assert len(blocks) == 1 + 2 * len(SECTIONS)


def test_awkward_item_names_survive_the_yaml(project):
    items = ["yes", "2024", "Go: lang", "a, b", "C#", "Ünïcode"]
    path = new_handout(project, items, DAY)
    handout = load_handout(path, path.stem, load_settings(project))
    assert handout.items == tuple(items)
    assert path.name == "yes-vs-2024-vs-go-lang-vs-a-b-vs-c-vs-unicode.md"


def test_a_data_file_beside_the_handout_keeps_the_table(project):
    write(project, "content/kafka-vs-pulsar.csv",
          "Attribute,Kafka,Pulsar\nStorage,Log,Ledger\n")
    path = new_handout(project, ["Kafka", "Pulsar"], DAY)
    assert "attributes:" not in path.read_text(encoding="utf-8")
    handout = load_handout(path, "kafka-vs-pulsar", load_settings(project))
    assert [a.name for a in handout.attributes] == ["Storage"]


def test_skeleton_names_every_item_as_the_language_lists_them(project):
    words = lambda lang: Pages(Theme.for_project(project), Settings()).words(lang)
    assert "A, B, and C" in skeleton(["A", "B", "C"], words("en"))
    assert "A and B" in skeleton(["A", "B"], words("en"))
    assert "A, B und C" in skeleton(["A", "B", "C"], words("de"))
    assert "A、B、C" in skeleton(["A", "B", "C"], words("ja"))


# --- languages ----------------------------------------------------------------------

def test_new_lang_writes_the_skeleton_in_that_language(project, run_cli, build,
                                                         parse_html):
    result = new(run_cli, project, "Kafka", "Pulsar", "--lang", "de")
    assert result.exit_code == 0, result.output
    text = (project / "content/kafka-vs-pulsar.md").read_text(encoding="utf-8")
    front, body, _ = split_front_matter(text, project / "content/kafka-vs-pulsar.md")
    assert "\nlang: de\n" in f"\n{front}\n"
    assert "tagline: Was ist der Unterschied?" in front
    assert '  Schwerpunkt:\n    Kafka:\n      value: ""' in front
    assert "Teamstruktur:" in front
    blocks = body.strip().split("\n\n")
    assert "was Kafka und Pulsar sind" in blocks[0]
    assert blocks[1::2] == ["## Weitere Details", "### Definition", "### Schwerpunkt",
                            "### Werkzeuge und Technologien", "### Arbeitsablauf",
                            "### Zusammenarbeit im Team", "### Vorteile", "## Fazit"]
    build(project, "html")
    page = parse_html(project / "output/html/kafka-vs-pulsar.html")
    assert page.find("html").attrs["lang"] == "de"
    assert page.find("h2", id="comparison").text().strip() == "Vergleich"


def test_the_project_language_is_the_default_and_not_repeated(project, run_cli):
    write(project, "versus.yaml", "lang: fr\n")
    assert new(run_cli, project, "Kafka", "Pulsar").exit_code == 0
    assert new(run_cli, project, "Redis", "Valkey", "--lang", "fr").exit_code == 0
    for name in ("kafka-vs-pulsar", "redis-vs-valkey"):
        text = (project / f"content/{name}.md").read_text(encoding="utf-8")
        assert "lang:" not in text  # the project's language needs no line of its own
        assert "## Plus de détails" in text and "Quelle est la différence\u202f?" in text


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es", "it", "pt", "nl", "pl", "ru",
                                  "ja", "zh", "ko", "ar", "he"])
def test_every_built_in_language_writes_a_skeleton_that_loads(project, lang):
    path = new_handout(project, ["Kafka", "Pulsar"], DAY, lang=lang)
    handout = load_handout(path, path.stem, load_settings(project))
    assert handout.warnings == () and handout.lang == lang
    assert len(handout.attributes) == 5 and all(a.values == ("", "")
                                                 for a in handout.attributes)
    english = skeleton(["Kafka", "Pulsar"], Pages(Theme.for_project(project),
                                                  Settings()).words("en"))
    headings = [line for line in handout.body.splitlines() if line.startswith("#")]
    assert len(headings) == 8
    if lang != "en":  # every sentence translated (a heading may be the same word)
        sentences = {line for line in english.splitlines() if line and line[0] != "#"}
        assert not sentences & set(path.read_text(encoding="utf-8").splitlines())


def test_a_site_translation_changes_its_skeleton(project):
    write(project, "templates/i18n/de.yaml", "heading_conclusion: Unser Urteil\n")
    path = new_handout(project, ["A", "B"], DAY, lang="de")
    text = path.read_text(encoding="utf-8")
    assert "## Unser Urteil" in text and "## Weitere Details" in text


@pytest.mark.parametrize("value", ["deutsch!", "d", "de_DE x"])
def test_a_bad_language_is_a_usage_error(project, run_cli, value):
    result = new(run_cli, project, "A", "B", "--lang", value)
    assert result.exit_code == 2, result.output
    assert "--lang must be a language tag" in result.output
    assert not list((project / "content").iterdir())


# --- slugs --------------------------------------------------------------------------

@pytest.mark.parametrize("name, slug", [
    ("Kafka", "kafka"),
    ("Crème Brûlée", "creme-brulee"),
    ("Kafka Streams", "kafka-streams"),
    ("  A/B   testing! ", "a-b-testing"),
    ("Node.js", "node-js"),
    ("C++", "c"),
    ("Straße", "strasse"),
    ("Łódź", "lodz"),
    ("ﬁle", "file"),
])
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_slug_joins_items_with_vs():
    assert slug_for(["DevOps", "MLOps"]) == "devops-vs-mlops"
    assert slug_for(["C++", "Rust", "Go"]) == "c-vs-rust-vs-go"


@pytest.mark.parametrize("items, reason", [
    (["Kafka"], "give 2 to 6 items, not 1"),
    (["A", "B", "C", "D", "E", "F", "G"], "give 2 to 6 items, not 7"),
    (["Kafka", "!!!"], "item '!!!' has no letters"),
    (["Kafka", "日本"], "item '日本' has no letters"),
    (["C++", "C"], "items 'C++' and 'C' are the same in a file name ('c')"),
    (["Kafka", "kafka"], "are the same in a file name"),
])
def test_items_that_cannot_make_a_slug_are_a_usage_error(project, run_cli, items, reason):
    result = new(run_cli, project, *items)
    assert result.exit_code == 2, result.output
    assert reason in result.output
    assert "Traceback" not in result.output
    assert not list((project / "content").iterdir())


def test_slug_names_the_file_when_the_items_cannot(project, run_cli):
    result = new(run_cli, project, "C#", "C++", "--slug", "csharp-vs-cpp")
    assert result.exit_code == 0, result.output
    assert result.stdout == "content/csharp-vs-cpp.md\n"
    handout = load_handout(project / "content/csharp-vs-cpp.md", "csharp-vs-cpp",
                           load_settings(project))
    assert handout.items == ("C#", "C++") and handout.title == "C# vs. C++"


def test_items_that_clash_point_to_the_slug_option(project, run_cli):
    result = new(run_cli, project, "C#", "C++")
    assert result.exit_code == 2
    assert "name the file with --slug" in result.output


@pytest.mark.parametrize("slug", ["C#", "a--b", "-a", "a b", "über", "a/b", "../x", ""])
def test_a_slug_new_would_not_make_is_a_usage_error(project, run_cli, slug):
    result = new(run_cli, project, "A", "B", "--slug", slug)
    assert result.exit_code == 2, result.output
    assert "--slug must be lowercase letters a-z, digits and single hyphens" in result.output
    assert not list((project / "content").iterdir())


# --- the command --------------------------------------------------------------------

def test_new_prints_the_path_and_the_handout_builds(project, run_cli, build, parse_html):
    result = new(run_cli, project, "Kafka", "Pulsar")
    assert result.exit_code == 0, result.output
    assert result.stdout == "content/kafka-vs-pulsar.md\n"
    build(project, "html")
    page = parse_html(project / "output" / "html" / "kafka-vs-pulsar.html")
    headings = [h.text().strip() for h in page.find_all("h3")]
    assert headings == [s.removeprefix("### ") for s in SECTIONS if s.startswith("###")]
    assert "Kafka vs. Pulsar" in page.find("h1").text()


def test_new_handout_passes_check_but_not_a_strict_one(project, run_cli):
    assert new(run_cli, project, "Kafka", "Pulsar").exit_code == 0
    result = run_cli("check", "--project", project)
    assert result.exit_code == 0, result.output
    assert "0 errors, 20 warnings" in result.output  # its empty cells and placeholders
    assert run_cli("check", "--project", project, "--strict").exit_code == 1


def test_new_never_overwrites(project, run_cli):
    path = write(project, "content/kafka-vs-pulsar.md", "my own words\n")
    result = new(run_cli, project, "Kafka", "Pulsar")
    assert result.exit_code == 1
    assert result.output.splitlines().count("error: content/kafka-vs-pulsar.md: already exists") == 1
    assert "Traceback" not in result.output
    assert path.read_text(encoding="utf-8") == "my own words\n"


def test_title_option(project, run_cli):
    assert new(run_cli, project, "Kafka", "Pulsar", "--title", "Logs, Compared").exit_code == 0
    text = (project / "content" / "kafka-vs-pulsar.md").read_text(encoding="utf-8")
    assert "\ntitle: Logs, Compared\n" in text


def test_date_is_today_or_source_date_epoch(project, run_cli, monkeypatch):
    assert new(run_cli, project, "A", "B").exit_code == 0
    today_line = f"\ndate: {datetime.date.today().isoformat()}\n"
    assert today_line in (project / "content" / "a-vs-b.md").read_text(encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")  # 2025-11-26 00:00 UTC
    assert new(run_cli, project, "C", "D").exit_code == 0
    assert "\ndate: 2025-11-26\n" in (project / "content" / "c-vs-d.md").read_text(
        encoding="utf-8")


def test_today_reads_source_date_epoch():
    assert today({"SOURCE_DATE_EPOCH": "0"}) == datetime.date(1970, 1, 1)
    assert today({}) == datetime.date.today()
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        today({"SOURCE_DATE_EPOCH": "yesterday"})


def test_bad_source_date_epoch_is_a_usage_error(project, run_cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = new(run_cli, project, "A", "B")
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH must be a whole number of seconds" in result.output
    assert not list((project / "content").iterdir())


def test_a_missing_project_folder_is_an_error_not_created(project, run_cli):
    result = new(run_cli, project / "typo", "A", "B")
    assert result.exit_code == 2  # a usage error, like any missing --project
    assert "no such project folder" in result.output
    assert not (project / "typo").exists()
