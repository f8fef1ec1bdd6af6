"""Two things said as a pair in words agree with the other text's two."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_numbers
from nearcache.judge.twos import says_two
from nearcache.judge.types import REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("move rows from one sheet to another", "how do I move rows between two sheets"),
        (
            "How do I copy a folder from one drive onto another drive?",
            "copy a folder between two drives",
        ),
        (
            "is it ok to use one charger for a pair of phones",
            "Can I use the same charger for two phones?",
        ),
        (
            "What is the difference between a Roth IRA and a traditional IRA?",
            "Roth vs traditional: how do the two accounts differ?",
        ),
        (
            "Tabs versus spaces: which one should I indent with?",
            "Which of the two should I indent Python with, tabs or spaces?",
        ),
    ],
)
def test_a_pair_said_in_words_is_not_refused_against_two(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome != REJECT
    assert guard_numbers(b, a).outcome != REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # another count than two still differs
        ("move rows from one sheet to another", "how do I move rows across three sheets"),
        ("How much room does a pair of rabbits need?", "How much room do eight rabbits need?"),
        # "another" before another noun: two other things, not a pair of X
        (
            "plant a tree one metre away from another tree",
            "plant a tree two metres away from another tree",
        ),
        (
            "plant a tree one metre away from another fence",
            "plant a tree two metres away from a fence",
        ),
        # a verb between the one and "another": another thing done to another thing
        (
            "pandas: group by one column and sum another",
            "pandas: group by two columns and sum another",
        ),
    ],
)
def test_other_counts_still_differ(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome == REJECT


@pytest.mark.parametrize(
    ("text", "two"),
    [
        ("send a value from one task to another", True),
        ("subtract one date from another in sheets", True),
        ("copy a file from one bucket into another bucket", True),
        ("paint one side and the other with oil", True),
        ("a pair of cats", True),
        ("the difference between let and const", True),
        ("postgres vs mysql", True),
        ("one space away from another settlement", False),
        ("group by one column and sum another", False),
        ("the other day I merged one branch", False),
        ("a pairing of wines", False),
    ],
)
def test_says_two(text: str, two: bool) -> None:
    assert says_two(text) is two
