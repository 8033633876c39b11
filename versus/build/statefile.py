"""The build state's SQLite file: its tables, the query that finds malformed rows,
canonical JSON for its values, and what a failed save says."""

from __future__ import annotations

import errno
import json
import os
import re
import sqlite3
from pathlib import Path

from ..errors import VersusError

STATE_FILE = "state.db"
"""The build state, in the project's ``.versus/`` (``versus.output.WORK_DIR``)."""
OLD_STATE_FILES = (*(f".versus-state.db{end}" for end in ("", "-journal", "-wal", "-shm")),
                   ".versus-state.json")
"""Where older versions kept the state, in output/: removed when met (one full build)."""
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files(name TEXT PRIMARY KEY, size INTEGER NOT NULL,
    mtime INTEGER NOT NULL, digest TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS targets(target TEXT PRIMARY KEY, own TEXT NOT NULL,
    shared TEXT NOT NULL, read TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sets(key TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS handouts(slug TEXT PRIMARY KEY, facts TEXT NOT NULL)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pages(target TEXT PRIMARY KEY, digest TEXT NOT NULL)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checks(slug TEXT PRIMARY KEY, key TEXT NOT NULL,
    findings TEXT NOT NULL) WITHOUT ROWID;
"""
MALFORMED = """SELECT
 (SELECT count(*) FROM targets WHERE NOT json_valid(own) OR json_type(own) != 'object'
    OR shared NOT IN (SELECT key FROM sets) OR read NOT IN (SELECT key FROM sets))
 + (SELECT count(*) FROM files WHERE typeof(size) != 'integer'
    OR typeof(mtime) != 'integer' OR typeof(digest) != 'text')
 + (SELECT count(*) FROM sets WHERE NOT json_valid(body) OR json_type(body) != 'object')
 + (SELECT count(*) FROM handouts WHERE NOT json_valid(facts)
    OR json_type(facts) != 'object')"""


_PLAIN = re.compile(r"[A-Za-z0-9/._ -]*")
"""Text that JSON writes as it is, between quotes."""


def json_text(value) -> str:
    """The compact, canonical JSON of any JSON-able ``value``."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def canonical(value: dict) -> str:
    """The compact, canonical JSON of ``value``."""
    if len(value) < 4 and all(type(text) is str and _PLAIN.fullmatch(text)
                              for text in (*value, *value.values())):
        # what json.dumps writes for these, at a fifth of its cost: one per output
        return "{" + ",".join(f'"{key}":"{value[key]}"' for key in sorted(value)) + "}"
    return json_text(value)


SQLITE_ERRNOS = {"SQLITE_FULL": errno.ENOSPC, "SQLITE_READONLY": errno.EROFS,
                 "SQLITE_PERM": errno.EACCES, "SQLITE_CANTOPEN": errno.EACCES}
"""The file-system errors behind SQLite's result codes."""
SQLITE_MESSAGES = {"database or disk is full": errno.ENOSPC,
                   "attempt to write a readonly database": errno.EROFS}
"""The same, known by their messages (an error may come without its code)."""


def save_error(path: Path, error: sqlite3.Error) -> VersusError:
    """The one-line error for ``error``, met while saving the state at ``path``."""
    code = SQLITE_ERRNOS.get(getattr(error, "sqlite_errorname", None) or "",
                             SQLITE_MESSAGES.get(str(error)))
    reason = os.strerror(code).lower() if code else str(error) or type(error).__name__
    return VersusError(f"cannot write: {reason} while saving the build state; the "
                       "outputs are kept", path)
