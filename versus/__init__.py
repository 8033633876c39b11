"""Versus: comparison handouts from Markdown and data, as HTML and PDF.

The stages live in subpackages, in the order data flows through them:

    content -> render -> pdf and web, driven by build (and cli),

over a small kernel (settings, errors, output, log) that every stage may import.
"""

__version__ = "0.1.0"
