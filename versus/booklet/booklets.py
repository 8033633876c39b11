"""Which booklets a command binds: those versus.yaml defines, built as defined."""

from __future__ import annotations

import logging
from pathlib import Path

from ..build.pipeline import BOOKLET_LINKS, INDEX, BuildOptions, BuildReport, Listener
from ..build.state import BuildState
from ..content.files import discover
from ..errors import Problems, TargetError, VersusError
from ..executors.local import Executor
from ..output import OUTPUT_DIR
from ..settings import Settings, load_settings
from .binder import BookletReport, Plan, make_booklet, make_plans
from .definitions import (Definition, booklet_target, load_definitions, name_problem,
                          resolve)
from .selection import Selection, tag_reader

logger = logging.getLogger(__name__)


def bind(project: Path, options: BuildOptions, duplex: bool = False,
         selection: Selection = Selection(), name: str | None = None,
         executor: Executor | None = None, listener: Listener | None = None,
         every: bool = False) -> BookletReport:
    """What ``booklet`` and ``all`` bind: a --tag/--match ``selection`` to a file of
    its own; else the booklets versus.yaml defines (only the one called ``name``,
    when given); else the booklet of every handout. ``every``: build every
    handout's outputs first (``all``), not only those the booklets hold.

    Raises ``TargetError`` for options that do not fit (--duplex with defined
    booklets, a --name that is not theirs or is taken by one)."""
    project = project.resolve()
    if name is not None and (problem := name_problem(name)):
        raise TargetError(f"--name: {problem}")
    try:
        load_settings(project)
        definitions = load_definitions(project)
    except Problems as problems:
        return BookletReport(BuildReport(), errors=list(problems.errors))
    names = {definition.name: definition for definition in definitions}
    if selection:
        name = name or selection.name()
        if name in names:
            raise TargetError(f"output/{booklet_target(name)} is the booklet '{name}' "
                              f"that versus.yaml defines: give {selection.describe()} "
                              "a --name of its own")
        return make_booklet(project, options, duplex, executor, listener, selection,
                            name)
    if not definitions:
        if name:
            raise TargetError("--name names a booklet that versus.yaml defines, or the "
                              "file of a --tag/--match selection; versus.yaml defines none")
        _keep_links(project, ())
        return make_booklet(project, options, duplex, executor, listener)
    if duplex:
        raise TargetError("--duplex is for the booklet of every handout or of --tag/"
                          "--match: each booklet versus.yaml defines says its own duplex")
    if name and name not in names:
        raise TargetError(f"versus.yaml defines no booklet '{name}' (it defines "
                          f"{', '.join(sorted(names))})")
    return make_booklets(project, options, [names[name]] if name else definitions,
                         definitions, executor, listener, every)


def make_booklets(project: Path, options: BuildOptions, chosen: list[Definition],
                  definitions: tuple[Definition, ...] = (),
                  executor: Executor | None = None, listener: Listener | None = None,
                  every: bool = False) -> BookletReport:
    """Build the handout PDFs the ``chosen`` booklets hold (with ``every``, all
    outputs of every handout), then each of those booklets that is stale.
    ``definitions``: every booklet defined, the ones the listings link."""
    project = project.resolve()
    report = BookletReport(BuildReport())
    settings = load_settings(project)
    slugs = [slug for slug, _ in discover(project)[0]]
    tags_of = tag_reader(project, settings)
    plans, held = [], []
    for definition in chosen:
        resolved = resolve(definition, slugs, tags_of)
        report.errors.extend(resolved.errors)
        report.warnings.extend(resolved.warnings)
        if not resolved.slugs and not resolved.errors:
            report.errors.append(VersusError(
                f"booklet '{definition.name}' holds no handout: not written",
                definition.path, definition.line, definition.column))
        held.extend(resolved.slugs)
        untitled = definition.title is None
        plans.append(Plan(definition.target,
                          tuple((title, tuple(part)) for title, part in resolved.parts),
                          definition.duplex, definition.paper, definition.title,
                          definition.subtitle if definition.subtitle is not None
                          else None if untitled else "",
                          (definition.path, definition.line, definition.column)))
    if report.errors:
        return report
    _keep_links(project, definitions or chosen, settings)
    targets = () if every else tuple(dict.fromkeys(held))
    return make_plans(project, options, plans, targets, executor, listener, report)


def _keep_links(project: Path, definitions, settings: Settings | None = None) -> None:
    """Keep the booklets the listings link (``BOOKLET_LINKS``) as ``definitions``
    say. When they change, the index is made again, and the file of a booklet
    versus.yaml defines no more is removed."""
    state = BuildState.for_project(project)
    title = settings.site_name if settings else ""
    links = [[definition.title or title, definition.target] for definition in definitions]
    old = state.remembered(BOOKLET_LINKS).get("links") or []
    if old == links:
        return
    current = {path for _, path in links}
    for _, path in old:
        if path not in current:
            (project / OUTPUT_DIR / path).unlink(missing_ok=True)
            state.forget(path)
            logger.info("removed %s: versus.yaml defines it no more", path)
    state.remember(BOOKLET_LINKS, links=links)
    state.forget(INDEX)  # it links them: made again, whatever its snapshot says
    state.set_snapshot("html", None)
    state.save()
