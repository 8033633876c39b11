"""Golden pages: the design fixtures' pages as small PNGs, and how to compare them.

``make golden`` (``python tests/support/golden.py``) builds the fixtures in
tests/fixtures/ (the seed handout, a six-item comparison, a handout with every
Markdown element, a Japanese and an Arabic handout, one with sourced and typed
cells; and the seed released, with a site address: its edition line and QR
code) in a temporary project on each paper in ``SETS`` and writes
their pages to tests/golden/ as PNGs at 40 dpi, and the seed's A4 pages side by
side as ``seed-pages.png`` for the README; ``tests/e2e/test_golden.py`` renders them
afresh and compares. Regenerate them when a change to the theme or WeasyPrint is
meant to move the page, and look at the new PNGs before committing them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
FIXTURES = ROOT / "tests" / "fixtures"
HANDOUTS = ("devops-vs-mlops", "databases-six", "feature-handout",
            "languages/ja-tokyo-vs-osaka", "languages/ar-python-vs-java",
            "sourced-databases")
ASSETS = ("history.png",)
SETS = {  # golden name -> (handout, paper)
    "seed-a4": ("devops-vs-mlops", "A4"),
    "seed-letter": ("devops-vs-mlops", "Letter"),
    "seed-a5": ("devops-vs-mlops", "A5"),
    "six-a4": ("databases-six", "A4"),
    "feature-a4": ("feature-handout", "A4"),
    "ja-a4": ("ja-tokyo-vs-osaka", "A4"),
    "ar-a4": ("ar-python-vs-java", "A4"),
    "sourced-a4": ("sourced-databases", "A4"),
}
RELEASED = "released-a4"
"""The seed released once on a site whose address is set: its edition in the
byline and a QR code of its page at its foot (A4)."""
RELEASE_EPOCH = "1765000000"
PREVIEW = "seed-pages.png"
DPI = 40
PREVIEW_DPI = 56
TOLERANCE = 0.002
"""Largest share of pixels that may differ noticeably from the golden page."""


def build_fixtures(project: Path, paper: str, handouts=HANDOUTS) -> Path:
    """Copy ``handouts`` (fixtures' names) into a new project at ``project``, build
    their PDFs on ``paper``; the folder holding the PDFs."""
    (project / "content").mkdir(parents=True)
    for name in handouts:
        shutil.copy(FIXTURES / f"{name}.md", project / "content" / f"{Path(name).name}.md")
    for name in ASSETS:
        shutil.copy(FIXTURES / name, project / "content" / name)
    subprocess.run([sys.executable, str(ROOT / "build.py"), "pdf", "-q", "--jobs", "2",
                    "--paper", paper, "--project", str(project)], check=True)
    return project / "output" / "pdf"


def render_pages(target: Path) -> list[Path]:
    """Every golden set's pages as PNGs in ``target`` (``<set>-<page>.png``)."""
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="versus-golden-") as folder:
        built: dict[str, Path] = {}
        for name, (handout, paper) in SETS.items():
            if paper not in built:  # only the handouts a set shows on that paper
                wanted = {each for each, on in SETS.values() if on == paper}
                built[paper] = build_fixtures(Path(folder) / paper, paper, [
                    fixture for fixture in HANDOUTS if Path(fixture).name in wanted])
            subprocess.run(["pdftoppm", "-png", "-r", str(DPI),
                            str(built[paper] / f"{handout}.pdf"), str(target / name)],
                           check=True)
        render_released(Path(folder) / "released", target)
    return sorted(path for path in target.glob("*.png") if path.name != PREVIEW)


def render_released(project: Path, target: Path) -> None:
    """The ``RELEASED`` set's pages in ``target``: the seed, released, with a site
    address."""
    import os

    (project / "content").mkdir(parents=True)
    shutil.copy(FIXTURES / f"{HANDOUTS[0]}.md", project / "content")
    (project / "versus.yaml").write_text("base_url: https://handouts.example.org/\n",
                                         encoding="utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": RELEASE_EPOCH}
    for command in (["release", "--note", "First printing"], ["pdf", "--jobs", "2"]):
        subprocess.run([sys.executable, str(ROOT / "build.py"), *command, "-q",
                        "--project", str(project)], check=True, env=env)
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI),
                    str(project / "output" / "pdf" / f"{HANDOUTS[0]}.pdf"),
                    str(target / RELEASED)], check=True)


def preview(pages: list[Path], target: Path) -> None:
    """The seed's A4 pages side by side, with a grey gap and border: the README's picture."""
    from PIL import Image

    images = [Image.open(page).convert("RGB") for page in pages]
    gap = 12
    width = sum(image.width for image in images) + gap * (len(images) + 1)
    height = max(image.height for image in images) + 2 * gap
    sheet = Image.new("RGB", (width, height), (214, 219, 228))
    x = gap
    for image in images:
        sheet.paste(image, (x, gap))
        x += image.width + gap
    sheet.save(target, optimize=True)


def difference(fresh: Path, golden: Path) -> float:
    """The share of pixels whose colour moved by more than a faint shade."""
    from PIL import Image, ImageChops

    with Image.open(fresh) as a, Image.open(golden) as b:
        if a.size != b.size:
            return 1.0
        delta = ImageChops.difference(a.convert("L"), b.convert("L"))
        changed = delta.point(lambda value: 255 if value > 48 else 0).histogram()[255]
        return changed / (a.width * a.height)


def seed_preview(target: Path) -> None:
    """The README's picture of the seed's A4 pages, at a readable resolution."""
    with tempfile.TemporaryDirectory(prefix="versus-preview-") as folder:
        pdfs = build_fixtures(Path(folder) / "project", "A4")
        subprocess.run(["pdftoppm", "-png", "-r", str(PREVIEW_DPI),
                        str(pdfs / f"{HANDOUTS[0]}.pdf"), f"{folder}/page"], check=True)
        preview(sorted(Path(folder).glob("page-*.png")), target)


if __name__ == "__main__":
    written = render_pages(GOLDEN)
    seed_preview(GOLDEN / PREVIEW)
    for page in written + [GOLDEN / PREVIEW]:
        print(page.relative_to(ROOT))
