"""kinship.py: a relative named with another number of generations ("great")."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities
from nearcache.judge.kinship import generation_changed


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "how many great great grandparents does a person have",
            "how many great grandparents does a person have",
        ),
        (
            "Can a great-grandparent get visitation rights?",
            "Can a great-great-grandparent get visitation rights?",
        ),
        ("What do I inherit from a great great uncle?", "What do I inherit from a great uncle?"),
        (
            "How many great-grandchildren can I claim?",
            "How many great great grandchildren can I claim?",
        ),
    ],
)
def test_another_generation_rejects(a: str, b: str) -> None:
    assert generation_changed(a, b) is not None
    assert guard_entities(a, b).outcome == "reject"
    assert guard_entities(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("what's a great great grandfather", "what is a great-great-grandfather"),
        ("Is my grand-uncle's estate taxable?", "Is my great-uncle's estate taxable?"),
        ("Can my grandmother adopt me?", "Can my grandma adopt me?"),
        ("Do grandparents have visitation rights?", "Do my grandparents have visitation rights?"),
    ],
)
def test_the_same_generation_written_another_way_passes(a: str, b: str) -> None:
    assert generation_changed(a, b) is None
    assert generation_changed(b, a) is None
