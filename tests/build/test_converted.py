"""A handout's converted Markdown is kept in .versus/converted/ and taken again only
when everything it was made from is the same (versus.build.converted)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from support.files import write
from versus.build import converted as module
from versus.content.handouts import load_handout
from versus.render.pages import Pages
from versus.render.theme import Theme
from versus.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
HANDOUT = ("---\nitems: [Kafka, Pulsar]\nattributes:\n  Licence:\n    Kafka: Apache 2.0\n"
           "    Pulsar: {value: yes, source: 'https://pulsar.apache.org/'}\n---\n"
           "Kafka and Pulsar \"move\" events[^1].\n\n[^1]: A note.\n\n## Code\n\n"
           "```python\nprint('x')\n```\n")


@pytest.fixture
def counted(monkeypatch):
    """Pages whose conversions are counted."""
    calls = []
    convert = Pages.convert

    def counting(self, handout, medium):
        calls.append((handout.slug, medium))
        return convert(self, handout, medium)

    monkeypatch.setattr(Pages, "convert", counting)
    return calls


def loaded(project: Path, slug: str = "kafka-vs-pulsar"):
    settings = load_settings(project)
    pages = Pages(Theme.for_project(project), settings)
    return pages, load_handout(project / "content" / f"{slug}.md", slug, settings)


def test_a_conversion_is_kept_and_taken_again_the_same(tmp_path, counted):
    write(tmp_path, "content/kafka-vs-pulsar.md", HANDOUT)
    folder = tmp_path / ".versus" / "converted"
    pages, handout = loaded(tmp_path)
    for medium in ("screen", "print"):
        first = module.converted(pages, handout, medium, folder)
        again = module.converted(*loaded(tmp_path), medium, folder)
        assert again == first == pages.convert(handout, medium)
    assert sorted(path.name for path in folder.iterdir()) == [
        "kafka-vs-pulsar.print.json", "kafka-vs-pulsar.screen.json"]
    assert counted.count(("kafka-vs-pulsar", "screen")) == 2  # the first, and the last


@pytest.mark.parametrize("change", ["body", "table", "items", "language", "catalog"])
def test_any_change_to_what_it_was_made_from_converts_again(tmp_path, counted, change):
    source = write(tmp_path, "content/kafka-vs-pulsar.md", HANDOUT)
    folder = tmp_path / "kept"
    module.converted(*loaded(tmp_path), "screen", folder)
    if change == "catalog":
        write(tmp_path, "templates/i18n/en.yaml", "code_block: 'Listing {number}'\n")
    else:
        old, new = {"body": ("events", "messages"), "table": ("Apache 2.0", "MIT"),
                    "items": ("Pulsar", "Pulsar2"), "language": ("---\nitems",
                                                                 "---\nlang: de\nitems")
                    }[change]
        source.write_text(HANDOUT.replace(old, new), encoding="utf-8")
    pages, handout = loaded(tmp_path)
    content = module.converted(pages, handout, "screen", folder)
    assert len(counted) == 2
    assert content == pages.convert(handout, "screen")
    if change == "catalog":
        assert "Listing 1" in content.body


def test_an_unreadable_or_foreign_file_converts_again(tmp_path, counted):
    write(tmp_path, "content/kafka-vs-pulsar.md", HANDOUT)
    folder = tmp_path / "kept"
    pages, handout = loaded(tmp_path)
    expected = module.converted(pages, handout, "screen", folder)
    kept = folder / "kafka-vs-pulsar.screen.json"
    for text in ("not json", "[]", '{"key": 1}', kept.read_text().replace('"lead"', '"x"')):
        kept.write_text(text, encoding="utf-8")
        assert module.converted(pages, handout, "screen", folder) == expected
        assert kept.read_text().startswith('{"key": "')  # written anew
    assert len(counted) == 5


def test_a_folder_that_cannot_be_written_still_gives_the_page(tmp_path, counted):
    write(tmp_path, "content/kafka-vs-pulsar.md", HANDOUT)
    blocked = write(tmp_path, "kept", "a file where the folder would be")
    pages, handout = loaded(tmp_path)
    assert module.converted(pages, handout, "screen", blocked) == pages.convert(
        handout, "screen")
    assert blocked.read_text() == "a file where the folder would be"
    assert list(tmp_path.glob("**/*.tmp")) == []


def fixtures(project: Path) -> list[str]:
    """Every fixture handout copied into ``project``; their slugs."""
    (project / "content").mkdir(parents=True)
    for path in [*FIXTURES.glob("*.md"), *(FIXTURES / "languages").glob("*.md")]:
        shutil.copy(path, project / "content")
    shutil.copy(FIXTURES / "history.png", project / "content")
    return sorted(path.stem for path in (project / "content").glob("*.md"))


def test_every_fixture_taken_again_is_its_conversion(tmp_path):
    slugs = fixtures(tmp_path)
    folder = tmp_path / "kept"
    for slug in slugs:
        for medium in ("screen", "print"):
            pages, handout = loaded(tmp_path, slug)
            module.converted(pages, handout, medium, folder)
            taken = module.converted(*loaded(tmp_path, slug), medium, folder)
            assert taken == pages.convert(handout, medium), (slug, medium)
    assert len(list(folder.iterdir())) == 2 * len(slugs)


def test_a_forced_web_build_with_kept_conversions_makes_the_same_pages(tmp_path, build):
    slugs = fixtures(tmp_path)
    build(tmp_path, "html")
    assert len(list((tmp_path / ".versus" / "converted").iterdir())) == len(slugs)

    def pages() -> dict[str, bytes]:
        return {path.name: path.read_bytes()
                for path in sorted((tmp_path / "output" / "html").glob("*.html"))}

    build(tmp_path, "html", "--force")
    taken = pages()
    shutil.rmtree(tmp_path / ".versus" / "converted")
    build(tmp_path, "html", "--force")
    assert pages() == taken and len(taken) == len(slugs)


def test_a_removed_handouts_conversions_go_with_its_outputs(tmp_path, build):
    write(tmp_path, "content/kafka-vs-pulsar.md", HANDOUT)
    write(tmp_path, "content/a-vs-b.md", HANDOUT.replace("Kafka", "A").replace("Pulsar", "B"))
    build(tmp_path, "html")
    kept = tmp_path / ".versus" / "converted"
    assert sorted(path.name for path in kept.iterdir()) == [
        "a-vs-b.screen.json", "kafka-vs-pulsar.screen.json"]
    (tmp_path / "content" / "a-vs-b.md").unlink()
    build(tmp_path, "html")
    assert sorted(path.name for path in kept.iterdir()) == ["kafka-vs-pulsar.screen.json"]
    assert not (tmp_path / "output" / "html" / "a-vs-b.html").exists()
