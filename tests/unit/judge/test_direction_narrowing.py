"""Where a role reading applies: a reduced relative is a passive; alternatives are compared
after a lead both texts share; a symmetric word excuses an exchange only in the exchange's
own clause; an infinitive "to" is no destination; a shared term between texts worded apart
proves no exchange; a question of another thing's passive is not done to the speaker; a
term that stays after a clause word keeps its side (cases written for this file, from no
split)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.order import unpaired
from nearcache.judge.types import NEUTRAL, REJECT

#: Pairs that keep every role; each is rejected by the readers before this narrowing.
SAME_ROLES = [
    # a reduced relative: the same passive
    (
        "Which bridges in Paris were not designed by Eiffel?",
        "paris bridges not designed by eiffel?",
    ),
    (
        "Does the policy pay for a fire that was started by a tenant?",
        "policy pays for fire started by tenant?",
    ),
    # the same alternatives in another order after a shared lead
    (
        "In a duet, does the singer follow the pianist or does the pianist follow the singer?",
        "In a duet, does the pianist follow the singer or does the singer follow the pianist?",
    ),
    # an infinitive "to"
    (
        "what is the deadline to file a reply to a motion in county court?",
        "how many days does a party have to reply to a motion in county court?",
    ),
    # a shared term between texts worded apart
    (
        "how fast is set membership testing in python, big-O wise",
        "What's the time complexity of checking membership in a Python set?",
    ),
    (
        "Is a 600 m runway long enough to land a Piper Cub?",
        "Can a Piper Cub land on a 600-metre strip?",
    ),
    # a question of another thing's passive
    (
        "going from true north to magnetic north on a chart, is the declination subtracted?",
        "When converting a true heading to a magnetic heading, do I subtract the declination?",
    ),
    (
        "In Python, does bisect.insort need the list to be sorted?",
        "python bisect keeps a list in order only if it starts in order, so must I sort first",
    ),
    # a term after the clause word in both texts, a comma closing the clause in one only
    (
        "my dishwasher leaks only when its full is that a seal problem",
        "My dishwasher leaks only when full, is that a seal problem?",
    ),
]

#: Pairs whose roles changed, which the narrowed readers still reject.
OTHER_ROLES = [
    ("Can a landlord be sued by a tenant?", "Can a landlord sue a tenant?"),
    (
        "I'm a Dutch seller shipping to a Belgian buyer. Is VAT due in Belgium or in Holland?",
        "I'm a Belgian seller shipping to a Dutch buyer. Is VAT due in Belgium or in Holland?",
    ),
    (
        "When two kayaks are not overlapped, must the kayak ahead give way to the kayak astern?",
        "When two kayaks are not overlapped, must the kayak astern give way to the kayak ahead?",
    ),
    ("Move money from PayPal to my bank", "Move money from my bank to PayPal"),
    ("Can I catch a cold from my cat?", "Can my cat catch a cold from me?"),
    ("Can I fire my employee for refusing overtime?", "Can I be fired for refusing overtime?"),
    (
        "My flight from Oslo got cancelled, do I get a refund?",
        "I cancelled my flight from Oslo, do I get a refund?",
    ),
    (
        "We terminated the lease early, is a penalty owed?",
        "The lease was terminated early, is a penalty owed?",
    ),
]


@pytest.mark.parametrize(("a", "b"), SAME_ROLES)
def test_the_roles_are_kept(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome != REJECT
    assert guard_direction(b, a).outcome != REJECT


@pytest.mark.parametrize(("a", "b"), OTHER_ROLES)
def test_changed_roles_still_reject(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome == REJECT
    assert guard_direction(b, a).outcome == REJECT


def test_texts_worded_apart_leave_terms_without_a_counterpart() -> None:
    assert unpaired(*SAME_ROLES[4]) >= 3
    assert unpaired("Can I catch a cold from my cat?", "Can my cat catch a cold from me?") == 0


def test_a_symmetric_word_in_the_exchange_clause_still_excuses_it() -> None:
    a = "In France, how far is Lyon from Nice?"
    b = "In France, how far is Nice from Lyon?"
    assert guard_direction(a, b).outcome == NEUTRAL
