"""How a build's progress reaches the user: a bar on a terminal, lines elsewhere."""

from __future__ import annotations

import logging
import sys

from ..build.pipeline import BuildReport, Listener
from ..log import counted

logger = logging.getLogger(__name__)


class ProgressListener(Listener):
    """Plain log lines, or a rich progress bar with count and ETA on a terminal."""

    def __init__(self, explain: bool = False, quiet: bool = False, stream=None):
        self.explain = explain
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self._progress = None
        self._task = None

    def planned(self, decisions) -> None:
        if not self.explain:
            return
        for decision in decisions:
            verdict = "rebuild" if decision.stale else "skip"
            logger.info("%s: %s (%s)", decision.target, verdict, "; ".join(decision.reasons))

    def started(self, total: int) -> None:
        if total and not self.quiet and self.stream.isatty():
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress,
                                       TextColumn, TimeRemainingColumn)

            self._progress = Progress(TextColumn("building"), BarColumn(),
                                      MofNCompleteColumn(), TimeRemainingColumn(),
                                      console=Console(file=self.stream), transient=True)
            self._task = self._progress.add_task("build", total=total)
            self._progress.start()

    def finished(self, target: str, error) -> None:
        if self._progress is not None:
            self._progress.advance(self._task)
        elif error is None:
            logger.info("built %s", target)

    def same(self, target: str) -> None:
        if self._progress is not None:
            self._progress.advance(self._task)
        if self.explain:
            logger.info("%s: kept (same page)", target)

    def close(self) -> None:
        """Take the progress bar off the terminal."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def summary(report: BuildReport, errors: int | None = None) -> str:
    """One line: the handouts, then the files (pages, PDFs, the index) built and up
    to date, and the errors; 'in S s' when it knows the time."""
    errors = len(report.errors) if errors is None else errors
    line = (f"{counted(report.handouts, 'handout')}: "
            f"{counted(len(report.built), 'file')} built, {report.up_to_date:,} up to "
            f"date, {counted(errors, 'error')}")
    return f"{line} in {report.seconds:.2f} s" if report.seconds else line
