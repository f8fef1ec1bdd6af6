"""written_with_care / careful_variant / guard_entities: one letter apart in two careful texts."""

from __future__ import annotations

import pytest

from nearcache.judge import DefaultJudge, guard_entities
from nearcache.judge.careful import careful_variant, one_far_letter, written_with_care


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("How much sulfite is in red wine?", "How much sulfate is in red wine?"),
        ("Is potassium chlorite an oxidizer?", "Is potassium chlorate an oxidizer?"),
        ("How much iodine is in kelp?", "How much iodide is in kelp?"),
        # a documented limit: a misspelling of one letter for a far one is refused
        ("How do I seperate two columns?", "How do I separate two columns?"),
    ],
)
def test_one_letter_apart_in_careful_texts_rejects(a: str, b: str) -> None:
    assert careful_variant(a, b) is not None
    assert careful_variant(b, a) is not None
    assert guard_entities(a, b).outcome == "reject"
    assert "another word" in guard_entities(b, a).detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # a hurried text: lowercase, or no closing mark
        ("how much sulfite is in red wine", "How much sulfate is in red wine?"),
        ("what temprature should lamb be cooked to", "What temperature should lamb be cooked to?"),
        ("How long do I boil a potatoe", "How long do I boil a potato?"),
        # a well-known confusion of real words
        ("How do I loose weight fast?", "How do I lose weight fast?"),
        ("Does this wine complement fish?", "Does this wine compliment fish?"),
        # a typist's slip in a careful text: letters swapped, one left out, a neighbouring key
        ("How do I recieve a wire transfer?", "How do I receive a wire transfer?"),
        ("What is the captial of Peru?", "What is the capital of Peru?"),
        ("What temprature kills salmonella?", "What temperature kills salmonella?"),
        ("Is the bew firmware out?", "Is the new firmware out?"),
        # real words two letters swapped apart: left to the verifier
        ("Where is the dairy aisle?", "Where is the diary aisle?"),
        # no misspelling between them
        ("How do I prune a fig tree?", "How should I prune a fig tree?"),
    ],
)
def test_hurried_texts_and_confusions_are_not_read(a: str, b: str) -> None:
    assert careful_variant(a, b) is None
    assert "another word" not in guard_entities(a, b).detail


def test_written_with_care() -> None:
    assert written_with_care("Is the ferry running today?")
    assert written_with_care("  Explain the offside rule.  ")
    assert not written_with_care("`git stash` -- what does it do?")  # opens with code
    assert not written_with_care("is the ferry running today?")
    assert not written_with_care("Is the ferry running today")
    assert not written_with_care("")
    assert not written_with_care("???")


def test_the_judge_refuses_two_careful_texts_one_letter_apart() -> None:
    verdict = DefaultJudge().judge(
        "What is a safe sulfite level in cider?", "What is a safe sulfate level in cider?", 0.9
    )
    assert not verdict.accept
    assert verdict.reason == "guard:entities"
    typed = DefaultJudge().judge(
        "what is a safe sulfate levle in cider", "What is a safe sulfate level in cider?", 0.9
    )
    assert typed.reason != "guard:entities"


def test_one_far_letter() -> None:
    assert one_far_letter("nitrite", "nitrate")
    assert not one_far_letter("recieve", "receive")  # swapped
    assert not one_far_letter("temprature", "temperature")  # one left out
    assert not one_far_letter("bew", "new")  # b and n are neighbours
    assert not one_far_letter("fig", "fig")
    assert not one_far_letter("v2", "v3")  # digits are the numbers guard's


@pytest.mark.parametrize(
    ("a", "b", "other"),
    [
        ("Does Medicare cover hearing aids?", "Does Medicaid cover hearing aids?", True),
        (
            "How many seats does the Bundestag have?",
            "How many seats does the Bundesrat have?",
            True,
        ),
        # a letter dropped and another doubled, a swap: slips, even in careful texts
        ("How many sets should a begginer do?", "How many sets should a beginner do?", False),
        ("Who directed Jurrasic Park?", "Who directed Jurassic Park?", False),
        # one root, one letter apart: a derivation
        ("Can a key expire after a minute?", "Can a key have an expiry of a minute?", False),
        # hurried texts are not read
        ("does medicare cover hearing aids", "does medicaid cover hearing aids", False),
    ],
)
def test_two_letters_apart_in_long_careful_words(a: str, b: str, other: bool) -> None:
    assert (careful_variant(a, b) is not None) is other
    assert (careful_variant(b, a) is not None) is other
