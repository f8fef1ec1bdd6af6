"""Recall: a text that names two things and then one of them by position ("merge two dicts
so the second one wins", "rows in the first table missing from the second") asks about
the pair; its 1 and 2 are no counts the other text must repeat. A count against another
number, a position alone ("the second field") and a count alone ("two doses") still
differ."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_numbers


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "python: merge two dicts so that values from the second one win",
            "python {**a, **b}: does the later dict override duplicate keys",
        ),
        (
            "postgres: records present in the first table and missing from the second",
            "In PostgreSQL, how do I find rows that are in table a but not in table b?",
        ),
        (
            "when I extend one list with another, does the second list get modified too?",
            "In Python, does a.extend(b) change the list b?",
        ),
        (
            "does reduce take the accumulator as the first or the second argument",
            "reduce: order of the reducer's params, element then acc?",
        ),
    ],
)
def test_a_pair_named_by_position_is_no_count(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome != "reject"
    assert guard_numbers(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("merge two dicts so the second one wins", "merge three dicts so the third one wins"),
        ("In awk, how do I print the second field of every line?", "awk: print a field"),
        ("What if I missed two doses of my pill?", "What if I missed a dose of my pill?"),
        ("python sort a list of dicts by two keys", "python sort a list of dicts by a key"),
        ("the first and second rows of the table", "the 5th row of the table"),
        # "every second" is a rate, whatever else says "first"
        (
            "Who serves first on every second game of a set?",
            "Who serves first on every game of a set?",
        ),
    ],
)
def test_counts_and_positions_still_differ(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome == "reject"
    assert guard_numbers(b, a).outcome == "reject"
