"""asks / cause_or_method / guard_entities: a "why" question against a "how" question."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities
from nearcache.judge.asks import asks, cause_or_method


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Why does my sourdough starter smell like acetone?", "How do I feed a sourdough starter?"),
        ("Kotlin: why is my coroutine not cancelled?", "Kotlin: how do I launch a coroutine?"),
        ("How come my bike chain keeps slipping?", "How do I oil a bike chain?"),
        ("Why can I still hear notifications after muting a chat?", "How do I mute a chat?"),
    ],
)
def test_a_cause_against_a_method_rejects(a: str, b: str) -> None:
    assert cause_or_method(a, b) is not None
    assert cause_or_method(b, a) is not None
    assert guard_entities(a, b).outcome == "reject"
    assert "another question" in guard_entities(b, a).detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # "how come" asks why
        ("How come cats purr?", "Why do cats purr?"),
        # a remedy may be answered by its cause
        ("Why won't my lawn mower start?", "How do I fix a lawn mower that won't start?"),
        ("Why does my dog bark at night?", "How can I stop my dog barking at night?"),
        # the same question word, or none on one side
        ("How do I boil an egg?", "how to boil eggs"),
        ("Why is the sky blue?", "what makes the sky blue"),
        # a question word inside a sentence is not read
        ("I wonder why my plant droops", "How do I water a fern?"),
    ],
)
def test_other_pairs_are_not_read(a: str, b: str) -> None:
    assert cause_or_method(a, b) is None
    assert cause_or_method(b, a) is None


def test_the_opening_question_word_is_read() -> None:
    assert asks("Java: why does it fail?") == "why"
    assert asks("how come it fails") == "why"
    assert asks("How long does it take?") == "how"
    assert asks("It fails. Why?") == "why"
    assert asks("what is a monad") is None
