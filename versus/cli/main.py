"""The command line: options -> settings -> one core call per command.

``python build.py COMMAND`` and the console script ``versus COMMAND`` both run
``main``. Exit status: 0 all built; 1 some input had errors; 2 usage error;
130 interrupted.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

import click

from .. import __version__, log
from ..executors.limits import RENDER_SECONDS
from ..log import counted
from .options import (DRAFTS, EXIT_ERRORS, EXIT_OK, JOBS, PAPER, TARGETS, Refused,
                      build_options, check_environment, common_options, run)

logger = logging.getLogger(__name__)


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
    are given, the booklet (or each booklet versus.yaml defines, as defined)."""
    if targets:
        return _build(("html", "pdf"), project, targets, **options)
    return _booklet(("html", "pdf"), project, **options)


def _booklet(formats, project, duplex=False, explain=False, tags=(), globs=(), name=None,
             **options) -> int:
    from ..booklet.binder import Selection
    from ..booklet.booklets import bind
    from ..build.pipeline import BuildOptions
    from .progress import ProgressListener, summary

    listener = ProgressListener(explain=explain,
                                quiet=not logger.isEnabledFor(logging.INFO))
    try:
        report = bind(project, BuildOptions(formats=formats, booklet=True, **options),
                      duplex=duplex, selection=Selection(tags, globs), name=name,
                      listener=listener, every="html" in formats)
    finally:
        listener.close()
    build = report.build
    for warning in build.warnings + report.warnings:
        logger.warning("%s", warning)
    for error in build.errors + report.errors:
        logger.error("%s", error)
    logger.info("%s", summary(build, len(build.errors) + len(report.errors)))
    for made in report.booklets:
        if made.path:
            logger.info("built %s: %s, %s in %.2f s", made.target,
                        counted(made.handouts, "handout"), counted(made.pages, "page"),
                        made.seconds)
        elif made.up_to_date:
            logger.info("%s is up to date", made.target)
        elif report.ok:
            logger.info("%s not written: no handout to bind", made.target)
        else:
            logger.info("%s not written", made.target)
    return EXIT_OK if report.ok else EXIT_ERRORS


@main.command()
@click.option("--duplex", is_flag=True,
              help="Two-sided print: every handout on a right-hand (odd) page, "
                   "margins mirrored, page numbers on the outer edge (booklets "
                   "versus.yaml defines say their own).")
@click.option("--tag", "tags", multiple=True, metavar="TAG",
              help="Bind only the handouts with this tag (repeatable; with --match, "
                   "a handout either selects is bound) to output/booklets/<NAME>.pdf.")
@click.option("--match", "globs", multiple=True, metavar="GLOB",
              help="Bind only the handouts whose slug matches this shell pattern, "
                   "e.g. 'cloud/*' (repeatable) to output/booklets/<NAME>.pdf.")
@click.option("--name", metavar="NAME",
              help="The file of a --tag/--match booklet, output/booklets/NAME.pdf  "
                   "[default: from the selection, e.g. tag-cloud]; without them, "
                   "build only the booklet NAME that versus.yaml defines.")
@build_options(targets=False)
def booklet(project, **options):
    """Build output/booklet.pdf: a cover, a contents page with page numbers and
    links, then every handout's PDF (brought up to date first), with bookmarks,
    one structure tree and one page number sequence. With booklets: in
    versus.yaml, build each booklet it defines, as defined, to
    output/booklets/<name>.pdf instead; --tag and --match bind a selection to a
    file of its own there."""
    return _booklet(("pdf",), project, **options)


@main.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True,
              help="Report lines on stderr, or one JSON array on stdout.")
@click.option("--strict", is_flag=True, help="Count warnings as errors for the exit status.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=RENDER_SECONDS,
              show_default=True, metavar="SECONDS",
              help="Stop checking a handout that takes longer, and report it.")
@click.option("--links", is_flag=True,
              help="Ask every source's address; warn of those that do not answer "
                   "within 10 s (needs --allow-remote).")
@click.option("--allow-remote", is_flag=True,
              help="Let check reach the network (for --links).")
@common_options
def check(project, output_format, strict, timeout, links, allow_remote):
    """Validate content, settings and templates without rendering; find broken
    links, missing images and alt text, empty sections and colliding slugs,
    unfinished work (empty cells, placeholder sentences from new, TODO), and
    facts older than fact_max_age days, past review_after, or (with
    require_sources) without a source."""
    import json

    from ..check.checks import check_project

    if links and not allow_remote:
        raise click.UsageError("--links asks each source's address over the network: "
                               "add --allow-remote")
    check_environment()
    problems = check_project(project, timeout, links=links)
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
@TARGETS
@click.option("--note", default="", metavar="TEXT",
              help="What this edition changed, in a line (shown in the web page's Changes).")
@common_options
def release(project, targets, note):
    """Record each handout (or the TARGETS given) that changed since its last
    edition as a new edition in editions/<slug>.yaml, dated SOURCE_DATE_EPOCH's
    day or today: commit that file. The PDF prints the edition it is."""
    from ..errors import display_path
    from ..scaffold.release import release as record
    from ..scaffold.skeleton import today

    done = record(project, targets, note, today())
    for slug, number in done.unchanged:
        logger.info("%s: unchanged since edition %d; nothing to release", slug, number)
    for slug, number, path in done.written:
        logger.info("%s: edition %d recorded in %s", slug, number, display_path(path))
    for error in done.errors:
        logger.error("%s", error)
    return EXIT_OK if not done.errors else EXIT_ERRORS


@main.command()
@click.option("--branch", default="gh-pages", show_default=True,
              help="The branch whose whole tree becomes output/.")
@click.option("--remote", metavar="NAME", help="Push the branch to this remote.")
@common_options
def deploy(project, branch, remote):
    """Commit output/ (the site and the PDFs, with .nojekyll) as the whole tree of
    a branch of the project's git repository, never touching your working tree,
    index or branch; push it to --remote NAME when given."""
    from ..build.deploy import deploy as commit_site

    done = commit_site(project, branch, remote)
    if done.changed:
        logger.info("%s: %s committed (%d files)", branch, done.commit[:12], done.files)
    else:
        logger.info("%s already holds this site (%d files); nothing committed", branch,
                    done.files)
    if done.pushed:
        logger.info("pushed %s to %s", branch, done.pushed)


@main.command()
def schema():
    """Print the JSON Schema of the facts files a web build writes
    (output/data/<slug>.json and output/data/index.json)."""
    from importlib.resources import files

    from ..web.data import SCHEMA

    click.echo(files("versus.theme").joinpath(SCHEMA).read_text(encoding="utf-8"),
               nl=False)


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
    @PAPER
    @DRAFTS
    @JOBS
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        check_environment()
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
