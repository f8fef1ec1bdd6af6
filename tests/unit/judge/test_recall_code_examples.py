"""Recall: numbers inside a code example are the example's. A number the text repeats in
prose after writing it in its own code ("`zip([1,2,3], 'ab')` - do I lose the 3?") is the
example's number, and a code example's numbers never differ from an ordinal or a weak
count in the other text's prose ("`reduce(list, 0, fn x, acc)` - is acc the 2nd param?" /
"the first or the second argument"). Prose numbers against prose numbers, code against
code, and a strong prose number against a code example still differ."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_numbers


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("`list(zip([1,2,3], 'ab'))` - do I lose the 3?", "Does zip() stop at the shortest?"),
        ("`arr.slice(2)` - is the 2 an index or a count?", "does slice take an index or a count"),
        (
            "elixir Enum.reduce(list, 0, fn x, acc -> ... end) - is acc the 2nd param?",
            "In Elixir, does Enum.reduce take the accumulator as the first or the second arg?",
        ),
        ("`HAL_Delay(10);` inside an interrupt hangs, why?", "why does HAL_Delay hang in an ISR"),
    ],
)
def test_numbers_of_a_code_example_are_no_extra(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome != "reject"
    assert guard_numbers(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("does `range(10)` include 10", "does `range(5)` include 5"),
        ("is `chmod 755` safe for a web root", "is chmod 644 safe for a web root"),
        ("the top 3 rows per group in `SELECT ... LIMIT 3`", "the top 5 rows per group"),
        ("is the 3 in `zip([1,2,3])` lost", "is the 4 lost when zipping"),
        ("git undo the last 3 commits", "git undo the last commit"),
    ],
)
def test_code_examples_do_not_hide_other_numbers(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome == "reject"
    assert guard_numbers(b, a).outcome == "reject"
