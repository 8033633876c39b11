"""Writing outputs: atomically, so a failed build never leaves a partial file."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

OUTPUT_DIR = "output"
TEMP_PREFIX = ".versus-tmp-"


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
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def copy_atomic(source: Path, target: Path) -> bool:
    """Copy ``source`` to ``target`` unless it already holds the same bytes."""
    data = source.read_bytes()
    if target.is_file() and target.read_bytes() == data:
        return False
    write_atomic(target, data)
    return True


def clean(output: Path) -> bool:
    """Delete the generated ``output`` folder; False when there was none."""
    if not output.exists():
        return False
    shutil.rmtree(output)
    return True
