"""An output whose bytes would not change is not written again (versus.output.holds).

A forced build of an unchanged project makes every page again, and each page
holds the bytes on disk: the files keep their inode and time (a rewrite renames
a new file over the page, so its inode changes, whatever the clock says). A page that did
change is replaced. What sits where an output goes and is not a plain output
file (a link, a FIFO, a file of other permissions) is replaced as before, even
when it reads as the same bytes, and nothing it points to is touched.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from versus.build.pipeline import BuildOptions, build
from versus.output import MODE, holds, write_atomic
from support.files import write

PAGE = "A page.\n"


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {path.name: (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in sorted(folder.glob("*.html"))}


def handout(name: str, text: str) -> str:
    return (f"---\nitems: [{name}, Other]\nattributes:\n  Size: {{{name}: Small, "
            f"Other: Large}}\n---\n{text}\n")


def test_a_forced_build_of_an_unchanged_project_rewrites_no_page(tmp_path):
    write(tmp_path, "content/a-vs-other.md", handout("A", "A and Other compared."))
    write(tmp_path, "content/b-vs-other.md", handout("B", "B and Other compared."))
    assert build(tmp_path, BuildOptions(formats=("html",))).ok
    pages = tmp_path / "output" / "html"
    before = snapshot(pages)
    assert len(before) == 2
    report = build(tmp_path, BuildOptions(formats=("html",), force=True))
    assert report.ok and len(report.built) >= 2  # every page made again
    assert snapshot(pages) == before

    write(tmp_path, "content/b-vs-other.md", handout("B", "B and Other contrasted."))
    assert build(tmp_path, BuildOptions(formats=("html",), force=True)).ok
    after = snapshot(pages)
    assert after["a-vs-other.html"] == before["a-vs-other.html"]
    assert after["b-vs-other.html"] != before["b-vs-other.html"]
    assert "contrasted" in (pages / "b-vs-other.html").read_text("utf-8")


def test_the_same_bytes_are_kept_other_bytes_replaced(tmp_path):
    path = tmp_path / "page.html"
    write_atomic(path, PAGE)
    assert path.stat().st_mode & 0o777 == MODE
    inode = path.stat().st_ino
    write_atomic(path, PAGE)
    assert path.stat().st_ino == inode
    for other in ("A page!\n", "A page.\n\n", ""):
        write_atomic(path, other)
        assert path.read_text("utf-8") == other
        assert path.stat().st_ino != inode
        inode = path.stat().st_ino


def test_a_link_to_the_same_bytes_is_replaced_its_target_untouched(tmp_path):
    outside = tmp_path / "outside.html"
    outside.write_text(PAGE, encoding="utf-8")
    os.chmod(outside, MODE)
    path = tmp_path / "output" / "page.html"
    path.parent.mkdir()
    path.symlink_to(outside)
    assert not holds(path, PAGE.encode())
    write_atomic(path, PAGE)
    assert not path.is_symlink() and path.read_text("utf-8") == PAGE
    assert outside.read_text("utf-8") == PAGE


def test_a_fifo_is_replaced_without_waiting(tmp_path):
    path = tmp_path / "page.html"
    os.mkfifo(path)
    write_atomic(path, PAGE)  # opening a FIFO to read would wait for a writer
    assert path.is_file() and path.read_text("utf-8") == PAGE


@pytest.mark.parametrize("mode", [0o600, 0o666, 0o755])
def test_a_file_of_other_permissions_is_written_again(tmp_path, mode):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    os.chmod(path, mode)
    write_atomic(path, PAGE)
    assert path.stat().st_mode & 0o777 == MODE
