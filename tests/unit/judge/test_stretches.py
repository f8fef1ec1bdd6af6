"""stretches.py and every-mention relabelling (order.py): two stretches or two terms
trading places, read token for token, against the middles and alternatives that keep the
meaning."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.stretches import segments_swapped


def _rejects(a: str, b: str) -> bool:
    return guard_direction(a, b).outcome == "reject" and guard_direction(b, a).outcome == "reject"


def _keeps(a: str, b: str) -> bool:
    return guard_direction(a, b).outcome != "reject" and guard_direction(b, a).outcome != "reject"


def test_a_contrastive_connective_after_a_word_of_its_clause_keeps_the_stretches_apart() -> None:
    a = "javascript: does === coerce types but == does not"
    b = "javascript: does == coerce types but === does not"
    assert segments_swapped(a, b) is not None
    assert _rejects(a, b)
    # a connective joining the stretches themselves keeps the meaning
    assert segments_swapped("is tcp or udp faster", "is udp or tcp faster") is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "rust: can a & be coerced into a &mut automatically",
            "rust: can a &mut be coerced into a & automatically",
        ),
        (
            "can a Vec<u8> be turned into a Vec<u8, A> without copying",
            "can a Vec<u8, A> be turned into a Vec<u8> without copying",
        ),
        (
            "can an Option<T> convert into an Option<&T>",
            "can an Option<&T> convert into an Option<T>",
        ),
    ],
)
def test_stretches_opening_with_the_same_tokens_are_read(a: str, b: str) -> None:
    assert segments_swapped(a, b) is not None
    assert _rejects(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "code review: the timeout wraps the retry, should the retry wrap the timeout instead",
            "code review: the retry wraps the timeout, should the timeout wrap the retry instead",
        ),
        (
            "the client calls the server, should the server call the client instead?",
            "the server calls the client, should the client call the server instead?",
        ),
    ],
)
def test_two_terms_traded_at_every_mention_reject(a: str, b: str) -> None:
    assert _rejects(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Did GitHub acquire Microsoft or did Microsoft acquire GitHub?",
            "Did Microsoft acquire GitHub or did GitHub acquire Microsoft?",
        ),
        (
            "Does the Earth orbit the Moon or does the Moon orbit the Earth?",
            "Does the Moon orbit the Earth or does the Earth orbit the Moon?",
        ),
    ],
)
def test_both_orders_offered_as_alternatives_pass(a: str, b: str) -> None:
    assert _keeps(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Does a B-tree index on (last_name, first_name) help queries on first_name?",
            "Does a B-tree index on (first_name, last_name) help queries on first_name?",
        ),
        ("why does zip(keys, values) give pairs", "why does zip(values, keys) give pairs"),
    ],
)
def test_items_of_one_bracketed_example_in_another_order_reject(a: str, b: str) -> None:
    assert _rejects(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("should I learn Python, Java or Go first?", "should I learn Go, Java or Python first?"),
        ("Is apples, oranges or pears healthiest?", "Is pears, oranges or apples healthiest?"),
    ],
)
def test_a_plain_list_in_another_order_passes(a: str, b: str) -> None:
    assert _keeps(a, b)
