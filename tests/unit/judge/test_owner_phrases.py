"""relations: a possessive owns the phrase after "of" only near its start, so a verb
between ("of the Moon slow down Earth's rotation") does not make the owner (cases written
for this file, from no split)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Does the tidal pull of the Moon slow down Earth's rotation?",
            "Does the tidal pull of the Moon slow down the rotation of the Earth?",
        ),
        (
            "Does the gravity of the Sun affect Mars's orbit?",
            "Does the gravity of the Sun affect the orbit of Mars?",
        ),
    ],
)
def test_possessive_after_a_verb_is_not_the_of_phrase_owner(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome != "reject"
    assert guard_direction(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What do I call my father's cousin?", "What do I call my cousin's father?"),
        (
            "Is the plot of Jane Austen's novel based on her sister?",
            "Is the plot of Jane's novel based on Austen's sister?",
        ),
    ],
)
def test_owners_turned_round_still_reject(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome == "reject"
