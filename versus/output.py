"""Writing outputs: atomically, so a failed build never leaves a partial file.

A build holds a lock on ``.versus/lock`` while it writes, so two builds of one
project never mix their outputs; with the lock held it first removes the
temporary files a killed build could not (only ``.versus-tmp-*`` below output/),
and writes ``output/.versus-output``, which tells ``clean`` the folder is Versus's.
What a build keeps for itself (the lock, the build state) is in ``.versus/`` at
the project's root, with a ``.gitignore`` of its own: output/ holds only the site.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from stat import S_IMODE, S_ISREG

from .errors import VersusError, display_path
from .log import counted

logger = logging.getLogger(__name__)
OUTPUT_DIR = "output"
FORMATS = ("html", "pdf")
"""What a build makes: each in its folder below output/."""
BOOKLET = "booklet.pdf"
"""The booklet of every handout, below output/ (``versus.booklet``)."""
BOOKLETS_DIR = "booklets"
"""The booklets versus.yaml defines and those of a selection, below output/."""
TEMP_PREFIX = ".versus-tmp-"
MODE = 0o644
"""Every output's permissions: anyone may read it, its owner write it."""
WORK_DIR = ".versus"
"""The project's folder of what builds keep for themselves: never published."""
LOCK_FILE = "lock"
CONVERTED_DIR = "converted"
"""Below ``WORK_DIR``: converted Markdown kept between builds (``versus.build.converted``)."""
MEDIA = ("screen", "print")
"""The media a handout's Markdown is converted for: its web page, its PDF."""
OLD_LOCK_FILE = ".versus.lock"
"""Where output/ held the lock before ``WORK_DIR``: removed when met."""
MARKER = ".versus-output"
"""Written into output/ by every build: the folder is Versus's (``versus.build.cleaning``)."""
MARKER_TEXT = "Versus writes this folder; `versus clean` deletes what Versus made here.\n"
FINISHED = "finished\n"
"""What the lock file says after a build that ended; while one runs it says
otherwise, so after a killed one the next looks for its temporary files."""


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``;
    a file ``path`` that already holds exactly ``data`` is left as it is (its time
    too: a sync or a browser's cache sees no change)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if holds(path, data):
        return
    temp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX + path.name + ".")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, MODE)
        os.replace(temp, path)
    except OSError as error:
        _discard(temp)
        raise write_error(path, error) from None
    except BaseException:
        _discard(temp)
        raise


def holds(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a regular file, not a link, with an output's mode, whose
    bytes are ``data``: comparing costs a twentieth of writing and renaming."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0))  # a FIFO there: no wait
    except OSError:
        return False
    try:
        status = os.fstat(fd)
        if not (S_ISREG(status.st_mode) and S_IMODE(status.st_mode) == MODE
                and status.st_size == len(data)):
            return False
        held = b""
        while len(held) <= len(data) and (more := os.read(fd, len(data) + 1 - len(held))):
            held += more
        return held == data
    except OSError:
        return False
    finally:
        os.close(fd)


def write_new(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, a new file (its folder made if need be), never
    over one that exists; a write that fails leaves no half file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file where the folder should be: not ``path`` existing
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR),
                                 str(path.parent)) from None
    file = path.open("x", encoding="utf-8", newline="\n")
    try:
        with file:
            file.write(text)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _discard(temp: str | None) -> None:
    if temp is not None:
        Path(temp).unlink(missing_ok=True)


def write_error(path: Path, error: OSError, kept: bool = True) -> VersusError:
    """The one-line error for ``error``, met while writing ``path`` or its folder;
    with ``kept``, it says the file there before is kept (when it can be)."""
    blocker = _file_in_the_way(path.parent)
    if blocker is not None:
        return VersusError(f"cannot write: {display_path(blocker)} is a file, not a "
                           "folder", path)
    if error.errno == errno.EISDIR:
        return VersusError("cannot write: a folder is in the way", path)
    reason = os.strerror(error.errno) if error.errno else str(error) or "OSError"
    if kept and error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES,
                                errno.EPERM):
        reason += "; the last good output is kept"
    return VersusError(f"cannot write: {reason}", path)


def _file_in_the_way(folder: Path) -> Path | None:
    """The nearest of ``folder`` and its parents that exists and is not a folder."""
    for candidate in (folder, *folder.parents):
        if candidate.is_dir():
            return None
        if os.path.lexists(candidate):
            return candidate
    return None


def mirror(source: Path, target: Path, read=Path.read_bytes) -> bool:
    """Copy ``source`` to ``target`` with its times, unless it already holds the
    same bytes: same size and time is taken as same bytes, without reading them.
    ``read`` reads the source (and may refuse it by raising)."""
    stat = source.stat()
    if _holds(target, source, stat, read):
        return False
    write_atomic(target, read(source))
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return True


def _holds(target: Path, source: Path, stat: os.stat_result, read) -> bool:
    """Whether ``target`` is a file holding the bytes of ``source``, stat ``stat``."""
    try:
        copied = target.stat()
        if not S_ISREG(copied.st_mode) or copied.st_size != stat.st_size:
            return False
        return (copied.st_mtime_ns == stat.st_mtime_ns
                or target.read_bytes() == read(source))
    except OSError:  # none yet, or a file where one of its folders should be
        return False


def remove_stale_temps(output: Path) -> int:
    """Delete the temporary files a killed build left below ``output``; how many."""
    removed = 0
    folders = [str(output)] if output.is_dir() else []
    while folders:  # scandir, not rglob: a big site has 100,000 pages to pass over
        try:
            with os.scandir(folders.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                    elif entry.name.startswith(TEMP_PREFIX) and entry.is_file(
                            follow_symlinks=False):
                        os.unlink(entry.path)
                        removed += 1
        except FileNotFoundError:
            continue
    return removed


def work_dir(project: Path) -> Path:
    """``.versus/`` of ``project``, made (with a ``.gitignore`` of everything in it)
    when missing."""
    folder = project / WORK_DIR
    if not (folder / ".gitignore").is_file():
        folder.mkdir(exist_ok=True)
        write_atomic(folder / ".gitignore", "# What Versus's builds keep for themselves.\n*\n")
    return folder


@contextlib.contextmanager
def build_lock(project: Path, wait: bool = True) -> Iterator[None]:
    """Hold ``.versus/lock`` of ``project``; wait for another build to finish, or
    with ``wait`` false raise a ``VersusError`` saying one is running.

    An advisory ``flock`` from the standard library: the kernel drops it when
    the process ends, however it ends, so a killed build never leaves it held.
    """
    import fcntl

    output, lock = project / OUTPUT_DIR, project / WORK_DIR / LOCK_FILE
    try:
        output.mkdir(parents=True, exist_ok=True)
        handle = open(work_dir(project) / LOCK_FILE, "a+")
    except OSError as error:  # a read-only project, or a file named output
        # the file it could not write: the marker, or the lock of .versus/
        raise write_error(output / MARKER if not output.is_dir() else lock, error) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise VersusError("another build of this project is running; not "
                                  "waiting (--no-wait)", lock) from None
            logger.warning("waiting for another build of this project to finish...")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            if not _finished(handle):  # walking a big site's output/ costs a tenth of a second
                removed = remove_stale_temps(output)
                if removed:
                    logger.info("removed %s an interrupted build left",
                                counted(removed, "temporary file"))
            _say(handle, "building\n")
            _mark(output)
            (output / OLD_LOCK_FILE).unlink(missing_ok=True)  # an older version's
            yield
        finally:
            _say(handle, FINISHED)
            fcntl.flock(handle, fcntl.LOCK_UN)


def _mark(output: Path) -> None:
    """Write the marker, unless it is there (a build with nothing to do writes nothing)."""
    marker = output / MARKER
    if not marker.is_file():
        write_atomic(marker, MARKER_TEXT)


def _finished(lock) -> bool:
    """Whether the last build that held ``lock`` ended (not killed)."""
    try:
        lock.seek(0)
        return lock.read() == FINISHED
    except (OSError, UnicodeDecodeError):
        return False


def _say(lock, text: str) -> None:
    """Write ``text`` as the whole of the lock file; failing to, the file is left
    empty at worst, which the next build takes as a build that did not end."""
    try:
        lock.truncate(0)
        lock.write(text)
        lock.flush()
    except OSError:
        pass


def converted_name(slug: str, medium: str) -> str:
    """The file below ``CONVERTED_DIR`` keeping ``slug``'s conversion for ``medium``."""
    return f"{slug}.{medium}.json"
