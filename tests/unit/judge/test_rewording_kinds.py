"""The rewording reader's question kinds: a negation or an opposite in a reworded question
is left to the verifier only when both texts ask the same kind of question."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_antonyms, guard_negation
from nearcache.judge.rewording import asked_otherwise, question_kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Did the United States buy Alaska from Russia?", "yes/no"),
        ("Doesn't aspirin thin the blood?", "yes/no"),
        ("Why is my bread dense?", "why"),
        ("how come my bread is dense", "why"),
        ("How do I upgrade Python on Ubuntu?", "how"),
        ("how to upgrade Python", "how"),
        ("How early can I mow my lawn on a Sunday?", "how much"),
        ("Which Python versions are still supported?", "which"),
        ("what's a polite hour to mow the lawn", "what"),
        ("Who wrote Hamlet?", "who"),
        ("When is the deadline?", "when"),
        # a clause, not a question word
        ("When a child class has its own constructor, is the base one still run?", None),
        ("docker container exits immediately after start", None),
        # the question after a sentence of context
        ("My son is in year 5. Can the school move him up?", "yes/no"),
    ],
)
def test_question_kind_is_read_from_the_opening_word(text: str, kind: str | None) -> None:
    assert question_kind(text) == kind


@pytest.mark.parametrize(
    ("a", "b", "other"),
    [
        ("Did the US buy Alaska?", "Why is Alaska cold?", True),
        ("How do I upgrade Python?", "Which Python versions are supported?", True),
        ("Why does my bread sink?", "How do I make bread rise?", True),
        # "what" asks anything but yes or no
        ("what's a polite hour to mow", "How early can I mow?", False),
        ("What is the best way to store files?", "How do I store files?", False),
        ("Is it safe?", "What makes it safe?", True),
        # one text opens otherwise
        ("docker exits at once", "Why does my container stop?", False),
    ],
)
def test_asked_otherwise(a: str, b: str, other: bool) -> None:
    assert asked_otherwise(a, b) is other
    assert asked_otherwise(b, a) is other


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Did the United States buy Alaska from Russia?",
            "Why is Alaska not connected to the rest of the US?",
        ),
        ("How do I upgrade Python on Ubuntu?", "Which Python versions no longer get updates?"),
        ("Does the warranty cover water damage?", "Why won't the shop repair my phone for free?"),
    ],
)
def test_a_negation_in_another_kind_of_question_rejects(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome == "reject"
    assert guard_negation(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Which plants are not toxic to cats?", "which houseplants can a kitten chew safely?"),
        (
            "Does a Python subclass call the parent's __init__ if it defines its own?",
            "When a child class has its own constructor, is the base one run without super()?",
        ),
    ],
)
def test_a_negation_in_the_same_kind_of_question_is_left_to_the_verifier(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome == "neutral"
    assert guard_negation(b, a).outcome == "neutral"


def test_opposites_in_another_kind_of_question_reject() -> None:
    a = "Is it cheaper to leave the heating on low all day?"
    b = "What temperature should I set my thermostat to at night?"
    assert guard_antonyms(a, b).outcome == "reject"
    assert guard_antonyms(b, a).outcome == "reject"
