"""Shared passages: ``--8<-- "name.md"`` body lines replaced by files of content/shared/.

Every test writes a tiny project in ``tmp_path`` and calls ``passages.include`` on a
handout body that starts at file line ``FIRST`` (as if after front matter), reading
files with ``handouts.read_text``. Errors are checked as printed, ``path:line:col``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support.files import write
from versus.content.files import MAX_FILE_BYTES
from versus.content.handouts import read_text
from versus.content.passages import SHARED_DIR, include
from versus.errors import ContentError, Problems

FIRST = 7
"""The file line of the body's first line."""


def shared(root: Path) -> Path:
    return root / "content" / SHARED_DIR


def expand(root: Path, body: str, slug: str = "a-vs-b") -> tuple[str, tuple[Path, ...]]:
    """``body`` of ``content/<slug>.md`` expanded; expected to succeed."""
    return include(body, root / "content" / f"{slug}.md", FIRST, shared(root), read_text)


def errors(root: Path, body: str) -> list[str]:
    """The errors of expanding ``body``, as printed; expected to fail."""
    with pytest.raises(Problems) as caught:
        expand(root, body)
    assert caught.value.errors, "Problems raised without any error"
    assert all(isinstance(error, ContentError) for error in caught.value.errors)
    return [str(error) for error in caught.value.errors]


def test_an_include_line_is_replaced_by_the_passage(tmp_path):
    write(tmp_path, "content/shared/licence.md", "Both are *MIT* licensed.\n")
    text, read = expand(tmp_path, 'Lead.\n\n--8<-- "licence.md"\n\n## More\n')
    assert text == "Lead.\n\nBoth are *MIT* licensed.\n\n## More\n"
    assert read == (shared(tmp_path) / "licence.md",)


def test_a_body_without_the_marker_is_returned_as_it_is(tmp_path):
    body = "Lead -8<- not an include.\n\n## More\n"
    text, read = expand(tmp_path, body)
    assert text is body
    assert read == ()


def test_quotes_single_or_double_leading_and_trailing_spaces(tmp_path):
    write(tmp_path, "content/shared/a.md", "A.")
    write(tmp_path, "content/shared/db/b.md", "B.")
    text, read = expand(tmp_path, "--8<-- 'a.md'\n   --8<--  \"db/b.md\"   \n"
                                  "--8<--\t'db/./b.md'\n")
    assert text == "A.\nB.\nB.\n"
    assert read == (shared(tmp_path) / "a.md", shared(tmp_path) / "db" / "b.md")


def test_two_handouts_include_the_same_passage(tmp_path):
    write(tmp_path, "content/shared/note.md", "A note.\n")
    first, read_first = expand(tmp_path, 'One.\n--8<-- "note.md"\n', "a-vs-b")
    second, read_second = expand(tmp_path, '--8<-- "note.md"\nTwo.\n', "c-vs-d")
    assert first == "One.\nA note.\n"
    assert second == "A note.\nTwo.\n"
    assert read_first == read_second == (shared(tmp_path) / "note.md",)


def test_a_passage_included_twice_is_read_once(tmp_path):
    write(tmp_path, "content/shared/note.md", "Note.\n")
    calls = []

    def counting(path: Path) -> str:
        calls.append(path)
        return read_text(path)

    text, read = include('--8<-- "note.md"\n--8<-- "note.md"\n',
                         tmp_path / "content" / "a-vs-b.md", FIRST, shared(tmp_path),
                         counting)
    assert text == "Note.\nNote.\n"
    assert calls == list(read) == [shared(tmp_path) / "note.md"]


def test_nested_three_deep_is_allowed_and_lists_every_file_in_order(tmp_path):
    write(tmp_path, "content/shared/a.md", 'A.\n--8<-- "b.md"\n')
    write(tmp_path, "content/shared/b.md", 'B.\n--8<-- "sub/c.md"\n')
    write(tmp_path, "content/shared/sub/c.md", "C.\n")
    write(tmp_path, "content/shared/d.md", "D.\n")
    text, read = expand(tmp_path, '--8<-- "a.md"\n--8<-- "d.md"\n--8<-- "b.md"\n')
    assert text == "A.\nB.\nC.\nD.\nB.\nC.\n"
    root = shared(tmp_path)
    assert read == (root / "a.md", root / "b.md", root / "sub" / "c.md", root / "d.md")


def test_four_deep_is_refused_at_the_line_in_the_third(tmp_path):
    write(tmp_path, "content/shared/a.md", '--8<-- "b.md"\n')
    write(tmp_path, "content/shared/b.md", '--8<-- "c.md"\n')
    write(tmp_path, "content/shared/c.md", 'C.\n\n  --8<-- "d.md"\n')
    write(tmp_path, "content/shared/d.md", "D.\n")
    assert errors(tmp_path, 'Lead.\n--8<-- "a.md"\n') == [
        f"{shared(tmp_path) / 'c.md'}:3:10: 'd.md' is included more than 3 levels deep "
        "(a-vs-b.md -> a.md -> b.md -> c.md -> d.md): include it from a shallower "
        "passage"]


def test_a_cycle_is_refused_at_the_line_that_closes_it(tmp_path):
    write(tmp_path, "content/shared/a.md", 'A.\n--8<-- "b.md"\n')
    write(tmp_path, "content/shared/b.md", 'B.\n\n\n--8<-- "a.md"\n')
    assert errors(tmp_path, 'Lead.\n--8<-- "a.md"\n') == [
        f"{shared(tmp_path) / 'b.md'}:4:8: 'a.md' includes itself: a.md -> b.md -> a.md"]


def test_a_passage_including_itself_is_refused(tmp_path):
    write(tmp_path, "content/shared/a.md", "A.\n--8<-- 'a.md'\n")
    assert errors(tmp_path, '--8<-- "a.md"\n') == [
        f"{shared(tmp_path) / 'a.md'}:2:8: 'a.md' includes itself: a.md -> a.md"]


def test_a_missing_passage_names_the_closest_one(tmp_path):
    write(tmp_path, "content/shared/db/licences.md", "Licences.\n")
    handout = tmp_path / "content" / "a-vs-b.md"
    assert errors(tmp_path, 'Lead.\n\n--8<-- "db/licenses.md"\n--8<-- "zzz.md"\n') == [
        f"{handout}:{FIRST + 2}:8: 'db/licenses.md' not found in content/shared/; "
        "did you mean 'db/licences.md'?",
        f"{handout}:{FIRST + 3}:8: 'zzz.md' not found in content/shared/"]


def test_every_error_of_a_body_is_reported_once(tmp_path):
    write(tmp_path, "content/shared/a.md", '--8<-- "gone.md"\n')
    found = errors(tmp_path, '--8<-- "a.md"\n--8<-- "a.md"\n--8<-- a.md\n')
    assert found == [
        f"{shared(tmp_path) / 'a.md'}:1:8: 'gone.md' not found in content/shared/",
        f"{tmp_path / 'content' / 'a-vs-b.md'}:{FIRST + 2}:1: an include line is "
        '--8<-- "name.md": one file name in quotes']


def test_climbing_out_with_dot_dot_is_refused(tmp_path):
    write(tmp_path, "content/secret.md", "Secret.\n")
    write(tmp_path, "content/shared/db/x.md", "X.\n")
    found = errors(tmp_path, '--8<-- "../secret.md"\n--8<-- "db/../../secret.md"\n')
    assert len(found) == 2
    assert all("climbs out with '..'" in error for error in found)
    assert found[0].startswith(f"{tmp_path / 'content' / 'a-vs-b.md'}:{FIRST}:8: ")


def test_an_absolute_path_is_refused(tmp_path):
    outside = write(tmp_path, "elsewhere/secret.md", "Secret.\n")
    write(tmp_path, "content/shared/a.md", f"--8<-- '{outside}'\n")
    assert errors(tmp_path, '--8<-- "a.md"\n') == [
        f"{shared(tmp_path) / 'a.md'}:1:8: '{outside}' is an absolute path: name a file "
        "of content/shared/ from there, as 'db/licences.md'"]


def test_a_link_out_of_content_shared_is_refused(tmp_path):
    outside = write(tmp_path, "content/private.md", "Private.\n")
    write(tmp_path, "content/shared/keep.md", "Kept.\n")
    os.symlink(outside, shared(tmp_path) / "leak.md")
    os.symlink(shared(tmp_path) / "keep.md", shared(tmp_path) / "alias.md")
    assert errors(tmp_path, '--8<-- "leak.md"\n') == [
        f"{tmp_path / 'content' / 'a-vs-b.md'}:{FIRST}:8: 'leak.md' is a link to "
        f"'{os.path.realpath(outside)}', outside content/shared/: refused"]
    assert expand(tmp_path, '--8<-- "alias.md"\n')[0] == "Kept.\n"  # a link within


def test_a_linked_shared_folder_is_outside_content_shared(tmp_path):
    write(tmp_path, "elsewhere/a.md", "A.\n")
    write(tmp_path, "content/a-vs-b.md", "")
    os.symlink(tmp_path / "elsewhere", shared(tmp_path))
    (error,) = errors(tmp_path, '--8<-- "a.md"\n')
    assert "is a link to" in error and "outside content/shared/: refused" in error


def test_a_folder_or_a_fifo_is_refused(tmp_path):
    (shared(tmp_path) / "dir.md").mkdir(parents=True)
    os.mkfifo(shared(tmp_path) / "pipe.md")
    assert errors(tmp_path, '--8<-- "dir.md"\n--8<-- "pipe.md"\n') == [
        f"{tmp_path / 'content' / 'a-vs-b.md'}:{FIRST + n}:8: '{name}' is not a regular "
        "file: refused" for n, name in enumerate(("dir.md", "pipe.md"))]


def test_only_md_files_are_passages(tmp_path):
    write(tmp_path, "content/shared/data.yaml", "a: 1\n")
    (error,) = errors(tmp_path, '--8<-- "data.yaml"\n')
    assert error.endswith(":8: 'data.yaml' is not a .md file: a shared passage is Markdown")


def test_fenced_code_is_left_alone(tmp_path):
    write(tmp_path, "content/shared/a.md", "A.\n")
    body = ('```markdown\n--8<-- "a.md"\n--8<-- "missing.md"\n```\n'
            '~~~~\n--8<-- a.md\n```\n~~~~\n--8<-- "a.md"\n')
    text, read = expand(tmp_path, body)
    assert text == body.replace('~~~~\n--8<-- "a.md"', "~~~~\nA.")
    assert read == (shared(tmp_path) / "a.md",)


def test_an_include_line_indented_four_spaces_is_code(tmp_path):
    body = 'Lead.\n\n    --8<-- "missing.md"\n'
    assert expand(tmp_path, body) == (body, ())


def test_a_passage_with_front_matter_is_refused(tmp_path):
    write(tmp_path, "content/shared/a.md", "---\ntitle: A\n---\nA.\n")
    assert errors(tmp_path, 'Lead.\n--8<-- "a.md"\n') == [
        f"{tmp_path / 'content' / 'a-vs-b.md'}:{FIRST + 1}:8: 'a.md' starts with a '---' "
        "line: a shared passage has no front matter (write a rule as '***')"]


def test_a_passage_is_plain_text_never_a_template(tmp_path):
    write(tmp_path, "content/shared/a.md", "{{ settings.author }} {% if x %}y{% endif %}\n")
    assert expand(tmp_path, '--8<-- "a.md"')[0] == \
        "{{ settings.author }} {% if x %}y{% endif %}"


def test_an_unreadable_passage_is_reported_at_its_own_place(tmp_path):
    write(tmp_path, "content/shared/a.md", b"ok\n\xff\n")
    assert errors(tmp_path, '--8<-- "a.md"\n') == [
        f"{shared(tmp_path) / 'a.md'}:2:1: not valid UTF-8 (byte 3)"]


def test_an_expansion_past_the_size_cap_is_refused(tmp_path):
    chunk = "x" * (MAX_FILE_BYTES // 8)
    write(tmp_path, "content/shared/big.md", chunk + "\n")
    write(tmp_path, "content/shared/ten.md", '--8<-- "big.md"\n' * 10)
    (error,) = errors(tmp_path, 'Lead.\n--8<-- "ten.md"\n')
    assert error.startswith(f"{shared(tmp_path) / 'ten.md'}:8:8: including 'big.md' here "
                            "makes the text longer than 2 MiB")


def test_nested_multiplying_includes_stop_at_the_cap(tmp_path):
    """Each level multiplies: 2,000 ** 2 passages stop at the cap, not at memory's end."""
    write(tmp_path, "content/shared/c.md", "\n" * 2_000)
    for name, inner in (("b.md", "c.md"), ("a.md", "b.md")):
        write(tmp_path, f"content/shared/{name}", f'--8<-- "{inner}"\n' * 2_000)
    (error,) = errors(tmp_path, '--8<-- "a.md"\n')
    # b.md's 28,000 bytes grow by 1,999 - 13 at each line: past 2 MiB at its 1,042nd
    assert error.startswith(f"{shared(tmp_path) / 'b.md'}:1042:8: including 'c.md' here")
