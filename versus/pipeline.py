"""load -> plan -> run stale targets -> record state -> report.

``build`` is the one core call behind every build command. It takes the project
folder, the options and an executor, and returns a ``BuildReport``; it prints
nothing (see ``versus.log`` for how progress reaches the user).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from .content import CONTENT_DIR, Handout, load_all
from .errors import Problems, TargetError, VersusError
from .executors import Executor, SerialExecutor
from .output import OUTPUT_DIR, copy_atomic, write_atomic
from .pdf import PdfJob, render_job
from .render import STYLESHEET, Pages, Theme
from .settings import Settings, load_settings

logger = logging.getLogger(__name__)
FORMATS = ("html", "pdf")


@dataclass(frozen=True)
class BuildOptions:
    """What to build and how; the CLI's options, in one place."""

    formats: tuple[str, ...] = FORMATS
    targets: tuple[str, ...] = ()
    drafts: bool = False
    paper: str | None = None
    keep_going: bool = True


@dataclass
class BuildReport:
    """What a build did: outputs written, and every error met on the way."""

    built: list[Path] = field(default_factory=list)
    errors: list[VersusError] = field(default_factory=list)
    warnings: list[VersusError] = field(default_factory=list)
    handouts: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


def build(project: Path, options: BuildOptions,
          executor: Executor | None = None) -> BuildReport:
    """Build the outputs ``options`` ask for; errors are collected, not raised."""
    started = time.perf_counter()
    project = project.resolve()
    report = BuildReport()
    try:
        settings = load_settings(project).replace(paper=options.paper)
    except Problems as problems:
        report.errors.extend(problems.errors)
        return report
    handouts, errors = load_all(project, settings, drafts=options.drafts)
    selected, errors = select(project, handouts, errors, options.targets)
    report.errors.extend(errors)
    report.warnings.extend(w for handout in selected for w in handout.warnings)
    report.handouts = len(selected)
    try:
        pages = Pages(Theme.for_project(project), settings)
        output = project / OUTPUT_DIR
        if "html" in options.formats:
            _build_html(pages, selected, handouts, output, report)
        if "pdf" in options.formats and (options.keep_going or report.ok):
            _build_pdfs(project, pages, selected, output, executor or SerialExecutor(),
                        report, options.keep_going)
    except VersusError as error:  # a theme problem stops every handout alike
        report.errors.append(error)
    report.seconds = time.perf_counter() - started
    return report


def select(project: Path, handouts: list[Handout], errors: list[VersusError],
           targets: tuple[str, ...]) -> tuple[list[Handout], list[VersusError]]:
    """The handouts and errors that ``targets`` (slugs or paths) name; all if none."""
    if not targets:
        return handouts, errors
    content = project / CONTENT_DIR
    wanted = {}
    for target in targets:
        path = Path(target)
        if path.suffix == ".md":
            path = path.resolve() if path.exists() else project / path
            try:
                wanted[path.resolve().relative_to(content).with_suffix("").as_posix()] = target
            except ValueError:
                raise TargetError(f"'{target}' is not below {content}") from None
        else:
            wanted[target.strip("/")] = target
    known = {handout.slug for handout in handouts}
    known |= {_slug_of(content, error.path) for error in errors if error.path}
    unknown = [target for slug, target in wanted.items() if slug not in known]
    if unknown:
        raise TargetError(f"no handout '{unknown[0]}' in {content}")
    return ([h for h in handouts if h.slug in wanted],
            [e for e in errors if _slug_of(content, e.path) in wanted])


def _slug_of(content: Path, path: str | None) -> str | None:
    try:
        return Path(path).resolve().relative_to(content).with_suffix("").as_posix()
    except (TypeError, ValueError):
        return None


def _build_html(pages: Pages, selected: list[Handout], everything: list[Handout],
                output: Path, report: BuildReport) -> None:
    for name, source in pages.theme.static_files().items():
        copy_atomic(source, output / "assets" / name)
    for handout in selected:
        target = output / "html" / f"{handout.slug}.html"
        root = "../" * (handout.slug.count("/") + 1)
        try:
            write_atomic(target, pages.handout(handout, "screen", root))
        except VersusError as error:
            report.errors.append(error)
            continue
        report.built.append(target)
        logger.info("built %s", target.relative_to(output.parent))
    write_atomic(output / "index.html", pages.index(everything))
    report.built.append(output / "index.html")


def _build_pdfs(project: Path, pages: Pages, selected: list[Handout], output: Path,
                executor: Executor, report: BuildReport, keep_going: bool) -> None:
    stylesheet = str(pages.theme.find(STYLESHEET))
    roots = tuple(str(path) for path in (project, *pages.theme.dirs))
    jobs = []
    for handout in selected:
        try:
            html = pages.handout(handout, "print")
        except VersusError as error:
            report.errors.append(error)
            continue
        jobs.append(PdfJob(slug=handout.slug, source=str(handout.source), html=html,
                           base_url=handout.source.parent.as_uri() + "/",
                           paper=pages.settings.paper, stylesheet=stylesheet,
                           roots=roots))
    for result in executor.map(render_job, jobs):
        if result.error:
            report.errors.append(result.error)
            if not keep_going:
                break
            continue
        target = output / "pdf" / f"{result.slug}.pdf"
        write_atomic(target, result.pdf)
        report.built.append(target)
        logger.info("built %s", target.relative_to(output.parent))
