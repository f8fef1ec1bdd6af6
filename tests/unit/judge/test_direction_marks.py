"""guard_direction on swaps a symmetric-looking word hid: a place pair joined by "or"
("X above or below Y"; a time pair asks which event came first), alternatives whose
terms trade places inside them, a term marked by "with" against one marked otherwise,
and an active against a passive beside another passive both texts share."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.clauses import passive, passives


def _rejects(a: str, b: str) -> bool:
    return guard_direction(a, b).outcome == "reject" and guard_direction(b, a).outcome == "reject"


def _passes(a: str, b: str) -> bool:
    return guard_direction(a, b).outcome != "reject" and guard_direction(b, a).outcome != "reject"


_SWAPPED = [
    # two places joined by "or" still relate the terms one way
    (
        "Should I carry the contrast colour over or under the main colour when stranding?",
        "Should I carry the main colour over or under the contrast colour when stranding?",
    ),
    (
        "Does the warm air sit above or below the cold air in an inversion?",
        "Does the cold air sit above or below the warm air in an inversion?",
    ),
    (
        "Is the bass clef above or below the treble clef on a grand staff?",
        "Is the treble clef above or below the bass clef on a grand staff?",
    ),
    # alternatives with their terms traded inside them
    (
        "Does the manufacturer pay the distributor for returned stock or does the distributor"
        " credit the manufacturer?",
        "Does the distributor pay the manufacturer for returned stock or does the manufacturer"
        " credit the distributor?",
    ),
    (
        "Does the landlord pay the agent a fee or does the agent refund the landlord?",
        "Does the agent pay the landlord a fee or does the landlord refund the agent?",
    ),
    # "with" marks one term, another word the other
    (
        "Which needle size do I use for the ribbing with the body yarn?",
        "Which needle size do I use for the body with the ribbing yarn?",
    ),
    (
        "Can I replace curly quotes with straight quotes in a Word document automatically?",
        "Can I replace straight quotes with curly quotes in a Word document automatically?",
    ),
    (
        "Should I replace the old fuse with the new fuse?",
        "Should I replace the new fuse with the old fuse?",
    ),
    # subjects traded around their verbs are other events
    (
        "in our WMS, does replenishment release before or after a pick wave runs",
        "in our WMS, does a pick wave release before or after replenishment runs",
    ),
    # letters naming things, set against each other by "but not"
    (
        "In PostgreSQL, how do I find rows that are in table a but not in table b?",
        "In PostgreSQL, how do I find rows that are in table b but not in table a?",
    ),
    (
        "How do I merge dict a into dict b without changing a?",
        "How do I merge dict b into dict a without changing b?",
    ),
    ("Is Python compiled and not interpreted?", "Is Python interpreted and not compiled?"),
    # a name with its number asked about from the other end
    ("Which satellite did Landsat 7 replace?", "Which satellite replaced Landsat 7?"),
    ("Which version did Python 3 replace?", "Which version replaced Python 3?"),
    # active against passive in one order, another passive in both
    (
        "Did the broker sue the shipowner after the cargo was lost at sea?",
        "Was the broker sued by the shipowner after the cargo was lost at sea?",
    ),
    (
        "Did the insurer audit the agency after the claim was filed?",
        "Was the insurer audited by the agency after the claim was filed?",
    ),
]

_KEPT = [
    # two times joined by "or" ask which came first: the same question either way round,
    # events traded whole or as their verbs after their subjects
    (
        "Should I rehouse the letters before or after I digitise them in acid-free folders?",
        "Should I digitise the letters before or after I rehouse them in acid-free folders?",
    ),
    (
        "Should I water the plants before or after I feed them?",
        "Should I feed the plants before or after I water them?",
    ),
    (
        "Did Spain colonize the Philippines before or after Mexico?",
        "Did Spain colonize Mexico before or after the Philippines?",
    ),
    (
        "Is the treble clef above or below the bass clef on a grand staff?",
        "On a grand staff, is the treble clef above or below the bass clef?",
    ),
    # the same alternatives in another order
    (
        "Does the landlord pay the agent or does the agent pay the landlord?",
        "Does the agent pay the landlord or does the landlord pay the agent?",
    ),
    (
        "Did Rome conquer Carthage or did Carthage conquer Rome?",
        "Did Carthage conquer Rome or did Rome conquer Carthage?",
    ),
    # "with" joining the terms when nothing else marks them
    ("compare python lists with python tuples", "compare python tuples with python lists"),
    ("compare a storm watch with a storm warning", "compare a storm warning with a storm watch"),
    # clauses moved whole, each with its "not"
    (
        "Why am I tired during the day but not sleepy at night?",
        "Why am I not sleepy at night but tired during the day?",
    ),
    ("find a more efficient way to sort", "find the most efficient way to sort"),
    ("Which satellite did Landsat 7 replace?", "Landsat 7 replaced which satellite?"),
    # the passive turns the roles back
    (
        "Did the broker sue the shipowner after the cargo was lost at sea?",
        "Was the shipowner sued by the broker after the cargo was lost at sea?",
    ),
    (
        "Did the insurer audit the agency after the claim was filed?",
        "After the claim was filed, was the agency audited by the insurer?",
    ),
    (
        "How do I get dried red wine out of a white carpet?",
        "How do I get red wine out of a white carpet?",
    ),
]


@pytest.mark.parametrize(("a", "b"), _SWAPPED)
def test_a_swap_behind_a_symmetric_looking_word_rejects(a: str, b: str) -> None:
    assert _rejects(a, b)


@pytest.mark.parametrize(("a", "b"), _KEPT)
def test_the_same_roles_pass(a: str, b: str) -> None:
    assert _passes(a, b)


def test_passives_lists_every_passive_in_order() -> None:
    text = "Was the broker sued by the shipowner after the cargo was lost at sea?"
    found = passives(text)
    assert len(found) == 2
    assert passive(text) == found[0]
    assert found[0][2] is not None and found[1][2] is None  # an agent only after "by"
    assert passives("Did the broker sue the shipowner?") == ()
