"""Recall: a unit written short and the same unit written out are one word to the
alignment ("mg" / "milligrams", "24h" / "24 hours", "USD" / "dollars"); other units, and
a lone letter that follows no number, stay different words."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_numbers
from nearcache.judge.align import align


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("mg of caffeine in a double shot", "milligrams of caffeine in a double shot"),
        ("pods restarted in the last 24h", "pods restarted in the last 24 hours"),
        ("weight limit in lbs", "weight limit in pounds"),
        ("convert 500 usd to yen", "convert 500 dollars to yen"),
        ("run a 100m dash", "run a 100 metres dash"),
        ("the 1.5C target of the Paris agreement", "the 1.5 degree target of the Paris agreement"),
    ],
)
def test_same_unit_pairs(a: str, b: str) -> None:
    al = align(a, b)
    assert al.only_a == al.only_b == ()
    assert any(how == "alias" for _, _, how in al.pairs)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("weight limit in kg", "weight limit in pounds"),
        ("how many m in a mile", "how many meters in a mile"),  # "m" alone: no number before
        ("convert 500 usd to yen", "convert 500 euros to yen"),
        ("is 20C warm for a swim", "is 20 fahrenheit warm for a swim"),
    ],
)
def test_other_units_stay_apart(a: str, b: str) -> None:
    al = align(a, b)
    assert al.only_a and al.only_b


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("is 57 F water too cold for a 3mm suit", "is 14°C water too cold for a 3mm suit"),
        ("bake the loaf at 350°F for how long", "bake the loaf at 180°C for how long"),
        ("keep the brine under 40F", "keep the brine under 4 C"),
    ],
)
def test_fahrenheit_meets_the_celsius_it_is(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        assert guard_numbers(x, y).outcome != "reject", (x, y)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("is 57 F water too cold for a 3mm suit", "is 17°C water too cold for a 3mm suit"),
        ("bake the loaf at 350°F for how long", "bake the loaf at 200°C for how long"),
        ("bake the loaf at 350°F for how long", "bake the loaf at 350°C for how long"),
    ],
)
def test_other_temperatures_still_differ(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome == "reject"
