"""Translations of the theme's fixed words, and dates, plurals and direction by language.

The theme's words live in ``i18n/<lang>.yaml`` beside its templates, one file a
language, as Hugo keeps them: a key, and a text with ``{placeholders}``, or a
mapping of CLDR plural categories (``one``, ``few``, ``many``, ``other``…). A
site adds or corrects a language with its own ``templates/i18n/<lang>.yaml``:
its keys win, and any key it lacks comes from the theme. A language falls back
to its base (``pt-BR`` to ``pt``) and then to English, key by key.

Dates, plural rules and the writing direction come from CLDR through Babel.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from pathlib import Path

from .errors import ContentError, Problems
from .yamldoc import load_yaml

I18N_DIR = "i18n"
FALLBACK = "en"


class Translator:
    """The fixed words of one language: ``t("comparison")``, ``t("handouts", count=3)``."""

    def __init__(self, lang: str, messages: dict):
        self.lang = lang
        self.messages = messages

    def __call__(self, key: str, count: int | None = None, **values) -> str:
        """The text of ``key`` with ``values`` (and ``count``) filled in."""
        message = self.messages.get(key)
        if message is None:
            raise KeyError(f"no text for '{key}' in language '{self.lang}' or English")
        if isinstance(message, dict):
            message = message.get(plural_category(self.lang, count or 0),
                                  message.get("other", ""))
        if count is not None:
            values["count"] = format_number(count, self.lang)
        return str(message).format_map(values) if values else str(message)

    def css(self, key: str) -> str:
        """The text of ``key`` as a CSS ``content`` value: ``{page}`` and ``{pages}``
        become the page counters, everything else a quoted string."""
        parts = []
        for literal, field, _, _ in _formatter().parse(str(self.messages[key])):
            if literal:
                parts.append('"' + literal.replace("\\", "\\\\").replace('"', '\\"')
                             .replace("\n", "\\a ").replace("<", "\\3c ") + '"')
            if field:
                parts.append(f"counter({field})")
        return " ".join(parts) or '""'

    @property
    def direction(self) -> str:
        """'rtl' for a right-to-left language, else 'ltr'."""
        return direction(self.lang)


@functools.cache
def _formatter():
    import string

    return string.Formatter()


def catalogs(theme_dirs: Iterable[Path], lang: str) -> dict:
    """The messages of ``lang``: theme folders first to last win in that order (a
    site's own folder comes first), then the base language, then English."""
    messages: dict = {}
    for path in catalog_files(theme_dirs, lang):
        messages.update(_load(path))
    return messages


def catalog_files(theme_dirs: Iterable[Path], lang: str) -> list[Path]:
    """The translation files ``catalogs`` reads for ``lang``, in the order it reads them."""
    return [path for code in reversed(_chain(lang)) for folder in reversed(list(theme_dirs))
            if (path := folder / I18N_DIR / f"{code}.yaml").is_file()]


def languages(theme_dirs: Iterable[Path]) -> list[str]:
    """Every language some theme folder has words for."""
    found = {path.stem for folder in theme_dirs
             for path in (folder / I18N_DIR).glob("*.yaml")}
    return sorted(found)


def _chain(lang: str) -> list[str]:
    """``pt-BR`` -> ['pt-BR', 'pt', 'en']: the languages asked, most specific first."""
    parts = lang.replace("_", "-").split("-")
    chain = ["-".join(parts[:n]) for n in range(len(parts), 0, -1)]
    return list(dict.fromkeys([*chain, FALLBACK]))


def _load(path: Path) -> dict:
    """One translation file, checked: a mapping of keys to texts or plural forms."""
    doc = load_yaml(path.read_text(encoding="utf-8"), str(path))
    if not isinstance(doc.data, dict):
        raise Problems([ContentError("a translation file must map keys to texts",
                                     path, 1, 1)])
    problems = [doc.error(f"'{key}' must be a text or a mapping of plural forms", key)
                for key, value in doc.data.items()
                if not isinstance(value, str) and not (
                    isinstance(value, dict) and all(isinstance(v, str)
                                                    for v in value.values()))]
    if problems:
        raise Problems(problems)
    return {str(key): value for key, value in doc.data.items()}


@functools.cache
def _locale(lang: str):
    from babel import Locale, UnknownLocaleError

    for code in _chain(lang):
        try:
            return Locale.parse(code, sep="-")
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse(FALLBACK)


def plural_category(lang: str, count: int) -> str:
    """The CLDR plural category of ``count`` in ``lang``: 'one', 'few', 'other'…"""
    return _locale(lang).plural_form(count)


def format_date(date: datetime.date, lang: str, form: str = "long") -> str:
    """``date`` as ``lang`` writes it: 'November 26, 2026', '26. November 2026'."""
    from babel.dates import format_date as babel_format_date

    return babel_format_date(date, form, locale=_locale(lang))


def format_number(number: int, lang: str) -> str:
    """``number`` with ``lang``'s digits grouping: '10,000', '10.000'."""
    from babel.numbers import format_decimal

    return format_decimal(number, locale=_locale(lang))


def format_list(items: list[str], lang: str) -> str:
    """``items`` joined as ``lang`` lists them: 'A, B, and C', 'A, B und C', 'A、B'."""
    from babel.lists import format_list as babel_format_list

    return babel_format_list(items, locale=_locale(lang))


def text_direction(text: str) -> str | None:
    """'ltr' or 'rtl' when every letter of ``text`` with a direction of its own runs
    that way ("C# vs. C++" is 'ltr'); None for mixed text ("Python مقابل Java"),
    which takes the direction of the page around it, or for text without letters."""
    import unicodedata

    kinds = {unicodedata.bidirectional(char) for char in text}
    left, right = "L" in kinds, bool(kinds & {"R", "AL"})
    return None if left == right else "ltr" if left else "rtl"


def direction(lang: str) -> str:
    """'rtl' for Arabic, Hebrew, Persian, Urdu…; 'ltr' for the rest."""
    return "rtl" if _locale(lang).character_order == "right-to-left" else "ltr"
