"""Fingerprints and the build state: what is stale, and why.

Every output has a record of the inputs it was built from, each by digest:
the content and data files, the templates, the settings and options that
shape it, the tool versions, and the files the renderer actually read
(stylesheet, fonts, images). An output is rebuilt exactly when one of these
changed or the output is missing. Only the main process writes the state,
atomically, and only for outputs that were written.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import logging
from dataclasses import dataclass, field
import importlib.util
from pathlib import Path

from . import __version__
from .output import write_atomic

logger = logging.getLogger(__name__)
STATE_FILE = ".versus-state.json"
STATE_VERSION = 1
MAX_REFERENCES = 100
"""Template sources whose references the state remembers (the latest ones)."""


@functools.cache
def tool_versions() -> str:
    """Versus and WeasyPrint versions, found without importing WeasyPrint."""
    return f"versus {__version__}, weasyprint {_installed_version('weasyprint')}"


def _installed_version(name: str) -> str:
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


class Digests:
    """SHA-256 of files, each read at most once per build.

    Files are keyed by their name in the state (relative to the project when
    inside it), as plain strings: a build with nothing to do looks up thousands.
    """

    def __init__(self, project: Path):
        self.project = project
        self._prefix = str(project) + os.sep
        self._cache: dict[str, str] = {}

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
        if name not in self._cache:
            try:  # in chunks: a huge file costs time, not memory
                with open(self.project / name, "rb") as handle:
                    digest = hashlib.file_digest(handle, "sha256").hexdigest()
            except OSError:
                self._cache[name] = "missing"
            else:
                self._cache[name] = digest
        return self._cache[name]

    def files(self, paths) -> dict[str, str]:
        """``{name: digest}`` of ``paths``."""
        names = [self.name(path) for path in paths]
        return {name: self.of_name(name) for name in names}


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


class BuildState:
    """The records of the last successful build of each output."""

    def __init__(self, path: Path, records: dict | None = None,
                 handouts: dict | None = None):
        self.path = path
        self.records: dict[str, dict] = records or {}
        self.handouts: dict[str, dict] = handouts or {}
        self.template_references: dict[str, list[str]] = {}
        self._references_seen = 0
        self.dirty = False

    @classmethod
    def load(cls, path: Path) -> BuildState:
        """The state in ``path``; missing means empty, corrupt means empty with a warning."""
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != STATE_VERSION or not _well_formed(data):
                raise ValueError("unknown layout")
            state = cls(path, data["targets"], data.get("handouts", {}))
            references = data.get("template_references", {})
            if isinstance(references, dict):
                state.template_references.update(
                    (key, refs) for key, refs in references.items()
                    if isinstance(refs, list) and all(isinstance(r, str) for r in refs))
            state._references_seen = len(state.template_references)
            return state
        except (OSError, ValueError, AttributeError) as error:
            logger.warning("%s: build state unreadable (%s); rebuilding everything",
                           path, error)
            return cls(path)

    def save(self) -> None:
        """Write the state atomically."""
        references = dict(list(self.template_references.items())[-MAX_REFERENCES:])
        data = {"version": STATE_VERSION, "targets": self.records,
                "handouts": self.handouts, "template_references": references}
        write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True) + "\n")
        self.dirty = False
        self._references_seen = len(self.template_references)

    def decide(self, target: str, output: Path, inputs: dict[str, str],
               digests: Digests, force: bool = False) -> Decision:
        """Compare ``inputs`` and the files last read with the record of ``target``."""
        record = self.records.get(target)
        if force:
            return Decision(target, True, ["--force"])
        if record is None:
            return Decision(target, True, ["never built"])
        if not output.is_file():
            return Decision(target, True, ["output missing"])
        reasons = _changes(record.get("inputs", {}), inputs)
        read = record.get("read", {})
        current = {name: digests.of_name(name) for name in read}
        reasons = list(dict.fromkeys(reasons + _changes(read, current)))
        return Decision(target, bool(reasons), reasons or ["up to date"])

    def record(self, target: str, inputs: dict[str, str], read: dict[str, str]) -> None:
        """Remember what ``target`` was just built from."""
        self.records[target] = {"inputs": inputs, "read": read}
        self.dirty = True

    @property
    def changed(self) -> bool:
        """Whether there is anything new to save."""
        return self.dirty or len(self.template_references) != self._references_seen

    def forget(self, target: str) -> None:
        """Drop the record of ``target``."""
        if self.records.pop(target, None) is not None:
            self.dirty = True

    def remember(self, slug: str, **facts) -> None:
        """Keep what planning needs to know of a handout without parsing it again."""
        if self.handouts.get(slug) != facts:
            self.handouts[slug] = facts
            self.dirty = True

    def remembered(self, slug: str) -> dict:
        """The facts last remembered of ``slug``."""
        return self.handouts.get(slug, {})


def _well_formed(data: dict) -> bool:
    """Whether every record and fact in a loaded state has the shape ``decide`` expects."""
    def mapping_of_text(value) -> bool:
        return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())

    targets, handouts = data.get("targets"), data.get("handouts", {})
    return (isinstance(targets, dict) and isinstance(handouts, dict)
            and all(isinstance(record, dict) and mapping_of_text(record.get("inputs"))
                    and mapping_of_text(record.get("read")) for record in targets.values())
            and all(isinstance(facts, dict) for facts in handouts.values()))


def _changes(old: dict[str, str], new: dict[str, str]) -> list[str]:
    reasons = [f"{name} changed" for name in sorted(new) if name in old
               and old[name] != new[name]]
    reasons += [f"{name} is new" for name in sorted(set(new) - set(old))]
    reasons += [f"{name} is gone" for name in sorted(set(old) - set(new))]
    return reasons
