"""Project settings: one optional ``versus.yaml`` at the project root.

Every field has a default, so a project with only ``content/`` builds.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ContentError, Problems, SettingsError
from .yamldoc import load_yaml

SETTINGS_FILE = "versus.yaml"
HIDDEN_PREFIXES = (".", "_")
"""A file or folder of the project whose name starts so is not part of the site
(in content/, static/ and anywhere images are looked for): drafts, editor files."""
PAPER_SIZES = {"a4": "A4", "letter": "Letter", "a5": "A5"}
LANG_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
VARIANTS = ("pdf/ua-1", "pdf/ua-2", "pdf/a-2b", "pdf/a-3b", "pdf/a-4", "pdf/x-4")
"""Accessibility (UA), archiving (A), printing (X)."""
BLEED_VARIANTS = ("pdf/x-4",)
"""The variants a bleed and crop marks make sense for: print-shop files."""
BLEED_RE = re.compile(r"^(\d{1,2}(\.\d+)?)(mm|pt|in|cm)$")


def check_variant(value: str) -> str | None:
    """Why ``value`` is no variant Versus offers, or ``None``."""
    if value and value not in VARIANTS:
        return f"pdf_variant must be one of {', '.join(VARIANTS)}, not '{value}'"
    return None


def check_bleed(bleed: str | None, variant: str | None) -> str | None:
    """Why a bleed of ``bleed`` cannot go with ``variant``, or ``None``."""
    if not bleed:
        return None
    if not BLEED_RE.match(bleed):
        return f"bleed must be a length such as 3mm or 0.125in, not '{bleed}'"
    if variant not in BLEED_VARIANTS:
        return f"--bleed needs --pdf-variant {' or '.join(BLEED_VARIANTS)}"
    return None


def normal_lang(tag: str) -> str:
    """Language tag ``tag`` in BCP 47's usual case ('DE' -> 'de', 'pt-br' -> 'pt-BR',
    'zh-hant-tw' -> 'zh-Hant-TW'): tags ignore case, file names and lookups do not."""
    first, *rest = tag.strip().split("-")
    parts = [first.lower()]
    for part in rest:
        if len(part) == 4 and part.isalpha():
            parts.append(part.title())  # a script
        elif len(part) == 2 and part.isalpha() or len(part) == 3 and part.isdigit():
            parts.append(part.upper())  # a region
        else:
            parts.append(part.lower())
    return "-".join(parts)
SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")
"""The protocols Dask's scheduler addresses use (tcp:// when none is given)."""
HOST_RE = re.compile(r"^[A-Za-z0-9._-]+$|^[0-9A-Fa-f:.]+$")
EPOCH_RE = re.compile(r"^-?[0-9]{1,15}$")
SITE_STATIC = "static"
"""The site's own files (logo, extra CSS, fonts), published to output/static/."""
IDENTICAL_ROWS = ("show", "dim", "fold")
CHECK_ONLY = ("fact_max_age", "require_sources")
"""Settings only ``check`` reads: no output depends on them."""
SECTIONS = ("booklets",)
"""Keys of ``versus.yaml`` that are no setting: the booklets it defines, read and
checked by ``versus.booklet.definitions`` (the web pages and handout PDFs do not
depend on them)."""
MAX_FACT_AGE = 36500
FILE_SETTINGS = {
    "logo": (("static", "content"), (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"),
             "static/logo.svg"),
    "extra_css": (("static",), (".css",), "static/extra.css"),
}
"""Settings naming a file of the site: the folders it may lie in, its suffixes, an
example."""


@dataclass(frozen=True)
class Settings:
    """What a project says about all its handouts."""

    site_name: str = "Versus"
    """Name of the collection: running header, index page, booklet cover."""

    site_subtitle: str = ""
    """A line under the name on the booklet cover; empty for none."""

    disclaimer: str | None = None
    """Line printed at the end of every handout; unset: the theme's, in the handout's
    language ("Comparisons may contain inaccurate information…"); empty for none."""

    paper: str = "A4"
    """Paper size of the PDFs: A4, Letter or A5."""

    lang: str = "en"
    """Language of handouts that do not give their own, and of the index and the
    booklet: the theme's fixed words, dates, hyphenation, writing direction."""

    tagline: str = ""
    """Subtitle of handouts that do not give their own; empty: the theme's, in the
    handout's language ("What’s the Difference?")."""

    author: str = ""
    """Author of handouts that do not give their own; empty for none."""

    scheduler: str = ""
    """Address of a Dask scheduler to render PDFs on (tcp://HOST:PORT); empty: here."""

    pdf_variant: str = ""
    """The standard every PDF claims: pdf/ua-1, pdf/ua-2, pdf/a-2b, pdf/a-3b, pdf/a-4
    or pdf/x-4 (``versus.pdf.variants``); empty: a tagged PDF claiming none."""

    base_url: str = ""
    """Address the site is published at (https://example.org/handouts/): web pages
    then name their canonical URL, output/sitemap.xml lists them and each PDF
    carries a QR code of its page at its edition; empty: none of these."""

    logo: str = ""
    """An image below static/ or content/ (static/logo.svg) shown in every handout's
    header, in print and on the web, and on the index; empty for none."""

    extra_css: str = ""
    """A stylesheet below static/ (static/extra.css) read after the theme's, in the
    PDFs and the web pages, to change the theme's custom properties; empty: none."""

    issue_url: str = ""
    """Where readers report a mistake: an address with {slug}, {title}, {attribute},
    {item} and {edition} filled in, each URL-encoded
    (https://github.com/org/handouts/issues/new?title={title}); empty: no report
    link on the web pages, no address in the PDFs."""

    identical_rows: str = "show"
    """Rows of the comparison whose cells are all the same: show them, dim them, or
    fold them into one "In common" line under the table (show, dim or fold)."""

    fact_max_age: int = 365
    """Days after which ``check`` calls a fact's ``as_of`` date stale."""

    require_sources: bool = False
    """Whether ``check`` warns of every table cell without a source."""

    def replace(self, **changes) -> Settings:
        """A copy with ``changes`` applied and validated (``None`` values ignored)."""
        changes = {key: value for key, value in changes.items() if value is not None}
        if "paper" in changes:
            changes["paper"] = normalize_paper(changes["paper"])
        return dataclasses.replace(self, **changes)


def normalize_paper(value: str) -> str:
    """The canonical spelling of a paper size, or ``ValueError``."""
    try:
        return PAPER_SIZES[str(value).lower()]
    except KeyError:
        raise ValueError(f"paper must be one of {', '.join(PAPER_SIZES.values())}, "
                         f"not {value!r}") from None


def load_settings(project: Path) -> Settings:
    """Read ``versus.yaml`` below ``project``; raise ``Problems`` listing every error."""
    path = project / SETTINGS_FILE
    if not path.is_file():
        return Settings()
    display = str(path)
    try:
        doc = load_yaml(path.read_text(encoding="utf-8-sig"), display)
    except ContentError as error:
        raise Problems([SettingsError(error.message, error.path, error.line,
                                      error.column)]) from None
    except UnicodeDecodeError as error:
        raise Problems([SettingsError(f"not UTF-8 (byte {error.start})", display)]) from None
    except OSError as error:  # unreadable: say so, as for a content file
        raise Problems([SettingsError(f"cannot read: {error.strerror or error}",
                                      display)]) from None
    if doc.data is None:
        return Settings()
    if not isinstance(doc.data, dict):
        raise Problems([SettingsError("settings must be a mapping of names to values",
                                      display, *doc.where())])
    known = {field.name for field in fields(Settings)} | set(SECTIONS)
    values, errors = {}, []
    for key, value in doc.data.items():
        line, column = doc.where_key(key)
        if key in SECTIONS:
            continue
        if key not in known:
            hint = difflib.get_close_matches(str(key), sorted(known), n=1)
            suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
            errors.append(SettingsError(f"unknown setting '{key}'{suggestion}",
                                        display, line, column))
            continue
        problem = _check(key, value) or file_problem(project, key, value)
        if problem:
            errors.append(SettingsError(problem, display, *doc.where(key)))
        else:
            values[key] = (PAPER_SIZES[value.lower()] if key == "paper" else
                           normal_lang(value) if key == "lang" else value)
    if errors:
        raise Problems(errors)
    return Settings(**values)


def _check(key: str, value) -> str | None:
    """Why ``value`` is not acceptable for setting ``key``, or ``None``."""
    if key == "fact_max_age":
        return (None if type(value) is int and 1 <= value <= MAX_FACT_AGE else
                f"'fact_max_age' must be a number of days from 1 to {MAX_FACT_AGE:,}")
    if key == "require_sources":
        return None if isinstance(value, bool) else "'require_sources' must be true or false"
    if not isinstance(value, str):
        return f"'{key}' must be text, not {type(value).__name__}"
    if key == "paper" and value.lower() not in PAPER_SIZES:
        return f"paper must be one of {', '.join(PAPER_SIZES.values())}, not '{value}'"
    if key == "pdf_variant":
        return check_variant(value)
    if key == "identical_rows" and value not in IDENTICAL_ROWS:
        return f"identical_rows must be one of {', '.join(IDENTICAL_ROWS)}, not '{value}'"
    if key == "lang" and not LANG_RE.match(value):
        return f"lang must be a language tag such as 'en' or 'en-GB', not '{value}'"
    if key == "scheduler" and value:
        return scheduler_problem(value)
    if key == "base_url" and value:
        return base_url_problem(value)
    if key == "issue_url" and value:
        return issue_url_problem(value)
    return None


def file_problem(project: Path, key: str, value: str) -> str | None:
    """Why the file setting ``key`` names no file it may (see ``FILE_SETTINGS``)."""
    if key not in FILE_SETTINGS or not value:
        return None
    folders, suffixes, example = FILE_SETTINGS[key]
    parts = value.split("/")
    where = " or ".join(f"{folder}/" for folder in folders)
    if parts[0] not in folders or len(parts) < 2 or any(
            part in ("", ".", "..") or part.startswith(".") for part in parts[1:]):
        return f"{key} must be a file below {where}, such as {example}, not '{value}'"
    if not value.lower().endswith(suffixes):
        return f"{key} must be a {', '.join(suffixes)} file, not '{value}'"
    path = project / value
    real, root = os.path.realpath(path), os.path.realpath(project / parts[0])
    if not Path(real).is_relative_to(root):
        return f"{key} '{value}' is a link to a file outside {parts[0]}/"
    if not path.is_file():
        return f"{key} '{value}' not found"
    return None


def base_url_problem(address: str) -> str | None:
    """Why ``address`` is no site address (http(s)://HOST/PATH/), or ``None``."""
    parts = urlsplit(address)
    if (parts.scheme not in ("http", "https") or not parts.hostname
            or parts.query or parts.fragment or any(c.isspace() for c in address)):
        return (f"base_url must be an address such as https://example.org/handouts/, "
                f"not '{address}'")
    return None


ISSUE_FIELDS = ("slug", "title", "attribute", "item", "edition")
"""What ``issue_url`` may name in braces."""


def issue_url_problem(address: str) -> str | None:
    """Why ``address`` is no ``issue_url`` template, or ``None``."""
    import string

    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(
            c.isspace() for c in address):
        return (f"issue_url must be an address such as "
                f"https://github.com/org/handouts/issues/new?title={{title}}, "
                f"not '{address}'")
    try:
        names = [name for _, name, spec, _ in string.Formatter().parse(address)
                 if name is not None]
    except ValueError as error:
        return f"issue_url has a brace out of place ({error})"
    unknown = [name for name in names if name not in ISSUE_FIELDS]
    if unknown:
        hint = difflib.get_close_matches(unknown[0], ISSUE_FIELDS, n=1)
        return (f"issue_url names {{{unknown[0]}}}; it may name "
                + ", ".join(f"{{{name}}}" for name in ISSUE_FIELDS)
                + (f" (did you mean {{{hint[0]}}}?)" if hint else ""))
    return None


def scheduler_problem(address: str) -> str | None:
    """Why ``address`` is no Dask scheduler address (tcp://HOST:PORT), or ``None``."""
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    try:
        port = parts.port
    except ValueError:  # not a number, or past 65535
        port = None
    if (parts.scheme not in SCHEDULER_SCHEMES or not parts.hostname
            or not HOST_RE.match(parts.hostname) or not port
            or parts.path.strip("/") or parts.query or parts.fragment):
        return (f"scheduler must be an address such as tcp://HOST:8786, "
                f"not '{address}'")
    return None


def source_date(environ: Mapping[str, str] = os.environ) -> datetime.date | None:
    """The UTC day of ``SOURCE_DATE_EPOCH``, or ``None`` when it is unset; a
    ``ValueError`` when it is set to anything but seconds since 1970 (as
    reproducible-builds.org asks: a malformed value fails the build)."""
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        if EPOCH_RE.match(value):  # ASCII digits only: int() takes '٣' too
            moment = datetime.datetime.fromtimestamp(int(value), datetime.timezone.utc)
            return moment.date()
    except (ValueError, OverflowError, OSError):  # past the year 9999
        pass
    shown = value if len(value) <= 40 else value[:37] + "..."
    raise ValueError("SOURCE_DATE_EPOCH must be a whole number of seconds since "
                     f"1970-01-01 (before the year 10000), not '{shown}'")
