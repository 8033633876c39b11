"""Whether a whole format is up to date, from one digest of what its last complete
build saw, so a build with nothing to do reads no record at all.

When a build of every handout ends with every output of a format current, it
stores a snapshot for that format in the state: one digest of the fingerprints
of every content file (as ``versus.build.scan`` took them), the inputs every output
of the format shares, the files the renderer read, and the options; with the
names of those read files and the drafts left out. The next build computes the
same digest from its own scan: equal, with every output in place, means nothing
changed. Anything else — a named target, ``--force``, a content tree the scan
left to ``content.files.discover``, a file changed too close to the save to trust its
time — goes the ordinary way, record by record.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import TYPE_CHECKING

from ..render.theme import INDEX_TEMPLATE, ITEM_TEMPLATE, TAG_TEMPLATE
from ..web import data
from ..web.site import INDEX, SEARCH_INDEX
from . import printcopy
from . import state as state_module
from .plan import Decision, value_digest

if TYPE_CHECKING:
    from .pipeline import Build


def _content(run: Build) -> str:
    """One digest of every content file's name and fingerprint, in scan order."""
    text = "\n".join(f"{name}\t{size}\t{changed}"
                     for name, (size, changed) in run.scanned.stats.items())
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _digest(run: Build, fmt: str, read: list[str], content: str) -> str:
    inputs = dict(run.shared_inputs(fmt))
    if fmt == "html":
        inputs.update(run.digests.files(sorted(
            {*run.pages.templates_used(INDEX_TEMPLATE),
             *run.pages.templates_used(TAG_TEMPLATE),
                 *run.pages.templates_used(ITEM_TEMPLATE)})))
    files = {name: run.digests.of_name(name) for name in read}
    return value_digest([content, inputs, files, run.options.drafts])


def _possible(run: Build) -> bool:
    """Whether this build covers every handout, as the scan found them."""
    return not (run.options.targets or run.scanned.data is None)


def unchanged(run: Build, found: list) -> list[str] | None:
    """The slugs of the handouts built (drafts left out) when every output of
    every format asked for is current by its snapshot; None when that is not
    known this way."""
    if run.options.force or not _possible(run):
        return None
    snapshots = [run.state.snapshot(fmt) for fmt in run.formats]
    try:
        if any(snap is None or not isinstance(snap.get("read"), list)
               or not isinstance(snap.get("drafts"), list) for snap in snapshots):
            return None
        content = _content(run)
        if any(snap.get("digest") != _digest(run, fmt, snap["read"], content)
               for fmt, snap in zip(run.formats, snapshots)):
            return None
        drafts = {slug for snap in snapshots for slug in snap["drafts"]}
    except (TypeError, AttributeError):  # a mangled snapshot: go the ordinary way
        return None
    kept = [slug for slug, _ in found if run.options.drafts or slug not in drafts]
    present = run.present
    if not all(f"{fmt}/{slug}.{fmt}" in present for fmt in run.formats for slug in kept):
        return None
    if "pdf" in run.formats and run.options.keep_html and not all(
            printcopy.target(slug) in present for slug in kept):
        return None
    if "html" in run.formats and (
            not all((run.output / name).is_file() for name in (INDEX, SEARCH_INDEX))
            or data.missing(present, kept)):
        return None
    return kept


def decisions(run: Build, kept: list[str]) -> list[Decision]:
    """Every output of ``kept``, up to date."""
    reasons = ["up to date"]  # one list for all: listeners only read it
    found = [Decision(f"{fmt}/{slug}.{fmt}", False, reasons)
             for slug in kept for fmt in run.formats]
    return found + ([Decision(INDEX, False, reasons)] if "html" in run.formats else [])


def remember(run: Build, found: list) -> None:
    """After a build of every handout: a snapshot of each format whose outputs are
    all current, or none."""
    if not _possible(run):
        return
    for fmt in run.formats:
        run.state.set_snapshot(fmt, _snapshot(run, fmt, found))


def _snapshot(run: Build, fmt: str, found: list) -> dict | None:
    if not run.report.ok:
        return None
    records = run.state.records
    drafts = sorted(slug for slug, _ in found if run.state.remembered(slug).get("draft"))
    left_out = set(drafts) if not run.options.drafts else set()
    targets = [f"{fmt}/{slug}.{fmt}" for slug, _ in found if slug not in left_out]
    if fmt == "html":
        targets.append(INDEX)
    if not all(target in records for target in targets):
        return None
    read_keys = {records[target][2] for target in targets}
    read = sorted({name for key in read_keys
                   for name in _names(run.state.sets.get(key, "{}"))})
    if _racy(run):
        return None
    return {"digest": _digest(run, fmt, read, _content(run)), "read": read,
            "drafts": drafts}


def _names(body: str) -> list[str]:
    return list(json.loads(body))


def _racy(run: Build) -> bool:
    """Whether a content file may have changed within the time its fingerprint
    shows (the other files count by their digests, which ``Digests`` guards)."""
    racy = time.time_ns() - state_module.RACY_NS
    return any(changed >= racy for _, changed in run.scanned.stats.values())
