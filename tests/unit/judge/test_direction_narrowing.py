"""Where a role reading starts: a reduced relative is a passive, alternatives are compared
after a lead both texts share, and a symmetric word excuses an exchange only in the
exchange's own clause; an infinitive "to" is no destination, a shared term
between texts worded apart proves no exchange, and a question of another thing's passive is
not done to the speaker (cases written for this file, from no split)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.order import unpaired
from nearcache.judge.types import NEUTRAL, REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Which bridges in Paris were not designed by Eiffel?",
            "paris bridges not designed by eiffel?",
        ),
        (
            "Does the policy pay for a fire that was started by a tenant?",
            "policy pays for fire started by tenant?",
        ),
    ],
)
def test_a_reduced_relative_is_the_same_passive(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome != REJECT
    assert guard_direction(b, a).outcome != REJECT


def test_a_passive_against_an_active_still_rejects() -> None:
    assert (
        guard_direction(
            "Can a landlord be sued by a tenant?", "Can a landlord sue a tenant?"
        ).outcome
        == REJECT
    )


def test_alternatives_after_a_shared_lead_in_another_order_keep_the_roles() -> None:
    a = "In a duet, does the singer follow the pianist or does the pianist follow the singer?"
    b = "In a duet, does the pianist follow the singer or does the singer follow the pianist?"
    assert guard_direction(a, b).outcome != REJECT
    assert guard_direction(b, a).outcome != REJECT


def test_alternatives_after_a_lead_that_changed_still_reject() -> None:
    a = "I'm a Dutch seller shipping to a Belgian buyer. Is VAT due in Belgium or in Holland?"
    b = "I'm a Belgian seller shipping to a Dutch buyer. Is VAT due in Belgium or in Holland?"
    assert guard_direction(a, b).outcome == REJECT


def test_a_symmetric_word_in_a_scene_setting_clause_excuses_no_exchange() -> None:
    a = "When two kayaks are not overlapped, must the kayak ahead give way to the kayak astern?"
    b = "When two kayaks are not overlapped, must the kayak astern give way to the kayak ahead?"
    assert guard_direction(a, b).outcome == REJECT
    assert guard_direction(b, a).outcome == REJECT


def test_a_symmetric_word_in_the_exchange_clause_still_excuses_it() -> None:
    a = "In France, how far is Lyon from Nice?"
    b = "In France, how far is Nice from Lyon?"
    assert guard_direction(a, b).outcome == NEUTRAL


def test_an_infinitive_to_is_no_destination() -> None:
    a = "what is the deadline to file a reply to a motion in county court?"
    b = "how many days does a party have to reply to a motion in county court?"
    assert guard_direction(a, b).outcome != REJECT
    assert guard_direction(b, a).outcome != REJECT


def test_a_destination_still_rejects() -> None:
    assert (
        guard_direction(
            "Move money from PayPal to my bank", "Move money from my bank to PayPal"
        ).outcome
        == REJECT
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "how fast is set membership testing in python, big-O wise",
            "What's the time complexity of checking membership in a Python set?",
        ),
        (
            "Is a 600 m runway long enough to land a Piper Cub?",
            "Can a Piper Cub land on a 600-metre strip?",
        ),
    ],
)
def test_a_shared_term_between_texts_worded_apart_proves_no_exchange(a: str, b: str) -> None:
    assert unpaired(a, b) >= 3
    assert guard_direction(a, b).outcome != REJECT
    assert guard_direction(b, a).outcome != REJECT


def test_a_shared_term_between_texts_worded_alike_still_proves_an_exchange() -> None:
    a = "Can I catch a cold from my cat?"
    b = "Can my cat catch a cold from me?"
    assert guard_direction(a, b).outcome == REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "going from true north to magnetic north on a chart, is the declination subtracted?",
            "When converting a true heading to a magnetic heading, do I subtract the declination?",
        ),
        (
            "In Python, does bisect.insort need the list to be sorted?",
            "python bisect keeps a list in order only if it starts in order, so must I sort first",
        ),
    ],
)
def test_a_question_of_another_things_passive_is_not_done_to_the_speaker(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome != REJECT
    assert guard_direction(b, a).outcome != REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Can I fire my employee for refusing overtime?", "Can I be fired for refusing overtime?"),
        (
            "My flight from Oslo got cancelled, do I get a refund?",
            "I cancelled my flight from Oslo, do I get a refund?",
        ),
        (
            "We terminated the lease early, is a penalty owed?",
            "The lease was terminated early, is a penalty owed?",
        ),
    ],
)
def test_a_passive_done_to_the_speaker_still_rejects(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome == REJECT
