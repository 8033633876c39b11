#!/usr/bin/env python3
"""The PDF written once (versus/pdf/finisher.py) against written, reopened and saved.

    python bench/finisher.py [--rounds 31] [--write]     the seed, in this process
    python bench/finisher.py --same 20 [--variant V]     the fixtures, 20 corpus handouts:
                                                         the same PDFs but for the file?

Before, a render's links were made relative by a WeasyPrint finisher that looked
at every object, and its tags mended by ``finish`` in versus/pdf/structure.py,
which opened the written PDF with pikepdf and saved it again. That ``finish`` is
taken from the commit ``--before`` names (git show), the link finisher is below;
the rest of the render is Versus's own (``PdfRenderer``: the theme, the sandbox,
the column fix, the line memo, the text check). Each round renders the seed (A4,
tagged) both ways, in turn, in this warm process, timing CPU; then, the seed laid
out once, each round writes its PDF both ways. Prints each one's median and the
median of the pairwise ratios (after / before); ``--write`` puts them in
bench/RESULTS.md under "## One write".

``--same`` renders handouts both ways and compares what a reader gets: each
page's content, the structure elements (type, scope, ID, alternate text, page),
the ID tree, the parent tree, the annotations, the catalog, the information, the
XMP metadata's RDF (pikepdf's save rewrote the packet around it). pdf/x-4 needs
SOURCE_DATE_EPOCH set.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import posixpath
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from corpus import SEED, make_corpus  # noqa: E402  (bench/ is not a package)
from linememo import job  # noqa: E402
from report import replace_section  # noqa: E402
from versus.pdf import renderer as pdf_renderer  # noqa: E402
from versus.pdf import textloss  # noqa: E402
from versus.security.sandbox import VIRTUAL_ROOT  # noqa: E402

HEADING = "## One write"
BEFORE = "c3ecc97"
"""The last commit whose renders reopened the PDF with pikepdf."""


def old_structure(commit: str) -> types.ModuleType:
    """versus/pdf/structure.py as it was at ``commit``: ``finish(bytes) -> bytes``."""
    source = subprocess.run(["git", "-C", str(ROOT), "show",
                             f"{commit}:versus/pdf/structure.py"],
                            capture_output=True, text=True, check=True).stdout
    module = types.ModuleType("old_structure")
    exec(compile(source, "old_structure.py", "exec"), module.__dict__)  # noqa: S102
    return module


def old_links(base: str):
    """The link finisher as it was: every object of the PDF looked at."""
    prefix, folder = f"file://{VIRTUAL_ROOT}/", urlsplit(base).path

    def finish(document, pdf) -> None:
        for obj in pdf.objects:
            action = obj.get("A") if isinstance(obj, dict) else None
            uri = action.get("URI") if isinstance(action, dict) else None
            if uri is not None and uri.string.startswith(prefix):
                parts = urlsplit(uri.string)
                relative = posixpath.relpath(parts.path, folder)
                uri.string = relative + (f"#{parts.fragment}" if parts.fragment else "")
                if "Contents" in obj:
                    obj["Contents"].string = uri.string

    return finish


def before(made, render, finish) -> bytes:
    """``PdfRenderer.render`` as it was: written, then reopened, mended, saved."""
    made.fetcher.start(render.allow_remote)
    options = {"stylesheets": [made.stylesheet, made._page_css(render.paper, render.bleed)],
               "pdf_tags": True, "pdf_variant": render.variant}
    with pdf_renderer._ImageFailures(made.fetcher), textloss.recording() as built:
        page = made._weasyprint.HTML(string=render.html, base_url=render.base_url,
                                     url_fetcher=made.fetcher)
        document = page.render(font_config=made.font_config, **options)
        assert not textloss.lost_text(built, document)
        data = document.write_pdf(finisher=old_links(render.base_url), **options)
    return finish(data)


def renderer(render):
    return pdf_renderer.renderer_for(render.stylesheet, render.roots,
                                     pdf_renderer._digest(render.stylesheet))


def seed_job(project: Path):
    (project / "content").mkdir(exist_ok=True)
    source = project / "content" / SEED.name
    source.write_bytes(SEED.read_bytes())
    return job(project, source)


def measures(commit: str) -> dict[str, dict[str, Callable[[], object]]]:
    """Each measure's two ways: the whole render, and the write alone (the seed laid
    out once, its PDF written again and again)."""
    from versus.pdf.finisher import finisher

    finish = old_structure(commit).finish
    render = seed_job(Path(tempfile.mkdtemp(prefix="versus-finisher-")))
    made = renderer(render)
    options = {"stylesheets": [made.stylesheet, made._page_css(render.paper)],
               "pdf_tags": True, "pdf_variant": None}
    document = made._weasyprint.HTML(string=render.html, base_url=render.base_url,
                                     url_fetcher=made.fetcher).render(
        font_config=made.font_config, **options)
    return {
        "render": {"before": lambda: before(made, render, finish),
                   "after": lambda: made.render(render)[0]},
        "write": {"before": lambda: finish(document.write_pdf(
                      finisher=old_links(render.base_url), **options)),
                  "after": lambda: document.write_pdf(
                      finisher=finisher(render.base_url), **options)}}


def timed(ways: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """CPU seconds of ``rounds`` runs each way, alternating which goes first."""
    for way in ways.values():  # warm: fonts, stylesheet, pikepdf
        way()
    times: dict[str, list[float]] = {"before": [], "after": []}
    for round_ in range(rounds):
        order = ("before", "after") if round_ % 2 == 0 else ("after", "before")
        for name in order:
            gc.collect()  # the other's garbage is not this one's cost
            start = time.process_time()
            ways[name]()
            times[name].append(time.process_time() - start)
    return times


def summary(label: str, times: dict[str, list[float]]) -> str:
    """A table row: both medians, the median of the pairwise ratios and its range."""
    old, new = times["before"], times["after"]
    ratios = [after / first for first, after in zip(old, new)]
    return (f"| {label} | {statistics.median(old) * 1000:.1f} ms | "
            f"{statistics.median(new) * 1000:.1f} ms | {statistics.median(ratios):.3f} "
            f"({min(ratios):.3f}–{max(ratios):.3f}) | {len(ratios)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--before", default=BEFORE, metavar="COMMIT")
    parser.add_argument("--same", type=int, metavar="N", default=None)
    parser.add_argument("--variant", help="with --same: render as this PDF variant")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if args.same is not None:
        same(args.same, old_structure(args.before).finish, args.variant)
        return
    ways = measures(args.before)
    lines = ["| the seed (A4, tagged) | before: median CPU | after | after / before: "
             "median of pairs (range) | pairs |", "|---|---:|---:|---:|---:|",
             summary("rendered: layout, write, mend", timed(ways["render"], args.rounds)),
             summary("written: one layout, written and mended", timed(
                 ways["write"], args.rounds))]
    print("\n".join(lines))
    if args.write:
        replace_section(ROOT / "bench" / "RESULTS.md", HEADING, "\n".join([
            HEADING, "",
            "The seed's PDF mended before it is written (versus/pdf/finisher.py), "
            "against written, then reopened with pikepdf, mended and saved (the "
            f"renderer of commit {args.before}), in one warm process, the two "
            f"alternating, CPU time (`python bench/finisher.py --rounds {args.rounds}`; "
            "`--write` puts its table here):", "", *lines, ""]))

def same(count: int, finish, variant: str | None = None) -> None:
    """Render the seed, the test fixtures and ``count`` corpus handouts both ways, as
    ``variant`` if given; stop at the first whose PDFs differ but in their bytes."""
    project = Path(tempfile.mkdtemp(prefix="versus-finisher-"))
    fixtures = ROOT / "tests" / "fixtures"
    content = project / "content"
    content.mkdir()
    for source in [SEED, *fixtures.glob("*.md"), *fixtures.glob("*.png")]:
        (content / source.name).write_bytes(source.read_bytes())
    paths = sorted(content.glob("*.md")) + make_corpus(project, count)
    for path in paths:
        render = dataclasses.replace(job(project, path), variant=variant)
        made = renderer(render)
        old, new = before(made, render, finish), made.render(render)[0]
        if reading(old) != reading(new):
            raise SystemExit(f"{path.name}: the PDFs differ")
        print(f"{path.name}: the same, {len(old)} bytes before, {len(new)} after")


def reading(data: bytes) -> dict:
    """What a reader of the PDF gets, with objects named by their place, not number."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        places: dict[tuple[int, int], int] = {}
        root = pdf.Root.get("/StructTreeRoot")
        elements = _elements(root) if root is not None else []
        for index, element in enumerate(elements):
            places[element.objgen] = index
        pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
        named = lambda value: _plain(value, places, pages)  # noqa: E731
        found = {"elements": [named(dict(element.items())) for element in elements],
                 "pages": [], "catalog": named({key: value for key, value in
                                                pdf.Root.items() if key != "/Pages"}),
                 "info": named(dict(pdf.docinfo.items())), "version": pdf.pdf_version,
                 "root": named(dict(root.items())) if root is not None else None}
        for page in pdf.pages:
            page.contents_coalesce()
            found["pages"].append((page.obj.Contents.read_bytes(), named({
                key: value for key, value in page.obj.items()
                if key not in ("/Contents", "/Parent", "/Resources")})))
        return found


def _elements(root) -> list:
    import pikepdf

    found, pending, seen = [], [root], set()
    while pending:
        node = pending.pop()
        if not isinstance(node, pikepdf.Dictionary) or node.objgen in seen:
            continue
        if node.is_indirect:
            seen.add(node.objgen)
        if "/S" in node:
            found.append(node)
        kids = node.get("/K")
        pending.extend(reversed(list(kids)) if isinstance(kids, pikepdf.Array) else [kids])
    return found


def _plain(value, places, pages, path: frozenset = frozenset(), depth: int = 0):
    """``value`` as plain Python; an element as its place, a page as its number, an
    object already on the way down (outline items link each other) as a mark."""
    import pikepdf

    if isinstance(value, (pikepdf.Dictionary, pikepdf.Stream)) and value.is_indirect:
        if depth and value.objgen in places:
            return ("element", places[value.objgen])
        if depth and value.objgen in pages:
            return ("page", pages[value.objgen])
        if depth and value.get("/Type") == "/StructTreeRoot":
            return ("root",)
        if value.objgen in path:
            return ("seen", str(value.get("/Type")))
        path = path | {value.objgen}
    if isinstance(value, pikepdf.Stream) and value.get("/Type") == "/Metadata":
        return ("xmp", _xmp(value.read_bytes()))  # pikepdf rewrote the packet's wrapper
    if isinstance(value, pikepdf.Stream):
        return ("stream", value.read_bytes(), _plain(dict(value.stream_dict.items()),
                                                     places, pages, path, depth + 1))
    if isinstance(value, (pikepdf.Dictionary, dict)):
        return {str(key): _plain(item, places, pages, path, depth + 1)
                for key, item in value.items()
                if key not in ("/ParentTree", "/Length", "/Filter")} | (
            {"/ParentTree": _parent_tree(value["/ParentTree"], places)}
            if "/ParentTree" in value else {})
    if isinstance(value, pikepdf.Array):
        return [_plain(item, places, pages, path, depth + 1) for item in value]
    if isinstance(value, pikepdf.String):
        return bytes(value)
    if isinstance(value, pikepdf.Name):
        return str(value)
    return value if value is None or isinstance(value, (int, float, bool)) else str(value)


def _xmp(data: bytes) -> str:
    """The RDF of an XMP packet, canonical: what it says, not how it is wrapped; but
    PDF/X's document ID, which WeasyPrint 70 draws at random (uuid4) each time."""
    import re
    from xml.etree import ElementTree

    start, end = data.index(b"<rdf:RDF"), data.index(b"</rdf:RDF>") + len(b"</rdf:RDF>")
    rdf = re.sub(r"xmp\.did:[0-9a-f-]+", "xmp.did:", data[start:end].decode("utf-8"))
    return ElementTree.canonicalize(rdf, strip_text=True)


def _parent_tree(tree, places) -> list:
    import pikepdf

    def place(value):
        return places.get(value.objgen, "unreached") if isinstance(
            value, pikepdf.Dictionary) else value

    nums = tree.get("/Nums", pikepdf.Array())
    return [(int(nums[i]), [place(v) for v in nums[i + 1]] if isinstance(
        nums[i + 1], pikepdf.Array) else place(nums[i + 1])) for i in range(0, len(nums), 2)]


if __name__ == "__main__":
    main()
