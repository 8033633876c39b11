"""Make a benchmark corpus: N handouts like the seed, in a fresh project folder."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "devops-vs-mlops.md"


def make_corpus(target: Path, count: int, shared: bool = False) -> list[Path]:
    """Write ``count`` variants of the seed handout into ``target/content``; with
    ``shared`` every one names DevOps (each its own MLOps<n>), so each page lists
    related comparisons from one item a thousand handouts share."""
    content = target / "content"
    content.mkdir(parents=True, exist_ok=True)
    seed = SEED.read_text(encoding="utf-8")
    paths = []
    for number in range(count):
        first, second = ("DevOps" if shared else f"DevOps{number}"), f"MLOps{number}"
        text = seed.replace("DevOps", first).replace("MLOps", second)
        path = content / f"devops{number}-vs-mlops{number}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", type=Path)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--shared", action="store_true",
                        help="every handout names DevOps: related comparisons at scale")
    args = parser.parse_args()
    if args.target.exists():
        shutil.rmtree(args.target)
    make_corpus(args.target, args.count, args.shared)


if __name__ == "__main__":
    main()
