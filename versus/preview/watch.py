"""watch and serve: rebuild what a saved change affects, and preview it live.

``watch`` runs the incremental build once, starts its worker processes, each
loading WeasyPrint, the fonts and the stylesheet (so the first save does not
pay for them), then rebuilds after every burst of saves, one build at a time,
until stopped. A build that fails in a way no input explains (a file gone
mid-build, a bug) is reported as one error, and watching goes on. ``serve`` does
the same while ``versus.preview.server`` serves ``output/`` on 127.0.0.1 with live reload.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from ..build.making import render_context
from ..build.pipeline import BuildOptions, BuildReport, Listener, build
from ..content.files import CONTENT_DIR
from ..errors import VersusError
from ..output import OUTPUT_DIR, TEMP_PREFIX
from ..render.theme import Theme
from ..settings import SETTINGS_FILE, SITE_STATIC
from .server import LiveReload, start_server

logger = logging.getLogger(__name__)
STEP_MS = 30
"""How long to wait for more changes after one is seen: one burst, one build."""
POLL_MS = 300
"""How often to look at the settings file, which may not exist when watching starts."""


def watched_paths(project: Path) -> list[Path]:
    """Content, the project's templates, the theme, the site's static files and the
    settings file."""
    theme = Theme.for_project(project)
    paths = [project / CONTENT_DIR, *theme.dirs, project / SITE_STATIC,
             project / SETTINGS_FILE]
    return [path for path in dict.fromkeys(paths) if path.exists()]


# What editors and tools write beside a file while saving it, never content:
# backups (x~), Emacs locks (.#x), Vim swap files (.x.swp, .x.swx) and the file
# Vim writes to test a folder (4913), Kate's swap files, *.tmp, sed -i's sedXXXXXX.
EDITOR_FILES = (r"~$", r"^\.#", r"\.sw[a-z]$", r"^4913$", r"^\..*\.kate-swp$",
                r"\.tmp$", r"^sed[A-Za-z0-9]{6}$")


def change_filter(project: Path):
    """watchfiles' default filter, also ignoring editors' and our own temporary
    files (files only: a folder of that name is content) and everything in output/."""
    import re

    import watchfiles

    temporary = [re.compile(pattern) for pattern in (*EDITOR_FILES,
                                                     f"^{re.escape(TEMP_PREFIX)}")]
    default = watchfiles.DefaultFilter(ignore_paths=(str(project / OUTPUT_DIR),))

    def relevant(change, path: str) -> bool:
        if not default(change, path):
            return False
        return os.path.isdir(path) or not any(
            pattern.search(os.path.basename(path)) for pattern in temporary)

    return relevant


def watch(project: Path, options: BuildOptions, on_report: Callable[[BuildReport], None],
          listener: Listener | None = None, stop: threading.Event | None = None,
          on_ready: Callable[[], None] | None = None) -> None:
    """Build now and after every change under ``project`` until ``stop`` is set."""
    from ..executors.local import ProcessExecutor, default_jobs

    project = project.resolve()
    pool = ProcessExecutor(options.jobs or default_jobs())  # every build's, kept warm
    try:
        on_report(_build(project, options, listener, pool))
        _warm_up(project, pool)
        _watch(project, options, on_report, listener, stop, on_ready, pool)
    finally:
        pool.close()


def _watch(project, options, on_report, listener, stop, on_ready, executor) -> None:
    import watchfiles

    paths = watched_paths(project)
    settings = _Stamp(project / SETTINGS_FILE)
    relevant = change_filter(project)
    ready = False
    while paths:
        for changes in watchfiles.watch(*paths, watch_filter=relevant, step=STEP_MS,
                                        stop_event=stop, raise_interrupt=False,
                                        rust_timeout=POLL_MS, yield_on_timeout=True):
            if not ready:  # the first yield: the watcher is in place
                ready = True
                logger.info("watching %s (Ctrl-C to stop)", ", ".join(map(str, paths)))
                if on_ready:
                    on_ready()
            if not settings.changed() and not changes:
                continue
            names = sorted({Path(path).name for _, path in changes}) or [SETTINGS_FILE]
            logger.info("changed: %s", ", ".join(names))
            report = _build(project, options, listener, executor)
            on_report(report)
            logger.info("rebuilt: %s", ", ".join(rebuilt(report, project)) or "nothing")
            if watched_paths(project) != paths:  # a templates/ folder appeared
                paths = watched_paths(project)
                break
        else:
            return  # stopped


def rebuilt(report: BuildReport, project: Path) -> list[str]:
    """The slugs of the handouts whose page or PDF the build wrote, sorted."""
    slugs = set()
    for path in report.built:
        try:
            fmt, *rest = path.relative_to(project / OUTPUT_DIR).parts
        except ValueError:
            continue
        if fmt in ("html", "pdf") and rest:
            slugs.add("/".join(rest).removesuffix(f".{fmt}"))
    return sorted(slugs)


def _build(project: Path, options: BuildOptions, listener: Listener | None,
           executor=None) -> BuildReport:
    """One build; one that raised is a report of one error, so watching goes on."""
    try:
        return build(project, options, executor, listener)
    except Exception as error:  # a race with the editor, or a bug: not worth the session
        logger.debug("the build failed", exc_info=True)
        if isinstance(error, OSError) and error.filename:
            failure = VersusError(f"build stopped: {error.strerror or error}",
                                  error.filename)
        else:
            first = (str(error).splitlines() or [""])[0]
            failure = VersusError(f"build stopped: {type(error).__name__}: {first}")
        return BuildReport(errors=[failure])


class _Stamp:
    """Notices a file appearing, changing or going, by its size and time."""

    def __init__(self, path: Path):
        self.path = path
        self._seen = self._look()

    def _look(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def changed(self) -> bool:
        """Whether the file differs from the last look."""
        now = self._look()
        changed, self._seen = now != self._seen, now
        return changed


def _warm_up(project: Path, pool) -> None:
    """Start the workers, each loading the renderer now, so the next save does not
    wait; a broken theme is reported by the next build instead."""
    from ..errors import VersusError
    from ..pdf.renderer import warm_up

    try:
        pool.initializer = (warm_up, *render_context(project, Theme.for_project(project)))
    except (VersusError, OSError) as error:
        logger.debug("renderer not warmed up: %s", error)
    pool.start()


def serve(project: Path, options: BuildOptions, port: int,
          on_report: Callable[[BuildReport], None], listener: Listener | None = None,
          stop: threading.Event | None = None,
          on_ready: Callable[[str], None] | None = None) -> None:
    """Serve output/ with live reload, rebuilding on every change until ``stop``."""
    project = project.resolve()
    live = LiveReload(project)
    server = start_server(project, port, live)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    logger.info("serving %s at %s", project / OUTPUT_DIR, url)

    def report(result: BuildReport) -> None:
        on_report(result)
        live.publish(result)

    try:
        watch(project, options, report, listener, stop,
              on_ready=(lambda: on_ready(url)) if on_ready else None)
    finally:
        server.shutdown()
        server.server_close()
