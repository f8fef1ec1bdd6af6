"""A number too large for a float (read as infinity) must not break the judge: the
Fahrenheit reading of measures.sizes rounded it (cases written for this file)."""

from __future__ import annotations

import pytest

from nearcache.judge import DefaultJudge, guard_numbers
from nearcache.judge.measures import sizes

HUGE = "9" * 400


@pytest.mark.parametrize("value", ["inf", "nan", HUGE])
def test_sizes_of_a_fahrenheit_value_beyond_floats(value: str) -> None:
    assert len(sizes(value, "degf")) <= 1


@pytest.mark.parametrize(
    "text", [f"Is {HUGE} F hot?", f"Is {HUGE}°F hot?", f"Set the oven to {HUGE} degrees F"]
)
def test_a_huge_fahrenheit_number_is_judged(text: str) -> None:
    assert guard_numbers(text, "Is 70 F hot?").outcome == "reject"
    assert DefaultJudge().judge(text, "Is 70 F hot?", 0.9).reason != "error"
