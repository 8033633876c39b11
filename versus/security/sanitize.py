"""The raw HTML policy: what markup from content reaches a page (see SECURITY.md).

Handouts are written by many hands, and Markdown passes raw HTML through. The
HTML Python-Markdown makes from a handout is cleaned with nh3 (the Rust
``ammonia`` sanitiser) before it meets a template:

- kept: the markup Markdown and its extensions emit (headings with ids, lists,
  tables, emphasis, code and its highlighting spans, footnotes, definition
  lists) and harmless inline HTML such as ``<sup>``, ``<kbd>``, ``<br>``;
  ``class``, ``id``, ``title``, ``lang`` and ``dir`` on any element;
- links keep ``href`` only for http, https, mailto, in-page (``#``) and relative
  URLs; images keep ``src`` only for http, https, ``data:``, ``file:`` and
  relative URLs (the PDF fetcher then decides what may be read, and refuses
  anything outside the project as an error of the handout); on web pages not
  ``file:``, which a browser would read from the reader's disk;
- ``style`` only on table cells, and only its ``text-align`` (the tables
  extension aligns columns that way): no ``url()``, ``@import`` or ``@font-face``
  can come from content;
- dropped with their content: script, style, svg, math, iframe, object, embed,
  noscript, template, textarea, select; dropped as tags (text kept): link, meta,
  base, form, input, button and every other element not listed; every event
  handler (``on*``) and any attribute not listed;
- ids and class names starting ``versus-`` are reserved for the theme and its
  scripts (the live-reload script of ``serve``, say): content's get the prefix
  ``content-``, and so do in-page links to them, which keep working.

Content is never compiled as a Jinja template: it reaches templates as data.
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

import nh3
from markupsafe import Markup

TAGS = (set(nh3.ALLOWED_TAGS) - {"area", "map"}) | {"dl", "dt", "dd", "tfoot"}
DROPPED_WITH_CONTENT = {"script", "style", "svg", "math", "iframe", "object", "embed",
                        "noscript", "template", "textarea", "select"}
EVERYWHERE = {"class", "id", "title", "lang", "dir"}
ATTRIBUTES = {
    "*": EVERYWHERE,
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"style", "colspan", "rowspan", "align"},
    "th": {"style", "colspan", "rowspan", "align", "scope"},
    "time": {"datetime"},
    "data": {"value"},
}
STYLE_PROPERTIES = {"text-align"}
# nh3 checks every URL attribute against these; ``attribute_filter`` narrows per use.
URL_SCHEMES = {"http", "https", "mailto", "file", "data"}
LINK_SCHEMES = {"", "http", "https", "mailto"}
IMAGE_SCHEMES = {"", "http", "https", "file", "data"}
RESERVED = "versus-"
"""Ids and class names the theme and its scripts own; content never sets one."""
MOVED_TO = "content-"


def _unreserved(name: str) -> str:
    """``name`` (an id, a class or a URL fragment) moved out of the reserved namespace."""
    return MOVED_TO + name if name.strip().lower().startswith(RESERVED) else name


def _attribute(tag: str, name: str, value: str, screen: bool = False) -> str | None:
    """Move names out of the reserved namespace; keep link and image URLs only with
    the schemes each may use (a web page shows no ``file:`` image: the PDF's
    fetcher decides about those, a browser opening the page would not ask)."""
    if name == "id":
        return _unreserved(value)
    if name == "class":
        return " ".join(map(_unreserved, value.split()))
    if name not in ("href", "src"):
        return value
    try:
        url = urlsplit(value.strip())
    except ValueError:  # such as an unbalanced '[' in a host
        return None
    allowed = IMAGE_SCHEMES if (tag, name) == ("img", "src") else LINK_SCHEMES
    if url.scheme.lower() not in allowed or (screen and url.scheme.lower() == "file"):
        return None
    if name == "href" and not (url.scheme or url.netloc) and "#" in value:
        page, _, fragment = value.partition("#")  # a link to a moved id follows it
        return f"{page}#{_unreserved(fragment)}"
    return value


def clean(html: str, screen: bool = False) -> Markup:
    """``html`` made from content, with everything the policy does not keep removed;
    ``screen`` for a web page."""
    keep = functools.partial(_attribute, screen=True) if screen else _attribute
    return Markup(nh3.clean(html, tags=TAGS, clean_content_tags=DROPPED_WITH_CONTENT,
                            attributes=ATTRIBUTES, attribute_filter=keep,
                            url_schemes=URL_SCHEMES, link_rel=None,
                            filter_style_properties=STYLE_PROPERTIES,
                            strip_comments=True))
