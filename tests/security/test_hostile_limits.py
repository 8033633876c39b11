"""Time limits no library can swallow, and workers that die with their build.

A render, a Markdown conversion or a check that ignores the worker's own timer
(code that catches ``BaseException``, as WeasyPrint's SVG drawing does, or a
regex stuck in C) is stopped by the main process, which kills its worker; the
other handouts build. Ctrl-C ends the workers at once, and so does the death
of the build. The slow code is put in place by a ``sitecustomize`` module on
PYTHONPATH, which every process of the build imports as it starts. Time bounds
here are generous correctness bounds (a hang or not), not benchmarks.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support.files import hears_ctrl_c, write
from versus.errors import VersusError
from versus.executors.local import ProcessExecutor

REPO = Path(__file__).resolve().parents[2]
HANDOUT = ("---\nitems: [Alpha, Beta]\nattributes:\n  Colour: {Alpha: Red, Beta: Blue}\n"
           "---\nLead.\n")
BOUND = 120
"""Seconds within which a stopped build must have ended (it hangs without the fix):
generous, so that a busy machine only makes a test slower."""

# Code that ignores every interruption, for handouts whose file name says "slow";
# a long conversion that the worker's timer stops, for "sleepy"; and a worker that
# dies, for "crash". Slowness is made here, never borrowed from a library.
INJECTED = """
import os, signal, time
import versus.content.lint, versus.pdf.renderer, versus.render.pages

def stubborn():
    try:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    except ValueError:  # not in a main thread (a Dask worker's)
        pass
    while True:  # swallows every interruption, as WeasyPrint's SVG drawing does
        try:
            time.sleep(0.05)
        except BaseException:
            pass

def sleepy():
    end = time.monotonic() + 120
    while time.monotonic() < end:  # long, but stopped by the worker's own timer
        time.sleep(0.05)

def patch(owner, name, test, slow=stubborn):
    real = getattr(owner, name)
    def patched(*args, **kwargs):
        if test(args):
            slow()
        return real(*args, **kwargs)
    setattr(owner, name, patched)

def render_test(args):
    if "crash" in args[1].source:
        os.kill(os.getpid(), signal.SIGKILL)
    return "slow-render" in args[1].source

patch(versus.pdf.renderer.PdfRenderer, "render", render_test)
patch(versus.render.pages.Pages, "convert", lambda args: "slow-markdown" in str(args[1].source))
patch(versus.content.lint, "lint_handout", lambda args: "slow-lint" in str(args[0]))
patch(versus.render.pages.Pages, "convert", lambda args: "sleepy-markdown" in str(args[1].source),
      sleepy)
"""

pytestmark = pytest.mark.cold_workers  # they count, kill or starve the workers


def project(root: Path, *slugs: str) -> Path:
    for slug in slugs:
        write(root, f"content/{slug}.md", HANDOUT)
    return root


def start(project: Path, *arguments: str) -> subprocess.Popen:
    """``build.py`` in a subprocess, in its own session, with the injected code."""
    inject = project / "inject"
    write(inject, "sitecustomize.py", INJECTED)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(inject), str(REPO), os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen([sys.executable, str(REPO / "build.py"), *arguments,
                             "--project", str(project)], cwd=project, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=hears_ctrl_c)


def finish(process: subprocess.Popen) -> str:
    """The stderr of ``process`` once it ends; one still running after ``BOUND``
    seconds is killed, with the processes it started, and the test fails."""
    try:
        return process.communicate(timeout=BOUND)[1]
    except subprocess.TimeoutExpired:
        for pid in descendants(process.pid) | {process.pid}:
            os.kill(pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"{' '.join(process.args[2:])} still ran after {BOUND} s")


def run(project: Path, *arguments: str) -> tuple[int, str]:
    """Exit status and stderr of a build."""
    process = start(project, *arguments)
    stderr = finish(process)
    return process.returncode, stderr


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid``, read from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except (OSError, ValueError):
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z":
            parents.setdefault(int(fields[1]), set()).add(int(entry.name))
    found, pending = set(), [pid]
    while pending:
        children = parents.get(pending.pop(), set())
        pending.extend(children - found)
        found |= children
    return found


def alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if state[state.rindex(")") + 2] != "Z":
            living.add(pid)
    return living


def wait_for_workers(process: subprocess.Popen, count: int) -> set[int]:
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        found = descendants(process.pid)
        if len(found) >= count:
            time.sleep(3)  # let them start their jobs
            return descendants(process.pid)
        time.sleep(0.1)
    pytest.fail(f"the build never had {count} worker processes")


# --------------------------------------------------------------- the watchdog


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_render_that_swallows_interruptions_is_stopped_and_the_rest_build(
        tmp_path, jobs):
    # First in line: the jobs sent ahead to its worker are sent again elsewhere.
    project(tmp_path, "a-slow-render-vs-z", "quick-vs-b", "quick-vs-c")
    status, stderr = run(tmp_path, "pdf", "--timeout", "2", "--jobs", jobs)
    assert status == 1, stderr
    assert ("content/a-slow-render-vs-z.md: rendering the PDF took longer than 2 s; "
            "stopped") in stderr
    assert "Traceback" not in stderr
    assert sorted(p.name for p in (tmp_path / "output/pdf").glob("*.pdf")) == [
        "quick-vs-b.pdf", "quick-vs-c.pdf"]  # not lost, not failed


def test_a_render_on_the_cluster_is_stopped_at_the_limit_and_its_worker_goes_on(
        tmp_path, monkeypatch):
    # A Dask worker's thread cannot be interrupted: the render runs in a process
    # the worker watches and kills. One worker thread, slow handout first: the
    # others build only if that thread is freed.
    import distributed

    project(tmp_path, "a-slow-render-vs-z", "quick-vs-b", "quick-vs-c")
    inject = tmp_path / "inject"
    write(inject, "sitecustomize.py", INJECTED)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(inject), str(REPO)]))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        status, stderr = run(tmp_path, "pdf", "--timeout", "2",
                             "--scheduler", cluster.scheduler_address)
        (worker,) = cluster.workers.values()
        left = alive(descendants(worker.process.process.pid))
    assert status == 1, stderr
    assert ("content/a-slow-render-vs-z.md: rendering the PDF took longer than 2 s; "
            "stopped") in stderr
    assert "Traceback" not in stderr
    assert sorted(p.name for p in (tmp_path / "output/pdf").glob("*.pdf")) == [
        "quick-vs-b.pdf", "quick-vs-c.pdf"]
    assert len(left) <= 1  # the render process of the quick ones, not the slow one


def test_svgs_that_refer_to_each_other_stop_within_the_time_limit(tmp_path):
    write(tmp_path, "content/a-vs-b.md", HANDOUT + "\n![x](a.svg)\n")
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">{}</svg>'
    image = '<image href="{}" width="9" height="9"/>'
    write(tmp_path, "content/a.svg", svg.format(image.format("b.svg")
                                                + image.format("a.svg#x")))
    write(tmp_path, "content/b.svg", svg.format(image.format("a.svg?y")
                                                + image.format("b.svg#z")))
    status, stderr = run(tmp_path, "pdf", "--timeout", "5")
    assert status == 1, stderr
    assert "content/a-vs-b.md: " in stderr and "Traceback" not in stderr


def test_markdown_that_swallows_interruptions_is_stopped_in_html_builds(tmp_path):
    project(tmp_path, "slow-markdown-vs-a", "quick-vs-b")
    status, stderr = run(tmp_path, "html", "--timeout", "2")
    assert status == 1, stderr
    assert ("content/slow-markdown-vs-a.md: converting the Markdown took longer than "
            "2 s; stopped") in stderr
    assert (tmp_path / "output/html/quick-vs-b.html").is_file()
    assert (tmp_path / "output/index.html").is_file()


def test_a_worker_that_dies_is_its_handouts_error_and_the_rest_build(tmp_path):
    project(tmp_path, "crash-vs-a", "quick-vs-b", "quick-vs-c")
    status, stderr = run(tmp_path, "pdf", "--jobs", "1")
    assert status == 1, stderr
    assert ("content/crash-vs-a.md: rendering the PDF failed: its worker process died "
            "(SIGKILL)") in stderr
    assert len(list((tmp_path / "output/pdf").glob("*.pdf"))) == 2


def blocked_in_c(number: int) -> int:
    """A job stuck in the regex engine (no timer reaches it) that also ignores
    SIGTERM; or a quick one."""
    if number == 0:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        re.match(r"(a+)+$", "a" * 64 + "b")
    return number


def test_the_pool_kills_a_job_stuck_in_c_and_runs_the_others():
    from versus.executors.workers import Limit

    def stopped(job, message):
        return f"{job}: {message}"

    executor = ProcessExecutor(workers=1)
    try:
        results = list(executor.map(blocked_in_c, range(4),
                                    Limit(1, "matching", stopped)))
    finally:
        executor.close()
    assert sorted(map(str, results)) == [
        "0: matching took longer than 1 s; stopped", "1", "2", "3"]


def test_without_a_limit_a_dead_worker_is_an_error():
    executor = ProcessExecutor(workers=1)
    try:
        with pytest.raises(VersusError, match="worker process died"):
            list(executor.map(os._exit, [3]))
    finally:
        executor.close()


# -------------------------------------------------------------------- check


def test_check_stops_a_slow_handout_and_checks_the_others(tmp_path):
    project(tmp_path, "slow-lint-vs-a", "sleepy-markdown-vs-c", "fine-vs-b")
    write(tmp_path, "content/fine-vs-b.md", HANDOUT + "\n![](missing.png)\n")
    status, stderr = run(tmp_path, "check", "--timeout", "3")
    assert status == 1, stderr
    for slug in ("slow-lint-vs-a", "sleepy-markdown-vs-c"):
        assert f"content/{slug}.md: checking the handout took longer than 3 s; stopped" \
            in stderr
    assert "content/fine-vs-b.md:8:1: image 'missing.png' not found" in stderr


def test_the_lint_finds_code_spans_in_linear_time(tmp_path):
    path = write(tmp_path, "content/a-vs-b.md", HANDOUT + "\n" + " ".join(
        "`" * n for n in range(1, 1801)) + "\n\n`a [x](gone.md)` [y](gone.md)\n")
    code = ("import sys; from pathlib import Path; from versus.content.lint import lint_handout; "
            "print(*lint_handout(Path(sys.argv[1]), 'a-vs-b', {'a-vs-b'}, ()), sep='\\n')")
    result = subprocess.run([sys.executable, "-c", code, str(path)], timeout=BOUND,
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.stdout.splitlines() == [
        "content/a-vs-b.md:10:18: link 'gone.md' names no handout "
        "('gone' does not exist)"]


# ------------------------------------------------ Ctrl-C, and a killed build


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_ends_the_workers_at_once_and_exits_130(tmp_path, jobs):
    project(tmp_path, "slow-render-vs-a", "slow-render-vs-b")
    process = start(tmp_path, "pdf", "--timeout", "600", "--jobs", jobs)
    workers = wait_for_workers(process, int(jobs))
    interrupted = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)  # as the terminal sends it
    stderr = finish(process)  # fails after BOUND seconds, long before the time limit
    assert process.returncode == 130, stderr
    assert time.monotonic() - interrupted < BOUND, "Ctrl-C waited for the time limit"
    assert alive(workers) == set()
    assert "Traceback" not in stderr


def test_the_workers_of_a_killed_build_die_with_it(tmp_path):
    project(tmp_path, "slow-render-vs-a", "slow-render-vs-b")
    process = start(tmp_path, "pdf", "--timeout", "600", "--jobs", "2")
    workers = wait_for_workers(process, 2)
    os.kill(process.pid, signal.SIGKILL)  # the build alone, as kill -9 does
    process.wait()  # not its pipes: workers that outlive it hold them open
    deadline = time.monotonic() + BOUND
    while alive(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = alive(workers)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    process.communicate()
    assert left == set(), "workers outlived their build"
