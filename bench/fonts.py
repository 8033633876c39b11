"""The cost of the theme's Noto font stack for a Latin-only handout.

The seed is rendered to PDF alternately with versus.css as it is (Inter, then the
Noto fonts of other scripts) and with Inter alone, each with its stylesheet parsed
and its fonts loaded once, as a worker does; the medians of the runs after the
first are compared. The target: at most 5 % slower.

    .venv/bin/python bench/fonts.py [--runs 15]     (from the checkout)
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "versus" / "theme" / "static"
NOTO = ('html { font-family: "Inter", "Noto Sans Arabic", "Noto Sans Hebrew", '
        '"Noto Sans Devanagari",\n                    "Noto Sans Thai", sans-serif;')
INTER = 'html { font-family: "Inter", sans-serif;'


def seed_html() -> tuple[str, str]:
    """The seed handout's print HTML, and the base URL it is rendered against."""
    import shutil

    from versus.content.handouts import load_handout
    from versus.render.pages import Pages
    from versus.render.theme import Theme
    from versus.settings import Settings

    project = Path(tempfile.mkdtemp())
    (project / "content").mkdir()
    shutil.copy(ROOT / "content" / "devops-vs-mlops.md", project / "content")
    handout = load_handout(project / "content" / "devops-vs-mlops.md", "devops-vs-mlops",
                           Settings())
    html = Pages(Theme.for_project(project), Settings()).handout(handout, "print")
    return html, project.as_uri() + "/"


def renderers() -> dict:
    """Each variant's font configuration and parsed stylesheet."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    css = (STATIC / "versus.css").read_text(encoding="utf-8")
    if NOTO not in css:
        raise SystemExit("versus.css no longer has the font stack this benchmark swaps")
    variants = {}
    for name, text in (("noto", css), ("inter", css.replace(NOTO, INTER))):
        fonts = FontConfiguration()
        variants[name] = (fonts, weasyprint.CSS(string=text, base_url=STATIC.as_uri() + "/",
                                                font_config=fonts))
    return variants


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    import weasyprint

    html, base = seed_html()
    variants = renderers()
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(runs):  # interleaved, so a busy moment hits both alike
        for name, (fonts, sheet) in variants.items():
            start = time.perf_counter()
            weasyprint.HTML(string=html, base_url=base).write_pdf(
                stylesheets=[sheet], font_config=fonts, pdf_tags=True)
            times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(values[1:]) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name:6} {median * 1000:7.1f} ms  (median of {runs - 1})")
    print(f"ratio  {medians['noto'] / medians['inter']:.3f}  (Noto stack / Inter alone)")


if __name__ == "__main__":
    main()
