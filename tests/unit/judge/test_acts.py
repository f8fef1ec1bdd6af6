"""An act said another way explains terms that cross: a noun of the act, the act as the
setting of a reduced clause, a causative turned intransitive (acts.py, read by
crossing.py)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.acts import clauses, once, terms_at
from nearcache.judge.crossing import crossed
from nearcache.judge.roles import role_keys
from nearcache.judge.types import REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # a verb and its object against the object and a noun of the act
        (
            "Who pays the transfer tax when buying a condo in Florida, the buyer or the seller?",
            "In Florida, does the seller or the buyer pay transfer tax on a condo purchase?",
        ),
        # the verb and its object moved together into a clause opened by "when" + -ing
        (
            "should I plane the boards edges first or faces first",
            "faces first or edges first when planing the boards",
        ),
        # a causative turned intransitive: the causer after "from"
        (
            "Can a cow pass ringworm to the farmer who milks her?",
            "Can ringworm pass from a cow to the farmer who milks her?",
        ),
        (
            "Can the old boiler leak water into the ceiling?",
            "Can water leak from the old boiler into the ceiling?",
        ),
    ],
)
def test_an_act_said_another_way_is_no_crossing(a: str, b: str) -> None:
    assert crossed(a, b) is None
    assert crossed(b, a) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the causer and the one it passes to traded places
        ("Can a dog pass fleas to the cat?", "Can fleas pass from the cat to a dog?"),
        # a verb whose object changed as it moved into the setting: other acts
        (
            "should I cut the tails first when gluing the pins",
            "should I glue the tails first when cutting the pins",
        ),
    ],
)
def test_roles_that_changed_with_the_act_are_still_read(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome == REJECT


def test_the_shared_reading() -> None:
    text = "Should I sand it before I glaze the bowl?"
    # each token's clause: "before" opens one, the question mark closes it
    assert clauses(text) == ("", "", "", "", "before", "before", "before", "before", "before", "")
    assert {2, 6, 8} <= terms_at(text)  # sand, glaze, bowl
    keys = role_keys("Is the dog faster than the other dog?", "Is the dog fast?")[0]
    assert "dog" not in once(keys)  # keyed twice
