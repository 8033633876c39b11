"""``check``: every problem a build would meet, and what an editor wants to know,
found without rendering a PDF.

Each finding has a place (``path:line:col``), a severity and a short code:

- errors the build rejects: ``settings``, ``content``, ``template``, and
  ``missing-image`` (the PDF renderer cannot load it);
- warnings it goes on past: ``unknown-key`` (front matter), ``no-font`` (a
  character no font can draw, ``versus.content.glyphs``), from ``versus.content.lint``:
  ``slug-collision``, ``broken-link``, ``image-alt``, ``empty-section``, and about the
  facts (``versus.check.freshness``, ``versus.check.links``): ``stale-fact``,
  ``unsourced-fact``, ``source-unreachable``.

``check`` is incremental: each handout's findings are kept in the build state
under a key of everything they depend on (its files by the build's fingerprints,
the settings, templates, translations, the theme's files, every slug and every
image's name, size, time and inode; a finding a time limit made, that limit too),
and reused, warnings included, while that key holds. It keeps
them only in a project that has an output/ folder: on one never built, check
writes nothing.
"""

from __future__ import annotations

import datetime
import gc
from dataclasses import dataclass, field
from pathlib import Path

from ..build.scan import paused_gc, scan
from ..build.state import BuildState
from ..content.files import sources
from ..content.handouts import Handout, load_handout
from ..content.lint import ERROR, WARNING, Finding, lint_handout, read_body, slug_collisions
from ..errors import Problems, RenderError, VersusError, display_path
from ..executors.limits import RENDER_SECONDS, time_limit
from ..render.pages import MAX_ELEMENTS, Pages
from ..render.theme import Theme
from ..settings import Settings, load_settings
from .cache import INDEX_KEY, FindingsCache
from .freshness import weigh
from .links import ask
from .profiles import profile_findings

# What checks a handout (workers, Markdown, fonts, images) is imported where it is
# used: a check with nothing to do never needs it, and importing it would cost a
# tenth of that check's time.

CHECKING = "checking the handout"
SCREEN_ELEMENTS = 3
"""At most how many times the elements of the print content a web page's content
makes: a note called is one element in print (it floats there), up to three on
screen (a numbered link); all else is the same. So only content with more than a
third of ``MAX_ELEMENTS`` in print is converted for screen too, to count them."""
CHECKS_PER_WORKER = 5000
"""Handouts a check worker takes before it is renewed, as many as web pages:
checking keeps its memory flat (41 MB over 2,000 handouts; no PDF is rendered),
and a new worker costs its start-up (0.25 s)."""


@dataclass
class CheckResult:
    """The findings in a project, in file and position order."""

    handouts: int = 0
    findings: list[Finding] = field(default_factory=list)
    reused: int = 0
    """Handouts whose findings were kept from the last check: nothing they depend
    on changed."""

    @property
    def errors(self) -> list[Finding]:
        """The findings that fail a build."""
        return [finding for finding in self.findings if finding.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        """The findings a build goes on past."""
        return [finding for finding in self.findings if finding.severity == WARNING]

    def failed(self, strict: bool = False) -> bool:
        """Whether there are errors, or with ``strict`` any finding at all."""
        return bool(self.findings if strict else self.errors)

    def add(self, severity: str, code: str, errors) -> None:
        """Record each of ``errors`` as a finding of ``severity`` and ``code``."""
        self.findings.extend(Finding(severity, code, error) for error in errors)


def check_project(project: Path, timeout: float | None = RENDER_SECONDS,
                  jobs: int | None = None, links: bool = False) -> CheckResult:
    """Validate settings, every handout (drafts too) and every template; lint content;
    weigh the facts' dates against today; with ``links``, ask every source's address.

    Each handout that changed since the last check is checked in a watched worker
    process (``versus.executors.workers``) within ``timeout`` seconds; one that takes
    longer is stopped and reported. The others' findings are reused.
    """
    project = project.resolve()
    result = CheckResult()
    try:
        settings = load_settings(project)
    except Problems as problems:
        result.add(ERROR, "settings", problems.errors)
        return result
    with paused_gc():  # a few objects per handout, none of them cyclic
        scanned = scan(project)
        found, errors = scanned.found, scanned.errors
        careful = scanned.data is None or bool(errors)  # else every slug is lowercase
        result.handouts = len(sources(project)) if careful else len(found)
        result.add(ERROR, "content", errors)
        if careful:
            result.findings.extend(slug_collisions(project))
        theme = Theme.for_project(project)
        state = BuildState.for_project(project)
        cache = FindingsCache(project, Pages(theme, settings, state.template_references),
                       state, scanned, timeout)
        slugs = frozenset(slug for slug, _ in found)
        todo = [(slug, path) for slug, path in found
                if not cache.reuse(slug, path, result)]
    fonts = _theme_fonts(theme) if todo else ()
    checks = [CheckJob(path, slug, settings, theme.dirs, (project, *theme.dirs), timeout,
                       fonts) for slug, path in todo]
    handouts = _check_all(checks, slugs, jobs, timeout, result, cache)
    _check_index(cache, found, handouts, result)
    cache.save()
    gc.unfreeze()  # what planning set aside (``paused_gc``) is collectable again
    result.findings = ask(weigh(result.findings, datetime.date.today(),
                                settings.fact_max_age), links)
    _drop_repeats(result)
    result.findings.sort(key=_place)
    return result


def _theme_fonts(theme: Theme) -> tuple[str, ...]:
    """The theme's font files, found once for every handout to check."""
    from ..content.glyphs import theme_fonts

    return theme_fonts(theme.static_files())


def _check_index(cache: FindingsCache, found, handouts: list[Handout],
                 result: CheckResult) -> None:
    """The index's, tags' and items' templates over every handout that loads, and
    the item profiles, unless nothing changed since they were last checked."""
    if cache.reuse(INDEX_KEY, None, result, count=False):
        return
    loaded = {handout.slug for handout in handouts}
    for slug, path in found:  # the unchanged handouts: loaded here, not checked again
        if slug not in loaded:
            try:
                handouts.append(load_handout(path, slug, cache.pages.settings))
            except Problems:
                continue
    findings = profile_findings(cache.project, handouts)
    try:
        cache.pages.index(sorted(handouts, key=lambda handout: handout.slug))
    except VersusError as error:
        findings.append(Finding(ERROR, "template", error))
    result.findings.extend(findings)
    cache.keep(INDEX_KEY, findings)


def _check_all(checks: list[CheckJob], slugs: frozenset[str], jobs: int | None,
               timeout: float | None, result: CheckResult, cache: FindingsCache) -> list[Handout]:
    """Check each handout in a worker; add and keep the findings; the handouts
    that loaded."""
    if not checks:
        return []
    from ..executors.local import ProcessExecutor, default_jobs
    from ..content.unfinished import placeholders
    from ..executors.workers import Limit

    handouts = []
    # Every slug goes to each worker once, not with each of N jobs (N² at scale);
    # so do the skeleton's sentences, read from the catalogs once, not per handout.
    sentences = placeholders(checks[0].theme)
    executor = ProcessExecutor(min(jobs or default_jobs(), len(checks)),
                               CHECKS_PER_WORKER,
                               initializer=(know_slugs, slugs, sentences))
    try:
        for checked in executor.map(check_handout, checks,
                                    Limit(timeout, CHECKING, _stopped)):
            result.findings.extend(checked.findings)
            cache.keep(checked.slug, checked.findings)
            handouts.extend([checked.handout] if checked.handout else [])
    finally:
        executor.close()
    return handouts


def _drop_repeats(result: CheckResult) -> None:
    """A broken template once, not once for each handout that uses it."""
    seen: set[str] = set()
    findings = []
    for finding in result.findings:
        if finding.code == "template":
            if str(finding) in seen:
                continue
            seen.add(str(finding))
        findings.append(finding)
    result.findings = findings


@dataclass(frozen=True)
class CheckJob:
    """One handout to check in a worker: plain, picklable data."""

    path: Path
    slug: str
    settings: Settings
    theme: tuple[Path, ...]
    roots: tuple[Path, ...]
    """The folders images may come from: the project, then the theme's."""
    timeout: float | None
    fonts: tuple[str, ...] = ()
    """The theme's font files (``glyphs.theme_fonts``): found once, not per handout."""


@dataclass(frozen=True)
class Checked:
    """What checking one handout found, and the handout if it loaded."""

    findings: tuple[Finding, ...]
    handout: Handout | None = None
    slug: str = ""


_slugs: frozenset[str] = frozenset()
"""Every handout's slug, for links between them: set in each worker once."""
_sentences: tuple | None = None
"""The skeleton's sentences (``unfinished.placeholders``), set in each worker once;
None: read them for each handout."""


def know_slugs(slugs: frozenset[str], sentences: tuple | None = None) -> None:
    """The workers' initializer: every handout's slug, and the skeleton's sentences,
    for ``check_handout``."""
    global _slugs, _sentences
    _slugs, _sentences = slugs, sentences


def check_handout(job: CheckJob) -> Checked:
    """Load, render (for print and screen) and lint one handout; never raises."""
    try:  # the watchdog's limit (CHECKING) runs from the start: no ``stage`` needed
        with time_limit(job.timeout, CHECKING, str(job.path)):
            return _check(job)
    except RenderError as error:  # stopped by the timer
        return Checked((Finding(ERROR, "content", error),), slug=job.slug)


def _check(job: CheckJob) -> Checked:
    from ..security.sandbox import IMG_TAG_RE
    from ..content.glyphs import missing
    from ..build.jobs import pages_for
    from ..render.templateimages import problems as template_images
    from ..content.unfinished import unfinished
    from .freshness import dated, unsourced
    from .links import addresses

    findings, handout = [], None
    body = read_body(job.path)  # for lint and unfinished: read and masked once
    try:
        handout = load_handout(job.path, job.slug, job.settings)
    except Problems as problems:
        findings += [Finding(ERROR, "content", error) for error in problems.errors]
    printed, shown = None, set()
    if handout is not None:
        findings += [Finding(WARNING, "unknown-key", warning)
                     for warning in handout.warnings]
        findings += unfinished(handout, job.theme, body, _sentences)
        pages = pages_for(job.theme, job.settings)
        findings += dated(handout) + addresses(handout)  # weighed by ``check_project``
        if job.settings.require_sources:
            findings += unsourced(handout, pages.typed_words(handout.lang))
        findings += [Finding(WARNING, "no-font", warning)
                     for warning in missing(handout.inputs, job.fonts)]
        root = "../" * (job.slug.count("/") + 1)  # as a build renders it
        try:  # converted once: each medium's templates filled from the print content
            content = pages.convert(handout, "print")
            if content.elements > MAX_ELEMENTS // SCREEN_ELEMENTS:
                pages.convert(handout, "screen")  # the web page's may be too many
            shown = set(content.images())
            printed = pages.page(handout, content, "print", root)
            pages.page(handout, content, "screen", root)
        except VersusError as error:
            findings.append(Finding(ERROR, "template", error))
    findings += lint_handout(job.path, job.slug, _slugs, job.roots, body)
    if printed is not None and IMG_TAG_RE.search(printed):  # else no image to check
        findings += [Finding(ERROR, "missing-image", error) for error in
                     template_images(pages, printed, shown, handout.source, job.roots)]
        findings += _image_findings(handout, printed, shown, job.roots, findings)
    return Checked(tuple(findings), handout, job.slug)


def _image_findings(handout: Handout, html: str, content: set[str],
                    roots: tuple[Path, ...], found: list[Finding]) -> list[Finding]:
    """The images content put on a page (``content``) the renderer would refuse,
    wherever they come from (Markdown, raw HTML, table cells), except those lint
    reported already."""
    from ..content.imagerefs import refused

    shown = {str(f.error) for f in found if f.code == "missing-image"}
    return [Finding(ERROR, "missing-image", error)
            for src, error in refused(handout, html, roots)
            if src in content and not any(f"image '{src}'" in text for text in shown)]


def _stopped(job: CheckJob, message: str) -> Checked:
    return Checked((Finding(ERROR, "content", RenderError(message, job.path)),),
                   slug=job.slug)


def _place(finding: Finding) -> tuple:
    error = finding.error
    return (display_path(error.path) if error.path is not None else "",
            error.line or 0, error.column or 0)
