"""Whether each source's address answers: the source-unreachable findings of ``check --links``."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Iterable

from ..content.handouts import Handout
from ..content.lint import WARNING, Finding
from ..errors import ContentError
from .freshness import DATED

SOURCE_URL = "source-url"
LINK_SECONDS = 10.0
"""How long a source's address has to answer."""
PROBES = 8
"""Addresses asked at once."""


def addresses(handout: Handout) -> list[Finding]:
    """Each source's address of ``handout``, at the place it is written, kept (as
    a dated finding is) for ``check --links`` to ask."""
    table = str(handout.data_file or handout.source)
    cited = {}
    for attribute in handout.attributes:
        for cell in attribute.cells:
            if cell.source is not None:
                cited.setdefault(cell.source, cell.place)
    found = []
    for key, source in handout.sources:
        path, place = ((str(handout.source), source.place) if source.place
                       else (table, cited.get(key)))
        line, column = place or (None, None)
        found.append(Finding(DATED, SOURCE_URL, ContentError(source.url, path, line,
                                                             column)))
    return found


def ask(findings: Iterable[Finding], links: bool,
        timeout: float = LINK_SECONDS) -> list[Finding]:
    """``findings`` with each kept address dropped; with ``links``, a
    ``source-unreachable`` warning for each that did not answer 2xx or 3xx."""
    kept, urls = [], []
    for finding in findings:
        if finding.severity == DATED and finding.code == SOURCE_URL:
            urls.append(finding)
        else:
            kept.append(finding)
    if not links or not urls:
        return kept
    unique = sorted({finding.error.message for finding in urls})
    with concurrent.futures.ThreadPoolExecutor(PROBES) as pool:
        answers = dict(zip(unique, pool.map(lambda url: probe(url, timeout), unique)))
    for finding in urls:
        problem = answers[finding.error.message]
        if problem is not None:
            error = finding.error
            kept.append(Finding(WARNING, "source-unreachable", ContentError(
                f"source {error.message} {problem}", error.path, error.line,
                error.column)))
    return kept


def probe(url: str, timeout: float) -> str | None:
    """Why ``url`` is not answering (redirects followed); None when it answers
    2xx or 3xx. A server that refuses HEAD is asked with GET."""
    import urllib.error
    import urllib.request

    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method,
                                         headers={"User-Agent": "versus-check"})
        try:
            with urllib.request.urlopen(request, timeout=timeout):
                return None
        except urllib.error.HTTPError as error:
            if method == "HEAD" and error.code in (403, 405, 501):
                continue
            return f"answered {error.code} {error.reason}"
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            if "timed out" in str(reason):
                return f"did not answer within {timeout:g} s"
            return f"cannot be reached ({reason})"
    return None
