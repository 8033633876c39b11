"""Parse the handouts a build makes; one that fails keeps its place as it last loaded.

A handout that fails to load is listed in the index and the booklet as it last
loaded, while an output of it stays (``versus.build.lastgood``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..content import glyphs
from ..content.handouts import Handout, load_handout
from ..errors import Problems
from ..output import FORMATS
from .lastgood import ENTRY, entry_facts, stand_in

if TYPE_CHECKING:
    from .pipeline import Build


def load(run: Build, found: list[tuple[str, Path]]) -> dict[str, Handout]:
    """Parse these handouts; errors go to the report, drafts are left out. A
    handout with a warning is left out too under --strict, its warnings errors."""
    loaded, fonts, sentences = {}, None, None
    for slug, path in found:
        try:
            handout = load_handout(path, slug, run.pages.settings, run.uses.profiles)
        except Problems as problems:
            run.report.errors.extend(problems.errors)
            _keep_last_good(run, slug, path)
            continue
        run.state.remember(slug, draft=handout.draft, **{ENTRY: entry_facts(handout)},
                           **run.uses.remember(handout))
        if not (run.options.drafts or not handout.draft):
            continue
        if fonts is None:  # the theme's font files: with the machine's, what a page can draw
            # Imported here: a build with nothing to load need not compile lint's patterns.
            from ..content.unfinished import placeholders, unfinished

            fonts = glyphs.theme_fonts(run.pages.theme.static_files())
            sentences = placeholders(run.pages.theme.dirs)
        warnings = [*handout.warnings, *glyphs.missing(handout.inputs, fonts),
                    *(finding.error for finding in unfinished(
                        handout, run.pages.theme.dirs, sentences=sentences))]
        if warnings and run.options.strict:
            run.report.errors.extend(warnings)  # --strict: not written
            _keep_last_good(run, slug, path)
            continue
        loaded[slug] = handout
        run.report.warnings.extend(warnings)
    return loaded


def _keep_last_good(run: Build, slug: str, path: Path) -> None:
    """List a handout that failed as it last loaded, if an output of it stays."""
    facts = run.state.remembered(slug)
    if facts.get("draft") and not run.options.drafts:
        return
    handout = stand_in(slug, path, facts)
    if handout is not None and any((run.output / fmt / f"{slug}.{fmt}").is_file()
                                   for fmt in FORMATS):
        run.report.kept[slug] = handout


def others(run: Build, everything: list[tuple[str, Path]], named: set[str]) -> list[Handout]:
    """The handouts a build of named targets lists in the index but does not
    build: one that does not load is reported when it is built, not here."""
    others = []
    for slug, path in everything:
        if slug not in named:
            try:
                handout = load_handout(path, slug, run.pages.settings, run.uses.profiles)
            except Problems:
                _keep_last_good(run, slug, path)
                continue
            if run.options.drafts or not handout.draft:
                others.append(handout)
    return others
