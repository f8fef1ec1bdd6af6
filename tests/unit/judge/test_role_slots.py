"""Role slots read by relations.py: "whose T" against a named owner, two-word owners, a
mention that names the other party."""

from __future__ import annotations

import pytest

from nearcache.judge import DefaultJudge, clear_caches
from nearcache.judge.order import exchange
from nearcache.judge.relations import mention_moved, whose_swapped
from nearcache.judge.roles import Exchange, role_keys


def _whose(a: str, b: str) -> Exchange | None:
    ka, kb = role_keys(a, b)
    return whose_swapped(a, b, ka, kb)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Who was Biden's vice president?", "Whose vice president was Biden?"),
        ("Whose vice president was Biden?", "Who was Biden's vice president?"),
        ("Who is Zeus's father?", "Whose father is Zeus?"),
        ("whose father is zeus", "who is the father of zeus"),
        ("Whose landlord is Maria Lopez?", "Who is Maria Lopez's landlord?"),
    ],
)
def test_whose_against_a_named_owner_is_an_exchange(a: str, b: str) -> None:
    found = _whose(a, b)
    assert found is not None
    assert "whose" in (found.x, found.y)
    clear_caches()
    assert not DefaultJudge().judge(a, b, 0.99).accept


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("In John's game, whose turn is it?", "Whose turn is it in John's game?"),
        ("Whose phone is this?", "Who owns this phone?"),
        ("whose dog bit Tom's kid", "which dog bit Tom's kid"),
        ("Who was Biden's vice president?", "Who was the vice president of Biden?"),
    ],
)
def test_whose_on_both_sides_or_another_thing_is_not(a: str, b: str) -> None:
    assert _whose(a, b) is None


def test_exchange_names_the_owner() -> None:
    found = exchange("Who is Zeus's father?", "Whose father is Zeus?")
    assert isinstance(found, Exchange)
    assert {found.x, found.y} == {"zeus", "whose"}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Does the outer function have access to the inner function's variables?",
            "Can the outer function access the variables of the inner function?",
        ),
        ("Who is Maria Lopez's landlord?", "Who is the landlord of Maria Lopez?"),
        (
            "what is the United States' debt to China",
            "what is the debt of the United States to China",
        ),
    ],
)
def test_a_two_word_owner_read_both_ways_is_one_owner(a: str, b: str) -> None:
    assert not isinstance(exchange(a, b), Exchange)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Was Obama Biden's vice president?", "Was Biden Obama's vice president?"),
        ("Is King Charles Prince William's son?", "Is Prince William King Charles's son?"),
        (
            "Is the old server's key on the new server?",
            "Is the new server's key on the old server?",
        ),
    ],
)
def test_two_owners_side_by_side_in_another_order_still_exchange(a: str, b: str) -> None:
    assert isinstance(exchange(a, b), Exchange)


def _moved(a: str, b: str) -> Exchange | None:
    return mention_moved(*role_keys(a, b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Should the buyer or the seller pay the escrow fee? My agent says the buyer.",
            "Should the buyer or the seller pay the escrow fee? My agent says the seller.",
        ),
        (
            "Does Lisbon sell more wine to Porto than it buys from Porto?",
            "Does Porto sell more wine to Lisbon than it buys from Lisbon?",
        ),
    ],
)
def test_one_mention_naming_the_other_party_is_an_exchange(a: str, b: str) -> None:
    assert _moved(a, b) is not None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Should the buyer or the seller pay the escrow fee?",
            "Should the seller or the buyer pay the escrow fee?",
        ),
        (
            "Does the buyer pay the seller?",
            "Does the buyer pay the seller, and the seller pay tax?",
        ),
        ("Is the buyer the payer?", "Is the seller the payer?"),
    ],
)
def test_same_mentions_or_a_new_word_is_not_a_moved_mention(a: str, b: str) -> None:
    assert _moved(a, b) is None
