"""Faults: builds killed (SIGKILL) or interrupted (SIGINT) at random moments, two
builds of one project at once, and a full disk.

The guarantees (SPEC.md): no partial or temporary file in output/ (a killed process
cannot clean up, so the next build removes ``.versus-tmp-*`` first), every last good
output kept, the next build repairs exactly what is missing, and two builds never
mix their outputs (``.versus/lock``).
"""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from versus.cli.main import main
from versus.build.pipeline import BuildOptions, build
from support.files import hears_ctrl_c, write

REPO = Path(__file__).resolve().parents[2]
SLUGS = [f"item{n}-vs-other{n}" for n in range(8)]
KILLS, SEED = 12, 20261127


def handout(n: int) -> str:
    return (f"---\nitems: [Item {n}, Other {n}]\nattributes:\n"
            f"  Size: {{Item {n}: Small, Other {n}: Large}}\n---\n"
            f"Item {n} and Other {n} compared.\n\n## Detail\n\n" + "Words. " * 200 + "\n")


def make_project(root: Path) -> Path:
    for n, slug in enumerate(SLUGS):
        write(root, f"content/{slug}.md", handout(n))
    return root


def start(project: Path, *args: str) -> subprocess.Popen:
    """``build.py pdf`` in its own process group (so the pool's workers die with it)."""
    return subprocess.Popen([sys.executable, str(REPO / "build.py"), "pdf", "--project",
                             str(project), *args], cwd=project, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=hears_ctrl_c)


def temp_files(project: Path) -> list[Path]:
    return sorted((project / "output").rglob(".versus-tmp-*"))


def pdfs(project: Path) -> dict[str, bytes]:
    folder = project / "output" / "pdf"
    return {path.stem: path.read_bytes() for path in sorted(folder.glob("*.pdf"))}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[dict[str, bytes], float]:
    """The PDFs of a clean build, and how long a build in a subprocess takes."""
    project = make_project(tmp_path_factory.mktemp("reference"))
    began = time.monotonic()
    process = start(project, "--jobs", "2")
    _, stderr = process.communicate(timeout=180)
    assert process.returncode == 0, stderr
    return pdfs(project), time.monotonic() - began


def assert_complete(project: Path, reference: dict[str, bytes], when: str) -> None:
    import pypdf

    for slug, data in pdfs(project).items():
        assert data == reference[slug], f"{when}: pdf/{slug}.pdf differs from a clean build"
        pypdf.PdfReader(project / "output" / "pdf" / f"{slug}.pdf")  # opens: complete


def test_sigkill_at_random_moments_keeps_outputs_whole(tmp_path, reference):
    expected, duration = reference
    project = make_project(tmp_path)
    build(project, BuildOptions(formats=("pdf",), jobs=1))
    rng = random.Random(SEED)
    interrupted = 0
    for kill in range(KILLS):
        when = f"kill {kill + 1}"
        # Every other kill waits for an event, the first output written with more
        # to come, so that half the kills stop a build midway on any machine; the
        # others fall at random moments, before, during or after the renders.
        midway = kill % 2 == 0
        for slug in rng.sample(SLUGS, rng.randint(3 if midway else 1, 4)):  # to rebuild
            (project / "output" / "pdf" / f"{slug}.pdf").unlink(missing_ok=True)
        process = start(project, "--jobs", "1" if midway else "2")
        if midway:
            next(line for line in process.stderr if line.startswith("built pdf/"))
        else:
            time.sleep(rng.uniform(0.05, duration))
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        assert_complete(project, expected, when)
        missing = {slug for slug in SLUGS if slug not in pdfs(project)}
        interrupted += bool(missing)
        report = build(project, BuildOptions(formats=("pdf",), jobs=1))
        assert report.ok, f"{when}: {report.errors}"
        rebuilt = {path.stem for path in report.built}
        assert rebuilt == missing, (
            f"{when}: the next build rebuilt {sorted(rebuilt)}, missing were "
            f"{sorted(missing)}")
        assert temp_files(project) == [], f"{when}: the next build left {temp_files(project)}"
        assert pdfs(project) == expected, f"{when}: the repaired outputs differ"
    assert interrupted >= KILLS // 2, f"only {interrupted} kills stopped a build midway"


@pytest.mark.parametrize("group", [
    pytest.param(False, id="main-process"),
    pytest.param(True, id="process-group")])
def test_sigint_exits_130_and_keeps_outputs_whole(tmp_path, reference, group):
    expected, _ = reference
    project = make_project(tmp_path)
    process = start(project, "--jobs", "2")
    lines = []
    for line in process.stderr:  # interrupt once rendering is under way
        lines.append(line)
        if line.startswith("built pdf/"):
            break
    time.sleep(random.Random(SEED + group).uniform(0, 0.3))
    (os.killpg if group else os.kill)(process.pid, signal.SIGINT)
    _, rest = process.communicate(timeout=60)
    stderr = "".join(lines) + rest
    assert process.returncode == 130, f"exit {process.returncode}:\n{stderr}"
    assert temp_files(project) == [], f"an interrupted build left {temp_files(project)}"
    assert_complete(project, expected, "after SIGINT")
    assert "Traceback" not in stderr, f"Ctrl-C printed a traceback:\n{stderr}"


# ------------------------------------------------------------- two builds at once

def hold_lock(project: Path) -> subprocess.Popen:
    """Another process holding the project's build lock until its stdin closes."""
    code = ("import fcntl, sys; lock = open(sys.argv[1], 'a'); "
            "fcntl.flock(lock, fcntl.LOCK_EX); print('held', flush=True); "
            "sys.stdin.read()")
    (project / ".versus").mkdir(exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", code,
                               str(project / ".versus" / "lock")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_second_build_with_no_wait_exits_1(tmp_path):
    project = make_project(tmp_path)
    holder = hold_lock(project)
    try:
        result = subprocess.run([sys.executable, str(REPO / "build.py"), "html",
                                 "--project", str(project), "--no-wait"],
                                capture_output=True, text=True, timeout=60)
    finally:
        holder.communicate("")
    assert result.returncode == 1, result.stderr
    assert "another build of this project is running" in result.stderr
    assert not (project / "output" / "html").exists(), "it built despite the lock"


def test_second_build_waits_for_the_first(tmp_path):
    project = make_project(tmp_path)
    holder = hold_lock(project)
    waiting = subprocess.Popen([sys.executable, str(REPO / "build.py"), "html",
                                "--project", str(project)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.5)
        assert waiting.poll() is None, "the second build did not wait for the lock"
        assert not (project / "output" / "html").exists()
    finally:
        holder.communicate("")
    _, stderr = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, stderr
    assert "waiting for another build of this project" in stderr
    assert len(list((project / "output" / "html").glob("*.html"))) == len(SLUGS)


def test_stale_temporary_files_are_removed_only_below_output(tmp_path):
    project = make_project(tmp_path)
    stale = write(project, "output/html/.versus-tmp-x.html.abc", "half a page")
    mine = write(project, "content/.versus-tmp-notes", "not ours to delete")
    kept = write(project, "output/notes.txt", "kept")
    result = CliRunner().invoke(main, ["html", "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert not stale.exists() and mine.exists() and kept.exists()


def test_the_lock_says_whether_the_last_build_ended(tmp_path):
    from versus.output import FINISHED, LOCK_FILE, build_lock

    lock = tmp_path / ".versus" / LOCK_FILE
    with build_lock(tmp_path):
        assert lock.read_text() != FINISHED  # under way
    assert lock.read_text() == FINISHED
    # A build killed while it wrote: its lock still says it is under way, so
    # the next build looks for the temporary files it left.
    lock.write_text("building\n")
    stale = write(tmp_path, "output/html/.versus-tmp-y.html.abc", "half a page")
    with build_lock(tmp_path):
        assert not stale.exists()


# ------------------------------------------------------------------- full disk

def test_full_disk_is_an_error_and_keeps_the_last_good_output(tmp_path, monkeypatch):
    project = make_project(tmp_path)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["html", "--project", "."])
    assert result.exit_code == 0, result.output
    page = project / "output" / "html" / f"{SLUGS[0]}.html"
    good = page.read_bytes()
    write(project, f"content/{SLUGS[0]}.md", handout(0).replace("compared", "contrasted"))

    import versus.output

    real_fdopen = os.fdopen

    class Full:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[:10])  # part of it reaches the disk, then it is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(versus.output.os, "fdopen", lambda fd, mode: Full(real_fdopen(fd, mode)))
    result = CliRunner().invoke(main, ["html", "--project", "."])
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    assert (f"output/html/{SLUGS[0]}.html: cannot write: No space left on device; "
            "the last good output is kept") in result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(
        result.exception, SystemExit)
    assert page.read_bytes() == good
    assert temp_files(project) == []
