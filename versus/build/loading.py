"""Parse the handouts a build makes; one that fails keeps its place as it last loaded.

A handout that fails to load is listed in the index and the booklet as it last
loaded, while an output of it stays (``versus.build.lastgood``). A build of many
handouts parses and checks them in its worker processes, a few jobs a worker,
while this process records what they say in the order they were found.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from ..content import glyphs
from ..content.handouts import Handout, load_handout
from ..content.items import Profiles
from ..errors import Problems, VersusError
from ..executors.workers import WatchedPool
from ..output import FORMATS
from ..settings import Settings
from .jobs import WEB_PAGE_COST
from .lastgood import ENTRY, entry_facts, stand_in

if TYPE_CHECKING:
    from .pipeline import Build

PARALLEL_FROM = 100
"""Handouts from which a build with two worker processes or more parses them there."""
CHUNK = 50
"""Handouts a worker parses per job at least: about a tenth of a second of work."""
JOBS_PER_WORKER = 4
"""Parsing jobs per worker at most, however many handouts: each job carries the
project's item profiles, which grow with the site."""

Parsed = tuple[Handout | None, tuple[VersusError, ...], tuple[VersusError, ...]]
"""A handout, or None; its errors; its warnings (those of one a build includes)."""


@dataclass(frozen=True)
class ParseJob:
    """Handouts for a worker to parse and check: plain, picklable data."""

    found: tuple[tuple[str, Path], ...]
    settings: Settings
    profiles: Profiles
    theme: tuple[Path, ...]
    fonts: tuple[str, ...]
    """The theme's font files (``glyphs.theme_fonts``)."""
    drafts: bool
    cost: ClassVar[float] = WEB_PAGE_COST
    """Parsing, like a web page, leaves a worker as it found it."""


def load(run: Build, found: list[tuple[str, Path]],
         executor: object | None = None) -> dict[str, Handout]:
    """Parse these handouts (in ``executor``'s worker processes if it has them and
    they are many); errors go to the report, drafts are left out. A handout with
    a warning is left out too under --strict, its warnings errors."""
    loaded = {}
    for (slug, path), (handout, errors, warnings) in zip(found, _parsed(run, found, executor)):
        if handout is None:
            run.report.errors.extend(errors)
            _keep_last_good(run, slug, path)
            continue
        run.state.remember(slug, draft=handout.draft, **{ENTRY: entry_facts(handout)},
                           **run.uses.remember(handout))
        if not (run.options.drafts or not handout.draft):
            continue
        if warnings and run.options.strict:
            run.report.errors.extend(warnings)  # --strict: not written
            _keep_last_good(run, slug, path)
            continue
        loaded[slug] = handout
        run.report.warnings.extend(warnings)
    return loaded


def _parsed(run: Build, found: list[tuple[str, Path]], executor) -> list[Parsed]:
    """What parsing each of ``found`` gives, in its order."""
    if not found:
        return []
    # The theme's font files: with the machine's, what a page can draw.
    fonts = glyphs.theme_fonts(run.pages.theme.static_files())

    def job(chunk: list[tuple[str, Path]]) -> ParseJob:
        return ParseJob(tuple(chunk), run.pages.settings, run.uses.profiles,
                        run.pages.theme.dirs, fonts, run.options.drafts)

    if (len(found) < PARALLEL_FROM or not isinstance(executor, WatchedPool)
            or executor.workers < 2):
        return parse(job(found))
    # Each job carries the item profiles: at most about four jobs a worker.
    size = max(CHUNK, -(-len(found) // (executor.workers * JOBS_PER_WORKER)))
    jobs = [job(found[start:start + size]) for start in range(0, len(found), size)]
    by_slug = {slug: parsed for chunk in executor.map(parse_chunk, jobs)
               for slug, parsed in chunk}
    return [by_slug[slug] for slug, _ in found]


def parse_chunk(job: ParseJob) -> list[tuple[str, Parsed]]:
    """In a worker: each handout of ``job`` with what parsing it gives."""
    return [(slug, parsed) for (slug, _), parsed in zip(job.found, parse(job))]


def parse(job: ParseJob) -> list[Parsed]:
    """Parse each handout of ``job``, and check each one the build includes."""
    # Imported here: a build with nothing to load need not compile lint's patterns.
    from ..content.unfinished import placeholders, unfinished

    results: list[Parsed] = []
    sentences = None
    for slug, path in job.found:
        try:
            handout = load_handout(path, slug, job.settings, job.profiles)
        except Problems as problems:
            results.append((None, tuple(problems.errors), ()))
            continue
        if not (job.drafts or not handout.draft):
            results.append((handout, (), ()))
            continue
        if sentences is None:
            sentences = placeholders(job.theme)
        results.append((handout, (), (
            *handout.warnings, *glyphs.missing(handout.inputs, job.fonts),
            *(finding.error for finding in unfinished(handout, job.theme,
                                                      sentences=sentences)))))
    return results


def _keep_last_good(run: Build, slug: str, path: Path) -> None:
    """List a handout that failed as it last loaded, if an output of it stays."""
    facts = run.state.remembered(slug)
    if facts.get("draft") and not run.options.drafts:
        return
    handout = stand_in(slug, path, facts)
    if handout is not None and any((run.output / fmt / f"{slug}.{fmt}").is_file()
                                   for fmt in FORMATS):
        run.report.kept[slug] = handout


def others(run: Build, everything: list[tuple[str, Path]], named: set[str]) -> list[Handout]:
    """The handouts a build of named targets lists in the index but does not
    build: one that does not load is reported when it is built, not here."""
    others = []
    for slug, path in everything:
        if slug not in named:
            try:
                handout = load_handout(path, slug, run.pages.settings, run.uses.profiles)
            except Problems:
                _keep_last_good(run, slug, path)
                continue
            if run.options.drafts or not handout.draft:
                others.append(handout)
    return others
