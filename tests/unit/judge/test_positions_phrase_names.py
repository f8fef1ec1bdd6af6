"""Positions in team sports are sibling names, and listed names of several lower-case words
("field player") are names to the entity guard."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities
from nearcache.judge.phrasenames import phrase_names
from nearcache.judge.types import REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Can a water polo field player touch the ball with two hands?",
            "Is the goalkeeper in water polo allowed to play the ball with both hands?",
        ),
        (
            "In soccer, can the goalie pick up a back pass?",
            "Is a defender in football allowed to handle a ball passed back to him?",
        ),
        (
            "Can a pitcher also bat in the American League?",
            "In the AL, is the catcher allowed to hit too?",
        ),
        ("Can a midfielder take a penalty kick?", "Is a striker allowed to take the penalty?"),
    ],
)
def test_another_position_is_another_question(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome == REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Can the goalie handle a back pass?", "Is a goalkeeper allowed to pick up a back pass?"),
        ("What does a point guard do?", "What is the job of the point guards on a team?"),
        ("Can a field player use two hands?", "May an outfield player play the ball two-handed?"),
    ],
)
def test_the_same_position_in_other_words_is_not_refused(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome != REJECT


def test_phrase_names_are_read_in_lower_case_only() -> None:
    assert phrase_names("can a water polo field player touch the ball") == (
        ("field player", "positions"),
    )
    assert phrase_names("an outfield player in water polo") == (("field player", "positions"),)
    assert phrase_names("The Field Player rule") == ()
