"""guard_time: dates, weekdays, months and relative days must agree."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_time


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Will it rain in London tomorrow?", "Did it rain in London yesterday?"),
        ("the 2014 World Cup", "the 2018 World Cup"),
        ("Is the bank open on Sunday?", "Is the bank open on Monday?"),
        ("sales last week", "sales this week"),
        ("weather in March", "weather in April"),
        ("open on Good Friday?", "open on Black Friday?"),
        ("What's the weather?", "What's the weather tomorrow?"),
        ("music of the 80s", "music of the 90s"),
    ],
)
def test_different_times_reject(a: str, b: str) -> None:
    assert guard_time(a, b).outcome == "reject"
    assert guard_time(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What happened on July 4, 1776?", "significance of the fourth of July 1776"),
        ("May I ask a question?", "Can I ask a question?"),
        ("3 days ago", "three days ago"),
        ("open on Good Friday?", "open on good friday"),
        ("music of the 90s", "music of the 1990s"),
    ],
)
def test_same_time_passes(a: str, b: str) -> None:
    assert guard_time(a, b).outcome != "reject"
