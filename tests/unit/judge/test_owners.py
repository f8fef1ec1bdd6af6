"""Whose thing it is, turned round in other words (direction guard, :mod:`.owners`)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.owners import owner_turned
from nearcache.judge.types import REJECT


@pytest.mark.parametrize(
    ("a", "b", "found"),
    [
        (
            "Can I use the client's courier account to ship the samples back to them?",
            "the client wants to send samples back to us on our courier account, is that allowed",
            ("account", "client", "<me>"),
        ),
        (
            "Does the landlord's policy pay for the boiler in the flat I rent?",
            "Does my policy pay for the boiler in the flat I rent from my landlord?",
            ("pay", "landlord", "<me>"),
        ),
        (
            "If my tree falls on the neighbour's shed, whose insurance pays?",
            "the neighbour's tree came down on my shed, whose insurance pays",
            ("shed", "neighbour", "<me>"),
        ),
    ],
)
def test_a_thing_given_to_the_other_owner_is_rejected(
    a: str, b: str, found: tuple[str, str, str]
) -> None:
    assert owner_turned(a, b) == found
    assert owner_turned(b, a) == (found[0], found[2], found[1])
    res = guard_direction(a, b)
    assert res.outcome == REJECT, res.detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # a possessive written without its apostrophe: the same owner
        (
            "Does my home contents insurance cover my lodgers belongings?",
            "Does my home contents insurance cover my lodger's belongings?",
        ),
        ("can i renew my drivers license online", "Can I renew my driver's license online?"),
        # the other owner is not named in the other text: another question, not turned
        ("Can my landlord keep my deposit?", "Can the agency keep the tenant's deposit?"),
        # "her" does not say whose
        ("Can her manager read her messages?", "Can my manager read my messages?"),
        # the same owner in other words
        (
            "Does my insurance cover my bike if it is stolen from the garage?",
            "my bike was stolen from the garage, will my insurance pay",
        ),
    ],
)
def test_the_same_owner_is_not_read_as_turned(a: str, b: str) -> None:
    assert owner_turned(a, b) is None
    assert owner_turned(b, a) is None
