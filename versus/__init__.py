"""Versus: comparison handouts from Markdown and data, as HTML and PDF.

The public API is what this module exposes; the stages live in their own
modules, in the order data flows through them:

    settings -> content -> render -> pdf, driven by pipeline (and cli).
"""

__version__ = "0.1.0"
