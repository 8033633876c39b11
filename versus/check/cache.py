"""What ``check`` remembers between runs: each handout's findings, under a key of
everything they depend on (its files, the theme, the settings, the images, the
time limit when one stopped it), kept in the build state."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from .. import errors as error_types
from ..build.plan import Digests, shared_inputs, value_digest
from ..build.scan import Scan
from ..build.state import BuildState
from ..build.statefile import canonical
from ..content.files import shared_files
from ..content.lint import Finding
from ..errors import VersusError
from ..output import OUTPUT_DIR, build_lock
from ..render.pages import Pages
from ..settings import HIDDEN_PREFIXES

if TYPE_CHECKING:
    from .checks import CheckResult


TIMED_OUT_RE = re.compile(r" took longer than [0-9.e+]+ s; stopped$")
"""The message of a finding a time limit made (``versus.executors.limits``,
``versus.executors.workers``)."""
INDEX_KEY = "/index"
"""The state's name for the findings of the index's templates (no slug has a '/'
at its start)."""


class FindingsCache:
    """The findings of the last check, by slug, and the keys they hold under."""

    def __init__(self, project: Path, pages: Pages, state: BuildState, scanned: Scan,
                 timeout: float | None = None):
        self.project, self.pages, self.state, self.scanned = (project, pages, state,
                                                              scanned)
        self.limit = f"timeout={timeout!r}"
        """Part of the key of findings that a time limit stopped."""
        self.digests = Digests(project, state.all_fingerprints(), scanned.stats)
        self.old = state.checks()
        self.new: dict[str, tuple[str, str]] = {}
        self.shared = self._shared()
        self.own: dict[str, str] = {}
        """Each handout's own part of its key: its files' names and digests."""

    def _shared(self) -> str:
        """The key of what every handout's findings depend on."""
        pages = self.pages
        # Every file of the theme, not those a template names: a broken template
        # names none, and the theme's files are few.
        files = sorted(path for folder in pages.theme.dirs for path in folder.rglob("*")
                       if path.is_file())
        files += shared_files(self.project)  # profiles, passages: few, and shared
        images = [self._image(path) for path in [*self.scanned.assets(self.project),
                                                 *project_images(self.project)]]
        return value_digest([shared_inputs(self.digests, files, pages.settings,
                                           checking=True),
                             sorted(slug for slug, _ in self.scanned.found), images])

    def _image(self, path: Path) -> str:
        """An image by name and by what says it is the same file (size, time, inode,
        of the file a link points to): one replaced or re-pointed is another."""
        try:
            stat = os.stat(path)
        except OSError:
            return f"{self.digests.name(path)} missing"
        return (f"{self.digests.name(path)} {stat.st_size} "
                f"{max(stat.st_mtime_ns, stat.st_ctime_ns)} {stat.st_dev} {stat.st_ino}")

    def key(self, slug: str, path: Path | None) -> str:
        """The key of ``slug``'s findings (of the index's, when ``path`` is None)."""
        if path is None:
            return value_digest([self.shared, list(self.own.items())])
        names = self.scanned.names.get(slug)
        if names is None:
            own = canonical(self.digests.files([path, *self.scanned.data_files(slug,
                                                                               path)]))
        else:  # names made of a slug's characters: nothing to quote to keep them apart
            of = self.digests.of_name
            own = " ".join([f"{name}={of(name)}" for name in names])
        self.own[slug] = own
        return f"{self.shared} {own}"  # no hashing: 10,000 of them

    def reuse(self, slug: str, path: Path | None, result: CheckResult,
              count: bool = True) -> bool:
        """Add the kept findings of ``slug`` to ``result`` if they still hold."""
        key = self.key(slug, path)
        old = self.old.get(slug)
        if old is None or old[0] not in (key, f"{key} {self.limit}"):
            return False
        try:
            result.findings.extend(load_findings(old[1], self.project))
        except (ValueError, TypeError, KeyError, AttributeError):
            return False  # a damaged record: check again
        self.new[slug] = old
        result.reused += count
        return True

    def keep(self, slug: str, findings) -> None:
        """Remember the findings just made for ``slug``."""
        if slug in self.own or slug == INDEX_KEY:
            key = (self.key(slug, None) if slug == INDEX_KEY
                   else f"{self.shared} {self.own[slug]}")
            if any(TIMED_OUT_RE.search(finding.error.message) for finding in findings):
                key += f" {self.limit}"  # holds only under the same time limit
            self.new[slug] = (key, dump_findings(findings, self.project))

    def save(self) -> None:
        """Save the findings and fingerprints, if anything changed."""
        self.state.learn(self.digests)
        if self.new != self.old:
            self.state.keep_checks(self.new)
        if self.state.changed and (self.project / OUTPUT_DIR).is_dir():
            try:
                with build_lock(self.project):
                    self.state.save()
            except VersusError:  # a read-only project: checked, just not remembered
                pass


def project_images(project: Path) -> list[Path]:
    """Image files of the project outside content/ and output/ (few): a handout
    may show them, so their coming and going can change its findings."""
    from ..security.images import SUFFIXES

    found = []
    for folder, dirs, files in os.walk(project):
        dirs[:] = sorted(d for d in dirs if not d.startswith(HIDDEN_PREFIXES)
                         and not (folder == str(project) and d in ("content", "output")))
        found += [Path(folder, name) for name in sorted(files)
                  if os.path.splitext(name)[1].lower() in SUFFIXES]
    return found


def dump_findings(findings, project: Path) -> str:
    """Findings as JSON, paths inside the project relative to it."""
    prefix = str(project) + os.sep
    return json.dumps([[f.severity, f.code, type(f.error).__name__, f.error.message,
                        f.error.path[len(prefix):] if f.error.path
                        and f.error.path.startswith(prefix) else f.error.path,
                        f.error.line, f.error.column] for f in findings])


def load_findings(text: str, project: Path) -> list[Finding]:
    """The findings ``dump_findings`` wrote."""
    if text == "[]":  # most handouts': no need to parse it
        return []
    findings = []
    for severity, code, kind, message, path, line, column in json.loads(text):
        cls = getattr(error_types, kind, VersusError)
        if not (isinstance(cls, type) and issubclass(cls, VersusError)):
            cls = VersusError
        where = None if path is None else str(project / path)
        findings.append(Finding(severity, code, cls(message, where, line, column)))
    return findings
