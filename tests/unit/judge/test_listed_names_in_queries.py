"""Two listed names of one kind swapped stay different in a keyword query against a
full question (the snippet excuse is for names read in code)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities
from nearcache.judge.types import REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("cat rectal temp 39C normal?", "Is a temperature of 39 °C normal for a dog?"),
        (
            "numpy pivot_table long->wide reshape",
            "In pandas, how do I pivot a long table to wide format?",
        ),
        (
            "In Flask, does select_related work for many-to-many fields?",
            "django select_related on a ManyToManyField - works or need prefetch_related?",
        ),
    ],
)
def test_a_listed_name_swapped_in_a_keyword_query_rejects(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome == REJECT


def test_names_read_in_code_against_a_question_are_still_left_to_the_verifier() -> None:
    a = "df.groupby('city')['price'].mean() right?"
    b = "In pandas, how do I get the mean price per city?"
    assert guard_entities(a, b).outcome != REJECT


def test_a_listed_name_quoted_in_code_is_an_example() -> None:
    a = 'mongo: `db.posts.find({ tags: "rust" })` matches when the tags array includes "rust"?'
    b = "How do I find documents where an array field contains a given value in MongoDB?"
    assert guard_entities(a, b).outcome != REJECT
