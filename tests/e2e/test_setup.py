"""A new user's first steps: build.py with the wrong Python, a quiet package build."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


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


@pytest.fixture(scope="module")
def wheel_build(tmp_path_factory) -> tuple[subprocess.CompletedProcess, list[str]]:
    """``pip wheel`` of a clean copy of the checkout (a build/ folder left by an
    earlier build would lend the wheel its files): its output, and the wheel's files."""
    folder, source = tmp_path_factory.mktemp("wheel"), tmp_path_factory.mktemp("source")
    for name in ("versus",):
        shutil.copytree(REPO / name, source / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source / name)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-v",
                           str(source), "-w", str(folder)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    wheel = next(folder.glob("versus-*.whl"))
    return done, zipfile.ZipFile(wheel).namelist()


def test_the_package_builds_without_setuptools_warnings(wheel_build):
    done, names = wheel_build
    assert "is absent from the `packages` configuration" not in done.stdout + done.stderr
    assert "BuildBackendWarning" not in done.stdout + done.stderr
    assert "versus/theme/i18n/de.yaml" in names
    assert "versus/theme/static/fonts/Inter-Regular.otf" in names


def test_the_wheel_holds_every_module_and_theme_file(wheel_build):
    """A module or theme file the package configuration misses would be absent from
    a user's install, and nothing else would say so."""
    _, names = wheel_build
    def shipped(folder: Path, as_: str) -> set[str]:
        return {f"{as_}/{path.relative_to(folder).as_posix()}" for path in folder.rglob("*")
                if path.is_file() and "__pycache__" not in path.parts
                and path.suffix != ".pyc"}
    wanted = shipped(REPO / "versus", "versus")
    assert len(wanted) > 80
    assert sorted(wanted - set(names)) == []
