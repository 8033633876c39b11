#!/usr/bin/env python3
"""The seed PDF's streams compressed at zlib's level 9 (pydyf's) and 6 (versus.pdf.compression).

    python bench/compression.py [--repeat 20]

Renders the seed (content/devops-vs-mlops.md) on A4 as a worker does, keeps
every stream pydyf compresses for it (content, fonts, structure), then
compresses them all at each level ``--repeat`` times, the levels in turn, and
prints the median milliseconds per PDF and the compressed bytes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from corpus import SEED  # noqa: E402  (bench/ is not a package)
from linememo import job, pdf  # noqa: E402

LEVELS = (9, 6)


def seed_streams() -> list[bytes]:
    """The bytes of each stream pydyf compressed for one seed PDF."""
    import pydyf

    kept: list[bytes] = []

    class Keeping:
        """zlib as pydyf sees it, keeping what it is asked to compress."""

        def __getattr__(self, name):
            return getattr(zlib, name)

        @staticmethod
        def compressobj(level=9, *args, **kwargs):
            real = zlib.compressobj(level, *args, **kwargs)

            class Compressor:
                def compress(self, data):
                    kept.append(data)
                    return real.compress(data)

                def flush(self, *args):
                    return real.flush(*args)

            return Compressor()

    project = Path(tempfile.mkdtemp(prefix="versus-compression-"))
    (project / "content").mkdir()
    source = project / "content" / SEED.name
    source.write_bytes(SEED.read_bytes())
    render = job(project, source)
    pdf(render)  # installs Versus's own zlib into pydyf
    pydyf.zlib = Keeping()
    pdf(render)
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    streams = seed_streams()
    times: dict[int, list[float]] = {level: [] for level in LEVELS}
    sizes = {level: sum(len(zlib.compress(data, level)) for data in streams)
             for level in LEVELS}
    for _ in range(args.repeat):
        for level in LEVELS:
            started = time.perf_counter()
            for data in streams:
                zlib.compress(data, level)
            times[level].append(time.perf_counter() - started)
    print(f"{len(streams)} streams, {sum(map(len, streams)):,} bytes before compression")
    for level in LEVELS:
        print(f"- level {level}: {statistics.median(times[level]) * 1e3:.1f} ms a PDF, "
              f"{sizes[level]:,} bytes")
    print(f"- level 6 / level 9: time {statistics.median(times[6]) / statistics.median(times[9]):.2f}, "
          f"size {sizes[6] / sizes[9]:.3f}")


if __name__ == "__main__":
    main()
