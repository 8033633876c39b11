"""``versus release``: record the current text and table of handouts as a new edition.

Each handout released gets the next edition in ``editions/<slug>.yaml`` (see
``versus.content.editions``): its number, the date (``SOURCE_DATE_EPOCH``'s day or
today), the note, the digest of its text and a snapshot of its table. A handout
unchanged since its last edition is left as it is, and said so.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from pathlib import Path

from ..build.pipeline import select
from ..content import editions
from ..content.files import discover
from ..content.handouts import load_handout, recorded_editions
from ..errors import Problems, VersusError
from ..output import write_atomic
from ..settings import load_settings

logger = logging.getLogger(__name__)
MAX_NOTE = 500
"""Characters a release note may have: a line, not a changelog."""


@dataclass
class Released:
    """What a release did: the editions written, the handouts left as they were."""

    written: list[tuple[str, int, Path]] = field(default_factory=list)
    unchanged: list[tuple[str, int]] = field(default_factory=list)
    errors: list[VersusError] = field(default_factory=list)


def release(project: Path, targets: tuple[str, ...], note: str,
            day: datetime.date) -> Released:
    """Record a new edition of each handout ``targets`` names (all when none) that
    changed since its last one; errors are collected, and nothing is written for
    a handout that does not load."""
    if len(note) > MAX_NOTE:
        raise VersusError(f"the note has {len(note):,} characters; at most {MAX_NOTE} "
                          "are allowed")
    settings = load_settings(project)
    found, errors = discover(project)
    found, errors = select(project, found, errors, targets)
    done = Released(errors=list(errors))
    for slug, path in found:
        try:
            handout = load_handout(path, slug, settings)
            recorded = recorded_editions(path, slug)
        except Problems as problems:
            done.errors.extend(problems.errors)
            continue
        except VersusError as error:
            done.errors.append(error)
            continue
        if handout.draft and not targets:
            continue  # a draft is released only when named
        edition = editions.release(handout, recorded, day, note)
        if edition is None:
            done.unchanged.append((slug, recorded[-1].number))
            continue
        file = editions.path_for(path, slug)
        file.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(file, editions.dump(slug, (*recorded, edition)))
        done.written.append((slug, edition.number, file))
    return done
