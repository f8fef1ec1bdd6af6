"""guard_direction on three more shapes of a direction swap: a turned thing with modifiers
("turn a wide table with ... into a long one"), a flow named by upstream/downstream
against "depend on", and what happened and what is wanted trading clauses."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.clauseswap import slots_swapped
from nearcache.judge.direction import endpoints
from nearcache.judge.mentions import mention_turned
from nearcache.judge.tokens import analyze


def _rejects(a: str, b: str) -> bool:
    return guard_direction(a, b).outcome == "reject" and guard_direction(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "pandas: convert a dataframe with a multiindex into a flat one",
            "pandas: convert a flat dataframe into one with a multiindex",
        ),
        (
            "convert a pandas dataframe with a datetime index into a numpy array",
            "convert a numpy array into a pandas dataframe with a datetime index",
        ),
        (
            "how to convert a UTC time stamp with offset into local time",
            "how to convert local time into a UTC time stamp with offset",
        ),
        (
            "cast an int64 column holding unix seconds to a timestamp column",
            "cast a timestamp column to an int64 column holding unix seconds",
        ),
    ],
)
def test_turned_thing_with_modifiers_rejects(a: str, b: str) -> None:
    assert _rejects(a, b)


def test_turned_thing_is_a_source() -> None:
    text = "turn a wide sheet with one row per day into a long one"
    src, dst = endpoints(text)
    words = [t.low for t in analyze(text).tokens]
    assert [words[i] for i in sorted(src)] == ["wide"]
    assert [words[i] for i in sorted(dst)] == ["long"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "does the reporting job depend on the ingest job",
            "is the ingest job downstream of the reporting job",
        ),
        (
            "is the api gateway upstream of the user service",
            "does the api gateway depend on the user service",
        ),
        (
            "does service billing depend on service auth",
            "is auth downstream of billing in our architecture",
        ),
    ],
)
def test_upstream_downstream_against_depend_rejects(a: str, b: str) -> None:
    assert _rejects(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "is the raw table upstream of the staging table",
            "does the staging table depend on the raw table",
        ),
        (
            "is the ingest job upstream of the reporting job",
            "does the reporting job depend on the ingest job",
        ),
    ],
)
def test_upstream_named_from_the_other_end_is_not_rejected(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome != "reject"
    assert guard_direction(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "we rolled back to v2.3, how do we roll forward to v2.5",
            "we rolled forward to v2.5, how do we roll back to v2.3",
        ),
        (
            "I already sent the invoice to the client; should the client send the PO to me?",
            "the client already sent the PO to me; should I send the invoice to the client?",
        ),
        (
            "kubectl rollout went forward to revision 7, how to go back to revision 4",
            "kubectl rollout went back to revision 4, how to go forward to revision 7",
        ),
    ],
)
def test_clauses_trading_terms_reject(a: str, b: str) -> None:
    assert slots_swapped(a, b) is not None
    assert _rejects(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "How do I reset my router? I already unplugged it",
            "I already unplugged it, how do I reset my router?",
        ),
        ("In Python, how do I reverse a list?", "How do I reverse a list, in Python?"),
        (
            "my build fails on CI, how do I see the logs?",
            "how do I see the logs, my build fails on CI",
        ),
        (
            "we rolled back to v2.3, how do we roll forward to v2.5",
            "we rolled back to v2.3; how can we roll forward to v2.5?",
        ),
    ],
)
def test_clauses_moved_whole_are_not_a_swap(a: str, b: str) -> None:
    assert slots_swapped(a, b) is None
    assert slots_swapped(b, a) is None


def test_alternatives_in_other_order_are_not_a_swap() -> None:
    a = "Is it quicker to drive straight to Porto, or to drive to Braga and take the bus to Porto?"
    b = "Is it quicker to drive to Braga and take the bus to Porto, or drive straight to Porto?"
    assert slots_swapped(a, b) is None
    assert slots_swapped(b, a) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "with a left outer join do i get every row of the left table",
            "with a left outer join do i get every row of the right table",
        ),
        (
            "is an inner join from A to B the same as an inner join from B to A",
            "is an inner join from A to B the same as an outer join from B to A",
        ),
        (
            "the upstream repo is ahead of my fork, how do I pull upstream changes",
            "the upstream repo is ahead of my fork, how do I push downstream changes",
        ),
    ],
)
def test_one_mention_turned_into_its_opposite_rejects(a: str, b: str) -> None:
    assert mention_turned(a, b) is not None
    assert _rejects(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "does a left join keep all rows of the left table",
            "in a left join are all rows from the left table kept",
        ),
        ("left join vs right join in SQL", "difference between a right join and a left join"),
        ("Is hot water heavier than cold water?", "Is cold water lighter than hot water?"),
        (
            "skipped last night's ibuprofen (twice daily, 5 day course), what now",
            "The label says twice a day for 5 days. I missed yesterday's evening dose, help?",
        ),
    ],
)
def test_poles_not_turned_in_place_are_not_read(a: str, b: str) -> None:
    assert mention_turned(a, b) is None
    assert mention_turned(b, a) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "the cache sits in front of the db, should the db sit in front of the cache?",
            "the db sits in front of the cache, should the cache sit in front of the db?",
        ),
        (
            "our proxy wraps the client, should the client wrap the proxy instead",
            "our client wraps the proxy, should the proxy wrap the client instead",
        ),
    ],
)
def test_a_clause_turned_round_rejects(a: str, b: str) -> None:
    assert _rejects(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Does the carrier bill us for fuel, or do we bill the carrier?",
            "Do we bill the carrier for fuel, or does the carrier bill us?",
        ),
        (
            "Should the retry wrap the timeout or the timeout wrap the retry?",
            "Should the timeout wrap the retry or the retry wrap the timeout?",
        ),
    ],
)
def test_alternatives_each_turned_are_not_rejected(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome != "reject"
    assert guard_direction(b, a).outcome != "reject"
