"""A catalogue of bad and hostile inputs: each builds a tiny project with the CLI and
states the exit status and the error text (or, for markup the raw HTML policy
strips, what must not reach the page). SECURITY.md describes the policy.

Each case is one handout ``content/a-vs-b.md`` (front matter ``FRONT`` plus a body)
and any extra files; ``html`` and ``check`` where no PDF is needed, ``pdf`` where the
sandboxed fetcher is what is tested. Cases marked ``xfail(strict=True)`` state the
right expectation for behaviour that belongs to versus/pdf/renderer.py and is not there yet.
"""

from __future__ import annotations

import base64
import dataclasses
import os
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from versus.cli.main import main
from support.files import write

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


def svg(*hrefs: str) -> bytes:
    """An SVG drawing each of ``hrefs`` as an image."""
    images = "".join(f'<image href="{href}" width="5" height="5"/>' for href in hrefs)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{images}'
            "</svg>").encode()


BMP_B64 = base64.b64encode(b"BM" + struct.pack("<IHHI", 58, 0, 0, 54)
                           + struct.pack("<IiiHHIIiiII", 40, 1, 1, 1, 24, 0, 4, 0, 0, 0, 0)
                           + b"\0\0\xff\0").decode()
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
    stripped("img-onerror", '<img src="https://example.com/x.png" alt="x" onerror="steal()">', "onerror"),
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
    # --- files the PDF renderer may not read (versus/pdf/renderer.py's sandboxed fetcher) ----
    Case("image-file-url", "![p](file:///etc/passwd)", command="pdf",
         expect="content/a-vs-b.md: cannot load 'file:///etc/passwd': outside the project"),
    Case("image-dotdot", "![p](../../../../../etc/passwd)", command="pdf",
         expect="cannot load 'file:///etc/passwd': outside the project"),
    Case("image-dotdot-beside", "![p](../secret.png)", command="pdf",
         expect="content/a-vs-b.md:8:1: image '../secret.png' not found"),
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
         expect="content/a-vs-b.md:8:1: image 'img/nope.png' not found"),
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
    # --- URL schemes in any case: compared parsed and lower-cased (S1) -------------
    Case("upper-case-file-markdown", "![s](FILE://{outside}/secret.svg)", command="pdf",
         expect="cannot load 'FILE://{outside}/secret.svg': outside the project"),
    Case("mixed-case-file-raw-html", '<img alt="z" src="FiLe:///dev/zero">',
         command="pdf", expect="cannot load 'FiLe:///dev/zero': outside the project"),
    Case("upper-case-file-in-cell", handout=NO_TABLE + LEAD, command="pdf",
         files={"content/a-vs-b.csv": "Attribute,Alpha,Beta\n"
                "Logo,![s](FILE://{outside}/secret.svg),b\n"},
         expect="cannot load 'FILE://{outside}/secret.svg': outside the project"),
    Case("upper-case-file-in-svg", "![p](img/up.svg)", command="pdf",
         files={"content/img/up.svg": EVIL_SVG.replace(b"file:", b"FILE:")},
         expect="cannot load 'FILE:///etc/passwd': outside the project"),
    Case("mixed-case-http-not-fetched", '<img alt="x" src="HtTp://127.0.0.1:9/x.png">',
         command="pdf", status=0,
         expect="remote image 'HtTp://127.0.0.1:9/x.png' not fetched"),
    Case("ftp-in-svg", "![p](img/ftp.svg)", command="pdf",
         files={"content/img/ftp.svg": EVIL_SVG.replace(b"file:///etc/passwd",
                                                        b"FTP://127.0.0.1/x.png")},
         expect="cannot load 'FTP://127.0.0.1/x.png': the 'ftp:' scheme is not allowed"),
    Case("check-upper-case-file-raw-html", '<img alt="s" src="FILE:///etc/hostname">',
         command="check",
         expect="content/a-vs-b.md:8:19: image 'FILE:///etc/hostname' is refused: "
                "outside the project"),
    Case("check-upper-case-file-in-cell", handout=NO_TABLE + LEAD, command="check",
         files={"content/a-vs-b.csv": "Attribute,Alpha,Beta\n"
                "Logo,![s](FILE:///etc/hostname),b\n"},
         expect="content/a-vs-b.csv:2:11: image 'FILE:///etc/hostname' is refused"),
    # --- SVGs that draw each other (S2) --------------------------------------------
    Case("svg-cycle", "![x](a.svg)", command="pdf", args=("--timeout", "5"),
         files={"content/a.svg": svg("b.svg", "a.svg#x"),
                "content/b.svg": svg("a.svg?y", "b.svg#z")},
         expect="cannot load 'content/a.svg': SVG images draw each other: "
                "content/a.svg -> content/b.svg -> content/a.svg"),
    Case("svg-self-reference", "![x](me.svg)", command="pdf",
         files={"content/me.svg": svg("me.svg")},
         expect="SVG images draw each other: content/me.svg -> content/me.svg"),
    Case("svg-cycle-through-folder", "![x](img/a.svg)", command="pdf",
         files={"content/img/a.svg": svg("../other/b.svg"),
                "content/other/b.svg": svg("/versus-project/content/img/a.svg")},
         expect="SVG images draw each other"),
    Case("svg-laughs", "![x](l0.svg)", command="pdf",
         files={f"content/l{n}.svg": svg(*[f"l{n + 1}.svg"] * 10) for n in range(6)},
         expect="SVG images draw more than 1000 images"),
    Case("check-svg-cycle", "![x](a.svg)", command="check",
         files={"content/a.svg": svg("b.svg"), "content/b.svg": svg("a.svg")},
         expect="image 'a.svg' is refused: SVG images draw each other"),
    # --- caps applied before decoding or reading (B3, B4) --------------------------
    Case("png-12000-square", "![p](img/big.png)", command="pdf",
         files={"content/img/big.png": png(12_000, 12_000)},
         expect="cannot load 'content/img/big.png': 12000×12000 pixels; at most "
                "50 million pixels"),
    Case("png-wide-strip", "![p](img/strip.png)", command="pdf",
         files={"content/img/strip.png": png(1_000_000, 100)},
         expect="1000000×100 pixels"),
    Case("body-table-60000-rows", "| a | b |\n|---|---|\n"
         + "".join(f"| x{n} | y |\n" for n in range(60_000)), command="pdf",
         expect="content/a-vs-b.md:5008:1: the body has more than 5,000 table rows and "
                "list items"),
    Case("list-10000-items", "".join(f"- item {n}\n" for n in range(10_000)),
         command="pdf", expect="content/a-vs-b.md:5008:1: the body has more than 5,000"),
    Case("list-in-fenced-code-is-code", "```\n" + "- item\n" * 6000 + "```\n",
         status=0),
    Case("raw-html-6000-elements", "<span>x</span>" * 6000 + "\n", command="pdf",
         expect="content/a-vs-b.md: the content makes 6,002 HTML elements; at most 5,000"),
    Case("data-url-bmp", f'<img alt="b" src="data:image/png;base64,{BMP_B64}">',
         command="pdf", expect="not a PNG, JPEG, GIF, WebP or SVG image"),
    Case("data-url-eps", '<img alt="e" src="data:image/png;base64,'
         + base64.b64encode(EPS).decode() + '">', command="pdf",
         expect="not a PNG, JPEG, GIF, WebP or SVG image"),
]

def canary(root: Path) -> Path:
    """A folder outside the project holding a secret a build must never read."""
    folder = root / "outside"
    write(folder, "secret.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="9" '
          'height="9"><text y="9">CANARY</text></svg>')
    return folder


def fill(data, outside: Path):
    """``data`` with ``{outside}`` standing for the canary's folder."""
    if isinstance(data, str):
        return data.replace("{outside}", str(outside))
    if isinstance(data, bytes):
        return data.replace(b"{outside}", str(outside).encode())
    return data


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
    outside = canary(tmp_path)
    text = case.handout if case.handout is not None else FRONT + LEAD + case.body + "\n"
    write(project, HANDOUT, fill(text, outside))
    for relative, data in case.files.items():
        place(project, relative, fill(data, outside))
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
    expect = fill(case.expect, outside)
    assert expect in output, f"{case.id}: expected {expect!r} in\n{output}"
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


# --- what is published beside the web pages (S3, S4, S5) ----------------------------

def build_twice(project: Path, command: str = "html"):
    """Run ``command`` twice (a copied file would replace a page on the second run)."""
    results = [CliRunner().invoke(main, [command, "--project", str(project)])
               for _ in range(2)]
    for result in results:
        assert "Traceback" not in result.output and not (
            result.exception and not isinstance(result.exception, SystemExit))
    return results


def test_html_and_svg_in_content_are_not_published(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, HANDOUT, FRONT + LEAD)
    write(tmp_path, "content/a-vs-b.html", "<script>alert('page')</script>")
    write(tmp_path, "content/index.html", "<script>alert('index')</script>")
    write(tmp_path, "content/evil.svg", '<svg xmlns="http://www.w3.org/2000/svg">'
          "<script>alert('svg')</script></svg>")
    write(tmp_path, "content/handler.svg", '<svg xmlns="http://www.w3.org/2000/svg" '
          'onload="alert(1)"/>')
    write(tmp_path, "content/good.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>')
    first, second = build_twice(tmp_path)
    page = (tmp_path / PAGE).read_text(encoding="utf-8")
    assert "alert(" not in page and "Alpha and Beta compared." in page
    assert second.exit_code == 1
    assert ("content/evil.svg: image not published: an SVG a browser would run script "
            "from: it holds <script>") in second.output
    assert "content/handler.svg: image not published" in second.output
    published = sorted(p.name for p in (tmp_path / "output/html").iterdir())
    assert published == ["a-vs-b.html", "good.svg"]


def test_a_refused_svg_is_unpublished(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, HANDOUT, FRONT + LEAD)
    logo = write(tmp_path, "content/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>')
    build_twice(tmp_path)
    assert (tmp_path / "output/html/logo.svg").is_file()
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:x()">'
                    "<text>x</text></a></svg>")
    result = CliRunner().invoke(main, ["html", "--project", str(tmp_path)])
    assert "content/logo.svg: image not published" in result.output
    assert not (tmp_path / "output/html/logo.svg").exists()


def test_links_out_of_content_are_not_published(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, HANDOUT, FRONT + LEAD)
    write(tmp_path, ".git/config", "[remote] url = secret")
    write(tmp_path, ".env", "TOKEN=secret")
    write(tmp_path, "docs/pic.png", png(10, 10))
    (tmp_path / "content/logo.png").symlink_to("../.git/config")
    (tmp_path / "content/notes.txt").symlink_to("../.env")
    (tmp_path / "content/pic.png").symlink_to("../docs/pic.png")
    _, second = build_twice(tmp_path)
    assert second.exit_code == 1
    assert "content/logo.png: image not published: a link to a file outside content/" \
        in second.output
    assert "content/pic.png: image not published: a link to a file outside content/" \
        in second.output
    published = [p.name for p in (tmp_path / "output/html").iterdir()]
    assert published == ["a-vs-b.html"]
    assert not any("secret" in p.read_text(errors="replace")
                   for p in (tmp_path / "output").rglob("*") if p.is_file())


def peak_memory_mb(project: Path, command: str) -> float:
    """Peak resident memory of a fresh ``versus COMMAND`` process, in MB."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking process.
    code = ("import sys; from versus.cli.main import main\n"
            "try: main([sys.argv[1], '--project', sys.argv[2]])\n"
            "except SystemExit: pass\n"
            "print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])")
    done = subprocess.run([sys.executable, "-c", code, command, str(project)],
                          capture_output=True, text=True, timeout=300)
    return int(done.stdout.strip().splitlines()[-1]) / 1024


@pytest.mark.parametrize("command", ["html", "check"])
def test_a_huge_content_file_is_refused_before_it_is_read(tmp_path, command):
    write(tmp_path, HANDOUT, FRONT + LEAD)
    for name in ("content/big-vs-file.md", "content/huge.png"):
        path = tmp_path / name
        with path.open("wb") as handle:
            handle.truncate(1 << 30)  # sparse: 1 GiB that takes no disk
    result = CliRunner().invoke(main, [command, "--project", str(tmp_path)])
    assert "content/big-vs-file.md: file is larger than 2 MiB" in result.output
    assert result.exit_code == 1
    if command == "html":
        assert "content/huge.png: image not published: larger than 20 MiB" in result.output
        assert not (tmp_path / "output/html/huge.png").exists()
    assert peak_memory_mb(tmp_path, command) < 300


# --- remote fetching: never without --allow-remote, never unbounded (S1, B3) ----------

class Server:
    """A loopback HTTP server that counts requests and answers with ``body``."""

    def __init__(self, body):
        import http.server
        import threading

        server = self
        self.requests = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()
                try:
                    for chunk in body():
                        self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    servers = []

    def start(body=lambda: [png(10, 10)]):
        servers.append(Server(body))
        return servers[-1]

    yield start
    for running in servers:
        running.close()


def test_no_scheme_spelling_reaches_the_network(tmp_path, monkeypatch, server):
    monkeypatch.chdir(tmp_path)
    listener = server()
    host = listener.url.removeprefix("http://")
    body = "\n\n".join([f'<img alt="a" src="HtTp://{host}/a.png">',
                        f"![b](HTTP://{host}/b.png)", f"![c](hTTps://{host}/c.png)"])
    write(tmp_path, HANDOUT, FRONT + LEAD + body + "\n")
    result = CliRunner().invoke(main, ["pdf", "--project", ".", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert result.output.count("not fetched (--allow-remote fetches it)") == 3
    assert listener.requests == 0


def test_an_endless_remote_image_is_cut_at_the_cap(tmp_path, monkeypatch, server):
    monkeypatch.chdir(tmp_path)

    def endless():
        yield png(10, 10)
        while True:
            yield b"\0" * 65536

    listener = server(endless)
    write(tmp_path, HANDOUT, FRONT + LEAD + f"![r]({listener.url}/r.png)\n")
    result = CliRunner().invoke(main, ["pdf", "--project", ".", "--jobs", "1",
                                       "--allow-remote"])
    assert result.exit_code == 1
    assert f"cannot load '{listener.url}/r.png': larger than 20 MiB" in result.output
    assert listener.requests == 1


# --- the catalogue again, rendered on a Dask cluster -----------------------------------

@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as running:
        yield running


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id, marks=case.marks)
                                  for case in CASES if case.command == "pdf"])
def test_hostile_input_on_dask(case: Case, cluster, tmp_path, monkeypatch):
    test_hostile_input(dataclasses.replace(
        case, args=(*case.args, "--scheduler", cluster.scheduler_address)),
        tmp_path, monkeypatch)


def test_web_pages_show_no_file_images(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, HANDOUT, FRONT + LEAD + '<img alt="b" src="FILE:///etc/passwd">\n')
    CliRunner().invoke(main, ["html", "--project", "."])
    page = (tmp_path / PAGE).read_text(encoding="utf-8")
    assert "/etc/passwd" not in page and 'alt="b"' in page
    # a Markdown image outside the project fails the page, as it fails the PDF
    write(tmp_path, HANDOUT, FRONT + LEAD + "![a](file:///etc/hostname)\n")
    result = CliRunner().invoke(main, ["html", "--project", "."])
    assert result.exit_code == 1
    assert "image 'file:///etc/hostname' is outside the project" in result.output
    assert "/etc/hostname" not in (tmp_path / PAGE).read_text(encoding="utf-8")
