"""The package's imports point one way, from the command line down to the kernel:
the layers contract in pyproject.toml, checked by import-linter."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """import-linter over the ``versus`` package found at ``root``."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--config",
                           str(REPO / "pyproject.toml"), "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


def copy_of_the_package(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "versus", tmp_path / "versus",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_the_package_keeps_its_layers():
    done = lint_imports(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 kept, 0 broken" in done.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    root = copy_of_the_package(tmp_path)
    errors = root / "versus" / "errors.py"  # the kernel, importing the command line
    errors.write_text(errors.read_text() + "\n\ndef _upward():\n"
                      "    from .cli.main import main\n    return main\n")
    done = lint_imports(root)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "0 kept, 1 broken" in done.stdout
    assert "versus.errors -> versus.cli.main" in done.stdout


def test_the_copy_is_what_is_linted(tmp_path):
    """The contract holds for an unchanged copy, so the test above fails for its import."""
    done = lint_imports(copy_of_the_package(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_top_level_is_the_kernel_and_no_module_is_long():
    top = sorted(path.name for path in (REPO / "versus").glob("*.py"))
    assert len(top) <= 8, top
    long = {str(path.relative_to(REPO)): lines
            for path in (REPO / "versus").rglob("*.py")
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


def test_every_subpackage_says_in_one_line_what_passes_through_it():
    packages = [path.parent for path in (REPO / "versus").glob("*/__init__.py")]
    assert len(packages) >= 10
    for package in packages:
        text = (package / "__init__.py").read_text(encoding="utf-8")
        assert text.startswith('"""') and text.rstrip().endswith('"""'), package
        assert len(text.strip().splitlines()) == 1, f"{package.name}: one line"
