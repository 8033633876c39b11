"""The theme's words in every language: catalogs, fallback, plurals, dates, direction."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from support.files import write
from versus import i18n
from versus.errors import Problems
from versus.render.theme import default_theme

BUILT_IN = ["ar", "de", "en", "es", "fr", "he", "it", "ja", "ko", "nl", "pl", "pt", "ru",
            "zh"]


def words(lang: str, *folders: Path) -> i18n.Translator:
    return i18n.Translator(lang, i18n.catalogs([*folders, default_theme()], lang))


def test_every_built_in_language_has_every_key():
    theme = default_theme()
    assert i18n.languages([theme]) == BUILT_IN
    english = set(i18n.catalogs([theme], "en"))
    for lang in BUILT_IN:
        own = i18n._load(theme / "i18n" / f"{lang}.yaml")
        assert set(own) == english, lang
        if lang != "en":
            assert own["comparison"] != "Comparison", lang


@pytest.mark.parametrize("lang, page, handouts", [
    ("en", "Page 2 of 5", "5 handouts"),
    ("de", "Seite 2 von 5", "5 Handouts"),
    ("ru", "Страница 2 из 5", "5 материалов"),
    ("pl", "Strona 2 z 5", "5 materiałów"),
    ("ja", "2 / 5 ページ", "資料 5 件"),
    ("ar", "الصفحة 2 من 5", "5 نشرات"),
])
def test_words_plurals_and_placeholders(lang, page, handouts):
    t = words(lang)
    assert t("page_of", page=2, pages=5) == page
    assert t("handouts", count=5) == handouts


def test_plural_categories_follow_cldr():
    t = words("ru")
    assert [t("handouts", count=n) for n in (1, 3, 11, 21)] == [
        "1 материал", "3 материала", "11 материалов", "21 материал"]
    assert words("ar")("handouts", count=2) == "نشرتان"
    assert words("en")("handouts", count=10_000) == "10,000 handouts"
    assert words("de")("handouts", count=10_000) == "10.000 Handouts"


def test_page_footer_as_css_content():
    assert words("en").css("page_of") == '"Page " counter(page) " of " counter(pages)'
    assert words("ja").css("page_of") == 'counter(page) " / " counter(pages) " ページ"'


def test_a_region_falls_back_to_its_language_then_english(tmp_path):
    write(tmp_path, "i18n/pt-BR.yaml", "contents: Conteúdo\n")
    t = words("pt-BR", tmp_path)
    assert t("contents") == "Conteúdo"          # the site's own word
    assert t("comparison") == "Comparação"      # pt from the theme
    assert words("xx")("comparison") == "Comparison"  # no such language: English


def test_a_site_adds_a_language_without_touching_the_theme(tmp_path):
    write(tmp_path, "i18n/sv.yaml", "comparison: Jämförelse\n"
          "handouts: {one: '{count} blad', other: '{count} blad'}\n")
    t = words("sv", tmp_path)
    assert t("comparison") == "Jämförelse"
    assert t("handouts", count=3) == "3 blad"
    assert t("attribute") == "Attribute"


def test_a_bad_translation_file_is_an_error_at_its_place(tmp_path):
    write(tmp_path, "i18n/de.yaml", "comparison: Vergleich\nattribute: [a, b]\n")
    with pytest.raises(Problems) as caught:
        words("de", tmp_path)
    error = caught.value.errors[0]
    assert (error.line, error.column) == (2, 12)
    assert "'attribute' must be a text or a mapping of plural forms" in str(error)


@pytest.mark.parametrize("lang, text, direction", [
    ("en", "November 26, 2026", "ltr"), ("de", "26. November 2026", "ltr"),
    ("fr", "26 novembre 2026", "ltr"), ("ja", "2026年11月26日", "ltr"),
    ("zh", "2026年11月26日", "ltr"), ("he", "26 בנובמבר 2026", "rtl"),
    ("ar", "26 نوفمبر 2026", "rtl"), ("fa", None, "rtl"), ("ur", None, "rtl"),
])
def test_dates_and_direction_from_cldr(lang, text, direction):
    if text:
        assert i18n.format_date(datetime.date(2026, 11, 26), lang) == text
    assert i18n.direction(lang) == direction


@pytest.mark.parametrize("text, direction", [
    ("C# vs. C++", "ltr"), ("مقارنة", "rtl"), ("עברית 2026", "rtl"),
    ("Python مقابل Java", None), ("2026 — ?", None), ("", None)])
def test_text_direction_is_known_only_when_every_letter_agrees(text, direction):
    from versus.i18n import text_direction

    assert text_direction(text) == direction
