"""Small helpers shared by the test modules."""

from __future__ import annotations

from pathlib import Path


def write(root: Path, relative: str, data: str | bytes) -> Path:
    """Write ``data`` to ``root/relative``, creating folders on the way."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path
