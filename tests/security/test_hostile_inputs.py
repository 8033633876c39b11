"""More bad inputs and hostile environments, in the style of ``test_hostile.py``: YAML
values their tag cannot read, keys equal in another spelling, names equal in
another Unicode form, files and folders in the way of outputs, read-only folders,
a missing project, a bad SOURCE_DATE_EPOCH or scheduler address, and image errors
that must give a reason. SECURITY.md states the rules.

Each case builds ``content/a-vs-b.md`` (front matter ``FRONT`` plus ``Lead.``) and,
where it says so, a second handout ``content/c-vs-d.md`` that must still be built,
runs one CLI command in-process and states the exit status and the error text.
Read-only folders are simulated (the tests may run as root, who may write anyway):
``tempfile.mkstemp`` or ``os.mkdir`` fail with the error the kernel gives.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from support.files import write

FRONT = "---\nitems: [Alpha, Beta]\nattributes:\n  Colour: {Alpha: Red, Beta: Blue}\n---\n"
HANDOUT = "content/a-vs-b.md"
OTHER = {"content/c-vs-d.md": "---\nitems: [Gamma, Delta]\nattributes:\n"
         "  Colour: {Gamma: Red, Delta: Blue}\n---\nLead.\n"}
NO_HANDOUT = object()
CAFE, CAFE_NFD = "Caf\u00e9", "Cafe\u0301"
NO_TABLE = "---\nitems: [Alpha, Beta]\n---\nLead.\n"
BROKEN_PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 2


def front(*lines: str, items: str = "[Alpha, Beta]",
          table: str = "  Colour: {Alpha: Red, Beta: Blue}") -> str:
    """A handout whose front matter has ``lines`` between items and attributes."""
    return ("---\nitems: " + items + "\n" + "".join(line + "\n" for line in lines)
            + "attributes:\n" + table + "\n---\nLead.\n")


def read_only(where: str, code: int = errno.EROFS) -> Callable:
    """A hook: creating a folder or a temporary file below ``where`` fails with ``code``."""
    def hook(project: Path, monkeypatch) -> None:
        root = str(project / where)
        mkdir, mkstemp = os.mkdir, tempfile.mkstemp

        def refuse(path) -> None:
            if os.path.abspath(path).startswith(root):
                raise OSError(code, os.strerror(code), str(path))

        def guarded_mkdir(path, *args, **kwargs):
            refuse(path)
            return mkdir(path, *args, **kwargs)

        def guarded_mkstemp(*args, dir=None, **kwargs):
            refuse(dir or "")
            return mkstemp(*args, dir=dir, **kwargs)

        monkeypatch.setattr(os, "mkdir", guarded_mkdir)
        monkeypatch.setattr(tempfile, "mkstemp", guarded_mkstemp)
    return hook


def unreadable(relative: str) -> Callable:
    """A hook: opening ``relative`` fails as for a file without read permission
    (``Path.read_bytes`` and ``read_text`` open through ``Path.open`` too)."""
    def hook(project: Path, monkeypatch) -> None:
        target, path_open = (project / relative).resolve(), Path.open

        def guarded(path, *args, **kwargs):
            if path.resolve() == target:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
            return path_open(path, *args, **kwargs)
        monkeypatch.setattr(Path, "open", guarded)
    return hook


def png() -> bytes:
    """A valid 2x2 PNG: content's images are published beside the pages."""
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class Case:
    """One bad input or environment, and what the command must say about it."""

    id: str
    handout: str | bytes | object = FRONT + "Lead.\n"
    """The whole of content/a-vs-b.md, or ``NO_HANDOUT``."""
    command: str = "html"
    args: tuple[str, ...] = ()
    status: int = 1
    expect: str = ""
    """Substring of the output: ``path:line:col: message`` where known."""
    files: dict = field(default_factory=dict)
    """Extra files by path (text or bytes); a path ending in '/' is a folder."""
    env: dict = field(default_factory=dict)
    project: str = "."
    """The --project argument, relative to the project folder."""
    setup: Callable | None = None
    """``setup(project, monkeypatch)`` just before the command runs."""
    built: tuple[str, ...] = ()
    """Outputs that must exist afterwards: the handouts that could be built."""
    absent: tuple[str, ...] = ()
    """Paths that must not exist afterwards (relative to the project's parent)."""


CASES = [
    # --- B5: YAML values their tag cannot read ---------------------------------------
    Case("settings-int-past-digit-limit", command="check",
         files={"versus.yaml": "x: " + "1" * 5000 + "\n"},
         expect="versus.yaml:1:4: invalid YAML: a number of 5000 digits is too long"),
    Case("settings-int-tag-on-text", files={"versus.yaml": "title: !!int abc\n"},
         expect="versus.yaml:1:8: invalid YAML: 'abc' is not a valid !!int"),
    Case("settings-float-tag-on-text", files={"versus.yaml": "site_name: !!float xyz\n"},
         expect="versus.yaml:1:12: invalid YAML: 'xyz' is not a valid !!float"),
    Case("front-matter-timestamp-tag-on-text", handout=front("date: !!timestamp nonsense"),
         expect="content/a-vs-b.md:3:7: invalid YAML: 'nonsense' is not a valid "
                "!!timestamp"),
    Case("data-file-bool-tag-on-text", handout=NO_TABLE, command="check",
         files={"content/a-vs-b.yaml": "Colour: {Alpha: !!bool maybe, Beta: b}\n"},
         expect="content/a-vs-b.yaml:1:17: invalid YAML: 'maybe' is not a valid !!bool"),
    # --- B12: keys equal in another spelling are duplicates --------------------------
    Case("duplicate-key-hex", handout=front(items="[1, 2]",
                                            table="  Colour: {1: first, 0x1: SECOND, 2: b}"),
         expect="content/a-vs-b.md:4:22: duplicate key '0x1' (the same key as '1' on "
                "line 4)"),
    Case("duplicate-key-null", handout=front("~: a", "null: b"),
         expect="content/a-vs-b.md:4:1: duplicate key 'null' (the same key as '~' on "
                "line 3)"),
    Case("duplicate-key-bool", handout=front("x: {true: a, True: b}"),
         expect="content/a-vs-b.md:3:14: duplicate key 'True'"),
    Case("duplicate-key-float-int", command="check", handout=NO_TABLE,
         files={"content/a-vs-b.yaml": "Colour: {Alpha: a, Beta: b}\n"
                "Size: {Alpha: 1, Beta: 2}\nx: {1.0: a, 1: b}\n"},
         expect="content/a-vs-b.yaml:3:13: duplicate key '1' (the same key as '1.0'"),
    # --- B14: names equal in NFC are one name ----------------------------------------
    Case("items-nfc-and-nfd", handout=front(items=f"[{CAFE}, {CAFE_NFD}]"),
         expect=f"content/a-vs-b.md:2:8: item '{CAFE}' is named twice"),
    Case("cells-in-nfd-match-items-in-nfc", status=0, built=("output/html/a-vs-b.html",),
         handout=front(items=f"[{CAFE}, Beta]",
                       table=f"  Colour: {{{CAFE_NFD}: Red, Beta: Blue}}")),
    Case("csv-header-in-nfd", status=0, command="check",
         handout=f"---\nitems: [{CAFE}, Beta]\n---\nLead.\n",
         files={"content/a-vs-b.csv": f"Attribute,{CAFE_NFD},Beta\nColour,Red,Blue\n"}),
    Case("attribute-named-twice-nfc-nfd",
         handout=front(table=f"  Th{CAFE[-1]}: {{Alpha: a, Beta: b}}\n"
                             f"  The\u0301: {{Alpha: c, Beta: d}}"),
         expect="content/a-vs-b.md:5:3: duplicate key 'Thé'"),
    # --- B6: files and folders in the way, read-only folders, long names -------------
    Case("content-folder-named-like-the-page", files={"content/a-vs-b.html/x.png": png(),
                                                      **OTHER},
         expect="output/html/a-vs-b.html: cannot write: a folder is in the way",
         built=("output/html/c-vs-d.html", "output/index.html")),
    Case("folder-at-the-page", files={"output/html/a-vs-b.html/": None, **OTHER},
         expect="output/html/a-vs-b.html: cannot write: a folder is in the way",
         built=("output/html/c-vs-d.html",)),
    Case("folder-at-the-pdf", command="pdf", files={"output/pdf/a-vs-b.pdf/": None,
                                                     **OTHER},
         expect="output/pdf/a-vs-b.pdf: cannot write: a folder is in the way",
         built=("output/pdf/c-vs-d.pdf",)),
    Case("output-is-a-file", files={"output": "not a folder\n"},
         expect="output/.versus-output: cannot write: output is a file, not a folder"),
    Case("output-pdf-is-a-file", command="pdf", files={"output/pdf": "x\n"},
         expect="output/pdf/a-vs-b.pdf: cannot write: output/pdf is a file, not a folder"),
    Case("output-html-is-a-file", files={"output/html": "x\n"},
         expect="output/html/a-vs-b.html: cannot write: output/html is a file, not a "
                "folder", built=("output/index.html",)),
    Case("asset-folder-is-a-file", files={"content/img/x.png": png(),
                                          "output/html/img": "x\n"},
         expect="output/html/img/x.png: cannot write: output/html/img is a file, not a "
                "folder", built=("output/html/a-vs-b.html",)),
    Case("refused-image-folder-is-a-file", files={"content/img/x.png": BROKEN_PNG,
                                                  "output/html/img": "x\n"},
         expect="output/html/img/x.png: cannot write: output/html/img is a file, not a "
                "folder", built=("output/html/a-vs-b.html",)),
    Case("read-only-output-pdf", command="pdf", setup=read_only("output/pdf", errno.EACCES),
         files={"output/pdf/": None, **OTHER},
         expect="output/pdf/a-vs-b.pdf: cannot write: Permission denied; the last good "
                "output is kept"),
    Case("read-only-output-pdf-erofs", command="pdf", setup=read_only("output/pdf"),
         expect="output/pdf/a-vs-b.pdf: cannot write: Read-only file system"),
    Case("read-only-project", setup=read_only(""),
         expect="output/.versus-output: cannot write: Read-only file system"),
    Case("read-only-project-new", command="new", args=("X", "Y"), handout=NO_HANDOUT,
         files={"versus.yaml": "paper: A4\n"}, setup=read_only(""), expect="content/x-vs-y.md: cannot write: Read-only file "
                                     "system"),
    Case("new-item-name-too-long", command="new", args=("a" * 300, "B"),
         expect="-vs-b.md: cannot write: File name too long"),
    Case("new-content-is-a-file", command="new", args=("X", "Y"), handout=NO_HANDOUT,
         files={"content": "x\n"},
         expect="content/x-vs-y.md: cannot write: content is a file, not a folder"),
    Case("clean-output-is-a-file", command="clean", files={"output": "x\n"}, status=2,
         expect="output: not a folder Versus made: not removed"),
    # Any other file-system error a command meets is one line with its path, too.
    Case("serve-output-is-a-file", command="serve", args=("--port", "0"),
         files={"output": "x\n"}, expect="output: File exists"),
    Case("handout-unreadable", setup=unreadable(HANDOUT),
         expect="content/a-vs-b.md: cannot read: Permission denied"),
    Case("settings-unreadable", command="check", files={"versus.yaml": "paper: A4\n"},
         setup=unreadable("versus.yaml"), expect="versus.yaml: cannot read: Permission "
                                                  "denied"),
    # --- B7: a missing project, a content/ that is a file -----------------------------
    Case("project-missing", project="missing", status=2,
         expect="no such project folder", absent=("missing",)),
    Case("project-missing-check", command="check", project="missing", status=2,
         expect="no such project folder", absent=("missing",)),
    Case("content-is-a-file", handout=NO_HANDOUT, files={"content": "x\n"},
         expect="content: not a folder: handouts are content/<slug>.md files"),
    Case("content-is-a-file-check", command="check", handout=NO_HANDOUT,
         files={"content": "x\n"}, expect="content: not a folder"),
    # --- B10: SOURCE_DATE_EPOCH and the scheduler address -----------------------------
    Case("source-date-epoch-past-9999", env={"SOURCE_DATE_EPOCH": "99999999999999"},
         status=2, expect="SOURCE_DATE_EPOCH must be a whole number of seconds since "
                          "1970-01-01 (before the year 10000), not '99999999999999'"),
    Case("source-date-epoch-superscript", command="pdf", env={"SOURCE_DATE_EPOCH": "²"},
         status=2, expect="not '²'"),
    Case("source-date-epoch-arabic-digit", command="check",
         env={"SOURCE_DATE_EPOCH": "\u0663"}, status=2, expect="SOURCE_DATE_EPOCH must"),
    Case("scheduler-garbage", command="pdf", args=("--scheduler", "garbage!!"), status=2,
         expect="scheduler must be an address such as tcp://HOST:8786, not 'garbage!!'"),
    Case("scheduler-setting-without-port", command="check",
         files={"versus.yaml": "scheduler: tcp://example\n"},
         expect="versus.yaml:1:12: scheduler must be an address such as tcp://HOST:8786"),
    # --- B15: an image error always says why -------------------------------------------
    Case("image-undecodable-png", command="pdf", handout=FRONT + "![x](img/x.png)\n",
         files={"content/img/x.png": BROKEN_PNG},
         expect="content/a-vs-b.md: cannot load 'content/img/x.png': not a readable image"),
    Case("image-broken-svg", command="pdf", handout=FRONT + "![x](img/x.svg)\n",
         files={"content/img/x.svg": b"<svg xmlns='http://www.w3.org/2000/svg'><g"},
         expect="content/a-vs-b.md: cannot load 'content/img/x.svg': not a well-formed SVG"),
]


def place(project: Path, relative: str, data) -> None:
    if relative.endswith("/"):
        (project / relative).mkdir(parents=True, exist_ok=True)
    else:
        write(project, relative, data)


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in CASES])
def test_hostile_input(case: Case, tmp_path, monkeypatch, run_cli):
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    if case.handout is not NO_HANDOUT:
        write(project, HANDOUT, case.handout)
    for relative, data in case.files.items():
        place(project, relative, data)
    args = [case.command, "--project", case.project, *case.args]
    if case.command in ("html", "pdf"):
        args += ["--jobs", "1"]
    if case.setup:
        case.setup(project, monkeypatch)
    result = run_cli(*args)
    monkeypatch.undo()  # the hooks end with the command
    output = result.output
    assert not (result.exception and not isinstance(result.exception, SystemExit)), (
        f"{case.id}: the command raised {result.exception!r}\n{output}")
    assert "Traceback" not in output, f"{case.id}: a traceback was printed\n{output}"
    assert result.exit_code == case.status, (
        f"{case.id}: exit status {result.exit_code}, expected {case.status}\n{output}")
    assert case.expect in output, f"{case.id}: expected {case.expect!r} in\n{output}"
    for relative in case.built:
        assert (project / relative).is_file(), f"{case.id}: {relative} was not built"
    for relative in case.absent:
        assert not (project / relative).exists(), f"{case.id}: {relative} was created"
    if (project / "output").is_dir():
        assert not list((project / "output").rglob(".versus-tmp-*")), (
            f"{case.id}: a temporary file was left in output/")


def test_a_failed_pdf_write_keeps_the_last_good_pdf(tmp_path, monkeypatch, run_cli):
    """Read-only output/pdf: the PDF built before stays as it was, byte for byte."""
    project = tmp_path / "project"
    write(project, HANDOUT, FRONT + "Lead.\n")
    monkeypatch.chdir(project)
    assert run_cli("pdf", "--project", ".", "--jobs", "1").exit_code == 0
    good = (project / "output/pdf/a-vs-b.pdf").read_bytes()
    write(project, HANDOUT, FRONT + "Another lead.\n")
    read_only("output/pdf", errno.EACCES)(project, monkeypatch)
    result = run_cli("pdf", "--project", ".", "--jobs", "1")
    assert result.exit_code == 1
    assert "output/pdf/a-vs-b.pdf: cannot write: Permission denied" in result.output
    assert (project / "output/pdf/a-vs-b.pdf").read_bytes() == good


def test_an_error_without_a_message_still_gives_a_reason():
    from versus.security.sandbox import reason

    assert reason(PermissionError(errno.EACCES, "Permission denied")) == (
        "Permission denied")  # not '13', the errno that is its first argument
    assert reason(ValueError("")) == "ValueError"


def test_the_catalogue_is_big_enough():
    assert len(CASES) >= 35
    assert len({case.id for case in CASES}) == len(CASES), "duplicate case ids"
