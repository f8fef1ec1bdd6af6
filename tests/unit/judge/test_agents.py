"""One term changing role (agents.py): a person acting at a shared verb in one text and
acted on at it in the other, the compared term turned into the one after "than"; and the
order guard reading a pivot the same way whichever text is asked."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.agents import case_moved, comparison_turned

_MOVED = [
    (
        "I sent a payment to the wrong person, can I get it back?",
        "Someone sent a payment to me by mistake, do I have to give it back?",
    ),
    ("Did he hit the other driver first?", "Did the other driver hit him first?"),
    ("Should we invite the new manager to lunch?", "Will the new manager invite us to lunch?"),
    ("He hit my car in the parking lot, what now?", "I hit his car in the parking lot, what now?"),
    # "a paper I emailed" is a relative clause: another event than the main verb's
    (
        "Should I email my professor about a paper if I submit it late?",
        "Should my professor email me about a paper I emailed late?",
    ),
]
_TURNED = [
    ("Python 3.11 vs 3.12: is 3.12 faster?", "Is Python 3.11 faster than 3.12?"),
    ("Postgres or MySQL, is MySQL more popular?", "Is Postgres more popular than MySQL?"),
    ("iPhone 15 vs iPhone 14, is the 14 heavier?", "Is the iPhone 15 heavier than the iPhone 14?"),
]
_KEPT = [
    ("How do I send money to my mom?", "How can I send my mom money?"),  # I acts in both
    ("Do I have to pay taxes on a gift from my parents?", "is a gift my parents gave me taxable"),
    ("Can my landlord keep my deposit?", "Is my landlord allowed to keep my deposit?"),
    ("Python 3.11 vs 3.12: is 3.12 faster?", "Is Python 3.12 faster than 3.11?"),
    ("Is a cheetah faster than a greyhound?", "Is a greyhound slower than a cheetah?"),  # converse
    ("Which is faster, Rust or Go?", "Is Rust faster than Go?"),
    ("Is the iPhone 15 heavier than the 14?", "iPhone 14 vs 15: is the 15 heavier?"),
    ("He hit my car, what now?", "He hit my car and drove off, what now?"),
    ("Can I ask my boss for a raise?", "How do I ask my boss for a raise?"),
    ("Did he and I both sign his lease?", "Did I sign his lease?"),  # one more actor only
    ("Was I charged twice?", "Was I charged twice?"),
    ("Can I return a jacket I bought online?", "Can I return a jacket that I bought online?"),
    ("", "Is Rust faster than Go?"),
]


@pytest.mark.parametrize(("a", "b"), _MOVED)
def test_a_person_acting_in_one_text_only_is_found_both_ways(a: str, b: str) -> None:
    assert case_moved(a, b) is not None and case_moved(b, a) is not None
    assert guard_direction(a, b).outcome == guard_direction(b, a).outcome == "reject"
    assert "acts at" in guard_direction(a, b).detail


@pytest.mark.parametrize(("a", "b"), _TURNED)
def test_the_compared_term_turned_round_is_found_both_ways(a: str, b: str) -> None:
    assert comparison_turned(a, b) is not None and comparison_turned(b, a) is not None
    assert guard_direction(a, b).outcome == guard_direction(b, a).outcome == "reject"


@pytest.mark.parametrize(("a", "b"), _KEPT)
def test_the_same_roles_or_a_converse_are_not_read_as_a_change(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        assert case_moved(x, y) is None
        assert comparison_turned(x, y) is None


def test_a_passive_text_is_not_read_for_cases() -> None:
    assert case_moved("Was I sued by the tenant?", "Did I sue the tenant?") is None


def test_a_pivot_glued_on_one_side_only_reads_the_same_both_ways() -> None:
    # "convert" is beside "i" in both texts but also beside "celsius" in one: glued to
    # neither, so it is a pivot whichever text is asked
    a, b = "i convert celsius", "celsius ascending convert i"
    assert guard_direction(a, b).outcome == guard_direction(b, a).outcome == "reject"


def test_a_verb_with_its_own_object_names_the_relation_not_a_symmetric_noun() -> None:
    # "spouse" is symmetric ("Is X a spouse of Y"), but here "sponsor" relates the two
    a = "Can a US citizen sponsor a spouse from Canada?"
    b = "Can a Canadian citizen sponsor a spouse from the US?"
    assert guard_direction(a, b).outcome == guard_direction(b, a).outcome == "reject"
    kept = ("Is Anna a cousin of Ben?", "Is Ben a cousin of Anna?")
    assert guard_direction(*kept).outcome != "reject"


def test_a_passive_before_a_symmetric_verb_of_purpose_names_the_relation() -> None:
    # what is converted is one term; "to compare with" relates the conversion to the other
    a = "Should Celsius readings be converted to compare with Fahrenheit charts?"
    b = "Should Fahrenheit readings be converted to compare with Celsius charts?"
    assert guard_direction(a, b).outcome == guard_direction(b, a).outcome == "reject"
    kept = ("Can Celsius be compared with Fahrenheit?", "Can Fahrenheit be compared with Celsius?")
    assert guard_direction(*kept).outcome != "reject"
