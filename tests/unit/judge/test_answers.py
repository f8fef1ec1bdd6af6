"""answers.answer_kind / other_answer and the verifier's ``asks_other`` feature."""

from __future__ import annotations

import pytest

from nearcache.judge.answers import answer_kind, asked_otherwise, asks, other_answer
from nearcache.judge.features import FEATURES, LOW_COSINE, features

_AT = FEATURES.index("asks_other")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("How long is a day on Mars?", "quantity"),
        ("how many players are on a Dota 2 roster", "quantity"),
        ("How do I sort a dictionary by value?", "what"),  # a way: the loose kind
        ("how to exit vim", "what"),
        ("How does a heat pump work?", "what"),
        ("What is the elevation of Denver?", "what"),
        ("Which came first, the printing press or the telescope?", "what"),
        ("Why does my starter smell of acetone?", "why"),
        ("When was the GDPR adopted?", "when"),
        ("Where is the fuse box in a flat?", "where"),
        ("Who audits the city's accounts?", "who"),
        ("Is Mars closer to the Sun than Earth?", "yes/no"),
        ("Does list.sort() return a new list in Python?", "yes/no"),
        ("Rust: how do I read a file into a String?", "what"),  # after a short label
        # a question word with a clitic is read bare
        ("What's the best way to boil an egg?", "what"),
        ("whats the boiling point of water at altitude", "what"),
        ("How's a heat pump different from an air conditioner?", "what"),
        ("how'd the Romans make concrete", "what"),
        ("Who's responsible for clearing snow from the pavement?", "who"),
        ("Where's the fuse box in a flat?", "where"),
        ("When's the deadline for the tax return?", "when"),
        ("It's raining, umbrella or raincoat?", None),  # other clitics are not questions
        ("mollweide equal area?", None),  # a keyword query asks no kind
        ("`defer f()` then `panic(1)` - f still called?", None),
        ("", None),
    ],
)
def test_answer_kind(text: str, kind: str | None) -> None:
    assert answer_kind(text) == kind


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("How long is a day on Mars?", "Is Mars closer to the Sun than Earth?"),
        ("How do I sort a dictionary by value in Python?", "Does list.sort() return a new list?"),
        ("How much does it cost to insure a cat?", "How do I claim on my cat's insurance?"),
        ("Who invented the printing press?", "When was the printing press invented?"),
    ],
)
def test_two_kinds_of_answer(a: str, b: str) -> None:
    assert other_answer(a, b) and other_answer(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("How do I boil an egg?", "how to boil eggs"),
        # the loose kinds pair with each other: paraphrases move between them
        ("What's the best way to boil an egg?", "How do I boil an egg?"),
        ("How does a heat pump work?", "How do I use a heat pump?"),
        ("Can I freeze cooked rice?", "Is it safe to freeze cooked rice?"),
        # no kind on one side
        ("mollweide equal area?", "Is the Mollweide projection equal-area?"),
    ],
)
def test_one_kind_of_answer(a: str, b: str) -> None:
    assert not other_answer(a, b) and not other_answer(b, a)


def test_the_feature_weighs_the_change_by_how_low_the_cosine_is() -> None:
    a, b = "How long is a day on Mars?", "Is Mars closer to the Sun than Earth?"
    assert features(a, b, 0.55, {})[_AT] == pytest.approx(LOW_COSINE - 0.55)
    assert features(a, b, 0.65, {})[_AT] == pytest.approx(LOW_COSINE - 0.65)
    assert features(a, b, LOW_COSINE + 0.1, {})[_AT] == 0.0  # high cosine: not read
    same_kind = features("How long is a day on Mars?", "how long does a Mars day last", 0.55, {})
    assert same_kind[_AT] == 0.0


def test_the_kind_is_read_on_the_question_after_a_context_sentence() -> None:
    a = "We are sending a rover next year. How long is a day on Mars?"
    b = "Is a day on Mars long compared with Earth?"
    assert answer_kind(a) is None  # the context sentence opens the text
    assert features(a, b, 0.6, {})[_AT] == pytest.approx(LOW_COSINE - 0.6)


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("How do I emit a signal from a child node?", True),
        # a short topic before the question: still a question
        ("In Godot 4, how do I emit a signal from a child node?", True),
        ("In SQLAlchemy 2.0, does session.get return None for a missing row?", True),
        ("sqlalchemy: does session.get return None for a missing row?", True),
        # a keyword query or a snippet asks none, with a topic or without
        ("sqlalchemy session.get missing id None or exception?", False),
        ("premiere: close the empty space on the timeline", False),
        ("CharacterBody2D: velocity = dir * speed; move_and_slide()", False),
        # a lead of more than ten words is not read as a topic
        ("In the register my great-grandmother kept for the whole village until 1901, was", False),
    ],
)
def test_asks_reads_past_a_short_topic(text: str, asked: bool) -> None:
    assert asks(text) is asked


def test_a_topic_before_the_question_keeps_both_texts_asking() -> None:
    question = "In SQLAlchemy 2.0, does session.get return None when the row doesn't exist?"
    assert not asked_otherwise(question, "Does SQLAlchemy's session.get return None?")
    assert asked_otherwise(question, "sqlalchemy session.get(User, 5) missing id -> None?")
    # the kind the verifier compares is still read on the first three words
    assert answer_kind(question) is None
