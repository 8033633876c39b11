"""Related comparisons: the handouts sharing most items, ranked as a reader would
rank them by hand, without reading every list for every handout."""

from __future__ import annotations

import random

from versus.build.uses import MAX_RELATED, Listed, Uses
from versus.content.items import Profiles


def uses_of(listed: dict[str, Listed]) -> Uses:
    uses = Uses(run=None)
    uses.__dict__.update(listed=listed, profiles=Profiles())
    return uses


def by_hand(listed: dict[str, Listed], slug: str) -> list[str]:
    """Every other handout sharing an item, most shared first, then in order."""
    mine = {name.casefold() for name in listed[slug].items}
    shared = {other: len(mine & {name.casefold() for name in each.items})
              for other, each in listed.items() if other != slug}
    order = list(listed)
    ranked = sorted((other for other in shared if shared[other]),
                    key=lambda other: (-shared[other], order.index(other)))
    return ranked[:MAX_RELATED]


def test_the_ranking_is_the_one_made_by_hand_on_random_projects():
    rng = random.Random(7)
    for _ in range(30):
        pool = [f"Item {n}" for n in range(rng.randint(3, 12))]
        listed = {}
        for number in range(rng.randint(2, 60)):
            items = tuple(rng.sample(pool, rng.randint(2, min(6, len(pool)))))
            listed[f"h{number:02d}"] = Listed(f"h{number:02d}", f"Title {number}", items)
        uses = uses_of(listed)
        for slug in listed:
            assert [other for other, _ in uses.related(slug)] == by_hand(listed, slug)


def test_most_shared_first_then_in_order_and_titles_given():
    listed = {slug: Listed(slug, slug.upper(), items) for slug, items in (
        ("a", ("PostgreSQL", "MySQL", "SQLite")), ("b", ("PostgreSQL", "Redis")),
        ("c", ("MySQL", "SQLite")), ("d", ("Redis", "Memcached")))}
    assert uses_of(listed).related("a") == [("c", "C"), ("b", "B")]
    assert uses_of(listed).related("d") == [("b", "B")]


def test_a_thousand_handouts_naming_one_item_each_relate_to_the_first_five():
    listed = {f"h{n:04d}": Listed(f"h{n:04d}", "t", ("PostgreSQL", f"Other {n}"))
              for n in range(1000)}
    uses = uses_of(listed)
    first = [f"h{n:04d}" for n in range(6)]
    for slug in listed:
        assert [other for other, _ in uses.related(slug)] == [
            other for other in first if other != slug][:MAX_RELATED]
