"""load -> plan -> run stale targets -> record state -> report.

``build`` is the one core call behind every build command. It takes the project
folder, the options, an executor and a listener, and returns a ``BuildReport``;
it prints nothing (``versus.log`` says how progress reaches the user).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .content import CONTENT_DIR, SLUG_PART_RE, Handout, load_handout
from . import glyphs, images, site, sitestatic, snapshot
from .errors import ContentError, Problems, SettingsError, TargetError, VersusError
from .executors import Executor, default_jobs, make_executor
from .jobs import Output, PageJob, make
from .jobs import limit as page_limit
from .lastgood import ENTRY, entry_facts, stand_in
from .limits import RENDER_SECONDS
from .output import OUTPUT_DIR, build_lock, mirror, write_atomic, write_error
from .plan import Decision, Digests, tool_versions, value_digest
from .render import INDEX_TEMPLATE, STYLESHEET, TAG_TEMPLATE, Pages, Theme, source_date
from .scan import Scan, scan
from .settings import Settings, load_settings
from .state import STATE_FILE, BuildState
from .variants import check_bleed

logger = logging.getLogger(__name__)
FORMATS = ("html", "pdf")
INDEX = "index.html"


@dataclass(frozen=True)
class BuildOptions:
    """What to build and how; the CLI's options, in one place."""

    formats: tuple[str, ...] = FORMATS
    targets: tuple[str, ...] = ()
    drafts: bool = False
    paper: str | None = None
    keep_going: bool = True
    force: bool = False
    jobs: int | None = None
    pdf_variant: str | None = None
    """The standard PDFs claim (else the 'pdf_variant' setting)."""
    bleed: str | None = None
    """With pdf/x-4: how far pages extend beyond the trim, with crop marks."""
    allow_remote: bool = False
    """Fetch http(s) images into PDFs; without it they are left out with a warning."""
    strict: bool = False
    """Count warnings as errors: a handout with one is not written."""
    scheduler: str | None = None
    """Render on the Dask cluster at this address (else the 'scheduler' setting)."""
    timeout: float = RENDER_SECONDS
    """Seconds one handout's HTML, and its PDF, may take before it is stopped."""
    wait: bool = True
    """Wait for another build of the project to finish (False: fail at once)."""


class Listener:
    """Hears how a build goes; the CLI's progress display overrides these."""

    def planned(self, decisions: list[Decision]) -> None:
        """Every output considered, stale or not, with the reasons."""

    def started(self, total: int) -> None:
        """``total`` outputs are about to be built."""

    def finished(self, target: str, error: VersusError | None) -> None:
        """One output was written, or failed with ``error``."""


@dataclass
class BuildReport:
    """What a build did: outputs written and skipped, and every problem met."""

    built: list[Path] = field(default_factory=list)
    up_to_date: int = 0
    errors: list[VersusError] = field(default_factory=list)
    warnings: list[VersusError] = field(default_factory=list)
    handouts: int = 0
    seconds: float = 0.0
    kept: dict[str, Handout] = field(default_factory=dict)
    """Handouts that failed to load, listed as they last loaded (see versus.lastgood)."""

    @property
    def ok(self) -> bool:
        return not self.errors


def build(project: Path, options: BuildOptions, executor: Executor | None = None,
          listener: Listener | None = None) -> BuildReport:
    """Build the stale outputs ``options`` ask for; errors are collected, not raised."""
    started = time.perf_counter()
    project = project.resolve()
    report = BuildReport()
    try:
        settings = load_settings(project).replace(paper=options.paper,
                                                  pdf_variant=options.pdf_variant)
    except Problems as problems:
        report.errors.extend(problems.errors)
        return report
    if problem := check_bleed(options.bleed, settings.pdf_variant):
        report.errors.append(SettingsError(problem))
        return report
    try:
        with paused_gc():
            scanned = scan(project)
        everything = scanned.found
        found, errors = select(project, everything, scanned.errors, options.targets)
        report.errors.extend(errors)
        with build_lock(project / OUTPUT_DIR, wait=options.wait):
            _build_locked(project, settings, scanned, (found, everything), options,
                          report, executor, listener)
    except TargetError:
        raise
    except VersusError as error:  # another build holds the lock, and --no-wait
        report.errors.append(error)
    finally:
        gc.unfreeze()  # a long-lived caller (watch, serve) collects them again
    report.seconds = time.perf_counter() - started
    return report


def _build_locked(project: Path, settings: Settings, scanned: Scan, found,
                  options: BuildOptions, report: BuildReport, executor, listener) -> None:
    """The build proper, run while this process holds the project's build lock;
    ``found`` is (the handouts named, every handout)."""
    with paused_gc():
        state = BuildState.load(project / OUTPUT_DIR / STATE_FILE)
    digests = Digests(project, state.files, scanned.stats)
    try:
        pages = Pages(Theme.for_project(project), settings, state.template_references)
        run = _Run(project, pages, state, options, report, listener or Listener())
        run.digests, run.scanned = digests, scanned
        run.build(*found, executor)
    except VersusError as error:  # a theme problem stops every handout alike
        report.errors.append(error)
    finally:
        state.learn(digests)
        if state.changed:
            state.save()


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while planning makes a few objects per handout,
    none of them cyclic: at 100,000 handouts the collector's passes over them
    would cost a third of a build with nothing to do. What was made is then set
    aside from the collector's passes (``gc.freeze``) until the build ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def select(project: Path, found: list[tuple[str, Path]], errors: list[VersusError],
           targets: tuple[str, ...]) -> tuple[list[tuple[str, Path]], list[VersusError]]:
    """The handout files and errors that ``targets`` (slugs or paths) name; all if none."""
    if not targets:
        return found, errors
    content = project / CONTENT_DIR
    wanted = {}
    for target in targets:
        if target.endswith(".md"):
            path = Path(target)
            slug = _slug_of(content, path if path.exists() else project / path)
            if slug is None:
                raise TargetError(f"'{target}' is not below {content}")
            wanted[slug] = target
        elif target.startswith("/") or not all(
                SLUG_PART_RE.match(part) for part in target.rstrip("/").split("/")):
            raise TargetError(f"'{target}' is not a handout slug: each part of a slug "
                              "is lowercase a-z, 0-9 and '-'")
        else:
            wanted[target.rstrip("/")] = target
    known = {slug for slug, _ in found}
    unknown = [target for slug, target in wanted.items() if slug not in known]
    if unknown:
        raise TargetError(f"no handout '{unknown[0]}' in {content}")
    return ([(slug, path) for slug, path in found if slug in wanted],
            [e for e in errors if _slug_of(content, e.path) in wanted])


def render_context(project: Path, theme: Theme) -> tuple[str, tuple[str, ...]]:
    """The stylesheet and the folders a PDF may read from, as render jobs name them."""
    return (str(theme.find(STYLESHEET)),
            tuple(str(path) for path in (project, *theme.dirs)))


def _slug_of(content: Path, path) -> str | None:
    try:
        return Path(path).resolve().relative_to(content).with_suffix("").as_posix()
    except (TypeError, ValueError):
        return None


class _Run:
    """One build: plans each output against the state, then builds the stale ones.

    Planning looks at file digests only, so handouts whose outputs are all up to
    date are never parsed: a build with nothing to do costs little more than
    starting the program.
    """

    def __init__(self, project: Path, pages: Pages, state: BuildState,
                 options: BuildOptions, report: BuildReport, listener: Listener):
        self.project, self.pages, self.state = project, pages, state
        self.options, self.report, self.listener = options, report, listener
        self.output = project / OUTPUT_DIR
        self.digests = Digests(project)
        self.scanned = Scan([], [])
        self.formats = [fmt for fmt in FORMATS if fmt in options.formats]

    def build(self, found: list[tuple[str, Path]], everything: list[tuple[str, Path]],
              executor: Executor | None) -> None:
        """Build the outputs of the handouts ``found``; the index lists ``everything``."""
        with paused_gc():
            kept = snapshot.unchanged(self, found)
        if kept is not None:  # nothing changed since the last complete build
            self._nothing_to_do(kept)
            return
        self._build(found, everything, executor)
        snapshot.remember(self, found)

    def _nothing_to_do(self, kept: list[str]) -> None:
        with paused_gc():
            decisions = snapshot.decisions(self, kept)
        self.report.handouts = len(kept)
        self.report.up_to_date += len(decisions) - ("html" in self.formats)
        self.listener.planned(decisions)
        self.listener.started(0)
        if "html" in self.formats:
            try:
                self._html_assets((decisions[-1], {}), [])
            except VersusError as error:
                self.report.errors.append(error)
            except OSError as error:
                self.report.errors.append(
                    write_error(Path(error.filename or self.output), error))

    def _build(self, found, everything, executor) -> None:
        with paused_gc():
            plans = {(fmt, slug): self._plan(fmt, slug, path)
                     for slug, path in found for fmt in self.formats}
            index = self._plan_index(everything) if "html" in self.formats else None
        stale_slugs = {slug for (_, slug), (decision, _) in plans.items() if decision.stale}
        attempted = [(slug, path) for slug, path in found
                     if slug in stale_slugs or (index and index[0].stale)]
        loaded = self._load(attempted)
        parsed = {slug for slug, _ in attempted}
        kept = {slug for slug, _ in found
                if slug in loaded or (slug not in parsed and self._included(slug))}
        self.report.handouts = len(kept)
        decisions = [plans[fmt, slug][0] for fmt, slug in plans if slug in kept]
        self.listener.planned(decisions + ([index[0]] if index else []))
        stale = [(fmt, loaded[slug], plans[fmt, slug][1]) for fmt, slug in plans
                 if slug in kept and plans[fmt, slug][0].stale]
        self.report.up_to_date += len(decisions) - len(stale)
        self.listener.started(len(stale) + bool(index and index[0].stale))
        if not self.options.targets:
            self._prune({slug for slug, _ in found})
        if index:
            listed = list(loaded.values())
            if index[0].stale and len(everything) > len(found):  # targets were named
                listed += self._others(everything, {slug for slug, _ in found})
            order = {slug: place for place, (slug, _) in enumerate(everything)}
            listed = sorted(listed + self._kept_in_index(), key=lambda h: order[h.slug])
            try:
                self._html_assets(index, listed)
            except VersusError as error:  # an asset or the index; the pages go on
                self.report.errors.append(error)
            except OSError as error:  # removing a refused image met a file in the way
                self.report.errors.append(
                    write_error(Path(error.filename or self.output), error))
        self._make(stale, executor)

    def _kept_in_index(self) -> list[Handout]:
        """The handouts listed as they last loaded (their last good page stays),
        each with a warning."""
        kept = [handout for slug, handout in self.report.kept.items()
                if (self.output / "html" / f"{slug}.html").is_file()]
        for handout in kept:
            self.report.warnings.append(VersusError(
                "using the last good version in the index", handout.source))
        return kept

    def _prune(self, slugs: set[str]) -> None:
        """Remove the outputs, and their records, of handouts that no longer exist."""
        gone = [target for target in self.state.records
                if (fmt := target.partition("/")[0]) in self.formats
                and target[len(fmt) + 1:].removesuffix(f".{fmt}") not in slugs]
        for target in sorted(gone):
            (self.output / target).unlink(missing_ok=True)
            self.state.forget(target)
            logger.info("removed %s: its handout is gone", target)

    def _load(self, found: list[tuple[str, Path]]) -> dict[str, Handout]:
        """Parse these handouts; errors go to the report, drafts are left out."""
        loaded = {}
        for slug, path in found:
            try:
                handout = load_handout(path, slug, self.pages.settings)
            except Problems as problems:
                self.report.errors.extend(problems.errors)
                self._keep_last_good(slug, path)
                continue
            self.state.remember(slug, draft=handout.draft, **{ENTRY: entry_facts(handout)})
            if not (self.options.drafts or not handout.draft):
                continue
            undrawn = glyphs.missing(handout.inputs, self._fonts)
            if undrawn and self.options.strict:
                self.report.errors.extend(undrawn)  # --strict: not written
                continue
            loaded[slug] = handout
            self.report.warnings.extend([*handout.warnings, *undrawn])
        return loaded

    def _keep_last_good(self, slug: str, path: Path) -> None:
        """List a handout that failed as it last loaded, if an output of it stays."""
        facts = self.state.remembered(slug)
        if facts.get("draft") and not self.options.drafts:
            return
        handout = stand_in(slug, path, facts)
        if handout is not None and any((self.output / fmt / f"{slug}.{fmt}").is_file()
                                       for fmt in FORMATS):
            self.report.kept[slug] = handout

    def _others(self, everything: list[tuple[str, Path]], named: set[str]) -> list[Handout]:
        """The handouts a build of named targets lists in the index but does not
        build: one that does not load is reported when it is built, not here."""
        others = []
        for slug, path in everything:
            if slug not in named:
                try:
                    handout = load_handout(path, slug, self.pages.settings)
                except Problems:
                    self._keep_last_good(slug, path)
                    continue
                if self.options.drafts or not handout.draft:
                    others.append(handout)
        return others

    @functools.cached_property
    def _fonts(self) -> tuple[str, ...]:
        """The theme's font files: with the machine's, what a page can draw."""
        return glyphs.theme_fonts(self.pages.theme.static_files())

    def _included(self, slug: str) -> bool:
        """Whether an unparsed, up-to-date handout counts (drafts only with --drafts)."""
        return self.options.drafts or not self.state.remembered(slug).get("draft", False)

    @functools.cache
    def shared_inputs(self, fmt: str) -> dict[str, str]:
        """What every ``fmt`` output shares: templates, settings, tool versions."""
        settings = dataclasses.asdict(self.pages.settings)
        settings.pop("scheduler")  # where PDFs are rendered does not change them
        if fmt == "html":
            settings.pop("paper")  # the web page does not depend on the paper size
            settings.pop("pdf_variant")  # nor on the PDF's standard
        else:
            settings.pop("base_url")  # the PDF does not name its address
        inputs = self.digests.files([*self.pages.templates_used(),
                                     *self.pages.translations()])
        inputs.update((f"setting {key}", value_digest(value))
                      for key, value in settings.items())
        inputs["SOURCE_DATE_EPOCH"] = value_digest(source_date())
        if fmt == "pdf":  # the stylesheet in force; the files it loads are in "read"
            inputs.update(self.digests.files([self.pages.theme.find(STYLESHEET)]))
            inputs["option pdf-variant"] = value_digest(self.options.pdf_variant)
            inputs["option allow-remote"] = value_digest(self.options.allow_remote)
            if self.options.bleed:
                inputs["option bleed"] = value_digest(self.options.bleed)
        inputs["versions"] = value_digest(tool_versions())
        return inputs

    def _plan(self, fmt: str, slug: str, path: Path) -> tuple[Decision, dict[str, str]]:
        """Whether ``fmt`` of handout ``slug`` is stale; its own inputs (the shared
        ones are ``shared_inputs(fmt)``)."""
        names = self.scanned.names.get(slug)
        if names is None:
            inputs = self.digests.files([path, *self.scanned.data_files(slug, path)])
        else:  # named by the scan already: no path to turn into a name
            inputs = {name: self.digests.of_name(name) for name in names}
        target = f"{fmt}/{slug}.{fmt}"
        decision = self.state.decide(target, None, inputs, self.digests,
                                     self.options.force, self.shared_inputs(fmt),
                                     target in self.present)
        return decision, inputs

    @functools.cached_property
    def present(self) -> set[str]:
        """The handout outputs in output/, listed once (a stat each would cost more
        than the rest of a build with nothing to do)."""
        present = set()
        for fmt in self.formats:
            stack = [(self.output / fmt, f"{fmt}/")]
            while stack:
                folder, rel = stack.pop()
                try:
                    with os.scandir(folder) as entries:
                        for entry in entries:
                            if entry.is_dir(follow_symlinks=False):
                                stack.append((entry.path, f"{rel}{entry.name}/"))
                            elif entry.is_file():
                                present.add(rel + entry.name)
                except OSError:  # no such folder yet
                    continue
        return present

    def _plan_index(self, found: list[tuple[str, Path]]) -> tuple[Decision, dict]:
        """The index lists every handout: it depends on all their files (kept in
        its record as one digest of them all)."""
        paths = [p for slug, path in found
                 for p in (path, *self.scanned.data_files(slug, path))]
        templates = {*self.pages.templates_used(INDEX_TEMPLATE),
                     *self.pages.templates_used(TAG_TEMPLATE)}
        inputs = self.digests.files(sorted(templates))
        inputs["content files"] = value_digest(self.digests.files(paths))
        inputs["drafts"] = value_digest(self.options.drafts)
        decision = self.state.decide(INDEX, self.output / INDEX, inputs, self.digests,
                                     self.options.force, self.shared_inputs("html"))
        if not decision.stale and not (self.output / site.SEARCH_INDEX).is_file():
            decision = Decision(INDEX, True, [f"{site.SEARCH_INDEX} missing"])
        return decision, inputs

    def _html_assets(self, index: tuple[Decision, dict], handouts: list[Handout]) -> None:
        """Copy the theme's static files and content's images; rewrite the index
        when it is stale."""
        for name, source in self.pages.theme.static_files().items():
            mirror(source, self.output / "assets" / name)
        content = self.project / CONTENT_DIR
        for source in self.scanned.assets(self.project):  # beside the pages that show them
            self._publish_image(source, self.output / "html" / source.relative_to(content))
        static = sitestatic.folder(self.project)
        for source in sitestatic.files(self.project):  # the site's own: logo, CSS, fonts
            self._publish_image(source, self.output / sitestatic.OUTPUT_DIR
                                / source.relative_to(static), static)
        decision, inputs = index
        if not decision.stale:
            return
        files = self.pages.index(sorted(handouts, key=lambda handout: handout.slug))
        path = self.output / INDEX
        same = path.is_file() and path.read_bytes() == files[INDEX].encode("utf-8")
        site.write_changed(self.output, files)  # the index's pages, tags, sitemap
        if same:
            self.state.record(INDEX, inputs, {}, self.shared_inputs("html"))  # a body
            # edit leaves the list as it was
        else:
            self._done(INDEX, inputs, {})

    def _publish_image(self, source: Path, target: Path, static: Path | None = None) -> None:
        """Copy one content image (or, with ``static``, a file of the site's static
        folder) beside the web pages, or report why it may not be; a refused file is
        never left published."""
        try:
            if static is None:
                images.publishable(source, self.project / CONTENT_DIR)
                mirror(source, target, read=images.read_for_web)
            else:
                mirror(source, target,
                       read=lambda path: sitestatic.read(path, static, web=True))
        except (OSError, ValueError) as error:
            target.unlink(missing_ok=True)
            from .fetch import reason

            what = "image" if static is None else "file"
            self.report.errors.append(ContentError(f"{what} not published: {reason(error)}",
                                                   source))

    def _make(self, stale: list, executor: Executor | None) -> None:
        """Make the stale web pages and PDFs, each in a watched worker process
        (``versus.workers``); with a Dask scheduler the PDFs render there."""
        if not (self.options.keep_going or self.report.ok):
            stale = [item for item in stale if item[0] == "html"]
        if not stale:
            return
        remote, own = (executor if getattr(executor, "remote", False) else None), []
        scheduler = self.options.scheduler or self.pages.settings.scheduler
        if remote is None and scheduler and any(fmt == "pdf" for fmt, _, _ in stale):
            remote = make_executor(1, scheduler)
            own.append(remote)
        jobs = [self._job("print" if remote and fmt == "pdf" else fmt, handout)
                for fmt, handout, _ in stale]
        local = executor if executor is not None and executor is not remote else None
        if local is None:
            local = make_executor(min(self.options.jobs or default_jobs(), len(jobs)))
            own.append(local)
        made = {job.target: (job, inputs) for job, (_, _, inputs) in zip(jobs, stale)}
        try:
            printed = []
            for output in local.map(make, jobs, page_limit(self.options.timeout)):
                if remote and output.target.startswith("pdf/") and not output.error:
                    printed.append(output)  # the PDF's HTML: rendered on the cluster
                elif not self._finish(output, made):
                    return
            if printed:
                self._render_remote(printed, remote, made)
        finally:
            for each in own:
                each.close()

    def _job(self, fmt: str, handout: Handout) -> PageJob:
        pdf = None
        if fmt != "html":
            from .fetch import base_url
            from .pdf import PdfJob

            stylesheet, roots = render_context(self.project, self.pages.theme)
            pdf = PdfJob(slug=handout.slug, source=str(handout.source), html="",
                         base_url=base_url(self.project, handout.source.parent),
                         paper=self.pages.settings.paper, stylesheet=stylesheet,
                         roots=roots, variant=self.pages.settings.pdf_variant or None,
                         bleed=self.options.bleed,
                         allow_remote=self.options.allow_remote,
                         timeout=self.options.timeout)
        return PageJob(fmt, handout, self.pages.theme.dirs, self.pages.settings,
                       self.options.timeout, "../" * (handout.slug.count("/") + 1), pdf,
                       (self.project, *self.pages.theme.dirs))

    def _render_remote(self, printed: list[Output], executor: Executor, made) -> None:
        """Render the PDFs of ``printed`` HTML on the cluster."""
        from .pdf import render_job

        jobs = [dataclasses.replace(made[output.target][0].pdf, html=output.data)
                for output in printed]
        for result in executor.map(render_job, jobs):
            output = Output(f"pdf/{result.slug}.pdf", result.pdf, result.error,
                            result.read, result.warnings)
            if not self._finish(output, made):
                return

    def _finish(self, output: Output, made: dict) -> bool:
        """Write a made output, or report its error; whether to go on."""
        job, inputs = made[output.target]
        warnings = [VersusError(text, job.handout.source) for text in output.warnings]
        error = output.error
        self.report.errors.extend(output.more)
        if warnings and self.options.strict and not error:
            error = warnings[0]
        else:
            self.report.warnings.extend(warnings)
        if error is None:
            try:
                write_atomic(self.output / output.target, output.data)
            except VersusError as failure:  # a full disk, a folder in the way:
                error = failure  # this output fails; the others are still tried
        if error is not None:
            self._failed(output.target, error)
            return self.options.keep_going
        read = {self.digests.name(Path(p)): self.digests.of(Path(p)) for p in output.read}
        self._done(output.target, inputs, read)
        return True

    def _done(self, target: str, inputs: dict[str, str], read: dict[str, str]) -> None:
        shared = self.shared_inputs("html" if target == INDEX else target.split("/")[0])
        self.state.record(target, inputs, read, shared)
        self.report.built.append(self.output / target)
        self.listener.finished(target, None)

    def _failed(self, target: str, error: VersusError) -> None:
        self.report.errors.append(error)
        self.listener.finished(target, error)
