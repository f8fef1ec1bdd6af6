"""Terms that change sides: a shared term before a clause or contrast word in one text
and after it in the other trades roles, unless the clause moved whole."""

from __future__ import annotations

import pytest

from nearcache.judge.crossing import crossed
from nearcache.judge.sides import changed_sides, sides


@pytest.mark.parametrize(
    ("a", "b", "found"),
    [
        # two events traded around "when", the other term said twice in each text
        (
            "Does the bank freeze a customer's cards when the customer reports fraud?",
            "Does the bank freeze the customer when the customer's cards report fraud?",
            ("cards", "when"),
        ),
        # two things traded across ", unlike", one of them said twice in one text
        (
            "In Go, does a slice share its array with the slice it was cut from, unlike a copy?",
            "In Go, does a copy share its array with the slice it was cut from, unlike a slice?",
            ("copy", "unlike"),
        ),
    ],
)
def test_a_term_that_changed_sides_trades_roles(a: str, b: str, found: tuple[str, str]) -> None:
    assert crossed(a, b) == found
    assert crossed(b, a) == found


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the clause moved whole with its word: every term keeps its side
        (
            "Does the vet sedate the dog when its owner is away?",
            "When its owner is away, does the vet sedate the dog?",
        ),
        # "before" and "after" also govern a noun: no side word
        (
            "Should I prime the wall before or after sanding the filler?",
            "Should I sand the filler before or after priming the wall?",
        ),
        # an opening clause without its comma would run to the end: not read
        (
            "If 3 pumps fill a tank in 4 hours, how long would 6 pumps take?",
            "if 3 pumps fill a tank in 4 hours how long would 6 pumps take",
        ),
        # the contrast word said twice: no fixed point
        (
            "Is Rust safe unlike C, and fast unlike Python?",
            "Is Rust fast unlike Python, and safe unlike C?",
        ),
    ],
)
def test_terms_that_keep_their_sides_are_not_read(a: str, b: str) -> None:
    assert changed_sides(a, b) == ()


def test_a_side_runs_from_its_word_to_the_next_clause_mark() -> None:
    text = "Does it stick, unlike glue, when wet?"
    words = text.replace(",", " ,").replace("?", " ?").split()
    got = dict(zip(words, sides(text), strict=True))
    assert got["stick"] == "" and got["glue"] == "unlike" and got["wet"] == "when"
