"""one_word_changed / guard_entities: "and" / "or" or one letter for another, the rest kept."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities
from nearcache.judge.oneword import one_word_changed


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            'count rows where column A is "red" or column B is "large"',
            'count rows where column A is "red" and column B is "large"',
        ),
        ("Does `a.extend(b)` change a?", "Does `a.extend(b)` change b?"),
        ("What does the -f flag do in rm?", "What does the -r flag do in rm?"),
        ("Is co-op available on Xbox Series S?", "Is co-op available on Xbox Series X?"),
        (  # two letters exchanged
            "In JavaScript, does `Object.assign(a, b)` copy a's properties onto b?",
            "In JavaScript, does `Object.assign(a, b)` copy b's properties onto a?",
        ),
    ],
)
def test_one_connective_or_letter_changed_rejects(a: str, b: str) -> None:
    assert one_word_changed(a, b) is not None
    assert guard_entities(a, b).outcome == guard_entities(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Is this a cat?", "Is this the cat?"),  # an article, not a letter
        ("When did World War 1 end?", "When did World War I end?"),  # "i" is never a letter
        ("Do cats and dogs shed?", "Why do cats or dogs shed?"),  # another word changed too
        ("Should I use tabs or spaces?", "Should I use tabs or spaces?"),  # nothing changed
    ],
)
def test_articles_pronouns_and_wider_changes_are_not_read(a: str, b: str) -> None:
    assert one_word_changed(a, b) is None
    assert one_word_changed(b, a) is None
