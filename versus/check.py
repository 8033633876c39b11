"""``check``: every problem a build would meet, and what an editor wants to know,
found without rendering a PDF.

Each finding has a place (``path:line:col``), a severity and a short code:

- errors the build rejects: ``settings``, ``content``, ``template``, and
  ``missing-image`` (the PDF renderer cannot load it);
- warnings it goes on past: ``unknown-key`` (front matter), ``no-font`` (a
  character no font can draw, ``versus.glyphs``), and from ``versus.lint``: ``slug-collision``, ``broken-link``, ``image-alt``,
  ``empty-section``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import glyphs
from .content import load_all, sources
from .errors import ContentError, Problems, VersusError, display_path
from .fetch import LocalFiles, base_url, reason, refused_images
from .lint import ERROR, WARNING, Finding, lint_project
from .render import Pages, Theme
from .settings import load_settings


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


def check_project(project: Path) -> CheckResult:
    """Validate settings, every handout (drafts too) and every template; lint content."""
    project = project.resolve()
    result = CheckResult()
    try:
        settings = load_settings(project)
    except Problems as problems:
        result.add(ERROR, "settings", problems.errors)
        return result
    handouts, errors = load_all(project, settings, drafts=True)
    result.handouts = len(sources(project))
    result.add(ERROR, "content", errors)
    result.add(WARNING, "unknown-key",
               (warning for handout in handouts for warning in handout.warnings))
    theme = Theme.for_project(project)
    fonts = glyphs.theme_fonts(theme.static_files())
    result.add(WARNING, "no-font", (warning for handout in handouts
                                    for warning in glyphs.missing(handout.inputs, fonts)))
    pages = Pages(theme, settings)
    printed = {}
    try:
        for handout in handouts:
            printed[handout.slug] = pages.handout(handout, "print")
            pages.handout(handout, "screen")
        pages.index(handouts)
    except VersusError as error:
        result.add(ERROR, "template", [error])
    result.findings.extend(lint_project(project, (project, *theme.dirs)))
    files = LocalFiles((project, *theme.dirs))
    for handout in handouts:
        if handout.slug in printed:
            result.findings.extend(_image_findings(handout, printed[handout.slug],
                                                   project, files, result.findings))
    result.findings.sort(key=_place)
    return result


def _image_findings(handout, html: str, project: Path, files, found) -> list[Finding]:
    """The images of a page the renderer would refuse, wherever they come from
    (Markdown, raw HTML, table cells), except those lint reported already."""
    shown = {str(f.error) for f in found if f.code == "missing-image"}
    findings = []
    base = base_url(project, handout.source.parent)
    for src, error in refused_images(html, base, files):
        if any(f"image '{src}'" in text for text in shown):
            continue
        problem = ("not found" if isinstance(error, FileNotFoundError)
                   else f"is refused: {reason(error)}")
        path, line, column = _locate(handout, src)
        findings.append(Finding(ERROR, "missing-image", ContentError(
            f"image '{src}' {problem}", path, line, column)))
    return findings


def _locate(handout, text: str) -> tuple[Path, int | None, int | None]:
    """Where ``text`` first appears in the handout's files, as path, line, column."""
    for path in handout.inputs:
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        offset = source.find(text)
        if offset >= 0:
            line = source.count("\n", 0, offset) + 1
            return path, line, offset - (source.rfind("\n", 0, offset) + 1) + 1
    return handout.source, None, None


def _place(finding: Finding) -> tuple:
    error = finding.error
    return (display_path(error.path) if error.path is not None else "",
            error.line or 0, error.column or 0)
