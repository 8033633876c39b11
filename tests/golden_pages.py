"""Golden pages: the seed handout's pages as small PNGs, and how to compare them.

``make golden`` (``python tests/golden_pages.py``) renders the repository's
seed handout in a temporary project and writes its pages to tests/golden/ as
PNGs at 40 dpi; ``tests/test_golden.py`` renders them afresh and compares.
Regenerate them when a change to the theme or WeasyPrint is meant to move the
page, and look at the new PNGs before committing them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
SEED = ROOT / "content" / "devops-vs-mlops.md"
DPI = 40
TOLERANCE = 0.002
"""Largest share of pixels that may differ noticeably from the golden page."""


def render_pages(target: Path) -> list[Path]:
    """Build the seed handout's PDF in a temporary project; its pages as PNGs."""
    with tempfile.TemporaryDirectory(prefix="versus-golden-") as folder:
        project = Path(folder)
        (project / "content").mkdir()
        shutil.copy(SEED, project / "content" / SEED.name)
        subprocess.run([sys.executable, str(ROOT / "build.py"), "pdf", "-q", "--jobs", "1",
                        "--project", str(project)], check=True)
        pdf = project / "output" / "pdf" / SEED.with_suffix(".pdf").name
        target.mkdir(parents=True, exist_ok=True)
        for old in target.glob("page-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-png", "-r", str(DPI), str(pdf),
                        str(target / "page")], check=True)
    return sorted(target.glob("page-*.png"))


def difference(fresh: Path, golden: Path) -> float:
    """The share of pixels whose colour moved by more than a faint shade."""
    from PIL import Image, ImageChops

    with Image.open(fresh) as a, Image.open(golden) as b:
        if a.size != b.size:
            return 1.0
        delta = ImageChops.difference(a.convert("L"), b.convert("L"))
        changed = delta.point(lambda value: 255 if value > 48 else 0).histogram()[255]
        return changed / (a.width * a.height)


if __name__ == "__main__":
    for page in render_pages(GOLDEN):
        print(page.relative_to(ROOT))
