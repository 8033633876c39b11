"""scan -> plan -> load -> make stale targets -> record state -> report.

``build`` is the one core call behind every build command. It takes the project
folder, the options, an executor and a listener, and returns a ``BuildReport``;
it prints nothing (``versus.log`` says how progress reaches the user).
"""

from __future__ import annotations

import functools
import gc
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..content.files import CONTENT_DIR, SLUG_PART_RE
from ..content.handouts import Handout
from ..errors import Problems, SettingsError, TargetError, VersusError
from ..executors.limits import RENDER_SECONDS
from ..executors.local import Executor
from ..output import (BOOKLET, CONVERTED_DIR, FORMATS, MEDIA, OUTPUT_DIR, WORK_DIR, build_lock,
                      converted_name, write_error)
from ..render.pages import Pages
from ..render.theme import STYLESHEET, Theme
from ..settings import Settings, check_bleed, load_settings
from ..web import data, site
from . import printcopy, snapshot, uses
from .loading import load, others
from .making import make_stale, own_workers
from .plan import (Decision, Digests, included, plan_handout, plan_index, shared_inputs,
                   value_digest)
from .publish import publish
from .scan import Scan, paused_gc, scan
from .state import BuildState

logger = logging.getLogger(__name__)
INDEX = site.INDEX
BOOKLET_LINKS = "booklets/"
"""The build state's facts of this name list the booklets versus.yaml defines, as
(title, path below output/), for the listings to link (``versus.booklet`` keeps them)."""


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
    keep_html: bool = False
    """Write each PDF's print HTML to output/print/<slug>.html (``versus.build.printcopy``)."""
    scheduler: str | None = None
    """Render on the Dask cluster at this address (else the 'scheduler' setting)."""
    timeout: float = RENDER_SECONDS
    """Seconds one handout's HTML, and its PDF, may take before it is stopped."""
    wait: bool = True
    """Wait for another build of the project to finish (False: fail at once)."""
    booklet: bool = False
    """The command binds the booklet after the build (``all``, ``booklet``): the
    index links it."""


class Listener:
    """Hears how a build goes; the CLI's progress display overrides these."""

    def planned(self, decisions: list[Decision]) -> None:
        """Every output considered, stale or not, with the reasons."""

    def started(self, total: int) -> None:
        """``total`` outputs are about to be built."""

    def finished(self, target: str, error: VersusError | None) -> None:
        """One output was written, or failed with ``error``."""

    def same(self, target: str) -> None:
        """One stale PDF's page was the one it was rendered from: kept, not written."""


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
    """Handouts that failed to load, listed as they last loaded (see versus.build.lastgood)."""

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
        with build_lock(project, wait=options.wait):
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
        state = BuildState.for_project(project)
    digests = Digests(project, state.files, scanned.stats)
    try:
        pages = Pages(Theme.for_project(project), settings, state.template_references)
        run = Build(project, pages, state, options, report, listener or Listener())
        run.digests, run.scanned = digests, scanned
        run.build(*found, executor)
    except VersusError as error:  # a theme problem stops every handout alike
        report.errors.append(error)
    finally:
        state.learn(digests)
        if state.changed:
            state.save()


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


def _slug_of(content: Path, path) -> str | None:
    try:
        return Path(path).resolve().relative_to(content).with_suffix("").as_posix()
    except (TypeError, ValueError):
        return None


class Build:
    """One build: plans each output against the state, then builds the stale ones.

    The stages of a build (``loading``, ``making``, ``publish``, ``snapshot``) are
    functions of it: they read its project, pages, state, options and digests, and
    add to its report.

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
        self.loaded: dict[str, Handout] = {}
        """The handouts this build read, by slug."""
        self.uses = uses.Uses(self)

    def build(self, found: list[tuple[str, Path]], everything: list[tuple[str, Path]],
              executor: Executor | None) -> None:
        """Build the outputs of the handouts ``found``; the index lists ``everything``."""
        with paused_gc():
            kept = snapshot.unchanged(self, found)
        if kept is not None:  # nothing changed since the last complete build
            self._nothing_to_do(kept)
            return
        with own_workers(self, executor) as executor:
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
                publish(self, (decisions[-1], {}), [])
            except VersusError as error:
                self.report.errors.append(error)
            except OSError as error:
                self.report.errors.append(
                    write_error(Path(error.filename or self.output), error))

    def _build(self, found, everything, executor) -> None:
        with paused_gc():
            plans = {(fmt, slug): plan_handout(self, fmt, slug, path)
                     for slug, path in found for fmt in self.formats}
            index = plan_index(self, everything) if "html" in self.formats else None
        stale_slugs = {slug for (_, slug), (decision, _) in plans.items() if decision.stale}
        attempted = [(slug, path) for slug, path in found
                     if slug in stale_slugs or (index and index[0].stale)]
        loaded = self.loaded = load(self, attempted, executor)
        if newly := uses.replan(self, plans, loaded):  # a related comparison changed
            more = [(slug, path) for slug, path in found if slug in newly]
            loaded.update(load(self, more, executor))
            attempted += more
        self.report.errors.extend(self.uses.profile_errors())
        parsed = {slug for slug, _ in attempted}
        kept = {slug for slug, _ in found
                if slug in loaded or (slug not in parsed and included(self, slug))}
        self.report.handouts = len(kept)
        decisions = [plans[fmt, slug][0] for fmt, slug in plans if slug in kept]
        self.listener.planned(decisions + ([index[0]] if index else []))
        stale = [(fmt, uses.with_related(self, loaded[slug]), plans[fmt, slug][1])
                 for fmt, slug in plans if slug in kept and plans[fmt, slug][0].stale]
        self.report.up_to_date += len(decisions) - len(stale)
        self.listener.started(len(stale) + bool(index and index[0].stale))
        if not self.options.targets:
            # A draft left out is published no more: its outputs go as a deleted one's.
            self._prune({slug for slug, _ in found},
                        {slug for slug, _ in found if not included(self, slug)})
        if index:
            listed = list(loaded.values())
            if index[0].stale and len(everything) > len(found):  # targets were named
                listed += others(self, everything, {slug for slug, _ in found})
            order = {slug: place for place, (slug, _) in enumerate(everything)}
            listed = sorted(listed + self._kept_in_index(), key=lambda h: order[h.slug])
            try:
                publish(self, index, listed)
            except VersusError as error:  # an asset or the index; the pages go on
                self.report.errors.append(error)
            except OSError as error:  # removing a refused image met a file in the way
                self.report.errors.append(
                    write_error(Path(error.filename or self.output), error))
        make_stale(self, stale, executor)

    def _kept_in_index(self) -> list[Handout]:
        """The handouts listed as they last loaded (their last good page stays),
        each with a warning."""
        kept = [handout for slug, handout in self.report.kept.items()
                if (self.output / "html" / f"{slug}.html").is_file()]
        for handout in kept:
            self.report.warnings.append(VersusError(
                "using the last good version in the index", handout.source))
        return kept

    def _prune(self, slugs: set[str], drafts: set[str]) -> None:
        """Remove the outputs, and their records, of handouts that no longer exist
        or are ``drafts`` this build leaves out."""
        gone = {target: slug for target in self.state.records
                if (fmt := target.partition("/")[0]) in self.formats
                and ((slug := target[len(fmt) + 1:].removesuffix(f".{fmt}")) not in slugs
                     or slug in drafts)}
        for target, slug in sorted(gone.items()):
            (self.output / target).unlink(missing_ok=True)
            if target.startswith("pdf/"):  # and what --keep-html kept of it
                (self.output / printcopy.target(slug)).unlink(missing_ok=True)
            if slug not in slugs:  # and its converted Markdown (a draft's may serve again)
                for medium in MEDIA:
                    (self.project / WORK_DIR / CONVERTED_DIR
                     / converted_name(slug, medium)).unlink(missing_ok=True)
            self.state.forget(target)
            logger.info("removed %s: its handout is %s", target,
                        "a draft" if slug in drafts else "gone")

    @functools.cache
    def shared_inputs(self, fmt: str) -> dict[str, str]:
        """What every ``fmt`` output shares: templates, settings, tool versions."""
        files = self.pages.translations()
        # a template by the code it compiles to: a comment edit changes no output
        templates = self.digests.compiled(self.pages.templates_used(),
                                          self.pages.template_code)
        if fmt == "html":  # the web page depends on neither the paper nor the PDF's standard
            return {**templates, **shared_inputs(self.digests, files, self.pages.settings,
                                                 drop=("paper", "pdf_variant"))}
        # the stylesheet in force; the files it loads are in "read"
        files.append(self.pages.theme.find(STYLESHEET))
        inputs = {**templates, **shared_inputs(self.digests, files, self.pages.settings)}
        inputs["option pdf-variant"] = value_digest(self.options.pdf_variant)
        inputs["option allow-remote"] = value_digest(self.options.allow_remote)
        if self.options.bleed:
            inputs["option bleed"] = value_digest(self.options.bleed)
        if self.options.keep_html:
            inputs["option keep-html"] = value_digest(True)
        return inputs

    @functools.cached_property
    def booklet_linked(self) -> bool | tuple[tuple[str, str], ...]:
        """What the listings link: the booklets versus.yaml defines, as (title, path
        below output/), those there or this command makes; without any, whether
        output/booklet.pdf is there or this command makes it."""
        links = self.state.remembered(BOOKLET_LINKS).get("links")
        if links:
            return tuple((title, path) for title, path in links
                         if self.options.booklet or (self.output / path).is_file())
        return self.options.booklet or (self.output / BOOKLET).is_file()

    @functools.cached_property
    def present(self) -> set[str]:
        """The handout outputs in output/ (with the web pages, their facts files),
        listed once (a stat each would cost more than the rest of a build with
        nothing to do)."""
        present = set()
        folders = [*self.formats, *([data.DATA_DIR] if "html" in self.formats else []),
                   *([printcopy.PRINT_DIR] if self.options.keep_html else [])]
        for fmt in folders:
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

    def done(self, target: str, inputs: dict[str, str], read: dict[str, str],
             page: str | None = None) -> None:
        """Record ``target`` made from ``inputs``, having read ``read`` (a PDF, from
        the ``page`` digest)."""
        shared = self.shared_inputs("html" if target == INDEX else target.split("/")[0])
        self.state.record(target, inputs, read, shared, page)
        self.report.built.append(self.output / target)
        self.listener.finished(target, None)

    def kept(self, target: str, inputs: dict[str, str], read: dict[str, str],
             page: str) -> None:
        """Record ``target``, not rewritten, as made from ``inputs``: its page was
        the same (``versus.build.samepage``)."""
        self.state.record(target, inputs, read, self.shared_inputs("pdf"), page)
        self.report.up_to_date += 1
        self.listener.same(target)

    def failed(self, target: str, error: VersusError) -> None:
        """Report that ``target`` could not be made."""
        self.report.errors.append(error)
        self.listener.finished(target, error)
