"""Writing outputs: atomically, so a failed build never leaves a partial file.

A build holds a lock on ``output/.versus.lock`` while it writes, so two builds of one
project never mix their outputs; with the lock held it first removes the
temporary files a killed build could not (only ``.versus-tmp-*`` below output/).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import VersusError

logger = logging.getLogger(__name__)
OUTPUT_DIR = "output"
TEMP_PREFIX = ".versus-tmp-"
LOCK_FILE = ".versus.lock"


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX + path.name + ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except OSError as error:
        Path(temp).unlink(missing_ok=True)
        if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES):
            raise VersusError(f"cannot write: {os.strerror(error.errno)}; "
                              "the last good output is kept", path) from None
        raise
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def mirror(source: Path, target: Path, read=Path.read_bytes) -> bool:
    """Copy ``source`` to ``target`` with its times, unless it already holds the
    same bytes: same size and time is taken as same bytes, without reading them.
    ``read`` reads the source (and may refuse it by raising)."""
    stat = source.stat()
    try:
        copied = target.stat()
    except FileNotFoundError:
        copied = None
    if copied and copied.st_size == stat.st_size and (
            copied.st_mtime_ns == stat.st_mtime_ns
            or target.read_bytes() == read(source)):
        return False
    write_atomic(target, read(source))
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return True


def clean(output: Path) -> bool:
    """Delete the generated ``output`` folder; False when there was none."""
    if not output.exists():
        return False
    shutil.rmtree(output)
    return True


def remove_stale_temps(output: Path) -> int:
    """Delete the temporary files a killed build left below ``output``; how many."""
    removed = 0
    if output.is_dir():
        for path in output.rglob(TEMP_PREFIX + "*"):
            if path.is_file() and not path.is_symlink():
                path.unlink(missing_ok=True)
                removed += 1
    return removed


@contextlib.contextmanager
def build_lock(output: Path, wait: bool = True) -> Iterator[None]:
    """Hold ``output/.versus.lock``; wait for another build to finish, or with
    ``wait`` false raise a ``VersusError`` saying one is running.

    An advisory ``flock`` from the standard library: the kernel drops it when
    the process ends, however it ends, so a killed build never leaves it held.
    """
    import fcntl

    output.mkdir(parents=True, exist_ok=True)
    with open(output / LOCK_FILE, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise VersusError("another build of this project is running; not "
                                  "waiting (--no-wait)", output / LOCK_FILE) from None
            logger.warning("waiting for another build of this project to finish...")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            removed = remove_stale_temps(output)
            if removed:
                logger.info("removed %d temporary file(s) an interrupted build left",
                            removed)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
