"""Logging policy, written once.

- Every module logs through ``logging.getLogger(__name__)``; nothing in the
  package prints. The CLI alone installs a handler, on stderr.
- ERROR: a problem with an input, as ``error: path:line:col: message``, once each.
- WARNING: something the build went on past (an unknown front matter key), as
  ``warning: path:line:col: message``. Errors and warnings are labelled alike,
  and the SPEC's ``path:line:col: message`` follows the label unchanged.
- Every message is printed with its control characters escaped (``\\x1b``,
  ``\\r``, ``\\n``): content's text reaches messages, and must not rewrite the
  terminal, its title or the lines before.
- INFO: one line per output written, and the final summary (hidden by --quiet).
- DEBUG: why each step happened (shown by --verbose, with WeasyPrint's own log).
- WeasyPrint's own log is shown only with --verbose: its failed fetches and
  images already reach the user as errors or warnings of the handout that made
  them, once each.
"""

from __future__ import annotations

import logging
import sys

from .errors import printable


def configure(verbosity: int) -> None:
    """Send Versus's log to stderr: -1 quiet, 0 normal, 1 verbose."""
    level = {-1: logging.WARNING, 0: logging.INFO}.get(verbosity, logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    root = logging.getLogger("versus")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
    # WeasyPrint's errors are still logged (versus.pdf.renderer listens for failed images),
    # but printed only with --verbose.
    weasy_handler = logging.StreamHandler(sys.stderr)
    weasy_handler.setFormatter(_Formatter())
    weasy_handler.setLevel(logging.DEBUG if verbosity > 0 else logging.CRITICAL + 1)
    weasy = logging.getLogger("weasyprint")
    weasy.handlers[:] = [weasy_handler]
    weasy.setLevel(logging.DEBUG if verbosity > 0 else logging.ERROR)
    weasy.propagate = False


LABELS = {logging.WARNING: "warning", logging.ERROR: "error", logging.CRITICAL: "error"}


class _Formatter(logging.Formatter):
    """Plain messages; warnings and errors labelled alike: ``error: path:line:col: …``."""

    def format(self, record: logging.LogRecord) -> str:
        message = printable(record.getMessage())
        if record.name.startswith("weasyprint"):
            return f"weasyprint: {message}"
        label = LABELS.get(record.levelno)
        return f"{label}: {message}" if label else message


def counted(number: int, noun: str) -> str:
    """``number`` and ``noun``, plural unless one: '1 handout', '3 files', '0 errors'."""
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"
