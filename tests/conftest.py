"""Shared fixtures: the seed project built once per session, tiny projects, readers.

Fixtures
--------
seed_project        session: the seed handout (tests/fixtures/devops-vs-mlops.md, a
                    copy of content/'s, so that editing the repository's content/
                    or versus.yaml never moves a test) in a temporary project, built
                    with ``html`` then ``pdf`` in-process through the Click CLI. The
                    repository's own output/ is never touched.
seed_pdf            session: path of output/pdf/devops-vs-mlops.pdf in that copy
seed_html           session: path of output/html/devops-vs-mlops.html in that copy
seed_pdf_text       session: ``PdfText`` of the seed PDF (text with positions)
seed_front_matter   session: the seed handout's front matter as a dict
seed_text           session: the original handout, tests/fixtures/devops-vs-mlops.txt
run_cli             call the CLI in-process: ``run_cli("pdf", "--project", dir)``
build               like run_cli but asserts exit status 0: ``build(project, "html")``
make_project        write a tiny project below tmp_path (see its docstring)
warm_workers        autouse: the builds of one test process borrow warm worker
                    processes (``Shelf``) instead of starting their own; a test
                    marked ``cold_workers`` (one that counts or kills workers)
                    gets the builds' own, as the CLI does
read_pdf            ``read_pdf(path) -> PdfText``
parse_html          ``parse_html(path_or_text) -> HtmlDoc``
"""

from __future__ import annotations

import collections
import logging
import os
import shutil
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import versus.build.making
from versus.cli.main import main
from versus.executors.local import ProcessExecutor
from versus.build.making import make_executor
from versus.executors.workers import _verbosity

REPO = Path(__file__).resolve().parent.parent
SEED_SLUG = "devops-vs-mlops"
SEED_FIXTURE = REPO / "tests" / "fixtures" / f"{SEED_SLUG}.md"
"""The seed handout as content/ ships it; tests read this copy, never content/."""
MM = 72 / 25.4

# The theme's @page margins are 22 mm (top) and 20 mm (bottom); the running header
# sits above the body area and the page footer below it (their baselines are about
# 17 mm from the top and 13 mm from the bottom edge). A baseline in these bands is
# margin-box text, anything between them is the page body.
HEADER_BAND = 21 * MM
FOOTER_BAND = 19 * MM


# --------------------------------------------------------------------------- CLI

def _invoke(*args):
    """Run the CLI in this process; afterwards the loggers it configured are put
    back, so its handlers (bound to CliRunner's captured stderr) do not outlive it."""
    saved = [(logger, logger.handlers[:], logger.level, logger.propagate)
             for logger in map(logging.getLogger, ("versus", "weasyprint"))]
    try:
        return CliRunner().invoke(main, [str(arg) for arg in args],
                                  catch_exceptions=True)
    finally:
        for logger, handlers, level, propagate in saved:
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate = propagate


def _describe(result) -> str:
    text = result.output
    stderr = getattr(result, "stderr", "")
    if stderr and stderr not in text:
        text += stderr
    if result.exception and not isinstance(result.exception, SystemExit):
        import traceback
        text += "".join(traceback.format_exception(result.exception))
    return text


@pytest.fixture(scope="session")
def run_cli():
    """``run_cli(*args)``: run ``versus`` in this process; returns click's Result."""
    return _invoke


@pytest.fixture(scope="session")
def build():
    """``build(project, command, *args)``: run a build command; it must exit 0."""
    def run(project: Path, command: str, *args):
        result = _invoke(command, "--project", project, *args)
        assert result.exit_code == 0, (
            f"`versus {command} --project {project} {' '.join(map(str, args))}` "
            f"exited {result.exit_code}:\n{_describe(result)}")
        return result
    return run


# ------------------------------------------------------------- warm workers

class Shelf:
    """Worker pools kept warm between the builds of this test process.

    A build of the CLI starts its workers and ends them when it is done; each
    one starts Python and imports WeasyPrint (a second of CPU), more than most
    test handouts take to render. Here a build borrows a pool whose workers
    were started with the same environment, path and log level (a job names
    its files by absolute path, so the working folder does not matter), and
    gives it back when it would end it. At most ``KEPT`` pools stay warm.
    """

    KEPT = 3

    def __init__(self):
        self.pools: collections.OrderedDict = collections.OrderedDict()

    def lend(self, jobs: int, scheduler: str | None = None):
        if scheduler:  # a Dask cluster: the build's own client
            return make_executor(jobs, scheduler)
        environment = {name: value for name, value in os.environ.items()
                       if name != "PYTEST_CURRENT_TEST"}  # pytest's, set for each test
        key = (jobs, tuple(sorted(environment.items())), tuple(sys.path), _verbosity())
        pool = self.pools.pop(key, None) or ProcessExecutor(jobs)
        return _Borrowed(pool, lambda: self.give_back(key, pool))

    def give_back(self, key, pool) -> None:
        self.pools[key] = pool
        while len(self.pools) > self.KEPT:
            self.pools.popitem(last=False)[1].close()

    def close(self) -> None:
        while self.pools:
            self.pools.popitem()[1].close()


class _Borrowed:
    """A shelf's pool as one build sees it: closing it puts it back."""

    def __init__(self, pool, give_back):
        self.pool, self.close = pool, give_back

    def map(self, fn, jobs, limit=None):
        return self.pool.map(fn, jobs, limit)


@pytest.fixture(scope="session")
def _shelf():
    shelf = Shelf()
    yield shelf
    shelf.close()


@pytest.fixture(autouse=True)
def warm_workers(request, _shelf, monkeypatch):
    if request.node.get_closest_marker("cold_workers") is None:
        monkeypatch.setattr(versus.build.making, "make_executor", _shelf.lend)


def pytest_configure(config):
    config.addinivalue_line("markers", "cold_workers: the builds start and end their own "
                                       "worker processes, as the CLI does")


# ---------------------------------------------------------------- seed project

@pytest.fixture(scope="session")
def seed_project(tmp_path_factory) -> Path:
    """The seed handout in a temporary project, with default settings, built once."""
    project = tmp_path_factory.mktemp("seed") / "project"
    (project / "content").mkdir(parents=True)
    shutil.copy2(SEED_FIXTURE, project / "content" / f"{SEED_SLUG}.md")
    for command in ("html", "pdf"):
        result = _invoke(command, "--project", project)
        assert result.exit_code == 0, (
            f"seed build `versus {command}` exited {result.exit_code}:\n"
            f"{_describe(result)}")
    return project


@pytest.fixture(scope="session")
def seed_pdf(seed_project) -> Path:
    path = seed_project / "output" / "pdf" / f"{SEED_SLUG}.pdf"
    assert path.is_file(), f"the seed build did not write {path}"
    return path


@pytest.fixture(scope="session")
def seed_html(seed_project) -> Path:
    path = seed_project / "output" / "html" / f"{SEED_SLUG}.html"
    assert path.is_file(), f"the seed build did not write {path}"
    return path


@pytest.fixture(scope="session")
def seed_pdf_text(seed_pdf) -> "PdfText":
    return PdfText(seed_pdf)


@pytest.fixture(scope="session")
def seed_front_matter() -> dict:
    text = SEED_FIXTURE.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("\n---", 1)[0].removeprefix("---\n"))


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The original handout, tests/fixtures/devops-vs-mlops.txt."""
    return (REPO / "tests" / "fixtures" / f"{SEED_SLUG}.txt").read_text(encoding="utf-8")


# ---------------------------------------------------------------- tiny projects

DEFAULT_ATTRIBUTES = {
    "Colour": {"Alpha": "Red", "Beta": "Blue"},
    "Size": {"Alpha": "Small", "Beta": "Large"},
}
DEFAULT_BODY = ("Alpha and Beta are two things worth comparing.\n\n"
                "## Details\n\nAlpha is red. Beta is blue.\n")


@pytest.fixture
def make_project(tmp_path):
    """Write a tiny project and return its folder.

    ``make_project(slug="alpha-vs-beta", items=("Alpha", "Beta"), attributes=None,
    body=DEFAULT_BODY, settings=None, project=None, **front)``

    - ``attributes`` maps attribute name -> {item: value} (default: two rows);
    - ``front`` holds further front matter keys (title, tagline, date, lang, tags…);
    - ``settings`` (a dict) is written as ``versus.yaml``;
    - ``project`` adds the handout to an existing project folder instead of
      ``tmp_path / "project"``; calling it again with another slug adds handouts.
    """
    def make(slug: str = "alpha-vs-beta", items=("Alpha", "Beta"), attributes=None,
             body: str = DEFAULT_BODY, settings: dict | None = None,
             project: Path | None = None, **front) -> Path:
        project = Path(project) if project else tmp_path / "project"
        path = project / "content" / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {"items": list(items)}
        meta.update(front)
        if attributes is None and tuple(items) == ("Alpha", "Beta"):
            attributes = DEFAULT_ATTRIBUTES
        if attributes is not None:
            meta["attributes"] = attributes
        text = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
        path.write_text(f"---\n{text}---\n{body}", encoding="utf-8")
        if settings is not None:
            (project / "versus.yaml").write_text(
                yaml.safe_dump(settings, sort_keys=False, allow_unicode=True),
                encoding="utf-8")
        return project
    return make


# ---------------------------------------------------------------- PDF reading

def _multiply(m, n):
    """The product of two PDF matrices [a b c d e f] (m first, then n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F]


@dataclass(frozen=True)
class Fragment:
    """One piece of text pypdf reported, placed on its page (PDF units, y up)."""

    page: int       # 0-based
    x: float
    y: float        # baseline, from the bottom edge
    size: float     # effective font size in pt
    font: str       # BaseFont without the subset prefix, e.g. "Inter-Bold"
    text: str

    @property
    def bold(self) -> bool:
        return "bold" in self.font.lower()


@dataclass
class PdfText:
    """The text of a PDF with positions, split into page body and margin boxes."""

    path: Path
    page_sizes: list = field(default_factory=list)
    fragments: list = field(default_factory=list)

    def __post_init__(self):
        import pypdf

        reader = pypdf.PdfReader(str(self.path))
        for number, page in enumerate(reader.pages):
            box = page.mediabox
            self.page_sizes.append((float(box.width), float(box.height)))

            def visit(text, cm, tm, font_dict, font_size, number=number):
                if not text or not text.strip():
                    return
                m = _multiply(tm, cm)
                name = str(font_dict.get("/BaseFont", "")) if font_dict else ""
                name = name.lstrip("/").split("+", 1)[-1]
                size = abs(font_size * (m[2] ** 2 + m[3] ** 2) ** 0.5)
                self.fragments.append(Fragment(number, m[4], m[5], size, name,
                                               text.strip("\n")))

            page.extract_text(visitor_text=visit)

    @property
    def page_count(self) -> int:
        return len(self.page_sizes)

    def in_header(self, fragment: Fragment) -> bool:
        return fragment.y > self.page_sizes[fragment.page][1] - HEADER_BAND

    def in_footer(self, fragment: Fragment) -> bool:
        return fragment.y < FOOTER_BAND

    def body(self, page: int | None = None) -> list[Fragment]:
        """Fragments of the page body (no running header/footer), in stream order."""
        return [f for f in self.fragments
                if (page is None or f.page == page)
                and not self.in_header(f) and not self.in_footer(f)]

    def header(self, page: int) -> list[Fragment]:
        return [f for f in self.fragments if f.page == page and self.in_header(f)]

    def footer(self, page: int) -> list[Fragment]:
        return [f for f in self.fragments if f.page == page and self.in_footer(f)]

    def body_text(self) -> str:
        return "\n".join(f.text for f in self.body())

    def lines(self, page: int, body: bool = True) -> list[str]:
        """The text of ``page`` grouped by baseline, top to bottom, left to right."""
        chosen = self.body(page) if body else [f for f in self.fragments
                                               if f.page == page]
        rows: dict[float, list[Fragment]] = {}
        for fragment in chosen:
            rows.setdefault(round(fragment.y, 1), []).append(fragment)
        return [" ".join(f.text.strip() for f in sorted(row, key=lambda f: f.x))
                for _, row in sorted(rows.items(), key=lambda item: -item[0])]


@pytest.fixture(scope="session")
def read_pdf():
    """``read_pdf(path) -> PdfText``."""
    return PdfText


# ---------------------------------------------------------------- HTML reading

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict
    parent: "Element | None" = None
    children: list = field(default_factory=list)   # Element or str

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self, tag: str | None = None):
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter(tag)

    def find(self, tag: str, **attrs) -> "Element | None":
        return next(self.find_all(tag, **attrs), None)

    def find_all(self, tag: str | None = None, **attrs):
        for element in self.iter(tag):
            if all(element.has(key.rstrip("_"), value) for key, value in attrs.items()):
                yield element

    def has(self, key: str, value) -> bool:
        actual = self.attrs.get(key)
        if key == "class":
            return actual is not None and value in actual.split()
        return actual == value

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def inner_tags(self) -> list[str]:
        return [e.tag for e in self.iter() if e is not self]


class HtmlDoc(HTMLParser):
    """A minimal DOM from the standard library's tokenizer."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self._open = self.root
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: (v if v is not None else "") for k, v in attrs},
                          self._open)
        self._open.children.append(element)
        if tag not in VOID:
            self._open = element

    def handle_startendtag(self, tag, attrs):
        self._open.children.append(
            Element(tag, {k: (v if v is not None else "") for k, v in attrs},
                    self._open))

    def handle_endtag(self, tag):
        node = self._open
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self._open = node.parent

    def handle_data(self, data):
        self._open.children.append(data)

    def find(self, tag, **attrs):
        return self.root.find(tag, **attrs)

    def find_all(self, tag=None, **attrs):
        return self.root.find_all(tag, **attrs)


@pytest.fixture(scope="session")
def parse_html():
    """``parse_html(path_or_text) -> HtmlDoc`` (``.find``, ``.find_all``, ``.root``)."""
    def parse(source) -> HtmlDoc:
        if isinstance(source, Path):
            source = source.read_text(encoding="utf-8")
        return HtmlDoc(source)
    return parse
