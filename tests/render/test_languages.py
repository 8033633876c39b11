"""Handouts in German, Japanese, Chinese, Arabic and Hebrew, built to PDF and HTML:
the theme's words and dates in their language, their scripts drawn with embedded
fonts, and right-to-left pages laid out from the right."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures" / "languages"
EXPECTED = {  # slug: (comparison label, attribute label, date, footer of page 1)
    "de-bahn-vs-auto": ("Vergleich", "Merkmal", "26. November 2026", "Seite 1 von 1"),
    "ja-tokyo-vs-osaka": ("比較", "項目", "2026年11月26日", "1 / 1 ページ"),
    "zh-tea-vs-coffee": ("比较", "属性", "2026年11月26日", "第 1 页，共 1 页"),
    "ar-python-vs-java": ("مقارنة", "السمة", "26 نوفمبر 2026", "الصفحة 1 من 1"),
    "he-tel-aviv-vs-haifa": ("השוואה", "מאפיין", "26 בנובמבר 2026", "עמוד 1 מתוך 1"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from click.testing import CliRunner

    from versus.cli.main import main

    project = tmp_path_factory.mktemp("languages")
    shutil.copytree(FIXTURES, project / "content")
    for command in ("html", "pdf"):
        result = CliRunner().invoke(main, [command, "--project", str(project)])
        assert result.exit_code == 0, result.output
        assert "no font for" not in result.output
    return project


def solid(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def squash(text: str) -> str:
    """Runs of white space as one space, without the direction marks pdftotext adds."""
    return re.sub(r"\s+", " ", re.sub("[\u202a-\u202e]", "", text))


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_the_pdf_speaks_the_handouts_language(built, slug):
    text = squash(pdftotext(built / "output/pdf" / f"{slug}.pdf"))
    for words in EXPECTED[slug]:  # pdftotext spaces right-to-left runs its own way
        assert solid(words) in solid(text), f"{words!r} not in {slug}: {text[:400]}"
    assert "Comparison" not in text and "Page 1" not in text


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_the_web_page_speaks_the_handouts_language(built, slug):
    html = (built / "output/html" / f"{slug}.html").read_text(encoding="utf-8")
    lang = slug.split("-")[0]
    direction = "rtl" if lang in ("ar", "he") else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in html
    label, attribute, date, _ = EXPECTED[slug]
    assert f">{label}</h2>" in html and f">{attribute}</th>" in html and date in html


@pytest.mark.parametrize("slug, family", [
    ("ja-tokyo-vs-osaka", "Noto-Sans-CJK-JP"), ("zh-tea-vs-coffee", "Noto-Sans-CJK"),
    ("ar-python-vs-java", "Noto-Sans-Arabic"), ("he-tel-aviv-vs-haifa", "Noto-Sans-Hebrew")])
def test_every_script_is_drawn_with_an_embedded_font(built, slug, family):
    pdf = built / "output/pdf" / f"{slug}.pdf"
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    assert any(family in line for line in listing), listing
    assert all(line.split()[-5] == "yes" for line in listing), listing  # emb column
    source = (FIXTURES / f"{slug}.md").read_text(encoding="utf-8")
    text = squash(pdftotext(pdf))
    first = source.split("---\n", 2)[2].split("\n")[0].split()[0][:12]
    assert solid(first) in solid(text), f"{first!r} missing from the PDF text"


def words_at(pdf: Path) -> list[tuple[str, float]]:
    """Each word on page 1 and the x of its left edge, top to bottom."""
    bbox = pdftotext(pdf, "-bbox", "-f", "1", "-l", "1")
    return [(re.sub("[\u202a-\u202e]", "", word), float(x)) for x, word in re.findall(
        r'<word xMin="([\d.]+)"[^>]*>([^<]*)</word>', bbox)]


def x_of(words: list[tuple[str, float]], text: str) -> float:
    """The x of the first word that is ``text``; pdftotext gives right-to-left words
    in the order their letters are drawn, so reversed."""
    return next(x for word, x in words if word in (text, text[::-1]))


@pytest.mark.parametrize("slug, first, second", [
    ("ar-python-vs-java", "Python", "Java"), ("he-tel-aviv-vs-haifa", "תל", "חיפה")])
def test_right_to_left_tables_run_from_the_right(built, slug, first, second):
    words = words_at(built / "output/pdf" / f"{slug}.pdf")
    attribute = EXPECTED[slug][1]
    start = next(n for n, (word, _) in enumerate(words) if word in (attribute,
                                                                    attribute[::-1]))
    words = words[start:]  # the table's header row on: the title names the items too
    # The attribute column stands at the right, the first item next to it, then the
    # second: x decreases in reading order.
    header = [x_of(words, attribute), x_of(words, first), x_of(words, second)]
    assert header == sorted(header, reverse=True), header


def test_right_to_left_footer_and_header_are_mirrored(built):
    words = words_at(built / "output/pdf/ar-python-vs-java.pdf")
    assert x_of(words, "الصفحة") < 595 / 2, "the page number sits on the left"
    lead = x_of(words, "تقارن")  # the lead's first word starts at the right margin
    assert lead > 595 / 2


def test_the_project_language_names_the_booklet(tmp_path):
    from click.testing import CliRunner

    from versus.cli.main import main

    (tmp_path / "versus.yaml").write_text("lang: de\nsite_name: Reisen\n", encoding="utf-8")
    shutil.copytree(FIXTURES, tmp_path / "content",
                    ignore=lambda folder, names: [n for n in names if n.startswith(("ar",
                                                                                     "he"))])
    result = CliRunner().invoke(main, ["booklet", "--project", str(tmp_path)])
    assert result.exit_code == 0, result.output
    booklet = tmp_path / "output/booklet.pdf"
    cover = squash(pdftotext(booklet, "-f", "1", "-l", "1"))
    contents = squash(pdftotext(booklet, "-f", "2", "-l", "2"))
    assert "3 Vergleichs-Handouts" in cover and "in diesem heft" in cover.lower()
    assert "Inhalt" in contents
    last = squash(pdftotext(booklet, "-f", "3", "-l", "3"))
    assert re.search(r"Seite 3 von \d+", last), last


def test_a_latin_title_on_an_arabic_page_keeps_its_own_order(tmp_path):
    """"C# vs. C++" on a right-to-left page: without isolation the bidi algorithm
    moves the trailing "++" to the left end ("++C# vs. C")."""
    from click.testing import CliRunner

    from versus.cli.main import main

    run = CliRunner().invoke
    (tmp_path / "content").mkdir()  # a project: `new` writes into one, never makes one
    result = run(main, ["new", "--project", str(tmp_path), "--lang", "ar",  # a Latin
                        "--slug", "csharp-vs-cpp", "--title", "C# vs. C++", "C#", "C++"])
    assert result.exit_code == 0, result.output
    for command in ("html", "pdf"):
        result = run(main, [command, "--project", str(tmp_path)])
        assert result.exit_code == 0, result.output
    html = (tmp_path / "output/html/csharp-vs-cpp.html").read_text(encoding="utf-8")
    assert '<h1><bdi dir="ltr">C# vs. C++</bdi></h1>' in html
    assert '<p class="kicker">مقابل</p>' in html  # "vs." in Arabic
    assert '<bdi dir="ltr">C++</bdi></a></th>' in html  # linked to its item's page
    title = squash(pdftotext(tmp_path / "output/pdf/csharp-vs-cpp.pdf", "-f", "1",
                             "-l", "1")).split(" ")[1:4]  # after the kicker
    assert title == ["C#", "vs.", "C++"], title
    words = words_at(tmp_path / "output/pdf/csharp-vs-cpp.pdf")
    words = words[[word for word, _ in words].index("C#"):]  # the title, not the kicker
    order = [x_of(words, "C#"), x_of(words, "vs."), x_of(words, "C++")]
    assert order == sorted(order), order  # left to right inside the right-to-left page
