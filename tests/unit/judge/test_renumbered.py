"""A figure changed beside a word both texts keep differs even in a reworded pair."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_numbers
from nearcache.judge.types import REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("diablo 5 s5 max level?", "what is the max level in Diablo 4 season 5"),
        (
            "my meter says ppm (1400 scale), what's that in EC?",
            "How do I convert a ppm reading on the 700 scale to EC?",
        ),
    ],
)
def test_a_changed_figure_in_a_reworded_pair_rejects(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome == REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # a figure the full question adds, beside no word the other text numbers otherwise
        ("diablo 4 max level?", "what is the max level in Diablo 4 season 5"),
        ("4000 kWh/yr UK -> how many 400W panels?", "How many panels do I need?"),
    ],
)
def test_an_added_figure_in_a_reworded_pair_is_left_to_the_verifier(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome != REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "In gdb, how do I set a breakpoint that only stops when a variable equals 5?",
            "In gdb, how do I make a breakpoint stop only after it has been hit 5 times?",
        ),
        (
            "How do I loop 10 times in bash?",
            "In bash, how do I loop until a counter is greater than 10?",
        ),
    ],
)
def test_a_count_of_times_against_a_compared_value_rejects(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome == REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("retry 3 times", "retry more than 3 times"),
        ("How do I retry a request 3 times?", "How do I make a request retry up to 3 times?"),
        ("stop when x equals 5", "break out once x == 5"),
    ],
)
def test_the_same_role_of_a_figure_is_not_refused(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome != REJECT
