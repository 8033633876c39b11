#!/usr/bin/env python3
"""Build the PDFs of the seed and every tests/fixtures handout into a folder, to compare bytes.

    python bench/samepdfs.py OUT          # OUT/<slug>.pdf for each handout
    cmp -s OUT1/x.pdf OUT2/x.pdf          # then compare two such folders
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="versus-same-") as folder:
        project = Path(folder)
        content = project / "content"
        content.mkdir()
        for path in [*FIXTURES.glob("*.md"), *FIXTURES.glob("languages/*.md"),
                     FIXTURES / "history.png"]:
            shutil.copy(path, content / path.name)
        subprocess.run([sys.executable, str(ROOT / "build.py"), "pdf", "--project",
                        str(project), "--jobs", "2", "--force", "-q"], check=True)
        for pdf in sorted((project / "output" / "pdf").glob("*.pdf")):
            shutil.copy(pdf, out / pdf.name)
            print(pdf.name)


if __name__ == "__main__":
    main()
