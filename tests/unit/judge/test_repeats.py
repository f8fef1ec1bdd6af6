"""A first time against a time again is another question (the time guard)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_time
from nearcache.judge.repeats import repeat_changed
from nearcache.judge.types import REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Do I need to wax a new snowboard before the first ride?",
            "Do I need to wax my snowboard again after it sat in the garage all summer?",
        ),
        (
            "How do I set up git for the first time?",
            "How do I set up git once more after a reinstall?",
        ),
        (
            "How do I make a Kafka Streams app read a topic from the start the first time it runs?",
            "How do I make a Kafka Streams app read a topic from the start every time it reruns?",
        ),
    ],
)
def test_a_first_time_against_again_rejects(a: str, b: str) -> None:
    assert repeat_changed(a, b)
    assert guard_time(a, b).outcome == REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "I mixed a fresh nutrient solution today. Do I need to check the pH again tonight?",
            "made up new nutrients a few hours ago - recheck pH this evening?",
        ),
        ("How do I set up git again?", "How do I set git up once more?"),
        ("How do I set up git?", "How do I set up git again?"),
        ("My new laptop lost wifi again, why?", "Why does my brand new laptop keep dropping wifi?"),
    ],
)
def test_both_or_neither_first_time_passes(a: str, b: str) -> None:
    assert not repeat_changed(a, b)
