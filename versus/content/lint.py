"""What ``check`` finds in the Markdown of handouts, beyond what loading rejects.

- ``slug-collision``: two content files whose slugs differ only in case (one
  file on macOS and Windows; the uppercase one is also rejected as a bad slug).
- ``broken-link``: a relative link ending in .md, .html or .pdf that names no
  handout, read from the handout's folder below content/ or, for .html and .pdf,
  from where its web page lies below output/html/.
- ``missing-image``: a local image that does not exist or lies outside the
  project; an error, because the PDF renderer rejects it too.
- ``image-alt``: an image without alt text.
- ``empty-section``: a heading followed by a heading of the same or a higher
  level, or by the end of the file, with no text between them.
- ``empty-cell``, ``placeholder``, ``todo``: unfinished work (``versus.content.unfinished``).

The body is scanned, not parsed: Python-Markdown keeps no positions, and every
finding needs the line and column in the .md file. Fenced code blocks, code
spans and HTML comments are masked first (offsets kept), so nothing in them counts.
"""

from __future__ import annotations

import bisect
import functools
import posixpath
import re
import unicodedata
from collections.abc import Iterator, Set
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from ..errors import ContentError, MissingImage, VersusError, display_path
from .files import CONTENT_DIR, SLUG_PART_RE, sources
from .handouts import HEADING_RE, SETEXT_RE, read_text, split_front_matter
from .passages import FENCE_RE

ERROR, WARNING = "error", "warning"
HANDOUT_SUFFIXES = (".md", ".html", ".pdf")
# Link text: no blank line inside, brackets nested one deep (a badge's image).
_CHAR = r"(?:[^\[\]\\\n]|\n(?![ \t]*\n)|\\.)"
_TEXT = rf"(?:{_CHAR}|\[{_CHAR}*\])*"
_URL = r"<[^<>\n]*>|(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))+"
LINK_RE = re.compile(
    rf"(?<!\\)(?P<bang>!?)\[(?P<text>{_TEXT})\]"
    rf"(?:\(\s*(?P<url>{_URL})(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\)"
    r"|\[(?P<ref>[^\[\]]*)\])")
# A link reference definition; footnotes ([^1]: ...) are no links.
DEFINITION_RE = re.compile(
    r"^ {0,3}\[(?!\^)(?P<label>[^\[\]]+)\]:[ \t]*(?P<url><[^<>\n]*>|\S+)", re.MULTILINE)
# A code span runs from a run of backticks to the next run of the same length in
# its paragraph (no blank line inside). Found by ``_code_spans`` in linear time: a
# regex retried at each run scans to the paragraph's end each time (quadratic).
BACKTICKS_RE = re.compile(r"`+")
PARAGRAPH_END_RE = re.compile(r"\n(?=[ \t]*\n)")


@dataclass(frozen=True)
class Finding:
    """One problem ``check`` reports: how bad, what kind, and the error with its place."""

    severity: str
    code: str
    error: VersusError

    def __str__(self) -> str:
        return str(self.error)

    def as_dict(self) -> dict:
        """The finding as plain JSON data."""
        error = self.error
        return {"path": display_path(error.path) if error.path is not None else None,
                "line": error.line, "column": error.column, "severity": self.severity,
                "code": self.code, "message": error.message}


def slug_collisions(project: Path) -> Iterator[Finding]:
    """A warning on each content file whose slug equals another's but for case."""
    root = project / CONTENT_DIR
    groups: dict[str, list[str]] = {}
    paths: dict[str, Path] = {}
    for path in sources(project):
        slug = path.relative_to(root).with_suffix("").as_posix()
        paths[slug] = path
        groups.setdefault(unicodedata.normalize("NFC", slug).casefold(), []).append(slug)
    for group in groups.values():
        # The valid (lowercase) slug keeps its name; the others are warned about.
        first, *others = sorted(group, key=lambda slug: (not _valid(slug), slug))
        for slug in others:
            yield Finding(WARNING, "slug-collision", ContentError(
                f"slug '{slug}' collides with '{first}' ({display_path(paths[first])}) "
                "when case is ignored", paths[slug]))


def _valid(slug: str) -> bool:
    return all(SLUG_PART_RE.match(part) for part in slug.split("/"))


def lint_handout(path: Path, slug: str, slugs: Set[str], roots: tuple[Path, ...],
                 body: _Body | None = None) -> list[Finding]:
    """The links, images and sections of one handout; nothing if it cannot be read.
    ``body`` is its ``read_body``, if already read."""
    body = body or read_body(path)
    if body is None:
        return []  # loading the handout reports this as an error
    return (list(_links(body, slug, slugs)) + list(_images(body, roots))
            + list(_empty_sections(body)))


def read_body(path: Path) -> _Body | None:
    """The masked body of the handout at ``path``; None if it cannot be read."""
    try:
        _, text, first_line = split_front_matter(read_text(path), path)
    except ContentError:
        return None
    return _Body(text, path, first_line)


class _Body:
    """A handout's Markdown with code and comments masked, and file positions."""

    def __init__(self, text: str, path: Path, first_line: int):
        self.path, self.first_line = path, first_line
        self.source_lines = text.split("\n")  # unmasked, for messages
        self.text, self.code_lines = _mask(text)
        self.lines = self.text.split("\n")
        self.starts = [0]
        for line in self.lines[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)
        self.definitions: dict[str, tuple[str, int]] = {}
        for match in DEFINITION_RE.finditer(self.text):
            place = match.start("label") - 1  # the '['
            self.definitions.setdefault(_label(match["label"]),
                                        (_strip_angle(match["url"]), place))

    def error(self, message: str, offset: int, kind: type = ContentError) -> ContentError:
        """A ``ContentError`` (or ``kind``) at ``offset`` in the body, placed in the
        .md file."""
        index = bisect.bisect_right(self.starts, offset) - 1
        return kind(message, self.path, self.first_line + index,
                    offset - self.starts[index] + 1)

    @functools.cached_property
    def links(self) -> list[re.Match]:
        """``references()``, found once for the links and the images."""
        return list(self.references())

    def references(self, start: int = 0, end: int | None = None) -> Iterator[re.Match]:
        """Every inline or reference-style link and image, images inside links too."""
        for match in LINK_RE.finditer(self.text, start,
                                      len(self.text) if end is None else end):
            yield match
            if not match["bang"]:
                yield from self.references(match.start("text"), match.end("text"))


Body = _Body
"""A handout's masked Markdown with file positions, for ``versus.content.unfinished``."""


def _mask(text: str) -> tuple[str, set[int]]:
    """``text`` with code blanked to 'x' and comments to spaces; the code line numbers."""
    lines, code, fence = text.split("\n"), set(), None
    for index, line in enumerate(lines):
        opened = FENCE_RE.match(line)
        if fence or opened:
            if fence is None:
                fence = opened.group(1)
            elif (opened and opened.group(1)[0] == fence[0]
                  and len(opened.group(1)) >= len(fence)):
                fence = None
            code.add(index)
            lines[index] = "x" * len(line)  # code is text: its section is not empty
    text = "\n".join(lines)
    parts, position = [], 0
    for start, end in _code_spans(text):
        parts += [text[position:start], _fill(text[start:end], "x")]
        position = end
    masked = "".join(parts) + text[position:]
    parts, position = [], 0
    # HTML comments, found by hand: a regex retried at each unclosed '<!--' is quadratic.
    while (start := masked.find("<!--", position)) != -1:
        end = masked.find("-->", start + 4)
        if end == -1:
            break
        parts += [masked[position:start], _fill(masked[start:end + 3], " ")]
        position = end + 3
    return "".join(parts) + masked[position:], code


def _code_spans(text: str) -> list[tuple[int, int]]:
    """The start and end of every code span in ``text``, in order."""
    ends = [match.start() for match in PARAGRAPH_END_RE.finditer(text)]
    runs = [(bisect.bisect_left(ends, match.start()), match.start(), match.end())
            for match in BACKTICKS_RE.finditer(text)]
    closer: list[int | None] = [None] * len(runs)  # the next run of the same length
    following: dict[tuple[int, int], int] = {}
    for number in range(len(runs) - 1, -1, -1):
        paragraph, start, end = runs[number]
        closer[number] = following.get((paragraph, end - start))
        following[paragraph, end - start] = number
    spans, number = [], 0
    while number < len(runs):
        match = closer[number]
        if match is None:  # no closing run: these backticks are text
            number += 1
            continue
        spans.append((runs[number][1], runs[match][2]))
        number = match + 1
    return spans


def _fill(text: str, char: str) -> str:
    """``text`` with every character but newlines replaced by ``char``."""
    return re.sub(r"[^\n]", char, text)


def _label(label: str) -> str:
    return " ".join(label.split()).casefold()


def _strip_angle(url: str) -> str:
    return url[1:-1] if url.startswith("<") and url.endswith(">") else url


def _target(body: _Body, match: re.Match) -> str | None:
    """The URL of a link or image, looking up reference-style ones."""
    if match["url"] is not None:
        return _strip_angle(match["url"])
    found = body.definitions.get(_label(match["ref"] or match["text"]))
    return found[0] if found else None


def _links(body: _Body, slug: str, slugs: Set[str]) -> Iterator[Finding]:
    urls = [(m.start(), _strip_angle(m["url"])) for m in body.links
            if not m["bang"] and m["url"] is not None]
    urls += [(offset, url) for url, offset in body.definitions.values()]
    for offset, url in sorted(urls):
        candidates = handout_slugs(url, slug)
        if candidates and not slugs.intersection(candidates):
            yield Finding(WARNING, "broken-link", body.error(
                f"link '{url}' names no handout ('{candidates[0]}' does not exist)"
                + _did_you_mean(url, candidates[0], slugs), offset))


def _did_you_mean(url: str, missing: str, slugs: Set[str]) -> str:
    """``; did you mean 'x.md'?`` with the closest handout, written as the link was."""
    import difflib  # only when a link is broken

    close = difflib.get_close_matches(missing, sorted(slugs), n=1, cutoff=0.8)
    if not close:
        return ""
    path = unquote(urlsplit(url).path)
    stem, suffix = posixpath.splitext(path)
    # The link's folder stands for the missing handout's folder: step from there.
    step = posixpath.relpath(close[0], posixpath.dirname(missing) or ".")
    suggestion = posixpath.normpath(posixpath.join(posixpath.dirname(stem), step))
    return f"; did you mean '{suggestion}{suffix}'?"


def handout_slugs(url: str, slug: str) -> list[str]:
    """The handout slugs a relative .md/.html/.pdf link in handout ``slug`` may mean."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    stem, suffix = posixpath.splitext(path)
    if (parts.scheme or parts.netloc or path.startswith("/")
            or suffix not in HANDOUT_SUFFIXES):
        return []
    folder = posixpath.dirname(slug)
    candidates = []
    in_content = posixpath.normpath(posixpath.join(folder, stem))
    if in_content != ".." and not in_content.startswith("../"):
        candidates.append(in_content)
    if suffix != ".md":  # as the web page output/html/<slug>.html resolves it
        top = suffix[1:] + "/"
        in_output = posixpath.normpath(posixpath.join("html", folder, stem))
        if in_output.startswith(top):
            candidates.append(in_output[len(top):])
    return list(dict.fromkeys(candidates))


def _images(body: _Body, roots: tuple[Path, ...]) -> Iterator[Finding]:
    from urllib.request import url2pathname  # costs a tenth of a check with nothing to do

    base = body.path.resolve().parent.as_uri() + "/"
    for match in body.links:
        if not match["bang"]:
            continue
        src = _target(body, match)
        if not match["text"].strip():
            shown = f" '{src}'" if src else ""
            yield Finding(WARNING, "image-alt", body.error(
                f"image{shown} has no alt text: say what it shows", match.start()))
        if not src:
            continue
        # Resolved as the PDF renderer does: against the folder of the .md file.
        url = urlsplit(urljoin(base, src))
        if url.scheme != "file":
            continue
        path = Path(url2pathname(unquote(url.path))).resolve()
        if not any(path.is_relative_to(root) for root in roots):
            error = body.error(f"image '{src}' is outside the project", match.start())
        elif not path.is_file():
            from .imagerefs import not_found  # the message the build gives, too

            error = body.error(not_found(src, body.path.parent), match.start(),
                               MissingImage)
        else:
            continue
        yield Finding(ERROR, "missing-image", error)


def _empty_sections(body: _Body) -> Iterator[Finding]:
    headings = _headings(body)
    for number, (start, end, level) in enumerate(headings):
        following = headings[number + 1] if number + 1 < len(headings) else None
        stop = following[0] if following else len(body.lines)
        if (following and following[2] > level  # a subsection holds the text
                or any(line.strip() for line in body.lines[end + 1:stop])):
            continue
        line = body.source_lines[start]
        title = line.strip().strip("#").strip() if start == end else line.strip()
        yield Finding(WARNING, "empty-section", body.error(
            f"section '{title}' has no text",
            body.starts[start] + len(line) - len(line.lstrip())))


def _headings(body: _Body) -> list[tuple[int, int, int]]:
    """Each heading's first and last line index and its level, in order."""
    found, lines = [], body.lines
    for index, line in enumerate(lines):
        if index in body.code_lines:
            continue
        if HEADING_RE.match(line):
            marks = line.strip()
            found.append((index, index, len(marks) - len(marks.lstrip("#"))))
        elif (SETEXT_RE.match(line) and index > 0 and lines[index - 1].strip()
              and index - 1 not in body.code_lines
              and not HEADING_RE.match(lines[index - 1])
              and not (found and found[-1][1] == index - 1)):
            found.append((index - 1, index, 1 if line.strip()[0] == "=" else 2))
    return found
