"""Who acts, read in more shapes: an irregular participle ("stung", "struck") is a
passive like "-ed"; the two parties of one relation ("lender" / "borrower", "source" /
"destination") are opposites when one replaces the other with the roles kept; a thing
acted on with no agent ("my boat was hit") does not ask what the thing that acted did
("my boat hit a buoy"); a clause trade is read from both texts; a clause that asks of
the other of two terms both texts name; operands of "-", "/", "divided by" or two
letters side by side before "=" turned round (cases written for this file, from no split)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_antonyms, guard_direction
from nearcache.judge.clauseswap import clause_relabelled, slots_swapped
from nearcache.judge.stretches import operands_swapped
from nearcache.judge.types import REJECT

#: One text passive with an irregular participle, the other active in the same order.
IRREGULAR_PASSIVES = [
    ("Was the referee struck by the captain?", "Did the referee strike the captain?"),
    ("Can a wasp be stung by a hornet?", "Can a wasp sting a hornet?"),
]

#: A thing acted on with no agent against the thing acting.
THING_ACTS = [
    (
        "My boat hit a buoy in the harbour. Is that covered?",
        "My boat was hit in the harbour. Is that covered?",
    ),
    (
        "When our van struck a bollard, whose insurance pays?",
        "When our van was struck, whose insurance pays?",
    ),
]


#: A context naming two terms, then one clause asking of the other one.
RELABELLED = [
    (
        "My vet says the flea collar reacts with the dewormer. Should I stop the collar?",
        "My vet says the dewormer is affected by the flea collar. Should I stop the dewormer?",
    ),
    (
        "We run Kafka next to RabbitMQ; which logs should go to Kafka?",
        "We run RabbitMQ next to Kafka; which logs should go to RabbitMQ?",
    ),
]


@pytest.mark.parametrize(("a", "b"), IRREGULAR_PASSIVES + THING_ACTS + RELABELLED)
def test_roles_turned(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome == REJECT
    assert guard_direction(b, a).outcome == REJECT


#: One party replaced by the other, every other word kept.
PARTIES = [
    ("Can the lender end the loan early?", "Can the borrower end the loan early?"),
    (
        "In NAT, does the router rewrite the source port?",
        "In NAT, does the router rewrite the destination port?",
    ),
    (
        "In fencing, does the attacker get the point when both hit?",
        "In fencing, does the defender get the point when both hit?",
    ),
]


@pytest.mark.parametrize(("a", "b"), PARTIES)
def test_other_party(a: str, b: str) -> None:
    assert guard_antonyms(a, b).outcome == REJECT
    assert guard_antonyms(b, a).outcome == REJECT


#: Roles kept: the passive turned round with its agent, a terse query's participle, a
#: noun inside a phrase, a compound noun ("a rate cut").
KEPT = [
    ("Was the referee struck by the captain?", "Did the captain strike the referee?"),
    ("pods restarted in payments ns?", "Which pods were restarted in the payments namespace?"),
    ("Does closing the file delete it?", "Is the file deleted when I close it?"),
    (
        "why does a rate cut make the currency lose value",
        "Why does the currency lose value when rates are cut?",
    ),
]


@pytest.mark.parametrize(("a", "b"), KEPT)
def test_roles_kept(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome != REJECT
    assert guard_direction(b, a).outcome != REJECT


def test_clause_trade_read_from_both_texts() -> None:
    """Who hands over and who takes over traded clauses: found whichever text is
    stored."""
    a = (
        "When I take over the night shift, am I responsible for the ward before the nurse "
        "who hands over has briefed me?"
    )
    b = (
        "When I hand over the night shift, am I responsible for the ward until the nurse "
        "who takes over has briefed me?"
    )
    assert slots_swapped(a, b) == ("tak", "hand")
    assert slots_swapped(b, a) == ("hand", "tak")


def test_clause_asks_of_the_other_term() -> None:
    for a, b in RELABELLED:
        assert clause_relabelled(a, b) is not None
        assert clause_relabelled(b, a) is not None


def test_context_reworded_same_question() -> None:
    a = "My vet says the flea collar reacts with the dewormer. Should I stop the collar first?"
    b = "The vet told me the dewormer and the flea collar interact. Should I stop the collar first?"
    assert clause_relabelled(a, b) is None
    assert clause_relabelled(b, a) is None


def test_opposite_words_between_kept_terms() -> None:
    """The terms on either side of "before" / "after" keep their order while another
    term moves: no converse, an opposite. Turned round, it is the converse."""
    a = "For sole traders, is the filing deadline just before the payment date?"
    b = "Does the filing deadline come right after the payment date for sole traders?"
    turned = "For sole traders, is the payment date just before the filing deadline?"
    assert guard_antonyms(a, b).outcome == REJECT
    assert guard_antonyms(b, a).outcome == REJECT
    assert guard_antonyms(turned, b).outcome != REJECT
    assert guard_antonyms(b, turned).outcome != REJECT


#: Operands of an operator whose order counts, turned round.
OPERANDS = [
    ("How do I compute net - gross in pandas?", "How do I compute gross - net in pandas?"),
    (
        "In Octave, how do I solve y M = z for y without inv()?",
        "In Octave, how do I solve M y = z for y without inv()?",
    ),
    ("What is 3 divided by 8?", "What is 8 divided by 3?"),
]


@pytest.mark.parametrize(("a", "b"), OPERANDS)
def test_operands_turned(a: str, b: str) -> None:
    assert operands_swapped(a, b) is not None
    assert guard_direction(a, b).outcome == REJECT
    assert guard_direction(b, a).outcome == REJECT


def test_words_with_hyphens_are_no_operations() -> None:
    a = "Is peer-to-peer sync faster than client-server sync?"
    b = "Is client-server sync faster than peer-to-peer sync?"
    assert operands_swapped(a, b) is None
