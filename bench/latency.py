#!/usr/bin/env python3
"""Save -> PDF latency of ``build.py watch`` on a two-page handout.

Starts ``build.py watch`` on a temporary one-handout project, waits until it
is watching, then saves an edit of the handout N times and measures, for each
save, the time until the new PDF is in place (polled every 2 ms). Prints the
median and every sample; ``bench/bench.py`` records it in RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SEED = ROOT / "content" / "devops-vs-mlops.md"
POLL = 0.002
SETTLE = 0.4
"""Seconds between saves, so each one is its own build."""


def two_page_handout() -> str:
    """The seed handout without its last three sections: two A4 pages."""
    text = SEED.read_text(encoding="utf-8")
    start, end = text.index("### Workflow"), text.index("## Conclusion")
    return text[:start] + text[end:]


def wait_for_line(process: subprocess.Popen, needle: str, timeout: float) -> None:
    """Read the watcher's stderr until a line contains ``needle``."""
    deadline = time.monotonic() + timeout
    for line in process.stderr:
        if needle in line:
            return
        if time.monotonic() > deadline:
            break
    raise RuntimeError(f"watch never printed {needle!r}")


def save_and_time(source: Path, pdf: Path, text: str, timeout: float = 10) -> float:
    """Write ``text`` to ``source``; seconds until ``pdf`` is replaced."""
    before = pdf.stat().st_mtime_ns
    started = time.perf_counter()
    source.write_text(text, encoding="utf-8")
    while time.perf_counter() - started < timeout:
        try:
            if pdf.stat().st_mtime_ns != before:
                return time.perf_counter() - started
        except FileNotFoundError:
            pass
        time.sleep(POLL)
    raise RuntimeError("the PDF was not rebuilt in time")


def measure(saves: int) -> list[float]:
    """Latencies of ``saves`` edits, in seconds."""
    with tempfile.TemporaryDirectory(prefix="versus-latency-") as folder:
        project = Path(folder)
        source = project / "content" / "two-pages.md"
        source.parent.mkdir()
        base = two_page_handout()
        source.write_text(base, encoding="utf-8")
        command = [sys.executable, str(ROOT / "build.py"), "watch", "--project",
                   str(project), "--jobs", "1"]
        process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True,
                                   stdout=subprocess.DEVNULL, cwd=ROOT)
        try:
            wait_for_line(process, "watching", timeout=60)
            pdf = project / "output" / "pdf" / "two-pages.pdf"
            samples = []
            for number in range(saves):
                time.sleep(SETTLE)
                edited = base.replace("## Conclusion",
                                      f"Edit number {number}.\n\n## Conclusion")
                samples.append(save_and_time(source, pdf, edited))
            return samples
        finally:
            process.terminate()
            process.wait(10)


def page_count(pdf: Path) -> int:
    """Pages of ``pdf``."""
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--saves", type=int, default=15)
    args = parser.parse_args()
    samples = measure(args.saves)
    print(f"save -> PDF median {statistics.median(samples):.3f} s over {len(samples)} "
          f"saves: {' '.join(f'{s:.3f}' for s in samples)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
