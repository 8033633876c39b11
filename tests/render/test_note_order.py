"""One numbering of footnotes for the web page and the PDF, in the order a reader
meets the calls: the lead, the table's cells row by row, then the body, with the
notes inside its admonitions, lists, definition lists and cells where they stand
(the converter reaches those after the text that follows them).

The web page is read with the test suite's HTML parser, the PDF with pdftotext."""

from __future__ import annotations

import re
import subprocess

import pytest

SLUG = "alpha-vs-beta"
BODY = """Leadword[^lead] opens the handout.

[^lead]: Lead note text.

## Details

!!! note "Careful"
    Admonword[^warn] says so.

[^warn]: Admonition note text.

Paraword[^para] follows it.

| Left | Right |
|------|-------|
| Innerword[^inner] | plain |

- Listword[^item] is an item

Termword
:   Defword[^def] defines it

[^para]: Paragraph note text.
[^item]: List item note text.
[^inner]: Inner table note text.
[^def]: Definition note text.
"""
ATTRIBUTES = {"Colour": {"Alpha": "Cellword[^cell]", "Beta": "Blue"},
              "Size": {"Alpha": "Small", "Beta": "Large"}}
NOTES = ["Lead note text.", "Cell note text.", "Admonition note text.",
         "Paragraph note text.", "Inner table note text.", "List item note text.",
         "Definition note text."]
"""The notes in reading order; the cell's note is defined in the body."""
WORDS = ["Leadword", "Cellword", "Admonword", "Paraword", "Innerword", "Listword",
         "Defword"]
"""The word before each call, in reading order."""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from click.testing import CliRunner

    import yaml
    from versus.cli.main import main

    project = tmp_path_factory.mktemp("notes")
    path = project / "content" / f"{SLUG}.md"
    path.parent.mkdir(parents=True)
    meta = yaml.safe_dump({"items": ["Alpha", "Beta"], "attributes": ATTRIBUTES},
                          sort_keys=False)
    path.write_text(f"---\n{meta}---\n{BODY}[^cell]: Cell note text.\n", encoding="utf-8")
    for command in ("html", "pdf"):
        result = CliRunner().invoke(main, [command, "--project", str(project)])
        assert result.exit_code == 0, result.output
    return project / "output"


def squash(text: str) -> str:
    return " ".join(text.split())


def test_web_calls_are_numbered_in_reading_order(built, parse_html):
    document = parse_html(built / "html" / f"{SLUG}.html")
    calls = [(sup.attrs.get("id"), sup.find("a").attrs["href"], sup.text())
             for sup in document.find_all("sup", class_="footnote-ref")]
    numbers = [str(n) for n in range(1, len(NOTES) + 1)]
    assert calls == [(f"fnref-{n}", f"#fn-{n}", n) for n in numbers]
    items = list(document.find("section", class_="endnotes").find_all("li"))
    assert [li.attrs["id"] for li in items] == [f"fn-{n}" for n in numbers]
    assert [squash(li.text()).rstrip("\u2191 ") for li in items] == NOTES
    # each call stands after its word
    text = squash(document.find("article").text())
    for word, number in zip(WORDS, numbers):
        assert f"{word}{number}" in text.replace(" ", ""), (word, number)


def test_pdf_numbers_the_calls_and_the_feet_as_the_web_does(built):
    text = subprocess.run(["pdftotext", "-raw", "-f", "1", "-l", "1",
                           str(built / "pdf" / f"{SLUG}.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    assert "Admonition note text" in text and "Definition note text" in text
    assert "Page 2" not in text.replace("Page 1 of 1", "")
    # -raw: in the order the page was drawn, which is the reading order here
    calls = re.findall(rf"({'|'.join(WORDS)})(\d+)", text)
    assert calls == [(word, str(number)) for number, word in enumerate(WORDS, 1)]
    feet = {note: int(re.search(rf"(\d+)\.\s+{re.escape(note)}", text).group(1))
            for note in NOTES}
    assert feet == {note: number for number, note in enumerate(NOTES, 1)}


def test_a_note_called_again_is_printed_with_its_number(make_project, parse_html):
    from versus.content.handouts import load_handout
    from versus.render.pages import Pages
    from versus.render.theme import Theme
    from versus.settings import load_settings

    project = make_project(body="!!! note\n    Inside[^b].\n\nFirst[^a], again[^b].\n\n"
                                "[^a]: Note A.\n[^b]: Note B.\n")
    settings = load_settings(project)
    path = project / "content" / f"{SLUG}.md"
    pages = Pages(Theme.for_project(project), settings)
    handout = load_handout(path, SLUG, settings)
    printed = parse_html(pages.handout(handout, "print"))
    spans = [(squash(span.text()), span.attrs["style"])
             for span in printed.find_all("span", class_="footnote")]
    # counter-set one below: WeasyPrint adds one as it floats the note
    assert spans == [("Note B.", "counter-set: footnote 0"),
                     ("Note A.", "counter-set: footnote 1"),
                     ("Note B.", "counter-set: footnote 0")]
    web = parse_html(pages.handout(handout, "screen"))
    assert [sup.text() for sup in web.find_all("sup", class_="footnote-ref")] == \
        ["1", "2", "1"]
