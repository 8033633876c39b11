"""``check``: every problem a build would meet, and what an editor wants to know,
found without rendering a PDF.

Each finding has a place (``path:line:col``), a severity and a short code:

- errors the build rejects: ``settings``, ``content``, ``template``, and
  ``missing-image`` (the PDF renderer cannot load it);
- warnings it goes on past: ``unknown-key`` (front matter), ``no-font`` (a
  character no font can draw, ``versus.glyphs``), and from ``versus.lint``:
  ``slug-collision``, ``broken-link``, ``image-alt``, ``empty-section``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import glyphs
from .content import Handout, discover, load_handout, sources
from .errors import ContentError, Problems, RenderError, VersusError, display_path
from .executors import default_jobs, make_executor
from .imagerefs import refused
from .jobs import pages_for
from .limits import RENDER_SECONDS, time_limit
from .lint import ERROR, WARNING, Finding, lint_handout, slug_collisions
from .render import Pages, Theme
from .settings import Settings, load_settings
from .unfinished import unfinished
from .workers import Limit

CHECKING = "checking the handout"


@dataclass
class CheckResult:
    """The findings in a project, in file and position order."""

    handouts: int = 0
    findings: list[Finding] = field(default_factory=list)

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
                  jobs: int | None = None) -> CheckResult:
    """Validate settings, every handout (drafts too) and every template; lint content.

    Each handout is checked in a watched worker process (``versus.workers``)
    within ``timeout`` seconds; one that takes longer is stopped and reported.
    """
    project = project.resolve()
    result = CheckResult()
    try:
        settings = load_settings(project)
    except Problems as problems:
        result.add(ERROR, "settings", problems.errors)
        return result
    found, errors = discover(project)
    result.handouts = len(sources(project))
    result.add(ERROR, "content", errors)
    result.findings.extend(slug_collisions(project))
    theme = Theme.for_project(project)
    slugs = frozenset(slug for slug, _ in found)
    checks = [CheckJob(path, slug, settings, theme.dirs, slugs, (project, *theme.dirs),
                       timeout) for slug, path in found]
    handouts = _check_all(checks, jobs, timeout, result)
    try:
        Pages(theme, settings).index(sorted(handouts, key=lambda handout: handout.slug))
    except VersusError as error:
        result.add(ERROR, "template", [error])
    _drop_repeats(result)
    result.findings.sort(key=_place)
    return result


def _check_all(checks: list[CheckJob], jobs: int | None, timeout: float | None,
               result: CheckResult) -> list[Handout]:
    """Check each handout in a worker; add the findings; the handouts that loaded."""
    if not checks:
        return []
    handouts = []
    executor = make_executor(min(jobs or default_jobs(), len(checks)))
    try:
        for checked in executor.map(check_handout, checks,
                                    Limit(timeout, CHECKING, _stopped)):
            result.findings.extend(checked.findings)
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
    slugs: frozenset[str]
    """Every handout's slug, for links between them."""
    roots: tuple[Path, ...]
    """The folders images may come from: the project, then the theme's."""
    timeout: float | None


@dataclass(frozen=True)
class Checked:
    """What checking one handout found, and the handout if it loaded."""

    findings: tuple[Finding, ...]
    handout: Handout | None = None


def check_handout(job: CheckJob) -> Checked:
    """Load, render (for print and screen) and lint one handout; never raises."""
    try:  # the watchdog's limit (CHECKING) runs from the start: no ``stage`` needed
        with time_limit(job.timeout, CHECKING, str(job.path)):
            return _check(job)
    except RenderError as error:  # stopped by the timer
        return Checked((Finding(ERROR, "content", error),))


def _check(job: CheckJob) -> Checked:
    findings, handout = [], None
    try:
        handout = load_handout(job.path, job.slug, job.settings)
    except Problems as problems:
        findings += [Finding(ERROR, "content", error) for error in problems.errors]
    printed = None
    if handout is not None:
        findings += [Finding(WARNING, "unknown-key", warning)
                     for warning in handout.warnings]
        findings += unfinished(handout, job.theme)
        pages = pages_for(job.theme, job.settings)
        findings += [Finding(WARNING, "no-font", warning) for warning in glyphs.missing(
            handout.inputs, glyphs.theme_fonts(pages.theme.static_files()))]
        try:
            printed = pages.handout(handout, "print")
            pages.handout(handout, "screen")
        except VersusError as error:
            findings.append(Finding(ERROR, "template", error))
    findings += lint_handout(job.path, job.slug, set(job.slugs), job.roots)
    if printed is not None:
        findings += _image_findings(handout, printed, job.roots, findings)
    return Checked(tuple(findings), handout)


def _image_findings(handout: Handout, html: str, roots: tuple[Path, ...],
                    found: list[Finding]) -> list[Finding]:
    """The images of a page the renderer would refuse, wherever they come from
    (Markdown, raw HTML, table cells), except those lint reported already."""
    shown = {str(f.error) for f in found if f.code == "missing-image"}
    return [Finding(ERROR, "missing-image", error)
            for src, error in refused(handout, html, roots)
            if not any(f"image '{src}'" in text for text in shown)]


def _stopped(job: CheckJob, message: str) -> Checked:
    return Checked((Finding(ERROR, "content", RenderError(message, job.path)),))


def _place(finding: Finding) -> tuple:
    error = finding.error
    return (display_path(error.path) if error.path is not None else "",
            error.line or 0, error.column or 0)
