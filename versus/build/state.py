"""The build-state store: what each output was last built from, in SQLite.

``.versus/state.db`` (beside output/, never in it) holds one row per output (its
own inputs as compact JSON, and keys of the input sets many outputs share: the
templates and settings of a format, the files a renderer read; for a PDF, the
page it was rendered from), one row per file fingerprint (size,
time of last change, SHA-256) so unchanged files are never read again, and the
facts planning remembers of each handout. It is read once at the start of a
build into compact rows and written once at the end, in one transaction: a build
killed at any point leaves the last committed state (SQLite's rollback journal
undoes a half-written one). An unreadable state is a warning and a full rebuild.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from pathlib import Path

from ..output import OUTPUT_DIR, WORK_DIR
from .plan import Digests, changes, value_digest
from .statefile import (MALFORMED, OLD_STATE_FILES, SCHEMA, STATE_FILE, canonical,
                        json_text, save_error)

logger = logging.getLogger(__name__)
SCHEMA_VERSION = "2"
MAX_REFERENCES = 100
"""Template sources whose references the state remembers (the latest ones)."""
RACY_NS = 2_000_000_000
"""A file changed this close to a save may change again within the same mtime:
its fingerprint is stored as unknown, so the next build reads it again (as Git
does with racily clean files)."""


class UnreadableState(Exception):
    """The state file exists but cannot be used."""


class _Fingerprints:
    def __init__(self, state: BuildState):
        self.get = state.fingerprint


class BuildState:
    """The records of the last successful build of each output.

    Opening reads the small ``meta`` table only; the rows are read, all at once,
    the first time a record, a handout's facts or the fingerprints in bulk are
    asked for. A build whose snapshot (``snapshot``) shows nothing changed never
    asks: it reads a few fingerprints one by one and no row else.
    """

    def __init__(self, path: Path):
        self.path = path
        self._records: dict[str, tuple[str, str, str]] = {}
        """target -> (own inputs as JSON, shared set key, read set key)"""
        self._files: dict[str, tuple[int, int, str]] = {}
        """file name -> (size, time of change in ns, digest): the fingerprints"""
        self._sets: dict[str, str] = {}
        self._handouts: dict[str, str] = {}
        self._pages: dict[str, str] = {}
        """target -> the digest of the page its PDF was rendered from (``samepage``)"""
        self._facts: dict[str, dict] = {}
        self.meta: dict[str, str] = {}
        self.template_references: dict[str, list[str]] = {}
        self._references_seen = 0
        self._written: dict[str, tuple[str, str, str]] = {}
        self._forgotten: set[str] = set()
        self._new_facts: dict[str, str] = {}
        self._new_files: dict[str, tuple[int, int, str]] = {}
        self.set_keys: dict[str, str] = {}
        self._by_id: dict[int, tuple[dict, str]] = {}
        self._read_ok: dict[str, list[str]] = {}
        self._checks: dict[str, tuple[str, str]] = {}
        self._checks_kept: set[str] | None = None
        self._snapshots: dict[str, str | None] = {}
        self._con: sqlite3.Connection | None = None
        self._discard = False

    @classmethod
    def for_project(cls, project: Path) -> BuildState:
        """The state of ``project`` (``.versus/state.db``). An older version's, in
        output/, is removed: the build it serves rebuilds everything once."""
        for old in (project / OUTPUT_DIR / name for name in OLD_STATE_FILES):
            if old.is_file() and not old.is_symlink():
                if old.name in OLD_STATE_FILES[::4]:  # the file itself, not a journal
                    logger.info("%s: a build state of an older version; rebuilding "
                                "everything once", old)
                old.unlink()
        return cls.load(project / WORK_DIR / STATE_FILE)

    @classmethod
    def load(cls, path: Path) -> BuildState:
        """The state in ``path``; missing means empty, unreadable means empty with a
        warning (the file is then replaced when the build saves)."""
        state = cls(path)
        if not path.exists():
            return state
        try:
            state._open()
        except (sqlite3.Error, UnreadableState, ValueError, TypeError) as error:
            state._unreadable(error)
        return state

    def _unreadable(self, error: Exception) -> None:
        logger.warning("%s: build state unreadable (%s); rebuilding everything",
                       self.path, error)
        self.close()
        self.__init__(self.path)
        self._discard = True

    def _open(self) -> None:
        """Open the database and read ``meta``."""
        with open(self.path, "rb") as handle:  # sqlite3 would make a missing file
            if handle.read(16) != b"SQLite format 3\x00":
                raise UnreadableState("not a build state database")
        # Read-write, so that SQLite can roll back what a killed build half wrote.
        self._con = sqlite3.connect(f"file:{self.path}?mode=rw", uri=True)
        self.meta = dict(self._con.execute("SELECT key, value FROM meta"))
        if self.meta.get("version") != SCHEMA_VERSION:
            raise UnreadableState(f"unknown version {self.meta.get('version')!r}")
        references = json.loads(self.meta.get("template_references", "{}"))
        if isinstance(references, dict):
            self.template_references.update(
                (key, refs) for key, refs in references.items()
                if isinstance(refs, list) and all(isinstance(r, str) for r in refs))
        self._references_seen = len(self.template_references)

    def close(self) -> None:
        """Let go of the database (reading it again is not possible)."""
        if self._con is not None:
            self._con.close()
            self._con = None

    def _rows(self) -> None:
        """Read every row once, in one read transaction."""
        con, self._con = self._con, None
        if con is None:
            return
        try:
            if con.execute(MALFORMED).fetchone()[0]:
                raise UnreadableState("malformed rows")
            self._files = {name: (size, mtime, digest) for name, size, mtime, digest
                           in con.execute("SELECT name, size, mtime, digest FROM files")}
            keys: dict[str, str] = {}  # one string per set key, not one per row
            self._records = {target: (own, keys.setdefault(shared, shared),
                                      keys.setdefault(read, read))
                             for target, own, shared, read in con.execute(
                                 "SELECT target, own, shared, read FROM targets")}
            self._sets.update(con.execute("SELECT key, body FROM sets"))
            self._handouts = dict(con.execute("SELECT slug, facts FROM handouts"))
            if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'pages'").fetchone():
                self._pages = dict(con.execute("SELECT target, digest FROM pages"))
        except (sqlite3.Error, UnreadableState) as error:
            con.close()
            self._unreadable(error)
            return
        con.close()

    @property
    def records(self) -> dict[str, tuple[str, str, str]]:
        """target -> (own inputs as JSON, shared set key, read set key)"""
        self._rows()
        return self._records

    @property
    def pages(self) -> dict[str, str]:
        """target -> the digest of the page its PDF was rendered from"""
        self._rows()
        return self._pages

    @property
    def sets(self) -> dict[str, str]:
        self._rows()
        return self._sets

    @property
    def files(self) -> _Fingerprints:
        """The fingerprints, as ``Digests`` asks for them (``.get(name)``)."""
        return _Fingerprints(self)

    def all_fingerprints(self) -> dict[str, tuple[int, int, str]]:
        """Every fingerprint at once, without the other rows (for ``check``, which
        asks for all of them)."""
        if self._con is None:
            return self._files
        try:
            return {name: (size, mtime, digest) for name, size, mtime, digest in
                    self._con.execute("SELECT name, size, mtime, digest FROM files")
                    if isinstance(digest, str)}
        except sqlite3.Error:
            return {}

    def fingerprint(self, name: str) -> tuple[int, int, str] | None:
        """The fingerprint of file ``name``: from the rows when read, else looked up."""
        if self._con is None:
            return self._files.get(name)
        try:
            row = self._con.execute("SELECT size, mtime, digest FROM files WHERE name = ?",
                                    (name,)).fetchone()
        except sqlite3.Error:
            return None  # reading every row will say what is wrong
        return tuple(row) if row and isinstance(row[2], str) else None

    def snapshot(self, fmt: str) -> dict | None:
        """What the last complete build of ``fmt`` saw (``set_snapshot``)."""
        try:
            value = json.loads(self.meta.get(f"snapshot {fmt}", "null"))
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def set_snapshot(self, fmt: str, value: dict | None) -> None:
        """Say that every ``fmt`` output is current for what ``value`` describes
        (None: not known). A save that changes a record of ``fmt`` without a new
        snapshot drops the old one."""
        self._snapshots[fmt] = None if value is None else json_text(value)

    def _discard_file(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    # --------------------------------------------------- what planning asks

    def read_changes(self, key: str, digests: Digests) -> list[str]:
        """What changed among the files of read set ``key`` (checked once a build)."""
        if key not in self._read_ok:
            read = json.loads(self.sets.get(key, "{}"))
            self._read_ok[key] = changes(read, {name: digests.of_name(name)
                                                for name in read})
        return self._read_ok[key]

    def set_key(self, values: dict[str, str]) -> str:
        """The key of an input set: the digest of its JSON, kept in ``sets``."""
        seen = self._by_id.get(id(values))
        if seen is not None and seen[0] is values:  # the same shared dict, again
            return seen[1]
        body = canonical(values)
        key = self.set_keys.get(body)
        if key is None:
            key = self.set_keys[body] = value_digest(body)[:32]
            self._sets.setdefault(key, body)
        self._by_id[id(values)] = (values, key)  # holding it: its id stays its own
        return key

    # ------------------------------------------------------------- changes

    def record(self, target: str, inputs: dict[str, str], read: dict[str, str],
               shared: dict[str, str] | None = None, page: str | None = None) -> None:
        """Remember what ``target`` was just built from (for a PDF, from which page)."""
        row = (canonical(inputs), self.set_key(shared or {}), self.set_key(read))
        self.records[target] = row
        self._written[target] = row
        self._forgotten.discard(target)
        self.pages.pop(target, None)
        if page is not None:
            self.pages[target] = page

    def forget(self, target: str) -> None:
        """Drop the record of ``target``."""
        if self.records.pop(target, None) is not None:
            self._written.pop(target, None)
            self._forgotten.add(target)
            self._pages.pop(target, None)

    def remember(self, slug: str, **facts) -> None:
        """Keep what planning needs to know of a handout without parsing it again."""
        text = canonical(facts)
        self._rows()
        if self._handouts.get(slug) != text:
            self._handouts[slug] = self._new_facts[slug] = text

    def remembered(self, slug: str) -> dict:
        """The facts last remembered of ``slug``."""
        self._rows()
        text = self._handouts.get(slug, "{}")
        if text not in self._facts:  # most handouts share the same few facts
            self._facts[text] = json.loads(text)
        return self._facts[text]

    def learn(self, digests: Digests) -> None:
        """Keep the fingerprints of the files ``digests`` had to read."""
        self._new_files.update(digests.fresh)
        self._files.update(digests.fresh)

    def checks(self) -> dict[str, tuple[str, str]]:
        """What ``check`` found last, by slug: (its key, the findings as JSON). Read
        only when asked: a build never needs them."""
        if not self.path.exists():
            return {}  # none yet, or unreadable (load has warned and removed it)
        try:
            con = sqlite3.connect(f"file:{self.path}?mode=rw", uri=True)
            try:
                return {slug: (key, findings) for slug, key, findings in con.execute(
                    "SELECT slug, key, findings FROM checks")}
            finally:
                con.close()
        except sqlite3.Error:  # a state of this version without checks yet
            return {}

    def keep_checks(self, checks: dict[str, tuple[str, str]]) -> None:
        """Keep these check results, and only these (others are dropped on save)."""
        self._checks = dict(checks)
        self._checks_kept = set(checks)

    @property
    def changed(self) -> bool:
        """Whether there is anything new to save."""
        return bool(self._written or self._forgotten or self._new_facts
                    or self._new_files or self._checks_kept is not None or self._discard
                    or any(self.meta.get(f"snapshot {fmt}") != value
                           for fmt, value in self._snapshots.items())
                    or len(self.template_references) != self._references_seen)

    def save(self) -> None:
        """Write what changed in one transaction."""
        try:
            self._save()
        except sqlite3.Error as error:  # a full disk, a read-only folder
            raise save_error(self.path, error) from None
        self._written.clear()
        self._forgotten.clear()
        self._new_facts.clear()
        self._new_files.clear()
        self._checks_kept = None
        self._snapshots.clear()
        self._references_seen = len(self.template_references)

    def _save(self) -> None:
        self.close()
        if self._discard:  # unreadable: replaced, not mended
            self._discard_file()
            self._discard = False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, isolation_level=None)
        try:
            con.executescript(SCHEMA)
            con.execute("BEGIN IMMEDIATE")
            self._write(con)
            con.execute("COMMIT")
        finally:
            con.close()

    def _write(self, con: sqlite3.Connection) -> None:
        racy = time.time_ns() - RACY_NS
        references = dict(list(self.template_references.items())[-MAX_REFERENCES:])
        con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                        [("version", SCHEMA_VERSION),
                         ("template_references", json.dumps(references))])
        touched = {target.partition("/")[0] for target in (*self._written,
                                                           *self._forgotten)}
        snapshots = {**dict.fromkeys(touched), **self._snapshots}
        con.executemany("DELETE FROM meta WHERE key = ?",
                        [(f"snapshot {fmt}",) for fmt, value in snapshots.items()
                         if value is None])
        con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                        [(f"snapshot {fmt}", value) for fmt, value in snapshots.items()
                         if value is not None])
        self.meta.update((f"snapshot {fmt}", value) for fmt, value in snapshots.items()
                         if value is not None)
        con.executemany("DELETE FROM targets WHERE target = ?",
                        [(target,) for target in self._forgotten])
        con.executemany("INSERT OR REPLACE INTO targets VALUES (?, ?, ?, ?)",
                        [(target, *row) for target, row in self._written.items()])
        con.executemany("DELETE FROM pages WHERE target = ?", [
            (t,) for t in (*self._forgotten, *self._written) if t not in self._pages])
        con.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?)", [
            (t, self._pages[t]) for t in self._written if t in self._pages])
        used = {key for row in self._written.values() for key in row[1:]}
        con.executemany("INSERT OR IGNORE INTO sets VALUES (?, ?)",
                        [(key, self._sets[key]) for key in used])
        con.executemany("INSERT OR REPLACE INTO handouts VALUES (?, ?)",
                        list(self._new_facts.items()))
        con.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                        [(name, size, -1 if mtime >= racy else mtime, digest)
                         for name, (size, mtime, digest) in self._new_files.items()])
        if self._checks_kept is not None:
            con.execute("DELETE FROM checks")
            con.executemany("INSERT INTO checks VALUES (?, ?, ?)",
                            [(slug, *row) for slug, row in self._checks.items()])
        if self._forgotten or self._written:
            con.execute("DELETE FROM sets WHERE key NOT IN (SELECT shared FROM targets)"
                        " AND key NOT IN (SELECT read FROM targets)")


def dump(path: Path) -> dict:
    """The state in ``path`` as plain data: ``{"targets": {target: {"inputs": {…},
    "read": {…}}}, "handouts": {slug: facts}}`` (for tests and debugging)."""
    state = BuildState(path)
    state._open()
    state._rows()
    targets = {target: {"inputs": {**json.loads(state.sets[shared]), **json.loads(own)},
                        "read": json.loads(state.sets[read])}
               for target, (own, shared, read) in state.records.items()}
    return {"targets": targets,
            "handouts": {slug: json.loads(text) for slug, text in state._handouts.items()}}


