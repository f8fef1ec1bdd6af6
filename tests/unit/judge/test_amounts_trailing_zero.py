"""A decimal with a trailing zero is a version only when nothing measures it."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_numbers
from nearcache.judge.types import REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Is a 2.50m ceiling too low for a loft bed?",
            "Is a 2.5 m ceiling too low for a loft bed?",
        ),
        ("Is a 2.50 m ceiling too low?", "Is a 250 cm ceiling too low?"),
        ("Is a coffee for $2.50 expensive?", "Is a coffee for $2.5 expensive?"),
        (
            "The house sold for 2.50 million, is that high?",
            "The house sold for 2.5 million, is that high?",
        ),
        ("Can I carry 1.50 kg of cheese on a plane?", "Can I carry 1.5 kg of cheese on a plane?"),
    ],
)
def test_a_measured_decimal_is_its_value(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome != REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Does Python 3.10 support match?", "Does Python 3.1 support match?"),
        ("Is a 2.50m ceiling too low?", "Is a 2.40m ceiling too low?"),
        ("Is a coffee for $2.50 expensive?", "Is a coffee for $2.60 expensive?"),
    ],
)
def test_versions_and_other_amounts_still_differ(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome == REJECT
