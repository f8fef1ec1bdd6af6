"""Which quantity a "how much" question asks for (unknowns.py, read by the direction guard)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.unknowns import asked_and_given, unknown_swapped


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "If I deposit $5,000 at 3% interest, how much will I have in 8 years?",
            "How much do I need to deposit at 3% interest to have $5,000 in 8 years?",
        ),
        (
            "How much should I borrow to repay $300 a month?",
            "If I borrow $300, how much will I repay a month?",
        ),
    ],
)
def test_the_given_and_the_asked_quantity_exchanged_reject(a: str, b: str) -> None:
    assert unknown_swapped(a, b) is not None and unknown_swapped(b, a) is not None
    assert guard_direction(a, b).outcome == guard_direction(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("how much will I have if I deposit $5,000", "If I deposit $5,000, how much will I have?"),
        ("How much do I need to deposit to have $5,000?", "deposit needed to reach $5,000?"),
        ("How many hours do I need to sleep?", "how many hours of sleep do I need"),
    ],
)
def test_the_same_unknown_passes(a: str, b: str) -> None:
    assert unknown_swapped(a, b) is None and unknown_swapped(b, a) is None


def test_asked_verb_and_number_owners() -> None:
    asked, given = asked_and_given("How much do I need to save to have $900 by June?")
    assert asked == "sav"
    assert given == {("900", "hav")}
