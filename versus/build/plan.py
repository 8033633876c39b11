"""Planning: what is stale, and why, from fingerprints.

Every output has a record of the inputs it was built from, each by digest:
the content and data files, the templates, the settings and options that
shape it, the tool versions, and the files the renderer actually read
(stylesheet, fonts, images). An output is rebuilt exactly when one of these
changed or the output is missing. Only the main process writes the state
(``versus.build.state``), and only for outputs that were written.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..content import items
from ..content.files import CONTENT_DIR
from ..settings import CHECK_ONLY
from ..render.theme import INDEX_TEMPLATE, ITEM_TEMPLATE, TAG_TEMPLATE
from ..web import data
from ..web.site import INDEX, SEARCH_INDEX
from . import printcopy
from .statefile import canonical

if TYPE_CHECKING:
    from .pipeline import Build
    from .state import BuildState


@functools.cache
def tool_versions() -> str:
    """Versus and WeasyPrint versions, found without importing WeasyPrint."""
    return f"versus {__version__}, weasyprint {installed_version('weasyprint')}"


def installed_version(name: str) -> str:
    """The version in the ``dist-info`` beside package ``name`` (cheaper than
    ``importlib.metadata``, which costs more than a no-op build may spend)."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return "missing"
    site = Path(spec.origin).parent.parent
    found = sorted(site.glob(f"{name}-*.dist-info"))
    if not found:
        from importlib import metadata

        return metadata.version(name)
    return found[-1].name[len(name) + 1:-len(".dist-info")]


COMPILED = "(compiled)"
"""How the fingerprints of what files compile to are named: after the file."""


class Digests:
    """SHA-256 of files, each read at most once per build, and not at all when
    its fingerprint (size and time of change) is the one ``known`` holds.

    Files are keyed by their name in the state (relative to the project when
    inside it), as plain strings: a build with nothing to do looks up thousands.
    ``stats`` may give fingerprints already taken (by a scan of content/);
    ``fresh`` collects the fingerprints of the files that had to be read.
    """

    def __init__(self, project: Path, known: dict[str, tuple[int, int, str]] | None = None,
                 stats: dict[str, tuple[int, int]] | None = None):
        self.project = project
        self._prefix = str(project) + os.sep
        self._cache: dict[str, str] = {}
        self.known = known or {}
        self.stats = stats or {}
        self.fresh: dict[str, tuple[int, int, str]] = {}

    def name(self, path: Path | str) -> str:
        """How ``path`` is named in the state: relative to the project when inside."""
        text = str(path)
        if text.startswith(self._prefix):
            return text[len(self._prefix):].replace(os.sep, "/")
        return Path(text).as_posix()

    def of(self, path: Path | str) -> str:
        """The digest of the file ``path`` (a path, or a name in the state)."""
        return self.of_name(self.name(path))

    def of_name(self, name: str) -> str:
        """The digest of the file the state calls ``name``, or 'missing'."""
        if name in self._cache:
            return self._cache[name]
        try:
            size, mtime = self.stats.get(name) or fingerprint(os.stat(self.project / name))
            known = self.known.get(name)
            if known is not None and known[0] == size and known[1] == mtime:
                digest = known[2]
            else:
                with open(self.project / name, "rb") as handle:  # in chunks: a huge
                    digest = hashlib.file_digest(handle, "sha256").hexdigest()  # file
                self.fresh[name] = (size, mtime, digest)  # costs time, not memory
        except OSError:
            digest = "missing"
        self._cache[name] = digest
        return digest

    def compiled(self, paths, code) -> dict[str, str]:
        """``{name: code(path)}`` of ``paths`` (what a template compiles to, say),
        each computed once per change of the file, as a file's digest is."""
        found = {}
        for path in paths:
            name = self.name(path)
            key = f"{name} {COMPILED}"
            if key not in self._cache:
                try:
                    size, mtime = fingerprint(os.stat(path))
                except OSError:
                    self._cache[key] = "missing"
                else:
                    known = self.known.get(key)
                    if known is not None and known[0] == size and known[1] == mtime:
                        self._cache[key] = known[2]
                    else:
                        self._cache[key] = code(Path(path))
                        self.fresh[key] = (size, mtime, self._cache[key])
            found[name] = self._cache[key]
        return found

    def files(self, paths) -> dict[str, str]:
        """``{name: digest}`` of ``paths``."""
        names = [self.name(path) for path in paths]
        return {name: self.of_name(name) for name in names}


def fingerprint(stat: os.stat_result) -> tuple[int, int]:
    """What says a file is unchanged without reading it: its size and the last
    time it changed (its ctime too: an edit whose mtime was set back still shows)."""
    return stat.st_size, max(stat.st_mtime_ns, stat.st_ctime_ns)


def value_digest(value) -> str:
    """The digest of a JSON-able value, keys sorted."""
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Decision:
    """Whether one output must be built, and why."""

    target: str
    stale: bool
    reasons: list[str] = field(default_factory=list)


def changes(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """Why ``new`` inputs differ from ``old`` ones, name by name."""
    reasons = [f"{name} changed" for name in sorted(new) if name in old
               and old[name] != new[name]]
    reasons += [f"{name} is new" for name in sorted(set(new) - set(old))]
    reasons += [f"{name} is gone" for name in sorted(set(old) - set(new))]
    return reasons


def shared_inputs(digests: Digests, files: Iterable[Path], settings, drop: tuple = (),
                  versions: str | None = None, checking: bool = False) -> dict[str, str]:
    """What every output of a kind depends on beyond its own files, by digest: the
    ``files`` it is made with (templates, stylesheets, translations), every setting
    but ``drop`` (the scheduler never changes an output, and only ``checking``
    reads ``settings.CHECK_ONLY``), SOURCE_DATE_EPOCH, and the tools' versions. The
    build, the booklet and ``check`` all key on it."""
    from ..render.pages import source_date

    values = asdict(settings)
    for key in ("scheduler", *drop, *(() if checking else CHECK_ONLY)):
        values.pop(key)
    inputs = digests.files(list(files))
    inputs.update((f"setting {key}", value_digest(value)) for key, value in values.items())
    inputs["SOURCE_DATE_EPOCH"] = value_digest(source_date())
    inputs["versions"] = value_digest(versions or tool_versions())
    return inputs


def decide(state: BuildState, target: str, output: Path | None, inputs: dict[str, str],
           digests: Digests, force: bool = False, shared: dict[str, str] | None = None,
           present: bool | None = None) -> Decision:
    """Whether ``target`` is stale: ``inputs`` (with the ``shared`` ones) and the
    files it last read compared with its record in ``state``; ``present`` says
    whether the output exists, when the caller already knows."""
    if force:
        return Decision(target, True, ["--force"])
    record = state.records.get(target)
    if record is None:
        return Decision(target, True, ["never built"])
    if not (output.is_file() if present is None else present):
        return Decision(target, True, ["output missing"])
    shared_key = state.set_key(shared or {})
    reasons = []
    if canonical(inputs) != record[0] or shared_key != record[1]:
        old = {**json.loads(state.sets.get(record[1], "{}")), **json.loads(record[0])}
        reasons = changes(old, {**(shared or {}), **inputs})
    reasons += state.read_changes(record[2], digests)
    reasons = list(dict.fromkeys(reasons))
    return Decision(target, bool(reasons), reasons or ["up to date"])


def plan_handout(run: Build, fmt: str, slug: str,
                 path: Path) -> tuple[Decision, dict[str, str]]:
    """Whether ``fmt`` of handout ``slug`` is stale; its own inputs (the shared
    ones are ``shared_inputs(fmt)``)."""
    names = run.scanned.names.get(slug)
    if names is None:
        inputs = run.digests.files([path, *run.scanned.data_files(slug, path)])
    else:  # named by the scan already: no path to turn into a name
        inputs = {name: run.digests.of_name(name) for name in names}
    inputs.update(run.uses.inputs(slug))  # profiles, passages, related comparisons
    target = f"{fmt}/{slug}.{fmt}"
    decision = decide(run.state, target, None, inputs, run.digests, run.options.force,
                      run.shared_inputs(fmt), target in run.present)
    if (fmt == "pdf" and run.options.keep_html and not decision.stale
            and printcopy.target(slug) not in run.present):
        decision = Decision(target, True, ["its print HTML (--keep-html) is missing"])
    return decision, inputs


def plan_index(run: Build, found: list[tuple[str, Path]]) -> tuple[Decision, dict]:
    """The index lists every handout: it depends on all their files (kept in
    its record as one digest of them all)."""
    paths = [p for slug, path in found
             for p in (path, *run.scanned.data_files(slug, path))]
    paths += items.paths(run.project / CONTENT_DIR)  # the items' pages show profiles
    templates = {*run.pages.templates_used(INDEX_TEMPLATE),
                 *run.pages.templates_used(TAG_TEMPLATE),
                 *run.pages.templates_used(ITEM_TEMPLATE)}
    inputs = run.digests.files(sorted(templates))
    inputs["content files"] = value_digest(run.digests.files(paths))
    inputs["drafts"] = value_digest(run.options.drafts)
    if run.booklet_linked:  # the booklet is made, or about to be: the index links it
        inputs["booklet"] = value_digest(run.booklet_linked)
    decision = decide(run.state, INDEX, run.output / INDEX, inputs, run.digests,
                      run.options.force, run.shared_inputs("html"))
    if not decision.stale and not (run.output / SEARCH_INDEX).is_file():
        decision = Decision(INDEX, True, [f"{SEARCH_INDEX} missing"])
    elif not decision.stale and (gone := data.missing(
            run.present, [slug for slug, _ in found if included(run, slug)])):
        decision = Decision(INDEX, True, [f"{gone} missing"])
    return decision, inputs


def included(run: Build, slug: str) -> bool:
    """Whether an unparsed, up-to-date handout counts (drafts only with --drafts)."""
    return run.options.drafts or not run.state.remembered(slug).get("draft", False)
