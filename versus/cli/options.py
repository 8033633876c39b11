"""What the commands share: their options (the project found upward, paper, jobs,
targets completed from the project's handouts), and ``run``, which maps what a
command's core call raised to one line and an exit status."""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

import click

from .. import log
from ..errors import Problems, TargetError, VersusError
from ..executors.limits import RENDER_SECONDS
from ..settings import VARIANTS

logger = logging.getLogger(__name__)
EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _project(ctx, param, value: Path | None) -> Path:
    """The project: the nearest folder holding versus.yaml or content/, from
    --project (which must exist: a typo must not build an empty project) or the
    current folder upward; outside every project the command stops, having
    written nothing."""
    from .project import find_project, not_found

    start = Path(".") if value is None else value
    if value is not None and not value.is_dir():
        problem = "not a folder" if value.exists() else "no such project folder"
        raise click.BadParameter(f"{problem}: {value}", ctx, param)
    project = find_project(start)
    if project is None:
        raise Refused(not_found(start.resolve()))
    return project


class Refused(click.ClickException):
    """A command that will not run here (no project; an output/ Versus did not
    make): one line, as every other error, and exit status 2."""

    exit_code = EXIT_USAGE

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", file=file, err=True)


def _scheduler(ctx, param, value: str | None) -> str | None:
    """A Dask scheduler address, checked before anything is built."""
    from ..settings import scheduler_problem

    problem = scheduler_problem(value) if value else None
    if problem:
        raise click.BadParameter(problem, ctx, param)
    return value


def check_environment() -> None:
    """A malformed SOURCE_DATE_EPOCH fails the command, as reproducible-builds.org
    asks, before anything is built."""
    from ..settings import source_date

    try:
        source_date()
    except ValueError as error:
        raise click.UsageError(str(error), click.get_current_context()) from None


def common_options(command):
    """The options every command shares."""
    @click.option("--project", type=click.Path(file_okay=False, path_type=Path),
                  callback=_project, metavar="DIR",
                  help="The project: DIR or the nearest folder above it holding "
                       "versus.yaml or content/.  [default: found from the current "
                       "folder upward]")
    @click.option("--quiet", "-q", "verbosity", flag_value=-1,
                  help="Print only warnings and errors.")
    @click.option("--verbose", "-v", "verbosity", flag_value=1,
                  help="Print what happens and why, with WeasyPrint's log.")
    @click.option("--debug", is_flag=True, help="Show tracebacks of errors.")
    @functools.wraps(command)
    def wrapper(*args, verbosity=0, debug=False, **kwargs):
        log.configure(verbosity or 0)
        return run(functools.partial(command, *args, **kwargs), debug)
    return wrapper


def _complete_slugs(ctx, param, incomplete: str):
    """The slugs of the project's handouts that start with ``incomplete``."""
    from click.shell_completion import CompletionItem

    from ..content.files import discover
    from .project import find_project

    project = ctx.params.get("project") or find_project(Path("."))
    if project is None:
        return []
    try:
        found, _ = discover(Path(project))
    except OSError:
        return []
    return [CompletionItem(slug) for slug, _ in found if slug.startswith(incomplete)]


TARGETS = click.argument("targets", nargs=-1, shell_complete=_complete_slugs)


PAPER = click.option("--paper", type=click.Choice(["A4", "Letter", "A5"],
                                                   case_sensitive=False),
                      help="Paper size, overriding the settings.")


DRAFTS = click.option("--drafts", is_flag=True, help="Include handouts marked draft.")


JOBS = click.option("--jobs", "-j", type=click.IntRange(min=1),
                     help="Make this many pages and PDFs at once.  [default: all cores]")


# Options of every building command, in the order --help lists them.
BUILD = [
    click.option("--keep-going/--fail-fast", default=True, show_default=True,
                 help="Build everything that can be built, or stop at the first error."),
    click.option("--force", is_flag=True, help="Rebuild even what is up to date."),
    JOBS,
    click.option("--explain", is_flag=True,
                 help="Say for each output why it is rebuilt or skipped."),
    click.option("--wait/--no-wait", default=True, show_default=True,
                 help="Wait while another build of the project runs, or exit 1."),
    click.option("--strict", is_flag=True,
                 help="Count warnings as errors: a handout with one is not written."),
    click.option("--timeout", type=click.FloatRange(min=0.1), default=RENDER_SECONDS,
                 show_default=True, metavar="SECONDS",
                 help="Stop a handout whose HTML or PDF takes longer, and report it."),
    click.option("--scheduler", metavar="ADDRESS", callback=_scheduler,
                 help="Render on the Dask cluster at ADDRESS (tcp://HOST:PORT); "
                      "overrides the 'scheduler' setting."),
]


# Options that change PDFs only: html neither takes nor lists them.
PDF = [
    PAPER,
    click.option("--pdf-variant", type=click.Choice(VARIANTS),
                 help="Build PDFs that claim this standard: PDF/UA for accessibility, "
                      "PDF/A for archives, PDF/X for print shops (all PDFs are "
                      "tagged); overrides the 'pdf_variant' setting."),
    click.option("--bleed", metavar="LENGTH",
                 help="With pdf/x-4: extend pages by LENGTH (3mm) and add crop marks."),
    click.option("--allow-remote", is_flag=True,
                 help="Fetch http(s) images into PDFs (else: left out, with a warning)."),
    click.option("--keep-html", is_flag=True,
                 help="Also write the HTML each PDF is laid out from to "
                      "output/print/<slug>.html, to open in a browser or WeasyPrint."),
]


def build_options(targets: bool = True, pdf: bool = True):
    """The options of a command that renders handouts: TARGETS unless it builds
    everything, the PDF options unless it makes web pages only."""
    decorators = ([TARGETS] if targets else []) + (PDF if pdf else []) + [DRAFTS] + BUILD

    def decorate(command):
        @functools.wraps(command)
        def wrapper(*args, **kwargs):
            check_environment()
            return command(*args, **kwargs)
        for decorator in reversed(decorators):
            wrapper = decorator(wrapper)
        return common_options(wrapper)
    return decorate


def run(call, debug: bool) -> None:
    """Run a command's core call and map what it raised to an exit status."""
    try:
        status = call()
    except KeyboardInterrupt:
        logger.error("interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except TargetError as error:
        raise click.UsageError(str(error)) from None
    except (Problems, VersusError) as error:
        if debug:
            raise
        for problem in getattr(error, "errors", [error]):
            logger.error("%s", problem)
        sys.exit(EXIT_ERRORS)
    except OSError as error:  # the last net: a file-system error is a line, too
        if debug:
            raise
        reason = error.strerror or str(error) or type(error).__name__
        logger.error("%s", VersusError(reason, error.filename))
        sys.exit(EXIT_ERRORS)
    sys.exit(status or EXIT_OK)
