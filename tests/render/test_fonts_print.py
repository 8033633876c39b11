"""The printed handout's type: every face a PDF names is a real face (no bold or
italic made up from a regular one, no slanted text), no fallback to DejaVu, the
page footer of an Arabic handout in its Noto face, and Japanese set justified."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

FIXTURES = Path(__file__).parents[1] / "fixtures"
HANDOUTS = ("ar-python-vs-java", "ja-tokyo-vs-osaka", "feature-handout")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from click.testing import CliRunner

    from versus.cli.main import main

    project = tmp_path_factory.mktemp("fonts")
    content = project / "content"
    content.mkdir()
    for name in ("languages/ar-python-vs-java.md", "languages/ja-tokyo-vs-osaka.md",
                 "feature-handout.md", "history.png"):
        shutil.copy(FIXTURES / name, content)
    result = CliRunner().invoke(main, ["pdf", "--project", str(project)])
    assert result.exit_code == 0, result.output
    return project / "output" / "pdf"


def pdffonts(path: Path) -> list[str]:
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    return [line.split()[0].partition("+")[2] for line in listing]


def embedded_fonts(path: Path) -> dict[str, TTFont]:
    """Each font the PDF embeds, by the name the PDF gives it, as a font program."""
    fonts = {}
    for page in PdfReader(path).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            stream = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
            name = str(font["/BaseFont"]).partition("+")[2]
            fonts[name] = TTFont(io.BytesIO(stream.get_object().get_data()))
    return fonts


def text_runs(path: Path, page: int = 0) -> list[tuple[str, str, list[float], float]]:
    """(text, font name, text-to-page matrix, height from the page's foot) of each run."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip() and font:
            a, b, c, d, e, f = tm
            matrix = [a * cm[0] + b * cm[2], a * cm[1] + b * cm[3],
                      c * cm[0] + d * cm[2], c * cm[1] + d * cm[3],
                      e * cm[0] + f * cm[2] + cm[4], e * cm[1] + f * cm[3] + cm[5]]
            runs.append((text, str(font["/BaseFont"]).partition("+")[2], matrix, matrix[5]))

    PdfReader(path).pages[page].extract_text(visitor_text=visit)
    return runs


@pytest.mark.parametrize("slug", HANDOUTS)
def test_no_text_falls_back_to_dejavu(built, slug):
    names = pdffonts(built / f"{slug}.pdf")
    assert names and not any("DejaVu" in name for name in names), names


@pytest.mark.parametrize("slug", HANDOUTS)
def test_every_bold_and_italic_is_a_real_face(built, slug):
    """A face the renderer made up keeps the regular font program under a bold,
    italic or oblique name: the program's own weight and style must match the name."""
    fonts = embedded_fonts(built / f"{slug}.pdf")
    assert fonts
    for name, program in fonts.items():
        parts = name.split("-")
        weight = program["OS/2"].usWeightClass
        italic = bool(program["OS/2"].fsSelection & 0b1000000001
                      or program["head"].macStyle & 0b10)
        assert "Oblique" not in parts, f"{slug}: synthesized oblique {name}"
        if "Bold" in parts:
            assert weight >= 600, f"{slug}: {name} is drawn from a font of weight {weight}"
        else:
            assert weight < 600, f"{slug}: {name} has weight {weight}"
        assert ("Italic" in parts) == italic, f"{slug}: {name} italic={italic}"


@pytest.mark.parametrize("slug", HANDOUTS)
def test_no_text_is_slanted(built, slug):
    pages = len(PdfReader(built / f"{slug}.pdf").pages)
    for page in range(pages):
        for text, font, matrix, _ in text_runs(built / f"{slug}.pdf", page):
            assert abs(matrix[1]) < 1e-6 and abs(matrix[2]) < 1e-6, (slug, font, text)


def test_the_arabic_footer_is_set_in_noto(built):
    runs = text_runs(built / "ar-python-vs-java.pdf")
    foot = min(height for *_, height in runs)
    footer = [(text, font) for text, font, _, height in runs if abs(height - foot) < 2]
    assert "الصفحة" in "".join(text for text, _ in footer), footer
    assert {font for text, font in footer if re.search("[\u0600-\u06ff]", text)} \
        == {"Noto-Sans-Arabic"}, footer


def test_the_japanese_handout_uses_japanese_forms(built):
    names = pdffonts(built / "ja-tokyo-vs-osaka.pdf")
    assert "Noto-Sans-CJK-JP" in names and not any("-SC" in name for name in names), names


