"""The booklet: a cover, a contents page and every handout's PDF in one file.

``make_booklet`` first brings the handout PDFs up to date through the pipeline
(unchanged handouts are not rendered again), then renders only the cover and
contents and a document of page numbers with WeasyPrint, and binds them to the
handout PDFs with pikepdf (``versus.booklet.assemble``): one structure tree for the
whole booklet, each handout's footer replaced by the booklet's page number
(``versus.booklet.pages``). The contents
gives each handout's first page in the booklet and links to it; every handout
page shows its booklet page number; the outline has one entry per handout with
the handout's own bookmarks beneath.

The booklet is an output like the others: its record in the build state lists
the handout PDFs, templates, stylesheet, fonts, settings and options it was made
from, and with none of them changed it is neither rebuilt nor is WeasyPrint
imported.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..build.pipeline import BuildOptions, BuildReport, Listener, build
from ..build.plan import (Digests, decide, installed_version, shared_inputs, tool_versions,
                          value_digest)
from ..build.state import BuildState
from ..content.files import data_files, discover
from ..content.handouts import load_handout
from ..errors import Problems, VersusError
from ..executors.local import Executor
from ..output import OUTPUT_DIR, write_atomic
from ..render.pages import Pages, source_date
from ..render.theme import BOOKLET_TEMPLATE, STYLESHEET, Theme
from ..settings import Settings, load_settings
from .pages import BOOKLET, DUPLEX_STYLESHEET, ContentsEntry, render_booklet

logger = logging.getLogger(__name__)


@dataclass
class BookletReport:
    """What ``make_booklet`` did: the handout build's report and the booklet's own."""

    build: BuildReport
    path: Path | None = None
    """The booklet written by this run; ``None`` when up to date or not written."""
    up_to_date: bool = False
    handouts: int = 0
    pages: int = 0
    errors: list[VersusError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.build.ok and not self.errors


class _Tracker(Listener):
    """Passes events on and notes which handout PDFs are up to date after the build."""

    def __init__(self, inner: Listener):
        self.inner = inner
        self.fresh: set[str] = set()

    def planned(self, decisions) -> None:
        self.fresh.update(d.target for d in decisions if not d.stale)
        self.inner.planned(decisions)

    def started(self, total: int) -> None:
        self.inner.started(total)

    def finished(self, target: str, error) -> None:
        if error is None:
            self.fresh.add(target)
        self.inner.finished(target, error)

    def same(self, target: str) -> None:
        self.fresh.add(target)
        self.inner.same(target)

    def slugs(self) -> list[str]:
        """The handouts whose PDF is now current: the booklet's handouts."""
        return sorted(target[len("pdf/"):-len(".pdf")] for target in self.fresh
                      if target.startswith("pdf/") and target.endswith(".pdf"))


@dataclass(frozen=True)
class Selection:
    """Which handouts a booklet binds: those with any of ``tags`` or whose slug
    matches any of the shell patterns ``globs``; every handout when both are empty."""

    tags: tuple[str, ...] = ()
    globs: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.tags or self.globs)

    def slugs(self, project: Path) -> list[str]:
        """The selected handouts' slugs (a handout that does not load has no tags)."""
        found = discover(project)[0]
        chosen = {slug for slug, _ in found
                  if any(fnmatch.fnmatchcase(slug, glob) for glob in self.globs)}
        wanted = {tag.casefold() for tag in self.tags}
        if wanted:
            settings = load_settings(project)
            for slug, path in found:
                if slug not in chosen and _tags(path, slug, settings) & wanted:
                    chosen.add(slug)
        return sorted(chosen)

    def describe(self) -> str:
        return " or ".join([*(f"--tag {tag}" for tag in self.tags),
                            *(f"--match {glob}" for glob in self.globs)])


def _tags(path: Path, slug: str, settings: Settings) -> set[str]:
    try:
        return {tag.casefold() for tag in load_handout(path, slug, settings).tags}
    except Problems:  # the build reports it, if it is built
        return set()


def make_booklet(project: Path, options: BuildOptions, duplex: bool = False,
                 executor: Executor | None = None,
                 listener: Listener | None = None,
                 selection: Selection = Selection()) -> BookletReport:
    """Build the stale handout PDFs, then ``output/booklet.pdf`` if it is stale.

    ``options.formats`` says what the handout build makes (``pdf`` at least). The
    booklet holds every handout (or the ``selection``) whose PDF is current after
    that build: handouts that failed are reported in ``report.build``; one whose
    last good PDF stays is bound as it last loaded (``BuildReport.kept``), with a
    warning.
    """
    started = time.perf_counter()
    project = project.resolve()
    listener = listener or Listener()
    tracker = _Tracker(listener)
    formats = tuple(dict.fromkeys((*options.formats, "pdf")))
    chosen: tuple[str, ...] = ()
    if selection:
        report = BookletReport(BuildReport())
        try:
            chosen = tuple(selection.slugs(project))
        except Problems as problems:  # bad settings: no handout can be read
            report.errors.extend(problems.errors)
            return report
        if not chosen:
            report.errors.append(VersusError(
                f"no handout is selected by {selection.describe()}: booklet not written",
                project / "content"))
            return report
    every = dataclasses.replace(options, formats=formats, targets=chosen)
    report = BookletReport(build(project, every, executor, tracker))
    try:
        if report.build.ok or options.keep_going:
            kept = [slug for slug in report.build.kept
                    if (project / OUTPUT_DIR / "pdf" / f"{slug}.pdf").is_file()]
            slugs = sorted({*tracker.slugs(), *kept})
            _Booklet(project, options, duplex, report).make(slugs, listener)
    except VersusError as error:
        report.errors.append(error)
    except Problems as problems:
        report.errors.extend(problems.errors)
    report.seconds = time.perf_counter() - started
    return report


class _Booklet:
    """One booklet: plan it against the build state, then render and assemble it."""

    def __init__(self, project: Path, options: BuildOptions, duplex: bool,
                 report: BookletReport):
        self.project, self.options, self.duplex, self.report = (project, options,
                                                                duplex, report)
        self.output = project / OUTPUT_DIR
        self.target = self.output / BOOKLET
        self.state = BuildState.for_project(project)

    def make(self, slugs: list[str], listener: Listener) -> None:
        try:
            settings = load_settings(self.project).replace(
                paper=self.options.paper, pdf_variant=self.options.pdf_variant)
        except Problems:
            return  # the handout build has reported them
        if not slugs:
            self._none_left()
            return
        pages = Pages(Theme.for_project(self.project), settings)
        sources = dict(discover(self.project)[0])
        digests = Digests(self.project, self.state.files)
        inputs = self._inputs(slugs, sources, pages, digests)
        decision = decide(self.state, BOOKLET, self.target, inputs, digests,
                                     self.options.force)
        listener.planned([decision])
        if not decision.stale:
            self.report.up_to_date = True
            return
        entries = [self._entry(slug, sources[slug], settings) for slug in slugs]
        # The last booklet's count of cover and contents pages is the best first
        # guess: when right, the contents is rendered once instead of twice.
        facts = dict(self.state.remembered(BOOKLET))
        key = "front_pages_duplex" if self.duplex else "front_pages"
        guess = facts.get(key)
        pdf, read = render_booklet(pages, entries, self.output, self.project,
                                   self.duplex, source_date(), guess,
                                   self.options.bleed)
        write_atomic(self.target, pdf.data)
        self.state.record(BOOKLET, inputs,
                          {digests.name(Path(p)): digests.of(Path(p)) for p in read})
        self.state.remember(BOOKLET, **{**facts, key: pdf.front_pages})
        self.state.learn(digests)
        self.state.save()
        self.report.path = self.target
        self.report.handouts, self.report.pages = len(entries), pdf.pages

    def _inputs(self, slugs: list[str], sources: dict[str, Path], pages: Pages,
                digests: Digests) -> dict[str, str]:
        """Everything the booklet is made from, by digest."""
        paths = [self.output / "pdf" / f"{slug}.pdf" for slug in slugs]
        paths += [p for slug in slugs for p in (sources[slug], *data_files(sources[slug]))]
        paths += [*pages.templates_used(BOOKLET_TEMPLATE), pages.theme.find(STYLESHEET),
                  pages.theme.find(DUPLEX_STYLESHEET), *pages.translations()]
        inputs = shared_inputs(digests, paths, pages.settings, versions=(
            f"{tool_versions()}, pikepdf {installed_version('pikepdf')}"))
        inputs["handouts"] = value_digest(slugs)
        inputs["duplex"] = value_digest(self.duplex)
        inputs["option bleed"] = value_digest(self.options.bleed)
        return inputs

    def _entry(self, slug: str, source: Path, settings: Settings) -> ContentsEntry:
        handout = self.report.build.kept.get(slug)  # failed: bound as it last loaded
        if handout is None:
            handout = load_handout(source, slug, settings)  # loaded fine for its PDF
        else:
            self.report.build.warnings.append(VersusError(
                "using the last good version in the booklet", source))
        return ContentsEntry(slug=slug, title=handout.title, tagline=handout.tagline,
                     items=handout.items, tags=handout.tags, date=handout.date)

    def _none_left(self) -> None:
        """No handout to bind: drop a booklet of handouts that are all gone."""
        if self.report.build.ok and self.report.build.handouts == 0:
            if self.target.exists():
                self.target.unlink()
                logger.info("removed %s: no handouts are left", BOOKLET)
            self.state.forget(BOOKLET)
            if self.state.changed:
                self.state.save()


