"""A handout's converted Markdown kept between builds, known by a digest of all it is made from.

Converting the Markdown is most of a web page's cost. A build that makes a page
again without a change to its content (a template, the stylesheet or a setting
changed, or ``--force``) takes the conversion it kept in
``.versus/converted/<slug>.<medium>.json``, the project's work folder (never
published), when the digest written there is that of the handout's content
(lead, body, items, table, language) for that medium, the theme's catalogs of
its language (their words label code blocks and typed cells), the Python code
of Versus and the releases of the libraries the conversion uses. Anything else
converts as before and writes the file anew.
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import metadata
from pathlib import Path

from markupsafe import Markup

from ..content.handouts import Handout
from ..i18n import catalog_files
from ..errors import VersusError
from ..output import converted_name, write_atomic
from ..render.citations import cite
from ..render.pages import Converted, Pages

LIBRARIES = ("markdown", "pygments", "nh3", "markupsafe")
"""The libraries whose releases the converted HTML depends on."""


def converted(pages: Pages, handout: Handout, medium: str, folder: Path | None) -> Converted:
    """``handout``'s content converted for ``medium``: the one kept in ``folder``
    when it was made from the same, else converted now and kept there (None: not
    kept)."""
    if folder is None:
        return pages.convert(handout, medium)
    path = folder / converted_name(handout.slug, medium)
    key = digest(pages, handout, medium)
    kept = _read(path, key)
    if kept is not None:
        marks, sources = cite(handout)
        return Converted(**kept, marks=marks, sources=sources)
    content = pages.convert(handout, medium)
    _write(path, key, content)
    return content


def digest(pages: Pages, handout: Handout, medium: str) -> str:
    """What a conversion of ``handout`` for ``medium`` is made from, as a digest."""
    made = hashlib.blake2b(digest_size=20)
    catalogs = tuple(catalog_files(pages.theme.dirs, handout.lang))
    for part in (_code(), medium, handout.lang, _catalogs(catalogs),
                 repr(handout.items), handout.lead, handout.body, repr(handout.attributes)):
        text = part.encode("utf-8", "surrogatepass")
        made.update(len(text).to_bytes(8, "big"))
        made.update(text)
    return made.hexdigest()


def _read(path: Path, key: str) -> dict | None:
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        if kept["key"] != key:
            return None
        return {"lead": Markup(kept["lead"]), "body": Markup(kept["body"]),
                "table": [(Markup(name), [Markup(cell) for cell in cells])
                          for name, cells in kept["table"]],
                "notes": [Markup(note) for note in kept["notes"]],
                "elements": int(kept["elements"]), "legend": Markup(kept["legend"])}
    except (OSError, ValueError, KeyError, TypeError):
        return None  # none kept, or not one this version wrote: convert


def _write(path: Path, key: str, content: Converted) -> None:
    text = json.dumps({"key": key, "lead": content.lead, "body": content.body,
                       "table": content.table, "notes": content.notes,
                       "elements": content.elements, "legend": content.legend},
                      ensure_ascii=False)
    try:
        write_atomic(path, text)
    except VersusError:  # a page is made without it: the next build converts again
        pass


@functools.cache
def _code() -> str:
    """Versus's Python code and the releases of the conversion's libraries, as a digest."""
    made = hashlib.blake2b(digest_size=20)
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        made.update(str(path.relative_to(package)).encode())
        made.update(path.read_bytes())
    for name in LIBRARIES:
        try:
            made.update(f"{name} {metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            made.update(f"{name} -".encode())
    return made.hexdigest()


@functools.lru_cache(maxsize=256)
def _catalog(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=20).hexdigest()


def _catalogs(paths: tuple[Path, ...]) -> str:
    """The catalogs, as a digest of each (read again only when one changes)."""
    found = []
    for path in paths:
        try:
            stat = path.stat()
            found.append(f"{path} {_catalog(path, stat.st_mtime_ns, stat.st_size)}")
        except OSError:
            found.append(f"{path} -")
    return "\n".join(found)
