"""One of the two things "the difference between X and Y" sets side by side, changed with
the rest kept, is another question whatever the word ("let" / "also" in Kotlin)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities

REJECT = "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "In Kotlin, what is the difference between let and apply?",
            "In Kotlin, what is the difference between also and apply?",
        ),
        (
            "In Kotlin, what is the difference between let and apply?",
            "In Kotlin, what is the difference between let and run?",
        ),
        ("How do I choose between fetch and axios?", "How do I choose between fetch and ky?"),
    ],
)
def test_a_compared_word_changed_differs(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome == REJECT, guard_entities(a, b)
    assert guard_entities(b, a).outcome == REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # a typo of the word
        (
            "What's the difference between let and const in JavaScript?",
            "whats the difference between let and cosnt in javascript",
        ),
        # an article, not a thing compared
        (
            "the difference between a list and a tuple",
            "the difference between the list and a tuple",
        ),
        # "between" that sets nothing side by side
        (
            "How long to wait between coats and sanding?",
            "How long to wait between layers and sanding?",
        ),
    ],
)
def test_other_changes_are_not_read_as_compared_things(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome != REJECT, guard_entities(a, b)
