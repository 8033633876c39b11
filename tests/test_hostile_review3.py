"""A third catalogue of hostile inputs, in the style and with the machinery of
``test_hostile.py`` (one ``Case`` a tiny project built with the CLI): scripts in
published SVGs, SVG references the renderer reads differently from the guard,
output that grows past its input, and the work a handout makes outside a timed
worker. SECURITY.md states the rules. Each input is small: it shows the mechanism
(a cap refuses before the work), not the damage.
"""

from __future__ import annotations

import pytest

from test_hostile import Case, test_hostile_input as run_case

SVG_OPEN = ('<svg xmlns="http://www.w3.org/2000/svg" '
            'xmlns:xlink="http://www.w3.org/1999/xlink" '
            'xmlns:h="http://www.w3.org/1999/xhtml" width="10" height="10">')
NOT_PUBLISHED = "content/x.svg: image not published: an SVG a browser would run script from: "


def published_svg(id: str, inner: str, reason: str, head: str = "") -> Case:
    """An SVG in content/ that must not be published beside the pages, and why."""
    return Case(id, files={"content/x.svg": head + SVG_OPEN + inner + "</svg>"},
                expect=NOT_PUBLISHED + reason)


CASES = [
    # --- S1: published SVGs pass an allow-list, not a denylist ----------------------
    published_svg("svg-xhtml-iframe-srcdoc",
                  '<h:iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"/>',
                  "it holds <iframe> outside the SVG namespace"),
    published_svg("svg-xhtml-iframe-javascript-src",
                  '<h:iframe src="javascript:alert(1)"/>', "it holds <iframe>"),
    published_svg("svg-set-href-javascript",
                  '<a><set attributeName="href" to="javascript:alert(1)"/>'
                  "<text>x</text></a>", "it animates 'href'"),
    published_svg("svg-animate-xlink-href",
                  '<a><animate attributeName="xlink:href" values="javascript:alert(1)"/>'
                  "<text>x</text></a>", "it animates 'href'"),
    published_svg("svg-scheme-split-by-tab",
                  '<a href="java&#9;script:alert(1)"><text>x</text></a>',
                  "it holds a javascript: link"),
    published_svg("svg-scheme-split-by-newline-xlink",
                  '<a xlink:href="&#10;java&#10;script:alert(1)"><text>x</text></a>',
                  "it holds a javascript: link"),
    published_svg("svg-xml-stylesheet-xslt", "<rect width='5' height='5'/>",
                  "it holds a processing instruction (<?xml-stylesheet ...?>)",
                  head='<?xml-stylesheet type="text/xsl" href="x.xsl"?>'),
    published_svg("svg-unknown-attribute", '<rect width="5" height="5" formaction="x"/>',
                  "it holds the attribute 'formaction'"),
    Case("svg-plain-drawing-published", status=0, files={
        "content/x.svg": SVG_OPEN + '<defs><linearGradient id="g"><stop offset="0"/>'
        '</linearGradient></defs><rect width="5" height="5" fill="url(#g)"/>'
        '<a href="https://example.com/"><text x="1" y="9">x</text></a></svg>'}),
]


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id, marks=case.marks)
                                  for case in CASES])
def test_hostile_input(case: Case, tmp_path, monkeypatch):
    run_case(case, tmp_path, monkeypatch)
    if case.id.startswith("svg-") and case.status:
        assert not (tmp_path / "project/output/html/x.svg").exists()
