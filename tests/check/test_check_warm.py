"""A ``check`` with nothing to do loads none of what checks a handout: the worker
pool, Markdown, fonts and images stay unimported (they would cost it a tenth of
its time at 10,000 handouts)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from support.files import write

REPO = Path(__file__).resolve().parents[2]
HANDOUT = "---\nitems: [Alpha, Beta]\nattributes:\n  Focus: {Alpha: One, Beta: Two}\n---\n"
CODE = """
import json, sys
from pathlib import Path
from versus.check.checks import check_project
result = check_project(Path(sys.argv[1]), jobs=1)
print(json.dumps([result.reused, [str(f) for f in result.findings],
                  sorted(name for name in sys.modules if name.startswith("markdown")
                         or name in WORKER_MODULES)]))
"""
WORKER_MODULES = ("versus.executors.local", "versus.executors.workers", "versus.build.jobs", "versus.build.pipeline",
                  "versus.content.glyphs", "versus.content.unfinished", "versus.render.templateimages",
                  "versus.content.imagerefs", "versus.security.sandbox", "urllib.request")


def _check(project: Path) -> list:
    code = f"WORKER_MODULES = {WORKER_MODULES!r}\n" + CODE
    result = subprocess.run([sys.executable, "-c", code, str(project)], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_check_with_nothing_to_do_imports_no_worker_modules(tmp_path):
    write(tmp_path, "content/a.md", HANDOUT + "Alpha and Beta.\n\nSee [c](c.md).\n")
    write(tmp_path, "content/b.md", HANDOUT + "Alpha and Beta.\n")
    (tmp_path / "output").mkdir()
    reused, findings, _ = _check(tmp_path)  # the first check does the work
    assert reused == 0 and len(findings) == 1
    reused, again, imported = _check(tmp_path)
    assert (reused, again) == (2, findings)
    assert imported == []


def test_every_module_named_above_exists():
    """Else a renamed module would be "not imported" for want of existing."""
    import importlib.util

    assert [name for name in WORKER_MODULES if importlib.util.find_spec(name) is None] == []
