"""tokens.stem: five-letter "-uing"/"-ying" forms meet their verb ("suing" / "sued"),
which the "-ing" rule (for longer words only) left apart (cases written for this file)."""

from __future__ import annotations

import pytest

from nearcache.judge.tokens import stem


@pytest.mark.parametrize(
    ("ing", "other"),
    [("suing", "sued"), ("suing", "sues"), ("tying", "tied"), ("dying", "died"), ("lying", "lie")],
)
def test_short_ing_form_meets_its_verb(ing: str, other: str) -> None:
    assert stem(ing) == stem(other)


@pytest.mark.parametrize("word", ["using", "going", "doing", "eying"])
def test_other_short_ing_words_unchanged(word: str) -> None:
    assert stem(word) == word
