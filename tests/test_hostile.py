"""A catalogue of bad and hostile inputs: each builds a tiny project with the CLI and
states the exit status and the error text (or, for markup the raw HTML policy
strips, what must not reach the page). SECURITY.md describes the policy.

Each case is one handout ``content/a-vs-b.md`` (front matter ``FRONT`` plus a body)
and any extra files; ``html`` and ``check`` where no PDF is needed, ``pdf`` where the
sandboxed fetcher is what is tested. Cases marked ``xfail(strict=True)`` state the
right expectation for behaviour that belongs to versus/pdf.py and is not there yet.
"""

from __future__ import annotations

import os
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from versus.cli import main
from helpers import write

FRONT = "---\nitems: [Alpha, Beta]\nattributes:\n  Colour: {Alpha: Red, Beta: Blue}\n---\n"
LEAD = "Alpha and Beta compared.\n\n"
HANDOUT = "content/a-vs-b.md"
PAGE = "output/html/a-vs-b.html"
SYMLINK, FIFO = object(), object()


def png(width: int, height: int) -> bytes:
    """A 1-bit grey PNG of zeros: huge dimensions compress to a few kilobytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    compressor, rows = zlib.compressobj(9), b"\0" * (1 + (width + 7) // 8) * 1000
    data = b"".join(compressor.compress(rows) for _ in range(height // 1000))
    data += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data)
            + chunk(b"IEND", b""))


def laughs(levels: int = 9) -> str:
    lines = ['items: [Alpha, Beta]', 'a0: &a0 ["lol","lol","lol","lol","lol"]']
    lines += [f"a{n}: &a{n} [{','.join(f'*a{n - 1}' for _ in range(9))}]"
              for n in range(1, levels)]
    return "---\n" + "\n".join(lines) + "\n---\nLead.\n"


def rows(count: int) -> str:
    return "Attribute,Alpha,Beta\n" + "".join(f"Row {n},a,b\n" for n in range(count))


NO_TABLE = "---\nitems: [Alpha, Beta]\n---\n"
EVIL_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" '
            b'xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
            b'<image href="file:///etc/passwd" width="10" height="10"/></svg>')
EPS = (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"
       b"newpath 0 0 moveto 10 10 lineto stroke showpage\n")

@dataclass
class Case:
    """One hostile input and what the build must say about it."""

    id: str
    body: str = ""
    command: str = "html"
    status: int = 1
    expect: str = ""
    """Substring of the output (errors are ``path:line:col: message``)."""
    files: dict = field(default_factory=dict)
    """Extra files by path: text, bytes, (SYMLINK, target) or FIFO."""
    absent: tuple[str, ...] = ()
    """Text that must not be in the built page (raw HTML the policy strips)."""
    present: tuple[str, ...] = ()
    """Text that must be in the built page."""
    handout: str | bytes | None = None
    """The whole of content/a-vs-b.md, instead of FRONT + LEAD + body."""
    args: tuple[str, ...] = ()
    marks: tuple = ()


def stripped(id, body, *absent, present=()):
    """Raw HTML the policy removes: the page builds, without ``absent``."""
    return Case(id, body, status=0, absent=absent, present=present)


CASES = [
    # --- raw HTML in Markdown: stripped, never an error ------------------------------
    stripped("script-tag", "<script>alert('x')</script>\n\nText.", "<script", "alert("),
    stripped("script-inline", "Hi <script>steal()</script> there.", "steal()"),
    stripped("javascript-link", "[click](javascript:alert(1))", "javascript:"),
    stripped("javascript-link-mixed-case", '<a href=" JaVaScRiPt:alert(1)">x</a>',
             "alert(1)"),
    stripped("vbscript-link", '<a href="vbscript:msgbox(1)">x</a>', "vbscript:"),
    stripped("data-html-link", '<a href="data:text/html,<script>1</script>">x</a>',
             "data:text/html"),
    stripped("event-handler", '<p onclick="steal()">para</p>', "onclick", "steal()",
             present=("para",)),
    stripped("img-onerror", '<img src="x.png" alt="x" onerror="steal()">', "onerror"),
    stripped("attr-list-handler", "## Heading {: onclick=\"steal()\" }", "steal()",
             present=("Heading",)),
    stripped("iframe", '<iframe src="file:///etc/passwd"></iframe>', "<iframe",
             "/etc/passwd"),
    stripped("object-embed", '<object data="/etc/passwd"></object>'
             '<embed src="/etc/passwd">', "<object", "<embed", "/etc/passwd"),
    stripped("form", '<form action="https://evil.example"><input name=q></form>',
             "<form", "<input", "evil.example"),
    stripped("meta-refresh", '<meta http-equiv="refresh" content="0;url=https://x.example">',
             "x.example"),
    stripped("base-href", '<base href="file:///etc/">', "file:///etc/"),
    stripped("link-stylesheet", '<link rel="stylesheet" href="/etc/passwd">',
             "/etc/passwd"),
    stripped("link-attachment", '<link rel="attachment" href="/etc/passwd">',
             "attachment", "/etc/passwd"),
    stripped("style-import", "<style>@import url(file:///etc/passwd);</style>",
             "@import", "/etc/passwd"),
    stripped("style-font-face", "<style>@font-face { font-family: x; "
             "src: url(/etc/passwd) }</style>", "@font-face", "/etc/passwd"),
    stripped("style-attribute-url", '<p style="background: url(file:///etc/passwd)">x</p>',
             "url(", "/etc/passwd"),
    stripped("inline-svg-image", '<svg><image href="file:///etc/passwd"/></svg>',
             "<svg", "/etc/passwd"),
    stripped("html-comment", "<!-- secret note -->Visible.", "secret note"),
    # A table cell is Markdown too: raw HTML in a CSV cell meets the same policy.
    Case("script-in-cell", handout=NO_TABLE + LEAD, status=0,
         files={"content/a-vs-b.csv": "Attribute,Alpha,Beta\n"
                "Colour,<script>steal()</script>Red,<b onmouseover=\"x()\">Blue</b>\n"},
         absent=("steal()", "onmouseover"), present=("Red", "<b>Blue</b>")),
    # --- Jinja syntax in content stays text: content is never a template -----------
    Case("jinja-expression", "Seven sevens: {{ 7*7 }}.", status=0,
         present=("{{ 7*7 }}",), absent=("Seven sevens: 49",)),
    Case("jinja-statement", "{% include '/etc/passwd' %} {{ settings.__class__ }}",
         status=0, present=("{% include", "{{ settings."),
         absent=("root:x:0:0",)),
    Case("jinja-in-title", handout="---\nitems: [Alpha, Beta]\ntitle: '{{ 7*7 }}'\n"
         "attributes:\n  Colour: {Alpha: Red, Beta: Blue}\n---\nLead.\n",
         status=0, present=("{{ 7*7 }}",)),
    # --- YAML front matter --------------------------------------------------------
    Case("billion-laughs", handout=laughs(), command="check",
         expect="content/a-vs-b.md:9:5: more than 50 YAML aliases"),
    Case("duplicate-key", handout=FRONT.replace("---\nitems", "---\ntitle: A\ntitle: B\n"
                                                 "items", 1) + LEAD,
         expect="content/a-vs-b.md:3:1: duplicate key 'title'"),
    Case("deep-nesting", handout="---\nitems: [Alpha, Beta]\nx: " + "[" * 5000
         + "]" * 5000 + "\n---\nLead.\n",
         expect="content/a-vs-b.md:3:1003: invalid YAML: exceeded maximum nesting depth"),
    Case("yaml-python-tag", handout="---\nitems: !!python/object/apply:os.system "
         "['echo pwned']\n---\nLead.\n",
         expect="content/a-vs-b.md:2:8: invalid YAML: could not determine a constructor"),
    Case("front-matter-not-mapping", handout="---\n- a\n- b\n---\nLead.\n",
         expect="front matter must be a mapping"),
    Case("unclosed-front-matter", handout="---\nitems: [Alpha, Beta]\nLead.\n",
         expect="content/a-vs-b.md:1:1: front matter is not closed"),
    # --- encoding, size, line endings ---------------------------------------------
    Case("non-utf8", handout=(FRONT + "Caf").encode() + b"\xe9 au lait.\n",
         expect="content/a-vs-b.md:6:4: not valid UTF-8 (byte 79)"),
    Case("three-megabytes", handout=FRONT + "word " * 600_000,
         expect="content/a-vs-b.md: file is larger than 2 MiB"),
    Case("bom-accepted", handout=("\ufeff" + FRONT + LEAD).encode(), status=0,
         present=("Alpha and Beta compared.",)),
    Case("crlf-accepted", handout=(FRONT + LEAD + "## Part\r\n\r\nText.\r\n")
         .replace("\n", "\r\n").replace("\r\r", "\r").encode(), status=0,
         present=("Alpha and Beta compared.", "Part")),
    Case("deeply-nested-list", "".join("  " * n + "- x\n" for n in range(400)),
         expect="content/a-vs-b.md:109:1: line is indented 202 columns; at most 200"),
    # --- tables -------------------------------------------------------------------
    Case("csv-50000-rows", handout=NO_TABLE + LEAD, files={"content/a-vs-b.csv":
         rows(50_000)},
         expect="content/a-vs-b.csv:502:1: the comparison table has 50000 rows; "
                "at most 500 are allowed"),
    Case("yaml-5000-rows", handout=NO_TABLE + LEAD, files={"content/a-vs-b.yaml":
         "".join(f"Row {n}: {{Alpha: a, Beta: b}}\n" for n in range(5000))},
         expect="the comparison table has 5000 rows"),
    Case("csv-not-utf8", handout=NO_TABLE + LEAD,
         files={"content/a-vs-b.csv": b"Attribute,Alpha,Beta\nCaf\xe9,a,b\n"},
         expect="content/a-vs-b.csv:2:4: not valid UTF-8"),
    Case("csv-huge-cell", handout=NO_TABLE + LEAD, files={"content/a-vs-b.csv":
         "Attribute,Alpha,Beta\nX,\"" + "a" * 200_000 + "\",b\n"},
         expect="content/a-vs-b.csv:2:1: invalid CSV: field larger than field limit"),
    # --- slugs, file names, links out of the project -------------------------------
    Case("bad-file-name", files={"content/Bad_Name.md": FRONT + LEAD},
         expect="content/Bad_Name.md: slug part 'Bad_Name' may use only"),
    Case("case-colliding-slug", files={"content/A-vs-B.md": FRONT + LEAD},
         expect="content/A-vs-B.md: slug part 'A-vs-B' may use only"),
    Case("target-dotdot", args=("../etc",), status=2, expect="is not a handout slug"),
    Case("target-absolute", args=("/etc/passwd",), status=2,
         expect="is not a handout slug"),
    Case("target-md-outside", args=("content/../../x.md",), status=2,
         expect="is not below"),
    Case("symlink-handout-outside", files={"content/x-vs-y.md": (SYMLINK, "/etc/passwd")},
         expect="content/x-vs-y.md: 'x-vs-y.md' is a link to '/etc/passwd', outside "
                "the project: refused"),
    Case("symlink-data-outside", handout=NO_TABLE + LEAD,
         files={"content/a-vs-b.csv": (SYMLINK, "/etc/hostname")},
         expect="'a-vs-b.csv' is a link to '/etc/hostname', outside the project"),
    Case("symlink-to-dev-zero", files={"content/z-vs-z.md": (SYMLINK, "/dev/zero")},
         expect="outside the project: refused"),
    Case("fifo-handout", files={"content/f-vs-f.md": FIFO},
         expect="content/f-vs-f.md: not a regular file: refused"),
    Case("settings-billion-laughs", files={"versus.yaml": laughs().strip("-\nLead.")},
         expect="versus.yaml:8:5: more than 50 YAML aliases"),
    # --- templates of the project -------------------------------------------------
    Case("template-syntax-error", files={"templates/comparison.html": "{% if %}\n"},
         expect="templates/comparison.html:1: "),
    Case("template-undefined", files={"templates/comparison.html":
                                      "\n<p>{{ nosuchvar }}</p>\n"},
         expect="templates/comparison.html:2: 'nosuchvar' is undefined"),
    Case("template-recursive-include", files={"templates/comparison.html":
                                              '{% include "comparison.html" %}\n'},
         expect="templates/comparison.html:1: templates include or extend each other"),
    Case("template-missing-include", files={"templates/comparison.html":
                                            '{% include "nope.html" %}\n'},
         expect="template 'nope.html' not found"),
    # --- files the PDF renderer may not read (versus/pdf.py's sandboxed fetcher) ----
    Case("image-file-url", "![p](file:///etc/passwd)", command="pdf",
         expect="content/a-vs-b.md: cannot load 'file:///etc/passwd': outside the project"),
    Case("image-dotdot", "![p](../../../../../etc/passwd)", command="pdf",
         expect="cannot load 'file:///etc/passwd': outside the project"),
    Case("image-dotdot-beside", "![p](../secret.png)", command="pdf",
         expect="content/a-vs-b.md: cannot load"),
    Case("image-absolute", "![p](/etc/passwd)", command="pdf",
         expect="cannot load 'file:///etc/passwd': outside the project"),
    Case("image-dev-urandom", "![p](/dev/urandom)", command="pdf",
         expect="cannot load 'file:///dev/urandom': outside the project"),
    Case("image-raw-html-file-url", '<img src="file:///etc/shadow" alt="s">',
         command="pdf", expect="cannot load 'file:///etc/shadow': outside the project"),
    Case("image-symlink-outside", "![p](img/link.png)", command="pdf",
         files={"content/img/link.png": (SYMLINK, "/etc/passwd")},
         expect="cannot load 'content/img/link.png': outside the project"),
    Case("image-missing", "![p](img/nope.png)", command="pdf",
         expect="cannot load 'content/img/nope.png': no such file"),
    Case("svg-image-file-url", "![p](img/evil.svg)", command="pdf",
         files={"content/img/evil.svg": EVIL_SVG},
         expect="content/a-vs-b.md: cannot load 'file:///etc/passwd': outside the project"),
    Case("check-image-outside", "![p](../../../../../etc/passwd)", command="check",
         expect="image '../../../../../etc/passwd' is outside the project"),
    Case("decompression-bomb-png", "![p](img/bomb.png)", command="pdf",
         files={"content/img/bomb.png": png(30_000, 30_000)},
         expect="content/a-vs-b.md: cannot load 'content/img/bomb.png'"),
    Case("eps-image", "![p](img/x.eps)", command="pdf", files={"content/img/x.eps": EPS},
         expect="content/a-vs-b.md: cannot load 'content/img/x.eps'"),
    Case("random-bytes-as-png", "![p](img/junk.png)", command="pdf",
         files={"content/img/junk.png": bytes(range(256)) * 20},
         expect="content/a-vs-b.md: cannot load 'content/img/junk.png'"),
    Case("remote-image-is-a-warning", "![a remote logo](https://example.com/x.png)",
         command="pdf", status=0,
         expect="content/a-vs-b.md: remote image 'https://example.com/x.png' not "
                "fetched"),
]

def place(project: Path, relative: str, data) -> None:
    path = project / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if data is FIFO:
        os.mkfifo(path)
    elif isinstance(data, tuple) and data[0] is SYMLINK:
        path.symlink_to(data[1])
    else:
        write(project, relative, data)


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id, marks=case.marks)
                                  for case in CASES])
def test_hostile_input(case: Case, tmp_path, monkeypatch):
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    write(project, HANDOUT, case.handout if case.handout is not None
          else FRONT + LEAD + case.body + "\n")
    for relative, data in case.files.items():
        place(project, relative, data)
    args = [case.command, "--project", "."]
    if case.command in ("html", "pdf"):
        args += ["--jobs", "1", *case.args]
    result = CliRunner().invoke(main, args)
    output = result.output
    assert not (result.exception and not isinstance(result.exception, SystemExit)), (
        f"{case.id}: the build raised {result.exception!r}\n{output}")
    assert "Traceback" not in output, f"{case.id}: a traceback was printed\n{output}"
    assert result.exit_code == case.status, (
        f"{case.id}: exit status {result.exit_code}, expected {case.status}\n{output}")
    assert case.expect in output, f"{case.id}: expected {case.expect!r} in\n{output}"
    if case.absent or case.present:
        page = (project / PAGE).read_text(encoding="utf-8")
        for text in case.absent:
            assert text not in page, f"{case.id}: {text!r} reached the page"
        for text in case.present:
            assert text in page, f"{case.id}: {text!r} is missing from the page"
    assert not list((project / "output").rglob(".versus-tmp-*")), (
        f"{case.id}: a temporary file was left in output/")


def test_the_catalogue_is_big_enough():
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES), "duplicate case ids"
