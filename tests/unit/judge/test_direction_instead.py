"""A substitution exchanged beside a symmetric word is still turned round."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Can I register with a dentist near my office instead of my flat?",
            "Can I register with a dentist near my flat instead of my office?",
        ),
        (
            "Should I rent a flat close to the station instead of the city centre?",
            "Should I rent a flat close to the city centre instead of the station?",
        ),
    ],
)
def test_instead_of_exchanged_near_a_distance_word_rejects(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome == "reject"
    assert guard_direction(b, a).outcome == "reject"


def test_distance_between_two_places_stays_symmetric() -> None:
    a, b = "How far is Lyon from Nice?", "How far is Nice from Lyon?"
    assert guard_direction(a, b).outcome != "reject"
