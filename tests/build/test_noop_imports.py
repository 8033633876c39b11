"""A build with nothing to do stays light: it imports no library it does not need,
and Versus's subpackages cost it nothing but their names."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SEED_FIXTURE

PROBE = """
import json, sys
from versus.cli.main import main
try:
    main([sys.argv[1], "--project", sys.argv[2], "--quiet"], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""
OUTSIDE_BEFORE = 210
"""Modules from outside Versus (the standard library's among them) a no-op ``html``
build of the seed imported on Python 3.11 when Versus was one flat folder."""
NOT_NEEDED = ("weasyprint", "markdown", "babel", "multiprocessing", "urllib.request",
              "pikepdf", "nh3", "pygments", "confusable_homoglyphs")
"""What only making a page, a PDF or a check needs."""


def modules(project: Path, command: str = "html") -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, command, str(project)],
                          cwd=project, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def noop(tmp_path_factory) -> list[str]:
    project = tmp_path_factory.mktemp("noop")
    (project / "content").mkdir()
    (project / "content" / SEED_FIXTURE.name).write_bytes(SEED_FIXTURE.read_bytes())
    first = modules(project)  # builds the page
    assert "versus.build.jobs" in first
    return modules(project)


def test_a_noop_build_imports_no_more_from_outside_than_before(noop):
    outside = [name for name in noop if name.split(".")[0] != "versus"]
    if sys.version_info[:2] == (3, 11):  # the standard library's own count moves by version
        assert len(outside) <= OUTSIDE_BEFORE, sorted(outside)
    assert [name for name in NOT_NEEDED if name in noop] == []


def test_the_subpackages_it_passes_through_are_only_their_docstrings(noop):
    packages = [name for name in noop if name.startswith("versus.")
                and (REPO / name.replace(".", "/") / "__init__.py").is_file()]
    assert len(packages) >= 5
    for name in packages:
        init = REPO / name.replace(".", "/") / "__init__.py"
        text = init.read_text(encoding="utf-8").strip()
        assert text.startswith('"""') and text.endswith('"""') and text.count('"""') == 2, (
            f"{init} should hold only its one-line docstring")


def test_the_probe_sees_a_build_that_does_work(tmp_path):
    """The other way round, so that the tests above cannot pass for want of a build."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / SEED_FIXTURE.name).write_bytes(SEED_FIXTURE.read_bytes())
    working = modules(tmp_path)
    assert "versus.build.jobs" in working and "multiprocessing" in working
