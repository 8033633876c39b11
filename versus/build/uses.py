"""What a handout's outputs depend on beyond its own files: its items' profiles, its
shared passages and the comparisons related to it.

Planning reads no handout that is up to date, so these inputs are named from what
the build state remembers of each handout (its items, the passages it included),
the profiles as they are now, and the other handouts' items and titles. A handout
whose own files changed is read, and its record then names what it really uses.
Editing ``content/items/postgresql.yaml`` so changes the input "item profile
postgresql" of exactly the handouts naming PostgreSQL (by name or alias).
"""

from __future__ import annotations

import dataclasses
import functools
import posixpath
from typing import TYPE_CHECKING

from ..content.files import CONTENT_DIR
from ..content.handouts import Handout, read_text
from ..content.items import Profiles, load_profiles, name_key
from ..content.passages import SHARED_DIR
from .lastgood import ENTRY
from .plan import value_digest

if TYPE_CHECKING:
    from .pipeline import Build

PASSAGES = "passages"
"""The key of a handout's included passages in the build state's ``handouts``."""
MAX_RELATED = 5
"""Related comparisons a page lists."""
RELATED = "related comparisons"
"""The input naming them."""


@dataclasses.dataclass(frozen=True)
class Listed:
    """What the related comparisons know of a handout: its slug, title and items."""

    slug: str
    title: str
    items: tuple[str, ...]


def is_use(name: str) -> bool:
    """Whether input ``name`` is one ``Uses.inputs`` names."""
    return name.startswith(("item profile ", "shared passage ")) or name == RELATED


class Uses:
    """The profiles, passages and related comparisons of a build's handouts."""

    def __init__(self, run: Build):
        self.run = run

    @functools.cached_property
    def profiles(self) -> Profiles:
        """The project's item profiles, as they are now."""
        return load_profiles(self.run.project / CONTENT_DIR, read_text)

    def profile_errors(self) -> tuple:
        """What is wrong in the profiles, if this build read them (else nothing)."""
        read = self.__dict__.get("profiles")
        return read.errors if read is not None else ()

    def inputs(self, slug: str, handout: Handout | None = None) -> dict[str, str]:
        """The inputs of ``slug``'s outputs beyond its files, from ``handout`` when it
        was read, else from what the state remembers of it."""
        if handout is not None:
            items = handout.items
            passages = [self.run.digests.name(path) for path in handout.passages]
        else:
            facts = self.run.state.remembered(slug)
            entry = facts.get(ENTRY) or {}
            items = tuple(map(str, entry.get("items", ())))
            passages = [str(name) for name in facts.get(PASSAGES, ())]
        found = {}
        for item in items:
            profile = self.profiles.of(item)
            if profile is not None:
                found[f"item profile {profile.slug}"] = self.run.digests.of(profile.path)
        for name in passages:
            shown = name.removeprefix(f"{CONTENT_DIR}/{SHARED_DIR}/")
            found[f"shared passage {shown}"] = self.run.digests.of_name(name)
        related = self.related(slug)
        if related:
            found[RELATED] = value_digest(related)
        return found

    def remember(self, handout: Handout) -> dict:
        """What the state keeps of ``handout`` for ``inputs``."""
        return {PASSAGES: [self.run.digests.name(path) for path in handout.passages]}

    @functools.cached_property
    def listed(self) -> dict[str, Listed]:
        """Every handout a page may name as related: loaded ones as read, the
        others as the state remembers them; drafts only with --drafts."""
        found = {}
        for slug, _ in self.run.scanned.found:
            handout = self.run.loaded.get(slug)
            if handout is not None:
                if not handout.draft or self.run.options.drafts:
                    found[slug] = Listed(slug, handout.title, handout.items)
                continue
            facts = self.run.state.remembered(slug)
            entry = facts.get(ENTRY)
            if (isinstance(entry, dict) and isinstance(entry.get("items"), list)
                    and (self.run.options.drafts or not facts.get("draft"))):
                found[slug] = Listed(slug, str(entry.get("title", slug)),
                                     tuple(map(str, entry["items"])))
        return found

    @functools.cached_property
    def _by_item(self) -> dict[str, list[str]]:
        """Each item (its profile, else its name) -> the slugs naming it, in order."""
        found: dict[str, list[str]] = {}
        for slug, listed in self.listed.items():
            for key in dict.fromkeys(map(self.item_key, listed.items)):
                found.setdefault(key, []).append(slug)
        return found

    def item_key(self, item: str) -> str:
        """What names one item across handouts: its profile, else its name."""
        profile = self.profiles.of(item)
        return f"profile {profile.slug}" if profile else f"name {name_key(item)}"

    def related(self, slug: str) -> list[tuple[str, str]]:
        """(slug, title) of the other handouts sharing an item with ``slug``: most
        shared first, then in the order of the handouts; at most ``MAX_RELATED``."""
        listed = self.listed.get(slug)
        if listed is None:
            return []
        keys = tuple(sorted(set(map(self.item_key, listed.items))))
        if keys not in self._best:
            self._best[keys] = self._ranked(keys)
        best = [other for other in self._best[keys] if other != slug][:MAX_RELATED]
        return [(other, self.listed[other].title) for other in best]

    def _ranked(self, keys: tuple[str, ...]) -> list[str]:
        """The ``MAX_RELATED + 1`` handouts sharing most of the items ``keys``, most
        first, then in order (one more: the handout asking is among them). Every
        handout naming two of the items is in a list other than the longest, and
        one naming a single item that ranks comes early in its list: so the
        longest list is read only to its first places, and a thousand handouts
        naming PostgreSQL cost little each."""
        keys = sorted(keys, key=lambda key: len(self._by_item.get(key, ())))
        lists = [self._by_item.get(key, []) for key in keys]
        candidates = {other for each in lists[:-1] for other in each}
        candidates.update(other for each in lists for other in each[:MAX_RELATED + 1])
        sets = [self._members(key) for key in keys] if len(keys) > 1 else []
        order = self._order
        shared = {other: sum(other in each for each in sets) for other in candidates}
        return sorted(candidates, key=lambda other: (-shared[other], order[other])
                      )[:MAX_RELATED + 1]

    def _members(self, key: str) -> set[str]:
        """The handouts naming item ``key``, as a set made once."""
        if key not in self._sets:
            self._sets[key] = set(self._by_item.get(key, ()))
        return self._sets[key]

    @functools.cached_property
    def _sets(self) -> dict[str, set[str]]:
        return {}

    @functools.cached_property
    def _order(self) -> dict[str, int]:
        return {slug: place for place, slug in enumerate(self.listed)}

    @functools.cached_property
    def _best(self) -> dict[tuple[str, ...], list[str]]:
        """The ranking of each set of items asked for (``_ranked``)."""
        return {}

    def forget(self) -> None:
        """Read ``listed`` again: handouts were loaded since."""
        for name in ("listed", "_by_item", "_order", "_best", "_sets"):
            self.__dict__.pop(name, None)


def replan(run: Build, plans: dict, loaded: dict[str, Handout]) -> set[str]:
    """Name in ``plans`` ((format, slug) -> (decision, inputs)) what each handout
    uses now that the stale ones are ``loaded``: a handout read names its own; one
    up to date may now be stale (a handout it relates to changed its title or
    items). The slugs of those newly stale, to load."""
    from .plan import decide

    run.uses.forget()
    newly = set()
    for (fmt, slug), (decision, inputs) in plans.items():
        own = {name: value for name, value in inputs.items() if not is_use(name)}
        now = {**own, **run.uses.inputs(slug, loaded.get(slug))}
        if now == inputs:
            continue
        if not decision.stale:
            decision = decide(run.state, decision.target, None, now, run.digests, False,
                              run.shared_inputs(fmt), True)
            newly.update([slug] if decision.stale else [])
        plans[fmt, slug] = (decision, now)
    return newly


def with_related(run: Build, handout: Handout) -> Handout:
    """``handout`` with its related comparisons, for its pages."""
    return dataclasses.replace(handout, related=tuple(run.uses.related(handout.slug)))


def link(slug: str, other: str, suffix: str) -> str:
    """The relative address of ``other``'s page (``suffix`` .html or .pdf) from
    ``slug``'s, both in one folder tree as the handouts are in content/."""
    return posixpath.relpath(other, posixpath.dirname(slug) or ".") + suffix
