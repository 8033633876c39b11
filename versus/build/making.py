"""Make the stale outputs, write each one, and record it in the build state.

Web pages and PDFs are made in watched worker processes (``versus.executors.workers``,
``versus.build.jobs``); with a Dask scheduler the PDFs' HTML is made here and the PDFs
rendered on the cluster. Only this process writes outputs and the state.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..content.handouts import Handout
from ..errors import VersusError
from ..log import counted
from ..executors.local import Executor, ProcessExecutor, default_jobs
from ..output import CONVERTED_DIR, WORK_DIR, write_atomic
from ..render.theme import STYLESHEET, Theme
from . import printcopy, samepage
from .jobs import Output, PageJob, make
from .jobs import limit as page_limit

if TYPE_CHECKING:
    from .pipeline import Build


def make_stale(run: Build, stale: list, executor: Executor | None) -> None:
    """Make the stale web pages and PDFs, each in a watched worker process
    (``versus.executors.workers``); with a Dask scheduler the PDFs render there."""
    if not (run.options.keep_going or run.report.ok):
        stale = [item for item in stale if item[0] == "html"]
    if not stale:
        return
    _no_copy_check(run, stale)
    remote, own = (executor if getattr(executor, "remote", False) else None), []
    scheduler = run.options.scheduler or run.pages.settings.scheduler
    if remote is None and scheduler and any(fmt == "pdf" for fmt, _, _ in stale):
        remote = make_executor(1, scheduler)
        own.append(remote)
    jobs = [_job(run, "print" if remote and fmt == "pdf" else fmt, handout)
            for fmt, handout, _ in stale]
    local = executor if executor is not None and executor is not remote else None
    if local is None:
        local = make_executor(min(run.options.jobs or default_jobs(), len(jobs)))
        own.append(local)
    made = {job.target: (job, inputs) for job, (_, _, inputs) in zip(jobs, stale)}
    if run.options.keep_html and any(fmt == "pdf" for fmt, _, _ in stale):
        printcopy.assets(run)
    try:
        printed = []
        for output in local.map(make, jobs, page_limit(run.options.timeout)):
            if remote and output.target.startswith("pdf/") and not output.error:
                printed.append(output)  # the PDF's HTML: rendered on the cluster
            elif not _finish(run, output, made):
                return
        if printed:
            _render_remote(run, printed, remote, made)
    finally:
        for each in own:
            each.close()


def _no_copy_check(run: Build, stale: list) -> None:
    """Say once why released handouts' PDFs carry no QR code: no ``base_url``."""
    if run.pages.settings.base_url:
        return
    released = [handout for fmt, handout, _ in stale
                if fmt == "pdf" and handout.edition.number]
    if released:
        run.report.warnings.append(VersusError(
            f"no QR code on the PDF of {counted(len(released), 'released handout')}, for "
            "readers to check their copy: set base_url (the address the site is "
            "published at)", run.project / "versus.yaml"))


def render_context(project: Path, theme: Theme) -> tuple[str, tuple[str, ...]]:
    """The stylesheet and the folders a PDF may read from, as render jobs name them."""
    return (str(theme.find(STYLESHEET)),
            tuple(str(path) for path in (project, *theme.dirs)))


def _job(run: Build, fmt: str, handout: Handout) -> PageJob:
    pdf, last_page = None, None
    if fmt != "html":
        from ..security.sandbox import base_url
        from ..pdf.renderer import PdfJob

        stylesheet, roots = render_context(run.project, run.pages.theme)
        pdf = PdfJob(slug=handout.slug, source=str(handout.source), html="",
                     base_url=base_url(run.project, handout.source.parent),
                     paper=run.pages.settings.paper, stylesheet=stylesheet,
                     roots=roots, variant=run.pages.settings.pdf_variant or None,
                     bleed=run.options.bleed,
                     allow_remote=run.options.allow_remote,
                     timeout=run.options.timeout)
        last_page = samepage.last_page(run, f"pdf/{handout.slug}.pdf")
    return PageJob(fmt, handout, run.pages.theme.dirs, run.pages.settings,
                   run.options.timeout, "../" * (handout.slug.count("/") + 1), pdf,
                   (run.project, *run.pages.theme.dirs), last_page, samepage.context(),
                   run.options.keep_html, str(run.project / WORK_DIR / CONVERTED_DIR))


def _render_remote(run: Build, printed: list[Output], executor: Executor, made) -> None:
    """Render the PDFs of ``printed`` HTML on the cluster."""
    from ..pdf.renderer import render_job

    jobs, pages = [], {}
    for output in printed:
        job = made[output.target][0]
        page = samepage.page_digest(job.pdf, output.data, job.context)
        printed = output.data if job.keep_html else None
        if page == job.last_page:  # the page the PDF on disk was rendered from
            if not _finish(run, Output(output.target, page=page, kept=True, html=printed),
                           made):
                return
            continue
        jobs.append(dataclasses.replace(job.pdf, html=output.data))
        pages[output.target] = (page, printed)
    for result in executor.map(render_job, jobs):
        target = f"pdf/{result.slug}.pdf"
        page, printed = pages[target]
        output = Output(target, result.pdf, result.error, result.read, result.warnings,
                        page=page, html=printed)
        if not _finish(run, output, made):
            return


def _finish(run: Build, output: Output, made: dict) -> bool:
    """Write a made output, or report its errors; whether to go on."""
    job, inputs = made[output.target]
    warnings = [VersusError(text, job.handout.source) for text in output.warnings]
    error, more = output.error, list(output.more)
    if warnings and run.options.strict and not error:
        error, more = warnings[0], warnings[1:]  # --strict: every warning an error
    else:
        run.report.warnings.extend(warnings)
    if error is None and output.html is not None:  # --keep-html
        try:
            printcopy.keep(run, job.handout.slug, output.html)
        except VersusError as failure:
            error = failure
    if output.kept and error is None:  # the same page: the PDF on disk is the one
        run.kept(output.target, inputs,  # a render would write
                 samepage.last_read(run, output.target), output.page)
        return True
    if error is None:
        try:
            write_atomic(run.output / output.target, output.data)
        except VersusError as failure:  # a full disk, a folder in the way:
            error = failure  # this output fails; the others are still tried
    if error is not None:
        run.failed(output.target, error)
        run.report.errors.extend(more)  # after the first: in the order they were met
        return run.options.keep_going
    read = {run.digests.name(Path(p)): run.digests.of(Path(p)) for p in output.read}
    run.done(output.target, inputs, read, output.page)
    return True


@contextlib.contextmanager
def own_workers(run: Build, executor: Executor | None) -> Iterator[Executor]:
    """``executor``, or else the build's own worker processes: each starts when a
    job first needs one (parsing many handouts, making a page), all end with it."""
    if executor is not None:
        yield executor
        return
    local = make_executor(run.options.jobs or default_jobs())
    try:
        yield local
    finally:
        local.close()


def make_executor(jobs: int, scheduler: str | None = None) -> Executor:
    """The Dask cluster at ``scheduler`` if given; else ``jobs`` watched worker
    processes (one job too runs in a worker: only there can it be stopped)."""
    if scheduler:
        from ..pdf.cluster import DaskExecutor

        return DaskExecutor(scheduler)
    return ProcessExecutor(jobs)
