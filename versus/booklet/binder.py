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

A project may define booklets of its own in versus.yaml (``booklets:``, see
``versus.booklet.definitions``): each is bound to ``output/booklets/<name>.pdf``
with its handouts in the order given, grouped in parts, printed on its paper and
on one side or both as defined; a --tag/--match selection goes to a file of its
own there too. Without any, the booklet of every handout is output/booklet.pdf.

Each booklet is an output like the others: its record in the build state lists
the handout PDFs, templates, stylesheet, fonts, settings, options and its
definition it was made from, and with none of them changed it is neither
rebuilt nor is WeasyPrint imported.
"""

from __future__ import annotations

import dataclasses
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
from ..errors import Problems, TemplateError, VersusError
from ..executors.local import Executor
from ..output import OUTPUT_DIR, write_atomic
from ..render.pages import Pages, source_date
from ..render.theme import BOOKLET_TEMPLATE, STYLESHEET, Theme
from ..settings import Settings, load_settings
from .definitions import booklet_target
from .pages import (BOOKLET, DUPLEX_STYLESHEET, ContentsEntry, ContentsPart,
                    render_booklet)
from .selection import Selection

PART_TEMPLATE = "booklet-part.html"
"""A part's title page, when booklet.html includes it and it is not empty."""

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Plan:
    """One booklet to bind: its file, what it holds and how it is printed."""

    target: str = BOOKLET
    """Its file below output/."""
    parts: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    """(title, slugs) of each part, in order; one untitled part: a plain list;
    ``None``: every handout whose PDF is current, in slug order."""
    duplex: bool = False
    paper: str | None = None
    """Its paper; ``None``: the handouts' (the 'paper' setting, or --paper)."""
    title: str | None = None
    """Its cover's title; ``None``: the site's name."""
    subtitle: str | None = None
    defined_at: tuple = ()
    """(path, line, column) of its definition in versus.yaml, if it has one."""


@dataclass
class Made:
    """What became of one booklet."""

    target: str
    path: Path | None = None
    """The booklet written by this run; ``None`` when up to date or not written."""
    up_to_date: bool = False
    handouts: int = 0
    pages: int = 0
    seconds: float = 0.0


@dataclass
class BookletReport:
    """What ``make_booklet`` did: the handout build's report and each booklet's own."""

    build: BuildReport
    booklets: list[Made] = field(default_factory=list)
    errors: list[VersusError] = field(default_factory=list)
    warnings: list[VersusError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.build.ok and not self.errors

    def _first(self, name: str, default):
        return getattr(self.booklets[0], name) if self.booklets else default

    @property
    def path(self) -> Path | None:
        """The first booklet's file, if this run wrote it (one booklet: its)."""
        return self._first("path", None)

    @property
    def up_to_date(self) -> bool:
        return self._first("up_to_date", False)

    @property
    def handouts(self) -> int:
        return self._first("handouts", 0)

    @property
    def pages(self) -> int:
        return self._first("pages", 0)


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


def make_booklet(project: Path, options: BuildOptions, duplex: bool = False,
                 executor: Executor | None = None,
                 listener: Listener | None = None,
                 selection: Selection = Selection(),
                 name: str | None = None) -> BookletReport:
    """Build the stale handout PDFs, then ``output/booklet.pdf`` if it is stale;
    with a ``selection``, ``output/booklets/<name>.pdf`` of the handouts it selects.

    ``options.formats`` says what the handout build makes (``pdf`` at least). The
    booklet holds every handout (or the ``selection``) whose PDF is current after
    that build: handouts that failed are reported in ``report.build``; one whose
    last good PDF stays is bound as it last loaded (``BuildReport.kept``), with a
    warning.
    """
    project = project.resolve()
    if not selection:
        return make_plans(project, options, [Plan(duplex=duplex)], (), executor, listener)
    report = BookletReport(BuildReport())
    try:
        chosen = tuple(selection.slugs(project))
    except Problems as problems:  # bad settings: no handout can be read
        report.errors.extend(problems.errors)
        return report
    target = booklet_target(name or selection.name())
    if not chosen:
        report.errors.append(VersusError(
            f"no handout is selected by {selection.describe()}: {target} not written",
            project / "content"))
        return report
    plan = Plan(target, (("", chosen),), duplex)
    return make_plans(project, options, [plan], chosen, executor, listener, report)


def make_plans(project: Path, options: BuildOptions, plans: list[Plan],
          targets: tuple[str, ...], executor: Executor | None,
          listener: Listener | None, report: BookletReport | None = None) -> BookletReport:
    """Build the handouts' outputs (of ``targets``, or all), then bind each plan."""
    started = time.perf_counter()
    listener = listener or Listener()
    tracker = _Tracker(listener)
    formats = tuple(dict.fromkeys((*options.formats, "pdf")))
    every = dataclasses.replace(options, formats=formats, targets=targets)
    report = report or BookletReport(BuildReport())
    report.build = build(project, every, executor, tracker)
    if report.build.ok or options.keep_going:
        kept = [slug for slug in report.build.kept
                if (project / OUTPUT_DIR / "pdf" / f"{slug}.pdf").is_file()]
        fresh = {*tracker.slugs(), *kept}
        for plan in plans:
            made = Made(plan.target)
            report.booklets.append(made)
            try:
                _Booklet(project, options, plan, report, made).make(fresh, listener)
            except VersusError as error:
                report.errors.append(error)
            except Problems as problems:
                report.errors.extend(problems.errors)
    report.seconds = time.perf_counter() - started
    return report


class _Booklet:
    """One booklet: plan it against the build state, then render and assemble it."""

    def __init__(self, project: Path, options: BuildOptions, plan: Plan,
                 report: BookletReport, made: Made):
        self.project, self.options, self.plan = project, options, plan
        self.report, self.made = report, made
        self.duplex = plan.duplex
        self.output = project / OUTPUT_DIR
        self.target = self.output / plan.target
        self.state = BuildState.for_project(project)

    def make(self, fresh: set[str], listener: Listener) -> None:
        started = time.perf_counter()
        plan = self.plan
        try:
            settings = load_settings(self.project).replace(
                paper=self.options.paper, pdf_variant=self.options.pdf_variant,
                site_name=plan.title, site_subtitle=plan.subtitle)
        except Problems:
            return  # the handout build has reported them
        if plan.paper and plan.paper != settings.paper:
            raise VersusError(
                f"{plan.target} is defined on {plan.paper} paper, but the handouts are "
                f"built on {settings.paper} (the 'paper' setting, or --paper): not "
                "written, since its pages would not match", *plan.defined_at)
        if plan.parts is None:
            parts = [("", sorted(fresh))]
        else:
            parts = [(title, [slug for slug in slugs if slug in fresh])
                     for title, slugs in plan.parts]
        parts = [(title, slugs) for title, slugs in parts if slugs]
        slugs = [slug for _, part in parts for slug in part]
        if not slugs:
            self._none_left()
            return
        pages = Pages(Theme.for_project(self.project), settings)
        sources = dict(discover(self.project)[0])
        digests = Digests(self.project, self.state.files)
        inputs = self._inputs(slugs, sources, pages, digests)
        titled = any(title for title, _ in parts)
        if titled:
            inputs["parts"] = value_digest(parts)
        decision = decide(self.state, plan.target, self.target, inputs, digests,
                          self.options.force)
        listener.planned([decision])
        if not decision.stale:
            self.made.up_to_date = True
            return
        entries = {slug: self._entry(slug, sources[slug], settings) for slug in slugs}
        contents = [ContentsPart(title, tuple(entries[slug] for slug in part), number)
                    for number, (title, part) in enumerate(parts, 1)] if titled else None
        ordered = [entry for part in contents for entry in part.entries] if contents \
            else [entries[slug] for slug in slugs]
        # The last booklet's count of cover and contents pages is the best first
        # guess: when right, the contents is rendered once instead of twice.
        facts = dict(self.state.remembered(plan.target))
        key = "front_pages_duplex" if self.duplex else "front_pages"
        guess = facts.get(key)
        pdf, read = render_booklet(pages, ordered, self.output, self.project,
                                   self.duplex, source_date(), guess,
                                   self.options.bleed, contents,
                                   bool(contents) and part_pages(pages), plan.target)
        write_atomic(self.target, pdf.data)
        self.state.record(plan.target, inputs,
                          {digests.name(Path(p)): digests.of(Path(p)) for p in read})
        self.state.remember(plan.target, **{**facts, key: pdf.front_pages})
        self.state.learn(digests)
        self.state.save()
        self.made.path = self.target
        self.made.handouts, self.made.pages = len(entries), pdf.pages
        self.made.seconds = time.perf_counter() - started

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
            where = "the booklet" if self.plan.target == BOOKLET else self.plan.target
            self.report.build.warnings.append(VersusError(
                f"using the last good version in {where}", source))
        return ContentsEntry(slug=slug, title=handout.title, tagline=handout.tagline,
                             items=handout.items, tags=handout.tags, date=handout.date)

    def _none_left(self) -> None:
        """No handout to bind: drop a booklet of handouts that are all gone."""
        if self.plan.target != BOOKLET:
            return  # the build has said why
        if self.report.build.ok and self.report.build.handouts == 0:
            if self.target.exists():
                self.target.unlink()
                logger.info("removed %s: no handouts are left", BOOKLET)
            self.state.forget(BOOKLET)
            if self.state.changed:
                self.state.save()


def part_pages(pages: Pages) -> bool:
    """Whether the theme draws a title page for each part of a booklet: its
    booklet.html includes a booklet-part.html that is not empty."""
    try:
        path = pages.theme.find(PART_TEMPLATE)
    except TemplateError:
        return False
    return path in pages.templates_used(BOOKLET_TEMPLATE) and bool(
        path.read_text(encoding="utf-8").strip())
