"""A handout whose save is broken keeps its last good entry on the index and in
the booklet, as its page and PDF stay, with a warning naming it."""

from __future__ import annotations

from pathlib import Path

import pypdf

from support.files import write
from versus.booklet.binder import make_booklet
from versus.build.pipeline import BuildOptions, build
from versus.build.state import STATE_FILE, dump

GOOD = ("---\nitems: [{a}, {b}]\ntitle: {a} or {b}\ntags: [{tag}]\n"
        "attributes:\n  Focus:\n    {a}: one\n    {b}: two\n---\nLead.\n")
BROKEN = "---\nitems: [Kiwi, Lime\n---\nLead.\n"


def project(root: Path) -> Path:
    write(root, "content/apple-vs-pear.md", GOOD.format(a="Apple", b="Pear", tag="fruit"))
    write(root, "content/kiwi-vs-lime.md", GOOD.format(a="Kiwi", b="Lime", tag="green"))
    return root


def index(root: Path) -> str:
    return (root / "output" / "index.html").read_text(encoding="utf-8")


def test_a_broken_handout_keeps_its_index_entry(tmp_path):
    root = project(tmp_path)
    options = BuildOptions(formats=("html",), jobs=1)
    assert build(root, options).ok
    page = (root / "output" / "html" / "kiwi-vs-lime.html").read_bytes()
    write(root, "content/kiwi-vs-lime.md", BROKEN)
    write(root, "content/apple-vs-pear.md", GOOD.format(a="Apple", b="Quince", tag="fruit"))
    report = build(root, options)
    assert not report.ok
    assert [str(w) for w in report.warnings] == [
        f"{root / 'content' / 'kiwi-vs-lime.md'}: using the last good version in the index"]
    assert "Kiwi or Lime" in index(root) and "Apple or Quince" in index(root)
    assert (root / "output" / "tags" / "green.html").is_file()
    assert "Kiwi or Lime" in (root / "output" / "search-index.js").read_text()
    assert (root / "output" / "html" / "kiwi-vs-lime.html").read_bytes() == page


def test_the_cli_warns_of_the_kept_entry(tmp_path, run_cli, monkeypatch):
    root = project(tmp_path)
    monkeypatch.chdir(root)
    assert run_cli("html", "--project", root, "--jobs", "1").exit_code == 0
    write(root, "content/kiwi-vs-lime.md", BROKEN)
    result = run_cli("html", "--project", root, "--jobs", "1")
    assert result.exit_code == 1
    assert ("warning: content/kiwi-vs-lime.md: using the last good version in the index"
            in result.output.splitlines())
    assert "Kiwi or Lime" in index(root)


def test_a_handout_that_never_built_is_not_listed(tmp_path):
    root = project(tmp_path)
    write(root, "content/kiwi-vs-lime.md", BROKEN)
    report = build(root, BuildOptions(formats=("html",), jobs=1))
    assert not report.ok and report.warnings == []
    assert "Kiwi or Lime" not in index(root) and "Apple or Pear" in index(root)


def test_the_entry_is_remembered_in_the_build_state(tmp_path):
    root = project(tmp_path)
    assert build(root, BuildOptions(formats=("html",), jobs=1)).ok
    state = dump(root / ".versus" / STATE_FILE)
    entry = state["handouts"]["kiwi-vs-lime"]["entry"]
    assert entry == {"title": "Kiwi or Lime", "items": ["Kiwi", "Lime"], "tags": ["green"],
                     "tagline": "", "lang": "en", "date": None}


def test_a_broken_handout_stays_in_the_booklet(tmp_path):
    root = project(tmp_path)
    options = BuildOptions(formats=("pdf",), jobs=1)
    assert make_booklet(root, options).ok
    write(root, "content/kiwi-vs-lime.md", BROKEN)
    report = make_booklet(root, options)
    assert not report.ok
    assert report.handouts == 2
    assert [str(w) for w in report.build.warnings] == [
        f"{root / 'content' / 'kiwi-vs-lime.md'}: using the last good version in the booklet"]
    text = "".join(page.extract_text()
                   for page in pypdf.PdfReader(root / "output" / "booklet.pdf").pages)
    assert "Kiwi or Lime" in text and "Apple or Pear" in text


def test_the_index_keeps_an_entry_only_with_its_last_good_page(tmp_path):
    root = project(tmp_path)
    assert build(root, BuildOptions(formats=("pdf",), jobs=1)).ok
    write(root, "content/kiwi-vs-lime.md", BROKEN)
    report = build(root, BuildOptions(formats=("html",), jobs=1))
    assert not report.ok and report.warnings == []
    assert "Kiwi or Lime" not in index(root)
