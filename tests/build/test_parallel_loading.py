"""Many handouts are parsed in the build's worker processes (versus.build.loading).

A build of at least ``PARALLEL_FROM`` handouts sends them to its workers,
``CHUNK`` at a time, and records what comes back in the order the handouts were
found. The same project built with its handouts parsed here gives the same
report (errors and warnings, each at its place, in the same order), the same
pages and the same handouts left out (a draft, one that fails, and under
--strict one with a warning).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support.files import write
from versus.build import loading
from versus.build.pipeline import BuildOptions, build
from versus.executors.local import SerialExecutor
from versus.executors.workers import WatchedPool


def handout(name: str, body: str, extra: str = "") -> str:
    return (f"---\nitems: [{name}, Other]\n{extra}attributes:\n"
            f"  Size: {{{name}: Small, Other: Large}}\n---\n{body}\n")


HANDOUTS = {
    "a-vs-other": handout("A", "A and Other compared."),
    "b-vs-other": handout("B", "B and Other compared. TODO: say more."),
    "c-vs-other": "---\nitems: [C, Other]\nattributes: [not, a, mapping\n---\nText.\n",
    "d-vs-other": handout("D", "A draft.", "draft: true\n"),
    "e-vs-other": handout("E", "E has a FIXME and a glyph no font draws: \ue001."),
    "f-vs-other": handout("F", "F and Other compared."),
    "g-vs-other": ("---\nitems: [G, Other]\nattributes:\n  Size: {G: Small, Other: }\n"
                   "---\nAn empty cell.\n"),
}


pytestmark = pytest.mark.cold_workers  # the build's own pool, as the CLI has


@pytest.fixture
def project(tmp_path) -> Path:
    for slug, text in HANDOUTS.items():
        write(tmp_path, f"content/{slug}.md", text)
    return tmp_path


@pytest.fixture
def chunks(monkeypatch) -> list[int]:
    """Every handout count sent to a worker: parsing there from 2 handouts, 3 a job
    at least."""
    monkeypatch.setattr(loading, "PARALLEL_FROM", 2)
    monkeypatch.setattr(loading, "CHUNK", 3)
    sent: list[int] = []
    real_map = WatchedPool.map

    def recording(self, fn, jobs, limit=None):
        if fn is loading.parse_chunk:
            jobs = list(jobs)
            sent.extend(len(job.found) for job in jobs)
        return real_map(self, fn, jobs, limit)

    monkeypatch.setattr(WatchedPool, "map", recording)
    return sent


def outcome(project: Path, executor=None, **options) -> tuple[list, list, dict]:
    report = build(project, BuildOptions(formats=("html",), force=True, jobs=2, **options),
                   executor)
    pages = {path.name: path.read_bytes()
             for path in sorted((project / "output" / "html").glob("*.html"))}
    return list(map(str, report.errors)), list(map(str, report.warnings)), pages


@pytest.mark.parametrize("strict", [False, True])
def test_workers_parse_as_this_process_does(project, chunks, strict):
    here = outcome(project, SerialExecutor(), strict=strict)
    assert chunks == []
    there = outcome(project, strict=strict)
    assert chunks == [3, 3, 1]  # every handout, in jobs of CHUNK
    assert there == here
    errors, warnings, pages = there
    told = [text.removeprefix(f"{project}/content/") for text in errors + warnings]
    assert told[:1 + strict * 4] == [  # each at its place, in the order found
        *(["b-vs-other.md:6:23: unfinished: 'TODO'"] if strict else []),
        "c-vs-other.md:4:1: invalid YAML: did not find expected ',' or ']'",
        *(["e-vs-other.md:6:42: no font for U+E001 'private use character'",
           "e-vs-other.md:6:9: unfinished: 'FIXME'",
           "g-vs-other.md:4:27: attribute 'Size' has no text for item 'Other'"]
          if strict else [])]
    if strict:  # each one with a warning is left out
        assert set(pages) == {"a-vs-other.html", "f-vs-other.html"}
    else:
        assert told[1:] == [
            "b-vs-other.md:6:23: unfinished: 'TODO'",
            "e-vs-other.md:6:42: no font for U+E001 'private use character'",
            "e-vs-other.md:6:9: unfinished: 'FIXME'",
            "g-vs-other.md:4:27: attribute 'Size' has no text for item 'Other'"]
        assert set(pages) == {"a-vs-other.html", "b-vs-other.html", "e-vs-other.html",
                              "f-vs-other.html", "g-vs-other.html"}  # no draft


def test_few_handouts_are_parsed_here(project, chunks, monkeypatch):
    monkeypatch.setattr(loading, "PARALLEL_FROM", len(HANDOUTS) + 1)
    outcome(project)
    assert chunks == []


def test_one_worker_leaves_the_parsing_here(project, chunks):
    build(project, BuildOptions(formats=("html",), jobs=1))
    assert chunks == []


def test_many_handouts_go_in_a_few_jobs_a_worker(project, chunks, monkeypatch):
    monkeypatch.setattr(loading, "CHUNK", 1)
    monkeypatch.setattr(loading, "JOBS_PER_WORKER", 2)
    outcome(project)  # 7 handouts, 2 workers: 4 jobs of 2 at most
    assert chunks == [2, 2, 2, 1]
