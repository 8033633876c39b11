"""The report of ``bench.py``: medians, ratios against the targets, the machine it
ran on, and bench/RESULTS.md."""

from __future__ import annotations

import argparse
import datetime
import hashlib
import os
import platform
import resource
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from harness import CHEAP_RUNS, MB, ROOT, Samples, Setup, first_line, median, proc_field

LABELS = {
    "a": "(a) full build, {count} PDFs, --jobs 2 --force",
    "b": "(b) floor: plain WeasyPrint, Pool(2)",
    "c": "(c) peer: Pandoc + WeasyPrint, 2 at a time",
    "d": "(d) no-op build",
    "e": "(e) one handout edited, rebuilt",
    "e1": "(e1) full build of a one-handout project",
    "f": "(f) a comment added to the handout template, --jobs 2",
    "f2": "(f2) a web-only edit of the handout template, --jobs 2",
    "g": "(g) startup: import click, jinja2, yaml, markdown",
    "i": "(i) full build through a 2-worker Dask LocalCluster, --force",
    "k": "(k) booklet of all handouts, their PDFs up to date",
    "m0": "(m0) one seed render in-process, untagged PDF",
    "m1": "(m1) one seed render in-process, tagged PDF (the default)",
    "j": "(j) watch: save -> PDF of a two-page handout",
}
METHOD = """\
## How each measure is taken

- (a) `python build.py pdf --project P --jobs 2 --force -q` as a subprocess.
- (b) the print HTML Versus renders for each handout (got in-process with
  `Pages(Theme.for_project(P), settings).handout(h, "print")`) through WeasyPrint in
  a spawn `multiprocessing.Pool(2)` whose initializer makes one `FontConfiguration`
  and parses the project's `templates/static/versus.css` once per process; each PDF
  written to a temporary folder; process start included. Its PDFs are the same bytes
  as Versus's.
- (c) `pandoc FILE.md -o FILE.pdf --pdf-engine=weasyprint` (pandoc from
  `pypandoc-binary`, the venv's `weasyprint` first on PATH), two at a time.
- (d) `python build.py pdf --project P -q` after a full build, nothing changed.
- (e) a sentence appended to one content file, then `build.py pdf --project P
  --jobs 2 -q`; (e1) `build.py pdf --project P1 --jobs 2 --force -q` on a project
  holding one handout, run alternately with (e).
- (f) `{# bench #}` appended to the project's own copy of `templates/handout.html`,
  then `build.py pdf --project P --jobs 2 -q`: the template compiles to the same
  code, so every output is up to date (checked: no PDF rewritten).
- (f2) `<meta name="bench" content="N">` put before the template's
  `og:type` meta (a web page's only), then the same build: every PDF is stale,
  its print HTML made again, found the same page, and kept (checked: no PDF
  rewritten).
- (g) `python -c "import click, jinja2, yaml, markdown"`.
- (h) VmHWM from /proc/PID/status of each worker child of the build, every 50 ms.
- (i) `build.py pdf --project P --force -q --scheduler ADDRESS` with a 2-worker
  `distributed.LocalCluster` (processes, one thread each) on 127.0.0.1, started once.
- (j) `bench/latency.py`: `build.py watch` on a one-handout project; each save's
  time until the new PDF is in place, polled every 2 ms; 15 saves.
- (k) `build.py booklet --project P -q` after deleting output/booklet.pdf: no
  handout is re-rendered (checked); the cover and contents are rendered, then a
  page-number document of as many pages as the booklet, and the 200 PDFs are
  bound with pikepdf into one structure tree, their footers replaced by the
  booklet's page numbers. A second booklet with nothing changed is not rebuilt.
- (m0), (m1) the seed's print HTML through one WeasyPrint in this process, 10 times
  each, alternating, with `pdf_tags` off and on.

Both projects carry a copy of the default theme (`versus/theme/`) as `templates/`. CPU s is user + system
time of the measured processes (from `getrusage`): it moves much less than wall time
when other work shares the machine.
"""
WHY_MISSES = """\
## When (c) or (d) misses

- (c) Pandoc renders each document in a new WeasyPrint process, and about 0.9 s of
  its time per document is WeasyPrint starting (half of that is its search for
  system libraries). Versus pays that once per worker and is at the floor (a ≈ b),
  so (c)/(a) cannot pass (c)/(b): 4.9 to 5.5 in the runs on this machine, short of 6.
- (d) A build with nothing to do imports click, jinja2 and yaml as (g) does, plus
  Versus's own modules (about 30 ms), then hashes and stats the 200 handouts'
  files and reads the build state (about 25 ms): about 1.45 to 1.55 × (g), so on
  a shared machine it lands either side of 1.5 from run to run.
"""


def versus_revision() -> str:
    """The commit measured, and the files of the engine and theme changed since it."""
    commit = first_line(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--",
                            "versus", "build.py"],
                           capture_output=True, text=True).stdout.split("\n")
    edited = sorted(line[3:] for line in dirty if line.strip())
    return commit + (f" plus uncommitted changes to {', '.join(edited)}" if edited
                     else " (clean)")


def source_digest() -> str:
    """A digest of the engine's and the theme's files, to notice edits during a run."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "versus").rglob("*")):
        if "__pycache__" in path.parts:
            continue
        if path.is_file():
            digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def cpu_model() -> str:
    """The processor model from /proc/cpuinfo."""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def memory_total() -> str:
    """Total memory from /proc/meminfo, in GiB."""
    kb = proc_field("/proc/meminfo", "MemTotal")
    return f"{kb / 2**20:.1f} GiB" if kb else "unknown"


def harfbuzz_subset() -> str:
    """Whether libharfbuzz-subset is installed (``ldconfig -p | grep harfbuzz-subset``)."""
    try:
        listing = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    except OSError as error:
        return f"unknown ({error})"
    found = [line.strip() for line in listing.splitlines() if "harfbuzz-subset" in line]
    return f"yes: {found[0]}" if found else "no"


@dataclass(frozen=True)
class CpuSnapshot:
    """Machine-wide busy CPU time (/proc/stat) and this benchmark's own, in seconds."""

    busy: float
    ours: float

    @classmethod
    def now(cls) -> CpuSnapshot:
        """Read both clocks."""
        fields = [int(n) for n in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        busy = (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")
        ours = sum(usage.ru_utime + usage.ru_stime for usage in map(
            resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))
        return cls(busy, ours)


def other_load(start: CpuSnapshot, wall: float) -> str:
    """How much of the machine other processes took while the benchmark ran."""
    end = CpuSnapshot.now()
    others = max(0.0, (end.busy - start.busy) - (end.ours - start.ours))
    cores = len(os.sched_getaffinity(0))
    return (f"{others:.0f} CPU s, {others / (wall * cores):.0%} of the "
            f"{cores} cores over the {wall / 60:.1f} min")


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: how busy the shared machine was."""
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def machine(pandoc: str | None, load_at_start: str, others: str,
            revision: str) -> list[tuple[str, str]]:
    """What the benchmark ran on."""
    cores = len(os.sched_getaffinity(0))
    return [
        ("nproc", f"{cores} (os.cpu_count() = {os.cpu_count()})"),
        ("memory", memory_total()),
        ("CPU", cpu_model()),
        ("kernel", platform.release()),
        ("Python", f"{platform.python_version()} ({sys.executable})"),
        ("WeasyPrint", metadata.version("weasyprint")),
        ("Versus", f"{metadata.version('versus')}, commit {revision}"),
        ("Pandoc", first_line([pandoc, "--version"]) if pandoc else "not available"),
        ("libharfbuzz-subset0", harfbuzz_subset()),
        ("load average (1, 5, 15 min)", f"{load_at_start} at the start, "
                                        f"{load_average()} at the end"),
        ("CPU used by other processes during the benchmark", others),
    ]


@dataclass(frozen=True)
class Ratio:
    """One measure over another, three ways."""

    of_medians: float
    """Ratio of the wall-time medians: what the targets are judged on."""
    paired: list[float]
    """Per-run ratios of runs taken side by side (same round, same iteration)."""
    cpu: float
    """Ratio of the CPU-time medians: little moved by other work on the machine."""


def ratio(samples: Samples, top: str, bottom: str) -> Ratio:
    """Measure ``top`` over measure ``bottom``."""
    num, den = samples.times.get(top, []), samples.times.get(bottom, [])
    cpu_num, cpu_den = samples.cpu.get(top, []), samples.cpu.get(bottom, [])
    return Ratio(median(num) / median(den), [a / b for a, b in zip(num, den)],
                 median(cpu_num) / median(cpu_den))


def verdict(value: float, limit: float, at_most: bool) -> str:
    """PASS or MISS, and by how much (relative to ``limit``), for ``value``."""
    if value != value:  # NaN: not measured
        return "n/a"
    ok = value <= limit if at_most else value >= limit
    margin = abs(value - limit) / limit
    return f"PASS ({margin:.1%} to spare)" if ok else f"MISS (by {margin:.1%})"


def table_rows(samples: Samples, setup: Setup) -> list[str]:
    """The markdown table of measures: median, min, max and number of runs."""
    rows = ["| measure | median s | min s | max s | runs | median CPU s |",
            "|---|---:|---:|---:|---:|---:|"]
    for key, label in LABELS.items():
        values = samples.times.get(key, [])
        label = label.format(count=setup.count)
        if key == "c" and values:
            label += (f" — timed on {min(setup.pandoc_subset, setup.count)} handouts, "
                      f"scaled ×{setup.count / min(setup.pandoc_subset, setup.count):g}")
        if not values:
            rows.append(f"| {label} | not measured | | | 0 |")
            continue
        rows.append(f"| {label} | {median(values):.3f} | {min(values):.3f} | "
                    f"{max(values):.3f} | {len(values)} | "
                    f"{median(samples.cpu[key]):.3f} |")
    peaks = samples.worker_peaks
    if peaks:
        rows.append(f"| (h) peak RSS per worker (VmHWM), MB (not s) | "
                    f"{median(peaks) / MB:.1f} | {min(peaks) / MB:.1f} | "
                    f"{max(peaks) / MB:.1f} | {len(peaks)} | |")
    return rows


def target_rows(samples: Samples) -> list[str]:
    """The ratios against the targets, PASS or MISS."""
    rows = ["| target | ratio of medians | side-by-side runs: median (range) "
            "| CPU-time ratio | result (on the ratio of medians) |",
            "|---|---:|---:|---:|---|"]
    for label, top, bottom, limit, at_most in (
            ("(a) ≤ 0.85 × (b)", "a", "b", 0.85, True),
            ("(c) ≥ 6 × (a)", "c", "a", 6.0, False),
            ("(d) ≤ 1.5 × (g)", "d", "g", 1.5, True),
            ("(e) ≤ 1.3 × (e1)", "e", "e1", 1.3, True),
            ("(f) ≤ 3 × (d)", "f", "d", 3.0, True),
            ("(i) ≤ 1.25 × (a)", "i", "a", 1.25, True)):
        found = ratio(samples, top, bottom)
        paired = (f"{median(found.paired):.2f} ({min(found.paired):.2f}–"
                  f"{max(found.paired):.2f})" if found.paired else "")
        rows.append(f"| {label} | {found.of_medians:.3f} | {paired} | {found.cpu:.2f} | "
                    f"{verdict(found.of_medians, limit, at_most)} |")
    peak = max(samples.worker_peaks, default=0) / MB
    rows.append(f"| (h) ≤ 250 MB per worker | {peak:.1f} MB (max of all runs) | | | "
                f"{verdict(peak if peak else float('nan'), 250, True)} |")
    save = median(samples.times.get("j", [float("nan")]))
    rows.append(f"| (j) save → PDF ≤ 0.35 s (median) | {save:.3f} s | | | "
                f"{verdict(save, 0.35, True)} |")
    tagged = ratio(samples, "m1", "m0")
    rows.append(f"| tagging cost: (m1) / (m0), no target | {tagged.of_medians:.3f} | | "
                f"{tagged.cpu:.2f} | |")
    booklet_share = ratio(samples, "k", "a")
    rows.append(f"| booklet: (k) / (a), no target | {booklet_share.of_medians:.3f} | | "
                f"{booklet_share.cpu:.2f} | |")
    return rows


def check_lines(samples: Samples, setup: Setup) -> list[str]:
    """Sanity checks: what each incremental build rewrote, workers seen, main memory."""
    expected = {"d": 0, "e": 1, "f": 0, "f2": 0, "k": 0}
    lines = []
    for key, want in expected.items():
        got = samples.rewritten.get(key, [])
        flag = "as expected" if all(n == want for n in got) else "**UNEXPECTED**"
        lines.append(f"- PDFs rewritten by ({key}): {got} (expected {want} each): {flag}")
    lines.append(f"- worker processes seen per full build: {samples.workers_seen}")
    if samples.main_peaks:
        lines.append(f"- peak RSS of the main build process: "
                     f"{max(samples.main_peaks) / MB:.1f} MB")
    lines += [f"- {note}" for note in samples.notes]
    return lines


def command_line(args: argparse.Namespace) -> str:
    """The command that ran this benchmark, as a user would type it."""
    explicit = (f"python bench/bench.py --count {args.count} --repeat {args.repeat} "
                f"--pandoc-subset {args.pandoc_subset}")
    via_make = "`make bench` → " if os.environ.get("MAKELEVEL") else ""
    return f"{via_make}`{explicit}`"


def report(samples: Samples, setup: Setup, args: argparse.Namespace, elapsed: float,
           load_at_start: str, cpu_at_start: CpuSnapshot, revision: str) -> str:
    """RESULTS.md: the table, the targets, the checks, the machine and the command."""
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    lines = ["# Versus benchmark results", "",
             f"{setup.count} handouts (bench/corpus.py), {args.repeat} interleaved rounds; "
             f"measures under a second run {CHEAP_RUNS}× per round. Medians of wall "
             f"time, ratios taken between measures of the same run.", "",
             *table_rows(samples, setup), "", "## Targets", "",
             *target_rows(samples), "",
             "MB = 10^6 bytes. (c) ran Pandoc on the first "
             f"{min(setup.pandoc_subset, setup.count)} Markdown files and was scaled "
             "linearly to the whole corpus (pandoc's default HTML style, no Versus CSS).",
             "", WHY_MISSES, "## Checks", "", *check_lines(samples, setup), "", METHOD,
             "## Machine", "",
             *(f"- {name}: {value}"
               for name, value in machine(setup.pandoc, load_at_start,
                                          other_load(cpu_at_start, elapsed),
                                          revision)), "",
             f"Date: {now}; the whole benchmark took {elapsed / 60:.1f} min.", "",
             f"Command: {command_line(args)} (`make bench ARGS='...'` passes options).",
             ""]
    return "\n".join(lines)


def replace_section(path: Path, heading: str, section: str) -> None:
    """Put ``section`` (starting with ``heading``) in ``path`` in place of the last
    figures under ``heading``; the notes written under them (from the first ``###``
    heading on) stay. Appended when the file has no such heading yet."""
    text = path.read_text("utf-8")
    if heading in text:
        before, _, after = text.partition(heading)
        rest = after.split("\n## ", 1)
        notes = rest[0].partition("\n### ")
        kept = "\n### " + notes[2] if notes[1] else ""
        text = (before + section + kept.rstrip("\n") + "\n"
                + ("\n## " + rest[1] if len(rest) > 1 else ""))
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, "utf-8")


def keep_other_sections(old: str, new: str) -> str:
    """``new`` followed by each ``## `` section of ``old`` that ``new`` does not
    have: the figures other benchmarks wrote (scale, index, sources…) outlive a
    run of this one."""
    headings = {line for line in new.splitlines() if line.startswith("## ")}
    kept = [section for section in old.split("\n## ")[1:]
            if "## " + section.splitlines()[0] not in headings]
    return new.rstrip("\n") + "".join("\n\n## " + section.rstrip("\n")
                                       for section in kept) + "\n"
