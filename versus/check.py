"""``check``: every problem a build would meet, found without rendering a PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .content import load_all
from .errors import Problems, VersusError
from .render import Pages, Theme
from .settings import load_settings


@dataclass
class CheckResult:
    """The problems found in a project."""

    handouts: int = 0
    errors: list[VersusError] = field(default_factory=list)
    warnings: list[VersusError] = field(default_factory=list)


def check_project(project: Path) -> CheckResult:
    """Validate settings, every handout (drafts too) and every template."""
    project = project.resolve()
    result = CheckResult()
    try:
        settings = load_settings(project)
    except Problems as problems:
        result.errors.extend(problems.errors)
        return result
    handouts, errors = load_all(project, settings, drafts=True)
    result.handouts = len(handouts) + len(errors)
    result.errors.extend(errors)
    result.warnings.extend(w for handout in handouts for w in handout.warnings)
    pages = Pages(Theme.for_project(project), settings)
    try:
        for handout in handouts:
            for medium in ("print", "screen"):
                pages.handout(handout, medium)
        pages.index(handouts)
    except VersusError as error:
        result.errors.append(error)
    return result
