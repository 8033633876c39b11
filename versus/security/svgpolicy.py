"""Which SVGs may be published beside the web pages: an allow-list a browser cannot
run script through when the SVG is opened on its own.

An SVG is parsed with a real XML parser (entities and character references are
decoded before anything is judged, so ``java&#9;script:`` is seen as the browser
sees it) and refused unless:

- every element is an SVG drawing element of ``ELEMENTS``, or lies in an editor's
  metadata namespace (``INERT_NAMESPACES``, which browsers never render nor run);
  no XHTML (``<iframe>``, ``<script>``), no ``<foreignObject>``, no processing
  instruction (``<?xml-stylesheet?>`` can apply XSLT);
- every attribute is one of ``ATTRIBUTES`` or ``data-…``/``aria-…`` (no ``on…``
  handler), in no namespace or the XLink/XML ones, or in an editor's namespace;
- every URL (``href``, ``xlink:href``, ``xml:base``, ``url(…)``) is relative, a
  fragment, ``http(s):``, ``mailto:`` or a ``data:image/`` URL once tabs and
  newlines are removed as a browser removes them;
- no animation (``<set>``, ``<animate>``) changes a link or a handler.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
INERT_NAMESPACES = {
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://creativecommons.org/ns#",
    "http://ns.adobe.com/AdobeIllustrator/10.0/",
    "http://ns.adobe.com/SaveForWeb/1.0/",
    "http://ns.adobe.com/Extensibility/1.0/",
    "http://ns.adobe.com/Flows/1.0/",
    "http://ns.adobe.com/ImageReplacement/1.0/",
    "http://ns.adobe.com/GenericCustomNamespace/1.0/",
    "http://ns.adobe.com/XPath/1.0/",
    "http://ns.adobe.com/Variables/1.0/",
    "http://www.serif.com/",
    "http://www.bohemiancoding.com/sketch/ns",
}
"""Editors' metadata: elements a browser treats as unknown, never renders nor runs."""

ELEMENTS = frozenset("""
    svg g defs desc title metadata symbol use image switch a style view
    path rect circle ellipse line polyline polygon
    text tspan textPath
    linearGradient radialGradient stop pattern clipPath mask marker
    filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix
    feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA
    feFuncB feFuncG feFuncR feGaussianBlur feImage feMerge feMergeNode feMorphology
    feOffset fePointLight feSpecularLighting feSpotLight feTile feTurbulence
    animate animateMotion animateTransform set mpath
""".split())
"""SVG elements that draw, group, style or animate; nothing that runs or embeds."""

ATTRIBUTES = frozenset("""
    id class style lang tabindex transform version baseProfile viewBox
    preserveAspectRatio x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height d points
    pathLength href target type media title role focusable
    dx dy rotate textLength lengthAdjust startOffset method spacing side
    gradientUnits gradientTransform spreadMethod offset
    patternUnits patternContentUnits patternTransform
    clipPathUnits maskUnits maskContentUnits markerUnits markerWidth markerHeight
    refX refY orient filterUnits primitiveUnits in in2 result mode operator
    k1 k2 k3 k4 values kernelMatrix order divisor bias targetX targetY edgeMode
    kernelUnitLength preserveAlpha surfaceScale diffuseConstant specularConstant
    specularExponent scale xChannelSelector yChannelSelector stdDeviation
    tableValues slope intercept amplitude exponent azimuth elevation
    pointsAtX pointsAtY pointsAtZ limitingConeAngle radius baseFrequency numOctaves
    seed stitchTiles
    attributeName attributeType begin dur end min max restart repeatCount repeatDur
    fill calcMode keyTimes keySplines from to by additive accumulate keyPoints path
    requiredExtensions requiredFeatures systemLanguage
    alignment-baseline baseline-shift clip clip-path clip-rule color
    color-interpolation color-interpolation-filters color-profile color-rendering
    cursor direction display dominant-baseline enable-background fill-opacity
    fill-rule filter flood-color flood-opacity font font-family font-size
    font-size-adjust font-stretch font-style font-variant font-weight
    glyph-orientation-horizontal glyph-orientation-vertical image-rendering kerning
    letter-spacing lighting-color marker marker-end marker-mid marker-start mask
    mask-type opacity overflow paint-order pointer-events shape-rendering stop-color
    stop-opacity stroke stroke-dasharray stroke-dashoffset stroke-linecap
    stroke-linejoin stroke-miterlimit stroke-opacity stroke-width text-anchor
    text-decoration text-rendering transform-origin unicode-bidi vector-effect
    visibility word-spacing writing-mode mix-blend-mode isolation
""".split())
"""Attributes in no namespace an SVG may carry: geometry, presentation, animation
timing; no event handler."""
INERT_PREFIXES = ("data-", "aria-")
"""Attributes a browser keeps as data (Illustrator writes ``data-name``)."""
NAMESPACED_ATTRIBUTES = {f"{{{XLINK}}}href", f"{{{XLINK}}}title", f"{{{XLINK}}}show",
                         f"{{{XLINK}}}actuate", f"{{{XLINK}}}type", f"{{{XLINK}}}role",
                         f"{{{XLINK}}}arcrole", f"{{{XML}}}space", f"{{{XML}}}lang",
                         f"{{{XML}}}base"}
URL_ATTRIBUTES = {"href", f"{{{XLINK}}}href", f"{{{XML}}}base"}
SAFE_SCHEMES = {"http", "https", "mailto"}
TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")
C0_OR_SPACE = "".join(map(chr, range(0x21)))
SCHEME_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
CSS_URL_RE = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
CSS_ESCAPE_RE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.DOTALL)
ANIMATIONS = {"animate", "set", "animateMotion", "animateTransform"}


def unsafe(data: bytes) -> str | None:
    """Why a browser could run script from the SVG ``data``, or None when it could not."""
    root, instructions = parse(data)
    if instructions:
        return f"it holds a processing instruction (<?{instructions[0]} ...?>)"
    for node in root.iter():
        if reason := _element(node) or _attributes(node) or _style_text(node):
            return reason
    return None


class _Builder(ElementTree.TreeBuilder):
    """A tree builder that also notes every processing instruction, even those
    before the root element, which the tree does not hold."""

    def __init__(self):
        super().__init__()
        self.instructions: list[str] = []

    def pi(self, target, text=None):
        self.instructions.append(target)
        return super().pi(target, text)


def parse(data: bytes) -> tuple[ElementTree.Element, list[str]]:
    """The SVG document and the targets of its processing instructions; a
    ``ValueError`` when it is not well-formed XML."""
    builder = _Builder()
    parser = ElementTree.XMLParser(target=builder)
    try:
        parser.feed(data)
        return parser.close(), builder.instructions
    except ElementTree.ParseError as error:
        raise ValueError(f"not a well-formed SVG ({error})") from None


def _split(tag: str) -> tuple[str, str]:
    namespace, _, local = tag[1:].rpartition("}") if tag.startswith("{") else ("", "", tag)
    return namespace, local


def _element(node: ElementTree.Element) -> str | None:
    namespace, local = _split(node.tag)
    if namespace in INERT_NAMESPACES:
        return None
    if namespace != SVG:
        return f"it holds <{local}> outside the SVG namespace ({namespace or 'none'})"
    if local not in ELEMENTS:
        return f"it holds <{local}>"
    if local in ANIMATIONS:
        target = _split(node.get("attributeName", "").strip())[1].rpartition(":")[2]
        if target.lower() == "href" or target.lower().startswith("on"):
            return f"it animates {target!r}"
    return None


def _attributes(node: ElementTree.Element) -> str | None:
    inert = _split(node.tag)[0] in INERT_NAMESPACES  # an editor's own element
    for name, value in node.attrib.items():
        namespace, local = _split(name)
        if local.lower().startswith("on"):
            return f"it holds an event handler ({local})"
        if inert:
            continue
        allowed = ((local in ATTRIBUTES or local.startswith(INERT_PREFIXES))
                   if not namespace
                   else name in NAMESPACED_ATTRIBUTES or namespace in INERT_NAMESPACES)
        if not allowed:
            return f"it holds the attribute {local!r}"
        if name in URL_ATTRIBUTES and (scheme := bad_scheme(value)):
            return f"it holds a {scheme}: link"
        if name == "style" and (reason := _css(value)):
            return reason
        if "url(" in value.lower() and (reason := _css(value)):
            return reason
    return None


def _style_text(node: ElementTree.Element) -> str | None:
    if _split(node.tag) == (SVG, "style"):
        return _css("".join(node.itertext()))
    return None


def _css(text: str) -> str | None:
    """Why the CSS ``text`` is refused: a ``url()`` with a scheme that is not safe."""
    text = CSS_ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1)
                             else m.group(2), text)
    for match in CSS_URL_RE.finditer(text):
        if scheme := bad_scheme(match.group(2)):
            return f"it holds a {scheme}: URL in CSS"
    return None


def bad_scheme(url: str) -> str | None:
    """The scheme of ``url``, as a browser reads it, if it is not allowed; else None."""
    url = url.strip(C0_OR_SPACE).translate(TAB_OR_NEWLINE)
    match = SCHEME_RE.match(url)
    if not match:
        return None  # relative, or a fragment
    scheme = match.group(1).lower()
    if scheme in SAFE_SCHEMES or (scheme == "data"
                                  and url[match.end():].lower().startswith("image/")):
        return None
    return scheme
