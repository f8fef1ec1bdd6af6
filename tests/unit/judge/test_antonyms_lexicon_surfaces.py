"""guard_antonyms: opposites of surface, wind and attention (smooth/rough, offshore/onshore,
follow/ignore) reject."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_antonyms


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Which tyres grip best on smooth roads?", "Which tyres grip best on rough roads?"),
        ("Is an offshore wind good for surfing?", "Is an onshore wind good for surfing?"),
        ("How do I make wget follow symlinks?", "How do I make wget ignore symlinks?"),
    ],
)
def test_opposites_reject(a: str, b: str) -> None:
    assert guard_antonyms(a, b).outcome == "reject"
    assert guard_antonyms(b, a).outcome == "reject"
