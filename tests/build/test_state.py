"""The build-state store (versus/build/state.py): crash-safe, fingerprints, unreadable states.

A build killed with SIGKILL at any point — during a build with nothing to do, or
while it writes the state — leaves a state from which the next build is correct:
it rebuilds what changed, and then nothing. A corrupt state is one warning and a
full rebuild; the JSON state of earlier versions is replaced by a full rebuild.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support.files import StubExecutor
from versus.build import plan
from versus.build.pipeline import BuildOptions, build
from versus.build.state import OLD_STATE_FILES, STATE_FILE, dump

REPO = Path(__file__).resolve().parents[2]
FRONT = "---\nitems: [A, B]\nattributes: {X: {A: a, B: b}}\n---\n"
OLD = 1_000_000_000  # an mtime (2001): far from any save, so never racy
COUNT = 40


def write(project: Path, slug: str, text: str = "first") -> Path:
    path = project / "content" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{FRONT}Lead of {slug}, {text}.\n\n## Details\n\nMore.\n", "utf-8")
    return path


def run(project: Path, **options):
    report = build(project, BuildOptions(formats=("html",), jobs=1, **options))
    assert report.ok, [str(e) for e in report.errors]
    return report


def built(report) -> list[str]:
    return sorted(Path(p).name for p in report.built)


def pages(project: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project / "output/html").iterdir())}


def state_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "versus.build.state" and r.levelno >= logging.WARNING]


@pytest.fixture
def project(tmp_path):
    project = tmp_path / "project"
    for number in range(COUNT):
        write(project, f"h{number}")
    for path in (project / "content").iterdir():
        os.utime(path, (OLD, OLD))
    run(project)
    return project


def start(project: Path, script: str = "") -> subprocess.Popen:
    """A build of ``project`` in a child process, after ``script`` (a patch)."""
    code = (f"{script}\nfrom pathlib import Path\nfrom versus.build.pipeline import build, "
            f"BuildOptions\nbuild(Path({str(project)!r}), BuildOptions(formats=('html',),"
            " jobs=1))\nprint('done', flush=True)\n")
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=REPO)


def kill_after(child: subprocess.Popen, seconds: float) -> None:
    time.sleep(seconds)
    if child.poll() is None:
        child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)


# ------------------------------------------------------------------ kill -9

def test_killed_no_op_builds_leave_a_state_that_still_says_nothing_changed(
        project, caplog):
    rng = random.Random(14)
    for _ in range(6):
        kill_after(start(project), rng.uniform(0.0, 0.6))
        caplog.clear()
        report = run(project)
        assert built(report) == [], "a killed build with nothing to do lost the state"
        assert state_warnings(caplog) == []


def test_killed_no_op_builds_of_10000_handouts_keep_the_state(tmp_path, caplog):
    project = tmp_path / "big"
    for number in range(10_000):
        write(project, f"h{number}")
    for path in (project / "content").iterdir():
        os.utime(path, (OLD, OLD))
    options = BuildOptions(formats=("html",))
    assert build(project, options, StubExecutor()).ok
    rng = random.Random(10_000)
    for _ in range(5):  # a no-op here takes a few tenths of a second
        kill_after(start(project), rng.uniform(0.05, 0.5))
        caplog.clear()
        report = build(project, options, StubExecutor())
        assert report.ok and report.built == [], "a killed no-op lost the state"
        assert report.up_to_date == 10_000 and state_warnings(caplog) == []


SLOW_WRITE = """
import time
import versus.build.state as state
real = state.BuildState._write
def slow(self, con):
    print('writing', flush=True)
    real(self, con)
    time.sleep(0.5)  # the transaction is open: killed here, none of it may stay
state.BuildState._write = slow
"""


def test_a_build_killed_while_writing_the_state_is_followed_by_a_correct_build(
        project, caplog):
    rng = random.Random(41)
    expected = None
    for round_ in range(4):
        for number in range(COUNT):
            write(project, f"h{number}", f"edit {round_}")
        child = start(project, SLOW_WRITE)
        assert child.stdout.readline().strip() == "writing", child.stderr.read()
        kill_after(child, rng.uniform(0.0, 0.4))
        assert child.returncode == -signal.SIGKILL
        caplog.clear()
        report = run(project)
        assert state_warnings(caplog) == [], "the rolled-back state should be readable"
        # The killed build's pages were written, its records not: they are redone.
        assert len(built(report)) == COUNT, built(report)
        expected = pages(project)
        assert b"edit %d" % round_ in expected["h0.html"]
        assert built(run(project)) == [], "after the build that followed, nothing to do"
    run(project, force=True)
    assert pages(project) == expected, "the pages differ from a forced rebuild's"


# ------------------------------------------------------------- fingerprints

def test_a_no_op_build_reads_no_content_file(project, monkeypatch):
    from versus.build import state

    # Files changed within RACY_NS of a save are read again by the next build; these
    # were written just now, so for this test "just now" is made to mean nothing.
    monkeypatch.setattr(state, "RACY_NS", 0)
    run(project, force=True)
    read = []
    real = plan.hashlib.file_digest

    def counting(handle, digest):
        read.append(handle.name)
        return real(handle, digest)

    monkeypatch.setattr(plan.hashlib, "file_digest", counting)
    assert built(run(project)) == []
    assert [name for name in read if "/content/" in name] == []


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(project, monkeypatch):
    from versus.build import state

    monkeypatch.setattr(state, "RACY_NS", 0)  # only the fingerprint can tell
    run(project, force=True)
    path = project / "content" / "h1.md"
    before = path.stat()
    path.write_text(path.read_text("utf-8").replace("first", "FIRST"), "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert built(run(project)) == ["h1.html"]


def test_an_edit_right_after_a_build_with_the_same_size_is_seen(tmp_path):
    project = tmp_path / "project"
    write(project, "a", "one")
    run(project)
    write(project, "a", "two")  # within the same second, same size
    assert built(run(project)) == ["a.html"]
    assert b"two" in (project / "output/html/a.html").read_bytes()


# ------------------------------------------------------------------ corrupt

def test_a_truncated_database_warns_once_and_rebuilds_everything(project, caplog):
    path = project / ".versus" / STATE_FILE
    data = path.read_bytes()
    assert len(data) > 8192
    path.write_bytes(data[:4096] + b"\x00" * 100 + data[4196:len(data) // 2])
    caplog.clear()
    report = run(project)
    warnings = state_warnings(caplog)
    assert len(warnings) == 1 and STATE_FILE in warnings[0], warnings
    assert len([name for name in built(report) if name != "index.html"]) == COUNT
    caplog.clear()
    assert built(run(project)) == [] and state_warnings(caplog) == []


@pytest.mark.parametrize("name", [".versus-state.json", ".versus-state.db"])
def test_an_older_state_in_output_means_one_full_rebuild_and_is_removed(tmp_path, caplog,
                                                                        name):
    """Older versions kept the state (JSON, then SQLite) and the lock in output/:
    met there, they go, the build is a full one, and output/ holds only the site."""
    project = tmp_path / "project"
    write(project, "a")
    old = project / "output" / name
    old.parent.mkdir(parents=True)
    old.write_text('{"version": 1, "targets": {}, "handouts": {}}', "utf-8")
    lock = project / "output" / ".versus.lock"
    lock.write_text("finished\n", "utf-8")
    mine = project / "output" / "notes.txt"
    mine.write_text("a file of the user's\n", "utf-8")
    caplog.set_level(logging.INFO, logger="versus")
    assert built(run(project)) == ["a.html", "index.html"]
    assert f"{name}: a build state of an older version" in caplog.text
    assert not old.exists() and not lock.exists() and mine.exists()
    assert name in OLD_STATE_FILES
    assert sorted(dump(project / ".versus" / STATE_FILE)["targets"]) == [
        "html/a.html", "index.html"]
    assert built(run(project)) == []
    assert (project / ".versus" / ".gitignore").read_text("utf-8").endswith("\n*\n")


# ---------------------------------------------------------------- snapshots

@pytest.fixture
def trusted(project, monkeypatch):
    """The project built completely, its files old enough to trust their times."""
    from versus.build import state

    monkeypatch.setattr(state, "RACY_NS", 0)
    run(project, force=True)
    return project


def test_a_no_op_build_after_a_complete_one_reads_no_record(trusted, monkeypatch):
    from versus.build.state import BuildState

    def refuse(self):
        raise AssertionError("a build with nothing to do read the records")

    monkeypatch.setattr(BuildState, "_rows", refuse)
    report = run(trusted)
    assert built(report) == [] and report.up_to_date == COUNT
    assert report.handouts == COUNT


def test_the_snapshot_still_sees_a_missing_page_an_edit_and_a_setting(trusted):
    (trusted / "output/html/h3.html").unlink()
    assert built(run(trusted)) == ["h3.html"]
    write(trusted, "h4", "second")
    assert "h4.html" in built(run(trusted))
    (trusted / "versus.yaml").write_text("site_name: Elsewhere\n", "utf-8")
    assert len([n for n in built(run(trusted)) if n != "index.html"]) == COUNT
    assert built(run(trusted)) == []


def test_a_record_changed_without_a_new_snapshot_drops_the_old_one(tmp_path):
    from versus.build.state import BuildState

    path = tmp_path / STATE_FILE
    state = BuildState.load(path)
    state.set_snapshot("html", {"digest": "d", "read": [], "drafts": []})
    state.save()
    state = BuildState.load(path)
    assert state.snapshot("html") == {"digest": "d", "read": [], "drafts": []}
    state.record("pdf/a.pdf", {}, {})
    state.save()
    assert BuildState.load(path).snapshot("html") is not None  # another format
    state = BuildState.load(path)
    state.record("html/a.html", {}, {})
    state.save()
    assert BuildState.load(path).snapshot("html") is None
