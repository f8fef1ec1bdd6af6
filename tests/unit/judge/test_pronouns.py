"""One pronoun table per text (pronouns.py), read by the order guard's cases and by the
one-term role rule alike: persons, cases, and the rules that read them."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.agents import case_moved
from nearcache.judge.pronouns import Pronoun, cases, clause_numbers, persons, pronouns
from nearcache.judge.relations import case_flipped


def test_each_pronoun_gets_a_person_and_a_case() -> None:
    found = pronouns("Can you send it to me, or should we ask them for his keys?")
    assert [(p.person, p.case) for p in found] == [
        ("2", "s"),  # "you" after an auxiliary
        ("1", "o"),  # "to me": the recipient
        ("1p", "s"),
        ("3p", "o"),
        ("3m", "p"),
    ]
    assert all(isinstance(p, Pronoun) for p in found)


def test_another_preposition_marks_another_relation_not_the_one_acted_on() -> None:
    assert [p.case for p in pronouns("She cooked for me and talked with us about him")] == [
        "s",
        "x",
        "x",
        "x",
    ]
    assert cases("She cooked for me") == {"3f": frozenset({"s"})}


def test_names_in_capitals_quotes_and_ambiguous_words_are_not_read_as_cases() -> None:
    assert pronouns("Is the US bigger than IT budgets?") == ()
    assert pronouns('What does "send it to me" mean?') == ()
    assert cases("Did you tell her?") == {"2": {"s"}}  # "her": object or possessive
    assert cases("I told you") == {"1": {"s"}}  # "you" after a verb: subject or object
    assert persons("Did you tell her?") == (frozenset({"2", "3f"}), frozenset({"2"}))


def test_persons_include_we_and_they() -> None:
    named, subjects = persons("They owe us money, should we call them?")
    assert named == {"1p", "3p"} and subjects == {"1p", "3p"}


def test_clause_numbers_count_punctuation() -> None:
    assert clause_numbers("I paid, then he left. Why?") == (0, 0, 1, 1, 1, 1, 2, 2, 3)


_ACTOR_CHANGED = [
    ("We hired their lawyer after the accident", "They hired our lawyer after the accident"),
    ("Did they pay our invoice late?", "Did we pay their invoice late?"),
    ("Should we sign their contract first?", "Should they sign our contract first?"),
    ("Can they cancel our subscription?", "Can we cancel their subscription?"),
]


@pytest.mark.parametrize(("a", "b"), _ACTOR_CHANGED)
def test_we_and_they_changing_who_acts_is_a_role_change_both_ways(a: str, b: str) -> None:
    assert case_moved(a, b) is not None and case_moved(b, a) is not None
    assert guard_direction(a, b).outcome == guard_direction(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("We hired their lawyer after the accident", "We hired their attorney after the crash"),
        ("Did they pay our invoice late?", "Did they pay our invoice too late?"),
        ("Should we sign their contract first?", "Should we sign their contract before?"),
    ],
)
def test_the_same_actor_is_not_a_change(a: str, b: str) -> None:
    assert case_moved(a, b) is None and case_moved(b, a) is None


def test_to_me_is_read_the_same_by_both_rules() -> None:
    a = "Can someone send money to me by mistake?"
    b = "Can I send money by mistake?"
    # one table: the order guard's cases and the one-term rule agree that "to me" is
    # the one acted on (the recipient) and "I" the one who acts
    assert cases(a)["1"] == {"o"} and cases(b)["1"] == {"s"}
    assert case_flipped(a, b) is not None
    assert case_moved(a, b) is not None
