"""The QR code a printed handout carries: its web page at the edition printed (segno, vector).

With the ``base_url`` setting, the PDF's foot holds a QR code of
``<base_url>html/<slug>.html?edition=N`` with the address printed beside it; the
page it opens says which edition the reader holds and what changed since. The
code is an SVG in a ``data:`` URL, so it is drawn as vectors and needs no file.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..content.handouts import Handout

EDITION_QUERY = "edition"


@dataclass(frozen=True)
class CopyCheck:
    """The address a printed copy is checked at, and its QR code."""

    url: str
    image: str
    """The QR code: an SVG ``data:`` URL."""


def edition_url(base_url: str, handout: Handout) -> str:
    """The web page of ``handout`` at the edition it prints."""
    from ..web.site import site_url

    return (site_url(base_url, f"html/{handout.slug}.html")
            + f"?{EDITION_QUERY}={handout.edition.number}")


def copy_check(base_url: str, handout: Handout) -> CopyCheck | None:
    """The QR code of ``handout``'s page at its edition; None without ``base_url``."""
    if not base_url:
        return None
    import segno

    url = edition_url(base_url, handout)
    code = segno.make_qr(url, error="m")
    return CopyCheck(url, code.svg_data_uri(border=0, dark="#000", omit_charset=True))
