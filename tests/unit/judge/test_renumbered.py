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
