"""Rendering on a Dask cluster: same bytes as a local build, survives a dead worker."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sys
import threading
from pathlib import Path

import distributed
import pytest

from support.files import two_items, write
from versus.errors import VersusError
from versus.pdf.cluster import DaskExecutor
from versus.build.pipeline import BuildOptions, Listener, build

BODY = """A lead about {a} and {b}.

![A small diagram](images/dot.png)

## Details

Some text.
"""
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        yield cluster


def make_project(root: Path, count: int) -> Path:
    for number in range(count):
        write(root, f"content/x{number}-vs-y{number}.md",
              two_items(f"X{number}", f"Y{number}",
                        BODY.format(a=f"X{number}", b=f"Y{number}")))
    write(root, "content/images/dot.png", PNG)
    return root


def pdfs(project: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes()
            for path in sorted((project / "output/pdf").glob("*.pdf"))}


def test_a_cluster_build_gives_the_bytes_of_a_local_build(tmp_path, cluster):
    local = make_project(tmp_path / "local", 3)
    remote = make_project(tmp_path / "remote", 3)
    assert build(local, BuildOptions(formats=("pdf",), jobs=1)).ok
    executor = DaskExecutor(cluster.scheduler_address)
    try:
        report = build(remote, BuildOptions(formats=("pdf",)), executor=executor)
    finally:
        executor.close()
    assert report.ok, report.errors
    assert len(pdfs(remote)) == 3
    assert pdfs(remote) == pdfs(local)
    # The state records what the workers read, so nothing is left to do locally.
    again = build(remote, BuildOptions(formats=("pdf",)))
    assert again.built == [] and again.up_to_date == 3
    # ... and a changed image, which only the workers read, rebuilds them all.
    write(remote, "content/images/dot.png", PNG + b"\0")
    assert len(build(remote, BuildOptions(formats=("pdf",), jobs=1)).built) == 3


def test_a_missing_image_is_the_handouts_error_on_the_cluster_too(tmp_path, cluster):
    project = make_project(tmp_path, 1)
    (project / "content/images/dot.png").unlink()
    executor = DaskExecutor(cluster.scheduler_address)
    try:
        report = build(project, BuildOptions(formats=("pdf",)), executor=executor)
    finally:
        executor.close()
    assert [error.message for error in report.errors] == [
        "image 'images/dot.png' not found"]
    assert Path(report.errors[0].path).name == "x0-vs-y0.md"
    assert (report.errors[0].line, report.errors[0].column) == (10, 1)


class KillOneWorker(Listener):
    """Kills a worker process when the first PDF comes back."""

    def __init__(self, cluster):
        self.cluster, self.killed = cluster, threading.Event()

    def finished(self, target, error):
        if not self.killed.is_set():
            self.killed.set()
            nanny = next(iter(self.cluster.workers.values()))
            os.kill(nanny.process.process.pid, signal.SIGKILL)


def test_a_worker_that_dies_mid_build_has_its_tasks_done_elsewhere(tmp_path, cluster):
    local = make_project(tmp_path / "local", 8)
    remote = make_project(tmp_path / "remote", 8)
    assert build(local, BuildOptions(formats=("pdf",), jobs=1)).ok
    listener = KillOneWorker(cluster)
    executor = DaskExecutor(cluster.scheduler_address)
    try:
        report = build(remote, BuildOptions(formats=("pdf",)), executor=executor,
                       listener=listener)
    finally:
        executor.close()
    assert listener.killed.is_set()
    assert report.ok, report.errors
    assert pdfs(remote) == pdfs(local)
    assert not list((remote / "output").rglob(".versus-tmp-*"))


def test_an_unreachable_scheduler_is_a_clear_error():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(VersusError, match=r"cannot reach the Dask scheduler at "
                                          rf"tcp://127.0.0.1:{port}"):
        DaskExecutor(f"tcp://127.0.0.1:{port}", timeout=1)


def test_the_scheduler_setting_is_used_and_its_failure_reported(tmp_path, monkeypatch):
    from versus.pdf import cluster

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1)
    project = make_project(tmp_path, 1)
    write(project, "versus.yaml", f"scheduler: tcp://127.0.0.1:{port}\n")
    report = build(project, BuildOptions(formats=("pdf",)))
    assert [error.message.split(":")[0] for error in report.errors] == [
        "cannot reach the Dask scheduler at tcp"]
    assert not (project / "output/pdf").exists()
    # Where PDFs are rendered is no input of theirs: a local build is not stale
    # because the setting changed.
    write(project, "versus.yaml", "")
    assert build(project, BuildOptions(formats=("pdf",), jobs=1)).ok
    write(project, "versus.yaml", f"scheduler: tcp://127.0.0.1:{port}\n")
    again = build(project, BuildOptions(formats=("pdf",)))
    assert again.ok and again.built == [] and again.up_to_date == 1


def test_without_dask_the_option_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(VersusError, match=r"pip install 'versus\[dask\]'"):
        DaskExecutor("tcp://127.0.0.1:1")


def test_the_cli_builds_through_the_scheduler(tmp_path, cluster):
    from click.testing import CliRunner

    from versus.cli.main import main

    project = make_project(tmp_path, 2)
    result = CliRunner().invoke(main, ["all", "--project", str(project),
                                       "--scheduler", cluster.scheduler_address])
    assert result.exit_code == 0, result.output
    assert len(pdfs(project)) == 2
    assert (project / "output/booklet.pdf").is_file()
    shutil.rmtree(project / "output")
