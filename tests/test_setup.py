"""A new user's first steps: build.py with the wrong Python, a quiet package build."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def checkout(tmp_path: Path) -> Path:
    """build.py and the package, without any .venv beside them."""
    root = tmp_path / "checkout"
    shutil.copytree(REPO / "versus", root / "versus")
    shutil.copy(REPO / "build.py", root / "build.py")
    return root


def bare_python(*args, cwd) -> subprocess.CompletedProcess:
    """This interpreter without site-packages: a Python that lacks the dependencies."""
    return subprocess.run([sys.executable, "-S", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_without_dependencies_one_line_says_how_to_set_up(tmp_path):
    done = bare_python("build.py", "--help", cwd=checkout(tmp_path))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "build.py: this Python lacks 'click'; set up once with 'make venv', then run "
        "'.venv/bin/python build.py …' (or 'make pdf')."]


def test_with_a_venv_beside_it_build_py_runs_there(tmp_path):
    root = checkout(tmp_path)
    (root / ".venv").symlink_to(Path(sys.prefix))
    done = bare_python("build.py", "--help", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "Usage: build.py [OPTIONS] COMMAND" in done.stdout


def test_the_package_builds_without_setuptools_warnings(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-v",
                           str(REPO), "-w", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "is absent from the `packages` configuration" not in done.stdout + done.stderr
    assert "BuildBackendWarning" not in done.stdout + done.stderr
    wheel = next(tmp_path.glob("versus-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "versus/theme/i18n/de.yaml" in names
    assert "versus/theme/static/fonts/Inter-Regular.otf" in names
