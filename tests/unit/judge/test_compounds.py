"""compounds.py: the ends of an "x-to-y" compound traded between the texts."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.compounds import link_swapped


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Is a parent-to-child gift of $20k taxable?",
            "Is a child-to-parent gift of $20k taxable?",
        ),
        (
            "How do I set up server-to-client push in gRPC?",
            "How do I set up client-to-server push in gRPC?",
        ),
        ("Are ship-to-shore radios regulated?", "Are shore-to-ship radios regulated?"),
    ],
)
def test_ends_of_a_compound_traded_reject(a: str, b: str) -> None:
    assert link_swapped(a, b) is not None
    assert guard_direction(a, b).outcome == "reject"
    assert guard_direction(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Is peer-to-peer lending safe?", "Is peer to peer lending safe?"),
        ("Is peer-to-peer lending safe?", "Is peer-to-peer lending safe in 2024?"),
        ("an end-to-end test of the app", "an end-to-end test for the app"),
        ("a server-to-client stream", "a server-to-client stream or a client-to-server one"),
        ("a server-and-client setup", "a client-and-server setup"),
        ("a parent-to-child gift", "a gift from parent to child"),
    ],
)
def test_same_or_symmetric_or_both_ways_are_not_read(a: str, b: str) -> None:
    assert link_swapped(a, b) is None
    assert link_swapped(b, a) is None
