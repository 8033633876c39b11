"""Which handouts a booklet binds: a --tag/--match selection, or a defined booklet's parts."""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..content.files import discover
from ..content.handouts import load_handout
from ..errors import Problems
from ..settings import Settings, load_settings
from .definitions import MAX_NAME


@dataclass(frozen=True)
class Selection:
    """Which handouts a booklet binds: those with any of ``tags`` or whose slug
    matches any of the shell patterns ``globs``; every handout when both are empty."""

    tags: tuple[str, ...] = ()
    globs: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.tags or self.globs)

    def slugs(self, project: Path) -> list[str]:
        """The selected handouts' slugs (a handout that does not load has no tags)."""
        found = discover(project)[0]
        chosen = {slug for slug, _ in found
                  if any(fnmatch.fnmatchcase(slug, glob) for glob in self.globs)}
        wanted = {tag.casefold() for tag in self.tags}
        if wanted:
            tags_of = tag_reader(project, load_settings(project))
            chosen.update(slug for slug, _ in found
                          if slug not in chosen and tags_of(slug) & wanted)
        return sorted(chosen)

    def describe(self) -> str:
        return " or ".join([*(f"--tag {tag}" for tag in self.tags),
                            *(f"--match {glob}" for glob in self.globs)])

    def name(self) -> str:
        """The booklet's file name when none is given, from what selects:
        ``--tag cloud`` gives 'tag-cloud', ``--match 'aws-*'`` 'match-aws'."""
        words = [*(f"tag-{tag}" for tag in self.tags),
                 *(f"match-{glob}" for glob in self.globs)]
        name = re.sub(r"[^a-z0-9]+", "-", "-".join(words).casefold()).strip("-")
        return name[:MAX_NAME].strip("-") or "selection"


def tag_reader(project: Path, settings: Settings) -> Callable[[str], set[str]]:
    """The tags of a handout by its slug, casefolded, each handout read once (one
    that does not load has none: the build reports it, if it is built)."""
    sources = dict(discover(project)[0])

    @functools.cache
    def tags_of(slug: str) -> frozenset[str]:
        try:
            handout = load_handout(sources[slug], slug, settings)
        except (Problems, KeyError):
            return frozenset()
        return frozenset(tag.casefold() for tag in handout.tags)
    return tags_of
