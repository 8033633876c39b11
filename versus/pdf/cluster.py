"""PDFs rendered on a Dask cluster: each job shipped with the bytes it reads.

Dask (``pip install 'versus[dask]'``) is imported only when a build names a
scheduler; the executor has the interface of ``versus.executors.local``. On the
cluster, ``render_shipped`` renders each job in a watched process, under its time
limit, with the theme sent once to every worker.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import RenderError
from ..executors.limits import RENDERING
from ..security.sandbox import (LocalFiles, PackedFiles, Sandbox, ShippedFiles,
                                references)
from .renderer import PdfJob, PdfRenderer, PdfResult, render_job, render_safely

CONNECT_TIMEOUT = 10
"""Seconds to wait for a Dask scheduler to answer."""


class DaskExecutor:
    """Renders on a Dask cluster; workers need Versus installed, not the project.

    Each render job travels with the bytes of the project files its page refers
    to; the theme's static files go to every worker once. Results come back as
    bytes, and only this process writes outputs and the build state.
    """

    def __init__(self, address: str, timeout: float | None = None):
        from ..errors import VersusError

        try:
            from distributed import Client
        except ImportError:
            raise VersusError("--scheduler needs Dask: pip install 'versus[dask]'") from None
        self.address = address
        try:
            self.client = Client(address, timeout=timeout or CONNECT_TIMEOUT,
                                 set_as_default=False)
        except (OSError, TimeoutError) as error:
            raise VersusError(f"cannot reach the Dask scheduler at {address}: "
                              f"{error}") from None

    remote = True
    """Renders on other machines: pages are still made locally."""

    def map(self, fn, jobs, limit=None):
        from distributed import as_completed

        from ..render.theme import Theme

        if fn is not render_job:  # anything else runs as it is
            futures = [self.client.submit(fn, job, pure=False) for job in jobs]
            translate = None
        else:
            jobs = list(jobs)
            if not jobs:
                return
            theme_dirs = tuple(Path(root) for root in jobs[0].roots[1:])
            static = Theme(theme_dirs).static_files()
            bundle = self.client.scatter(ThemeBundle.of(static), broadcast=True,
                                         hash=False)
            futures = [self.client.submit(render_shipped, ship(job), bundle, pure=False,
                                          retries=2) for job in jobs]
            translate = _Origins(Path(jobs[0].roots[0]), static)
        try:
            for future in as_completed(futures, loop=self.client.loop):
                result = future.result()
                yield translate(result) if translate else result
        finally:
            self.client.cancel(futures)

    def close(self) -> None:
        self.client.close()


class _Origins:
    """Turns the names a worker gives the files it read back into local paths."""

    def __init__(self, project: Path, static: dict[str, Path]):
        self.project, self.static = project, static

    def __call__(self, result):
        from ..security.sandbox import PROJECT_PREFIX, THEME_PREFIX

        read = []
        for origin in result.read:
            if origin.startswith(PROJECT_PREFIX):
                read.append(str(self.project / origin[len(PROJECT_PREFIX):]))
            elif origin.startswith(THEME_PREFIX):
                read.append(str(self.static[origin[len(THEME_PREFIX):]]))
        return dataclasses.replace(result, read=tuple(read))


@dataclass(frozen=True)
class ThemeBundle:
    """The theme's static files as bytes, sent once to each cluster worker."""

    digest: str
    files: dict[str, bytes]

    @classmethod
    def of(cls, static: dict[str, Path]) -> ThemeBundle:
        """Read ``static`` (name -> path, as ``Theme.static_files`` gives)."""
        files = {name: path.read_bytes() for name, path in sorted(static.items())}
        digest = hashlib.sha256()
        for name, data in files.items():
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        return cls(digest.hexdigest(), files)


@dataclass(frozen=True)
class ShippedJob:
    """A render job with the project files its page refers to, for a cluster."""

    job: PdfJob
    assets: dict[str, bytes]
    refused: dict[str, Exception] = field(default_factory=dict)
    """Why each project file the page refers to and may not read was refused."""


def ship(job: PdfJob) -> ShippedJob:
    """``job`` with the bytes of every project file its HTML refers to, and of the
    files its SVG images draw in turn; or why each of them was refused."""
    from urllib.parse import urljoin

    files = PackedFiles(LocalFiles(tuple(Path(root) for root in job.roots)))
    sandbox = Sandbox(files)
    pending = [urljoin(job.base_url, reference) for reference in references(job.html)]
    seen: set[str] = set()
    while pending:
        url = pending.pop()
        if url in seen:
            continue
        seen.add(url)
        try:
            data, kind, _ = sandbox.load(url)
        except (OSError, ValueError):
            continue  # the worker reports it, as a local render would
        if kind == "static" and urlsplit(url).path.lower().endswith(".css"):
            # The site's stylesheet: its fonts and images travel with it.
            pending += [urljoin(url, ref) for ref in css_references(data)]
    return ShippedJob(job, files.assets, files.refused)


CSS_URL_RE = re.compile(rb"""url\(\s*(?:'([^']*)'|"([^"]*)"|([^'")\s]+))\s*\)"""
                        rb"""|@import\s+(?:'([^']*)'|"([^"]*)")""")


def css_references(css: bytes) -> list[str]:
    """The URLs a stylesheet loads: its ``url()`` values and ``@import`` strings."""
    return [next(group for group in match.groups() if group is not None)
            .decode("utf-8", "replace") for match in CSS_URL_RE.finditer(css)]


def render_shipped(shipped: ShippedJob, theme: ThemeBundle) -> PdfResult:
    """Render a shipped job on a cluster worker; never raises.

    The render runs in a worker process this cluster worker's thread watches
    (``versus.executors.workers``), under the job's time limit, as a local render does:
    a render that overruns it is killed there, not left running on the cluster.
    """
    from ..executors.workers import Limit, WatchedPool

    watched = _WATCHED
    if getattr(watched, "digest", None) != theme.digest:  # one theme at a time
        if getattr(watched, "pool", None) is not None:
            watched.pool.close()
        watched.pool = WatchedPool(1, SHIPPED_PER_WORKER, (_receive_theme, theme))
        watched.digest = theme.digest
    limit = Limit(shipped.job.timeout, RENDERING, _stopped_shipped)
    return list(watched.pool.map(_render_shipped_here, [shipped], limit))[0]


SHIPPED_PER_WORKER = 1000
"""Renders a cluster worker's render process does before it is renewed, as a
local worker (``versus.executors.local.TASKS_PER_WORKER``): sooner if it holds
more memory than ``versus.executors.workers.HEAVY_BYTES`` after a render."""


def _stopped_shipped(shipped: ShippedJob, message: str) -> PdfResult:
    return PdfResult(shipped.job.slug, error=RenderError(message, shipped.job.source))


def _receive_theme(theme: ThemeBundle) -> None:
    """In a cluster worker's render process: the theme its jobs render with."""
    global _THEME
    _THEME = theme


def _render_shipped_here(shipped: ShippedJob) -> PdfResult:
    """Render a shipped job in this process, with the theme it was sent."""
    from ..executors.workers import stage

    def renderer() -> PdfRenderer:
        stage(None)  # trusted set-up, not limited: WeasyPrint, the fonts, the CSS
        made = _shipped_renderer(_THEME, Path(shipped.job.stylesheet).name)
        stage(RENDERING)
        made.files.assets = shipped.assets  # this job's images
        made.files.refused = shipped.refused
        return made

    return render_safely(shipped.job, renderer, _SHIPPED_RENDERERS.clear)


_WATCHED = threading.local()
"""A cluster worker thread's watched render process and its theme's digest."""


_THEME: ThemeBundle | None = None
"""In a render process of a cluster worker: the theme it was sent."""


_SHIPPED_RENDERERS: dict[tuple[str, str], PdfRenderer] = {}
"""This worker process's renderer for the theme it was last sent (one at a time)."""


def _shipped_renderer(theme: ThemeBundle, stylesheet: str) -> PdfRenderer:
    key = (theme.digest, stylesheet)
    if key not in _SHIPPED_RENDERERS:
        _SHIPPED_RENDERERS.clear()
        _SHIPPED_RENDERERS[key] = PdfRenderer(ShippedFiles({}, theme.files), stylesheet)
    return _SHIPPED_RENDERERS[key]
