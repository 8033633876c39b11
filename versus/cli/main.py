"""The command line: options -> settings -> one core call per command.

``python build.py COMMAND`` and the console script ``versus COMMAND`` both run
``main``. Exit status: 0 all built; 1 some input had errors; 2 usage error;
130 interrupted.
"""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

import click

from .. import __version__, log
from ..errors import Problems, TargetError, VersusError
from ..executors.limits import RENDER_SECONDS
from ..log import counted
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


def _check_environment() -> None:
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


_TARGETS = click.argument("targets", nargs=-1, shell_complete=_complete_slugs)
_PAPER = click.option("--paper", type=click.Choice(["A4", "Letter", "A5"],
                                                   case_sensitive=False),
                      help="Paper size, overriding the settings.")
_DRAFTS = click.option("--drafts", is_flag=True, help="Include handouts marked draft.")
_JOBS = click.option("--jobs", "-j", type=click.IntRange(min=1),
                     help="Make this many pages and PDFs at once.  [default: all cores]")
# Options of every building command, in the order --help lists them.
_BUILD = [
    click.option("--keep-going/--fail-fast", default=True, show_default=True,
                 help="Build everything that can be built, or stop at the first error."),
    click.option("--force", is_flag=True, help="Rebuild even what is up to date."),
    _JOBS,
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
_PDF = [
    _PAPER,
    click.option("--pdf-variant", type=click.Choice(VARIANTS),
                 help="Build PDFs that claim this standard: PDF/UA for accessibility, "
                      "PDF/A for archives, PDF/X for print shops (all PDFs are "
                      "tagged); overrides the 'pdf_variant' setting."),
    click.option("--bleed", metavar="LENGTH",
                 help="With pdf/x-4: extend pages by LENGTH (3mm) and add crop marks."),
    click.option("--allow-remote", is_flag=True,
                 help="Fetch http(s) images into PDFs (else: left out, with a warning)."),
]


def build_options(targets: bool = True, pdf: bool = True):
    """The options of a command that renders handouts: TARGETS unless it builds
    everything, the PDF options unless it makes web pages only."""
    decorators = ([_TARGETS] if targets else []) + (_PDF if pdf else []) + [_DRAFTS] + _BUILD

    def decorate(command):
        @functools.wraps(command)
        def wrapper(*args, **kwargs):
            _check_environment()
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="versus")
def main():
    """Versus: comparison handouts from Markdown and data, as HTML and PDF.

    Handouts are content/<slug>.md files; outputs go to output/.
    """


def _build(formats, project, targets, explain=False, **options) -> int:
    from ..build.pipeline import BuildOptions, build
    from .progress import ProgressListener

    listener = ProgressListener(explain=explain,
                                quiet=not logger.isEnabledFor(logging.INFO))
    try:
        report = build(project, BuildOptions(formats=formats, targets=targets, **options),
                       listener=listener)
    finally:
        listener.close()
    _print_report(report)
    return EXIT_OK if report.ok else EXIT_ERRORS


def _print_report(report) -> None:
    """Each warning and error once, then a one-line summary."""
    for warning in report.warnings:
        logger.warning("%s", warning)
    for error in report.errors:
        logger.error("%s", error)
    from .progress import summary

    logger.info("%s", summary(report))


@main.command()
@build_options()
def pdf(project, targets, **options):
    """Build PDFs: output/pdf/<slug>.pdf for all handouts, or the TARGETS given."""
    return _build(("pdf",), project, targets, **options)


@main.command()
@build_options(pdf=False)
def html(project, targets, **options):
    """Build web pages output/html/<slug>.html and the index output/index.html."""
    return _build(("html",), project, targets, **options)


@main.command(name="all")
@build_options()
def build_all(project, targets, **options):
    """Build everything: the web pages, the index, the PDFs and, unless TARGETS
    are given, the booklet."""
    if targets:
        return _build(("html", "pdf"), project, targets, **options)
    return _booklet(("html", "pdf"), project, **options)


def _booklet(formats, project, duplex=False, explain=False, tags=(), globs=(),
             **options) -> int:
    from ..booklet.binder import Selection, make_booklet
    from ..booklet.pages import BOOKLET
    from ..build.pipeline import BuildOptions
    from .progress import ProgressListener, summary

    listener = ProgressListener(explain=explain,
                                quiet=not logger.isEnabledFor(logging.INFO))
    try:
        report = make_booklet(project, BuildOptions(formats=formats, **options),
                              duplex=duplex, listener=listener,
                              selection=Selection(tags, globs))
    finally:
        listener.close()
    build = report.build
    for warning in build.warnings:
        logger.warning("%s", warning)
    for error in build.errors + report.errors:
        logger.error("%s", error)
    logger.info("%s", summary(build, len(build.errors) + len(report.errors)))
    if report.path:
        logger.info("built %s: %s, %s in %.2f s", BOOKLET,
                    counted(report.handouts, "handout"), counted(report.pages, "page"),
                    report.seconds)
    elif report.up_to_date:
        logger.info("%s is up to date", BOOKLET)
    elif report.ok:
        logger.info("%s not written: no handout to bind", BOOKLET)
    else:
        logger.info("%s not written", BOOKLET)
    return EXIT_OK if report.ok else EXIT_ERRORS


@main.command()
@click.option("--duplex", is_flag=True,
              help="Two-sided print: every handout on a right-hand (odd) page, "
                   "margins mirrored, page numbers on the outer edge.")
@click.option("--tag", "tags", multiple=True, metavar="TAG",
              help="Bind only the handouts with this tag (repeatable; with --match, "
                   "a handout either selects is bound).")
@click.option("--match", "globs", multiple=True, metavar="GLOB",
              help="Bind only the handouts whose slug matches this shell pattern, "
                   "e.g. 'cloud/*' (repeatable).")
@build_options(targets=False)
def booklet(project, **options):
    """Build output/booklet.pdf: a cover, a contents page with page numbers and
    links, then every handout's PDF (or those --tag and --match select, brought
    up to date first), with bookmarks, one structure tree and one page number
    sequence."""
    return _booklet(("pdf",), project, **options)


@main.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True,
              help="Report lines on stderr, or one JSON array on stdout.")
@click.option("--strict", is_flag=True, help="Count warnings as errors for the exit status.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=RENDER_SECONDS,
              show_default=True, metavar="SECONDS",
              help="Stop checking a handout that takes longer, and report it.")
@common_options
def check(project, output_format, strict, timeout):
    """Validate content, settings and templates without rendering; find broken
    links, missing images and alt text, empty sections and colliding slugs, and
    unfinished work (empty cells, placeholder sentences from new, TODO)."""
    import json

    from ..check.checks import check_project

    _check_environment()
    problems = check_project(project, timeout)
    if output_format == "json":
        click.echo(json.dumps([finding.as_dict() for finding in problems.findings],
                              indent=2, ensure_ascii=False))
    else:
        for finding in problems.findings:
            (logger.error if finding.severity == "error" else logger.warning)(
                "%s", finding)
    reused = (f" ({problems.reused} unchanged: findings reused)" if problems.reused
              else "")
    logger.info("%s checked%s: %s, %s", counted(problems.handouts, "handout"), reused,
                counted(len(problems.errors), "error"),
                counted(len(problems.warnings), "warning"))
    return EXIT_ERRORS if problems.failed(strict) else EXIT_OK


@main.command()
@click.argument("items", nargs=-1, required=True)
@click.option("--title", help="The title.  [default: the items joined by ' vs. ']")
@click.option("--lang", metavar="LANG",
              help="Write the skeleton in this language (de, ja, pt-BR…) and set the "
                   "handout's lang.  [default: the project's lang]")
@click.option("--slug", metavar="SLUG",
              help="The file name, without .md.  [default: the items joined by '-vs-']")
@common_options
def new(project, items, title, lang, slug):
    """Write content/<item>-vs-<item>.md for 2 to 6 ITEMS to fill in; never
    overwrites. Prints the path written."""
    from ..errors import display_path
    from ..scaffold.skeleton import new_handout, today

    try:
        path = new_handout(project, items, today(), title=title, lang=lang, slug=slug)
    except ValueError as error:
        raise click.UsageError(str(error), click.get_current_context()) from None
    click.echo(display_path(path))


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--quiet", "-q", "verbosity", flag_value=-1,
              help="Print only warnings and errors.")
@click.option("--debug", is_flag=True, help="Show tracebacks of errors.")
def init(folder, verbosity=0, debug=False):
    """Make a new site in FOLDER (new or empty): content/ with an example handout,
    versus.yaml with every setting, templates/ for overrides, static/ for the
    site's own files. Never overwrites."""
    from ..errors import display_path
    from ..scaffold.newsite import init_site

    log.configure(verbosity or 0)

    def make() -> None:
        for path in init_site(folder):
            logger.info("wrote %s", display_path(path))
        logger.info("next: cd %s && versus pdf", display_path(folder))
    run(make, debug)


@main.command()
@common_options
def clean(project):
    """Delete what builds made in output/ (and nothing else): files you put
    there are kept, and an output/ no build made is refused."""
    from ..build.cleaning import NotVersus, clean_project

    try:
        clean_project(project)
    except NotVersus as error:
        raise Refused(str(error)) from None


def live_options(command):
    """The options of the commands that keep rebuilding: watch and serve."""
    @_PAPER
    @_DRAFTS
    @_JOBS
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        _check_environment()
        return command(*args, **kwargs)
    return common_options(wrapper)


@main.command()
@live_options
def watch(project, **options):
    """Rebuild the pages and PDFs a saved change affects, until Ctrl-C."""
    from ..build.pipeline import BuildOptions
    from ..preview.watch import watch as watch_project

    watch_project(project, BuildOptions(**options), _print_report)


@main.command()
@live_options
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1; 0 picks a free one.")
def serve(project, port, **options):
    """Preview output/ on 127.0.0.1 with live reload, rebuilding on save."""
    from ..build.pipeline import BuildOptions
    from ..preview.watch import serve as serve_project

    serve_project(project, BuildOptions(**options), port, _print_report)
