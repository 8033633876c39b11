"""Make a benchmark corpus: N handouts like the seed, in a fresh project folder."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "devops-vs-mlops.md"


def make_corpus(target: Path, count: int) -> list[Path]:
    """Write ``count`` variants of the seed handout into ``target/content``."""
    content = target / "content"
    content.mkdir(parents=True, exist_ok=True)
    seed = SEED.read_text(encoding="utf-8")
    paths = []
    for number in range(count):
        first, second = f"DevOps{number}", f"MLOps{number}"
        text = seed.replace("DevOps", first).replace("MLOps", second)
        path = content / f"devops{number}-vs-mlops{number}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", type=Path)
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    if args.target.exists():
        shutil.rmtree(args.target)
    make_corpus(args.target, args.count)


if __name__ == "__main__":
    main()
