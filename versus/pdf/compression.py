"""The PDF's streams compressed at zlib's default level, not pydyf's slowest."""

from __future__ import annotations

import inspect
import zlib

LEVEL = 6
"""zlib's own default: on the seed's streams, 0.7 % larger than level 9 in 38 % of the time."""
CHECKED = "zlib.compressobj(level=9)"
"""How pydyf's ``Stream.data`` (0.11 to 0.13) asks for its compressor."""


class _Zlib:
    """zlib as pydyf sees it: every compressor it asks for works at ``LEVEL``."""

    def __getattr__(self, name: str):
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = LEVEL, *args, **kwargs):
        return zlib.compressobj(LEVEL, *args, **kwargs)


def install(pydyf) -> bool:
    """Have pydyf (the package WeasyPrint writes PDFs with) compress each stream
    at ``LEVEL``; whether it does. Calling it again changes nothing.

    pydyf asks zlib for level 9, which spends 2.7 times as long as level 6 on a
    handout's content streams and font files for 0.7 % fewer bytes: about 8 ms
    of a 0.2 s render. Only a pydyf whose ``Stream.data`` asks as the versions
    checked do is changed; the PDF stays byte-reproducible (zlib at one level
    always gives the same bytes)."""
    if isinstance(pydyf.zlib, _Zlib):
        return True
    try:
        source = inspect.getsource(pydyf.Stream.data.fget)
    except (AttributeError, OSError, TypeError):
        return False
    if CHECKED not in source:
        return False
    pydyf.zlib = _Zlib()
    return True
