"""PDFs rendered on a Dask cluster: each job shipped with the bytes it reads.

Dask (``pip install 'versus[dask]'``) is imported only when a build names a
scheduler; the executor has the interface of ``versus.executors.local``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

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

        from .renderer import ThemeBundle, render_job, render_shipped, ship
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
