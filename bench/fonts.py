"""The cost of the theme's Noto font stack for a Latin-only handout: the seed rendered
alternately with versus.css as it is and with Inter alone, medians of 8 runs each.

Run: .venv/bin/python bench/fonts.py   (from the checkout)
"""
import shutil, statistics, tempfile, time, weasyprint
from pathlib import Path
from weasyprint.text.fonts import FontConfiguration
from versus.render import Pages, Theme
from versus.settings import Settings
from versus.content import load_handout
proj = Path(tempfile.mkdtemp())
(proj / "content").mkdir()
shutil.copy("content/devops-vs-mlops.md", proj / "content")
theme = Theme.for_project(proj)
pages = Pages(theme, Settings())
h = load_handout(proj/"content/devops-vs-mlops.md", "devops-vs-mlops", Settings())
html = pages.handout(h, "print")
css = (Path("templates/static/versus.css")).read_text()
old = css.replace('''html { font-family: "Inter", "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari",
                    "Noto Sans Thai", sans-serif;''', 'html { font-family: "Inter", sans-serif;')
assert old != css
base = "file://" + str(Path("templates/static").resolve()) + "/"
variants = {}
for name, text in (("noto", css), ("inter", old)):
    fc = FontConfiguration()
    variants[name] = (fc, weasyprint.CSS(string=text, base_url=base, font_config=fc))
times = {k: [] for k in variants}
for i in range(8):
    for k, (fc, sheet) in variants.items():
        t = time.perf_counter()
        weasyprint.HTML(string=html, base_url=str(proj) + "/").write_pdf(stylesheets=[sheet], font_config=fc, pdf_tags=True)
        times[k].append(time.perf_counter() - t)
for k, v in times.items(): print(k, round(statistics.median(v[1:]), 3))
print("ratio", statistics.median(times["noto"][1:]) / statistics.median(times["inter"][1:]))
