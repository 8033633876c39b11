"""A third catalogue of hostile inputs, in the style and with the machinery of
``test_hostile.py`` (one ``Case`` a tiny project built with the CLI): scripts in
published SVGs, SVG references the renderer reads differently from the guard,
output that grows past its input, and the work a handout makes outside a timed
worker. SECURITY.md states the rules. Each input is small: it shows the mechanism
(a cap refuses before the work), not the damage.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from support.files import write
from versus.cli.main import main
from versus.security.sandbox import LocalFiles, Sandbox, ShippedFiles
from test_hostile import (FRONT, LEAD, NO_TABLE, SYMLINK, Case, png,
                          test_hostile_input as run_case)

REPO = Path(__file__).resolve().parents[2]
RAW_CONTROL_RE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

SVG_OPEN = ('<svg xmlns="http://www.w3.org/2000/svg" '
            'xmlns:xlink="http://www.w3.org/1999/xlink" '
            'xmlns:h="http://www.w3.org/1999/xhtml" width="10" height="10">')
NOT_PUBLISHED = "content/x.svg: image not published: an SVG a browser would run script from: "


def drawing(*images: str) -> str:
    """An SVG drawing each of ``images`` (the attributes of an ``<image>``)."""
    return SVG_OPEN + "".join(f'<image {image} width="5" height="5"/>'
                              for image in images) + "</svg>"


def both(target: str) -> str:
    """An ``<image>`` whose ``href`` names a harmless PNG and ``xlink:href`` ``target``:
    WeasyPrint draws ``xlink:href``."""
    return f'href="dot.png" xlink:href="{target}"'


NOTE = "[^big]: " + "A long note. " * 800 + "\n"
"""About 10 KB of note: called a thousand times, 10 MB of print HTML."""
DOT = {"content/dot.png": png(1, 1)}
LAUGHS = {**DOT, **{f"content/l{n}.svg": drawing(*[both(f"l{n + 1}.svg")] * 10)
                    for n in range(6)}}


def published_svg(id: str, inner: str, reason: str, head: str = "") -> Case:
    """An SVG in content/ that must not be published beside the pages, and why."""
    return Case(id, files={"content/x.svg": head + SVG_OPEN + inner + "</svg>"},
                expect=NOT_PUBLISHED + reason)


CASES = [
    # --- S1: published SVGs pass an allow-list, not a denylist ----------------------
    published_svg("svg-xhtml-iframe-srcdoc",
                  '<h:iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"/>',
                  "it holds <iframe> outside the SVG namespace"),
    published_svg("svg-xhtml-iframe-javascript-src",
                  '<h:iframe src="javascript:alert(1)"/>', "it holds <iframe>"),
    published_svg("svg-set-href-javascript",
                  '<a><set attributeName="href" to="javascript:alert(1)"/>'
                  "<text>x</text></a>", "it animates 'href'"),
    published_svg("svg-animate-xlink-href",
                  '<a><animate attributeName="xlink:href" values="javascript:alert(1)"/>'
                  "<text>x</text></a>", "it animates 'href'"),
    published_svg("svg-scheme-split-by-tab",
                  '<a href="java&#9;script:alert(1)"><text>x</text></a>',
                  "it holds a javascript: link"),
    published_svg("svg-scheme-split-by-newline-xlink",
                  '<a xlink:href="&#10;java&#10;script:alert(1)"><text>x</text></a>',
                  "it holds a javascript: link"),
    published_svg("svg-xml-stylesheet-xslt", "<rect width='5' height='5'/>",
                  "it holds a processing instruction (<?xml-stylesheet ...?>)",
                  head='<?xml-stylesheet type="text/xsl" href="x.xsl"?>'),
    published_svg("svg-unknown-attribute", '<rect width="5" height="5" formaction="x"/>',
                  "it holds the attribute 'formaction'"),
    Case("svg-plain-drawing-published", status=0, files={
        "content/x.svg": SVG_OPEN + '<defs><linearGradient id="g"><stop offset="0"/>'
        '</linearGradient></defs><rect width="5" height="5" fill="url(#g)"/>'
        '<a href="https://example.com/"><text x="1" y="9" data-name="x" aria-label="x">'
        'x</text></a></svg>'}),
    # --- S5: the guard reads an SVG's references as the renderer does -------------
    Case("svg-xlink-href-multiplier", "![x](l0.svg)", command="pdf",
         args=("--timeout", "20"), files=LAUGHS,
         expect="cannot load 'content/l0.svg': SVG images draw more than 1000 images"),
    Case("check-svg-xlink-href-multiplier", "![x](l0.svg)", command="check",
         files=LAUGHS, expect="image 'l0.svg' is refused: SVG images draw more than"),
    Case("svg-xlink-href-cycle", "![x](a.svg)", command="pdf", args=("--timeout", "20"),
         files={**DOT, "content/a.svg": drawing(both("b.svg")),
                "content/b.svg": drawing(both("a.svg"))},
         expect="SVG images draw each other: content/a.svg -> content/b.svg -> "
                "content/a.svg"),
    Case("svg-xml-base-cycle", "![x](a.svg)", command="pdf", args=("--timeout", "20"),
         files={**DOT, "content/a.svg": drawing('xml:base="other/" href="b.svg"'),
                "content/other/b.svg": drawing('xml:base="/versus-project/content/" '
                                               'href="&#9;a.svg"'),
                "content/b.svg": drawing('href="dot.png"')},
         expect="SVG images draw each other: content/a.svg -> content/other/b.svg -> "
                "content/a.svg"),
    # --- S2: output that grows past its input is capped by its size ------------------
    Case("footnote-called-1000-times", NOTE + "Calls" + " x[^big]" * 1000, command="pdf",
         args=("--timeout", "20"),
         expect="content/a-vs-b.md: the content makes more than 8,000,000 characters of "
                "HTML"),
    Case("footnote-called-from-cells", command="pdf", args=("--timeout", "20"),
         handout=NO_TABLE + LEAD + NOTE,
         files={"content/a-vs-b.csv": "Attribute,Alpha,Beta\n" + "".join(
             f"Row {n},a[^big],b[^big]\n" for n in range(500))},
         expect="the content makes more than 8,000,000 characters of HTML"),
    # --- S3: one budget of image bytes and pixels per page --------------------------
    Case("check-one-png-under-many-query-strings",
         " ".join(f"![b](big.png?{n})" for n in range(1, 6)), command="check",
         files={"content/big.png": png(8000, 6000)},
         expect="image 'big.png?5' is refused: the page's images pass 200 million "
                "pixels in all"),
    Case("pngs-over-the-page-budget", " ".join(f"![b](big{n}.png)" for n in range(5)),
         command="check", files={f"content/big{n}.png": png(8000, 6000) for n in range(5)},
         expect="image 'big4.png' is refused: the page's images pass 200 million"),
    # --- S11: a folder's rules follow the file, not the URL's prefix --------------
    Case("static-private-through-a-folder-link", "![p](st/_private.png)", command="pdf",
         files={"static/_private.png": png(4, 4), "content/st": (SYMLINK, "../static")},
         expect="cannot load 'content/st/_private.png': not a file static/ publishes"),
    Case("static-private-through-a-file-link", "![p](p.png)", command="pdf",
         files={"static/_drafts/p.png": png(4, 4),
                "content/p.png": (SYMLINK, "../static/_drafts/p.png")},
         expect="cannot load 'content/p.png': not a file static/ publishes"),
    Case("check-static-private-through-a-link", "![p](st/_private.png)", command="check",
         files={"static/_private.png": png(4, 4), "content/st": (SYMLINK, "../static")},
         expect="image 'st/_private.png' is refused: not a file static/ publishes"),
    # --- S6-S8: text bounded before quadratic work in the main process -------------
    Case("title-of-quotes", command="check",
         handout=FRONT.replace("---\nitems", "---\ntitle: '" + "''" * 600 + "'\nitems")
         + LEAD, expect="content/a-vs-b.md:2:8: 'title' is 600 characters long; at "
                        "most 500"),
    Case("long-tagline", command="check",
         handout=FRONT.replace("---\nitems", "---\ntagline: " + "a " * 400 + "\nitems")
         + LEAD, expect="content/a-vs-b.md:2:10: 'tagline' is 799 characters long"),
    Case("lang-with-many-subtags", command="check",
         handout=FRONT.replace("---\nitems", "---\nlang: en" + "-ab" * 1000 + "\nitems")
         + LEAD, expect="content/a-vs-b.md:2:7: 'lang' is 3,002 characters long; at most 64"),
    Case("long-item-name", command="check",
         handout=FRONT.replace("[Alpha, Beta]", "[Alpha, " + "B" * 200 + "]") + LEAD,
         expect="content/a-vs-b.md:2:8: an item name is 200 characters long; at most 75"),
    # --- S4: tags per handout are capped before any tag page is made --------------
    Case("a-hundred-tags", handout=FRONT.replace(
        "---\nitems", "---\ntags: [" + ", ".join(f"t{n}" for n in range(100)) + "]\nitems")
         + LEAD, expect="content/a-vs-b.md:2:7: 'tags' names 100 tags; at most 20"),
    Case("check-a-hundred-tags", command="check", handout=FRONT.replace(
        "---\nitems", "---\ntags: [" + ", ".join(f"t{n}" for n in range(100)) + "]\nitems")
         + LEAD, expect="content/a-vs-b.md:2:7: 'tags' names 100 tags; at most 20"),
    Case("a-very-long-tag", handout=FRONT.replace(
        "---\nitems", "---\ntags: [" + "t" * 200 + "]\nitems") + LEAD,
         expect="content/a-vs-b.md:2:7: a tag is 200 characters long; at most 50"),
]


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id, marks=case.marks)
                                  for case in CASES])
def test_hostile_input(case: Case, tmp_path, monkeypatch):
    run_case(case, tmp_path, monkeypatch)
    if case.id.startswith("svg-") and case.status:
        assert not (tmp_path / "project/output/html/x.svg").exists()


# --- S2: a worker out of memory is its handout's error, not the build's -------------

INJECTED = """
import versus.render.pages

real = versus.render.pages.Pages.convert

def convert(self, handout, *args, **kwargs):
    if handout.source.name == "memory-vs-hog.md":
        raise MemoryError  # as a worker past its memory limit raises it
    return real(self, handout, *args, **kwargs)

versus.render.pages.Pages.convert = convert
"""


def test_a_worker_out_of_memory_is_an_error_of_its_handout(tmp_path):
    write(tmp_path, "content/a-vs-b.md", FRONT + LEAD)
    write(tmp_path, "content/memory-vs-hog.md", FRONT + LEAD)
    write(tmp_path, "inject/sitecustomize.py", INJECTED)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(tmp_path / "inject"), str(REPO), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "html", "--jobs", "1",
                           "--project", str(tmp_path)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    assert ("error: content/memory-vs-hog.md: converting the Markdown ran out of memory; "
            "stopped") in done.stderr
    assert (tmp_path / "output/html/a-vs-b.html").is_file()


# --- S3: a file behind many URLs is read once ------------------------------------------

class CountingFiles(LocalFiles):
    """The project's files, counting each read."""

    def __init__(self, roots):
        super().__init__(roots)
        self.reads: list[str] = []

    def project_file(self, relative: str):
        self.reads.append(relative)
        return super().project_file(relative)


def test_query_strings_on_a_local_file_read_it_once(tmp_path):
    write(tmp_path, "content/pic.png", png(10, 10))
    files = CountingFiles((tmp_path,))
    sandbox = Sandbox(files)
    first = sandbox.load("file:///versus-project/content/pic.png?1")[0]
    second = sandbox.load("file:///versus-project/content/pic.png?2#x")[0]
    assert first == second == (tmp_path / "content/pic.png").read_bytes()
    assert files.reads == ["content/pic.png"]


def test_each_url_of_a_page_counts_against_its_image_budget(tmp_path):
    write(tmp_path, "content/pic.png", png(8000, 6000))  # 48 million pixels
    sandbox = Sandbox(LocalFiles((tmp_path,)))
    for number in range(4):  # 192 million: within the budget
        sandbox.load(f"file:///versus-project/content/pic.png?{number}")
    with pytest.raises(ValueError, match="pass 200 million pixels in all"):
        sandbox.load("file:///versus-project/content/pic.png?4")
    assert Sandbox(LocalFiles((tmp_path,))).load(  # the budget is the page's own
        "file:///versus-project/content/pic.png?4")[1] == "project"


# --- S10: content's text reaches the terminal escaped ----------------------------------

@pytest.mark.parametrize("key, shown", [
    ("k\\r\\e[2Jx\\e]0;TITLE\\a", "'k\\r\\x1b[2Jx\\x1b]0;TITLE\\x07'"),  # CR, CSI, OSC
    ("evil\\u202Egnp.exe\\x9b31m", "'evil\\u202egnp.exe\\x9b31m'"),  # bidi, C1 CSI
])
def test_control_characters_in_content_are_escaped_in_messages(tmp_path, monkeypatch,
                                                               key, shown):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "content/a-vs-b.md", FRONT.replace("---\nitems", f'---\n"{key}": 1\nitems')
          + LEAD)
    result = CliRunner().invoke(main, ["check", "--project", "."])
    assert f"warning: content/a-vs-b.md:2:1: unknown front matter key {shown}" \
        in result.output, result.output
    assert not RAW_CONTROL_RE.search(result.output)


# --- S9: the file checked is the file copied -------------------------------------------

def swap_after_check(monkeypatch, victim: Path, outside: Path) -> None:
    """The first time ``versus.security.images`` asks for the real path of ``victim``, it is
    swapped for a link to ``outside`` right after the answer: the moment a racing
    contributor would need, made certain."""
    realpath, swapped = os.path.realpath, []

    def racing(path, *args, **kwargs):
        answer = realpath(path, *args, **kwargs)
        caller = sys._getframe(1).f_globals.get("__name__")
        if caller == "versus.security.images" and Path(path) == victim and not swapped:
            swapped.append(path)
            victim.unlink()
            victim.symlink_to(outside)
        return answer
    monkeypatch.setattr(os.path, "realpath", racing)


@pytest.mark.parametrize("folder, what", [("content", "image"), ("static", "file")])
def test_a_file_swapped_for_a_link_between_check_and_copy_is_not_published(
        tmp_path, monkeypatch, folder, what):
    project, secret = tmp_path / "project", png(3, 7)
    write(tmp_path, "outside/secret.png", secret)
    write(project, "content/a-vs-b.md", FRONT + LEAD)
    victim = write(project, f"{folder}/pic.png", png(5, 5))
    monkeypatch.chdir(project)
    swap_after_check(monkeypatch, victim, tmp_path / "outside/secret.png")
    result = CliRunner().invoke(main, ["html", "--project", ".", "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert f"{folder}/pic.png: {what} not published: a link to a file outside " \
           f"{folder}/" in result.output
    assert not [path for path in (project / "output").rglob("*.png")
                if path.read_bytes() == secret]


# --- S6: the CSV sniffer sees a bounded sample ----------------------------------------

def test_the_csv_delimiter_is_guessed_from_a_bounded_sample(monkeypatch):
    from versus.content import spreadsheet

    seen, sniff = [], csv.Sniffer.sniff

    def measured(self, sample, *args, **kwargs):
        seen.append(len(sample))
        return sniff(self, sample, *args, **kwargs)
    monkeypatch.setattr(csv.Sniffer, "sniff", measured)
    hostile = ';"x' * 16_000 + "\n"  # 48 KB on one line: 10 s of sniffing unbounded
    assert spreadsheet._delimiter(hostile) in ",;"
    wide = "Attribute;Alpha;Beta\n" + "".join(f"Row {n};{'a' * 300};b\n" for n in range(30))
    assert spreadsheet._delimiter(wide) == ";"  # whole lines, as many as fit
    assert seen and max(seen) <= 4096


class ExhaustedRenderer:
    """A renderer whose every render runs out of memory."""

    def __init__(self):
        self.files = ShippedFiles({}, {})

    def render(self, job):
        raise MemoryError


@pytest.mark.parametrize("where", ["here", "cluster"])
def test_a_render_out_of_memory_is_an_error_of_its_handout(monkeypatch, where):
    from versus.pdf import cluster
    from versus.pdf import renderer as pdf

    job = pdf.PdfJob("a-vs-b", "content/a-vs-b.md", "<p>x</p>", "file:///versus-project/",
                     "a4", "versus.css", ("/nonexistent",))
    for module in (pdf, cluster):
        monkeypatch.setattr(module, "PdfRenderer", lambda *args: ExhaustedRenderer())
    monkeypatch.setattr(pdf, "_digest", lambda path: "")
    monkeypatch.setattr(cluster, "_THEME", cluster.ThemeBundle("", {}))
    # On a cluster worker, what its watched render process runs:
    result = (pdf.render_job(job) if where == "here"
              else cluster._render_shipped_here(cluster.ShippedJob(job, {})))
    assert str(result.error) == ("content/a-vs-b.md: rendering the PDF ran out of memory; "
                                 "stopped")
