"""Role changes read in session 23 (clauses.py, relations.py): a reduced passive relative
("the employees managed by Alice"), a plural head after "which"/"what" whose verb takes an
object and a preposition ("which banks lend money to the Fed"), and an owner turned round
("the subnet's route table" / "the route table's subnet"). Each must fire on the
look-alike and stay quiet on the paraphrase that keeps the roles."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.clauses import gaps
from nearcache.judge.relations import owner_reversed
from nearcache.judge.roles import role_keys
from nearcache.judge.tokens import analyze


def _rejects(a: str, b: str) -> bool:
    return guard_direction(a, b).outcome == "reject" and guard_direction(b, a).outcome == "reject"


def _keeps(a: str, b: str) -> bool:
    return guard_direction(a, b).outcome != "reject" and guard_direction(b, a).outcome != "reject"


def test_a_reduced_passive_relative_is_acted_on() -> None:
    text = "list employees managed by Alice"
    (head, verb, other, acts), *_ = gaps(text)
    toks = analyze(text).tokens
    assert [toks[head].low, toks[verb].low, toks[other].low] == ["employees", "managed", "alice"]
    assert acts is False
    # with "that" and an active verb the head acts
    assert [g[3] for g in gaps("list employees that manage Alice")] == [True]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("list employees managed by Alice", "list employees who manage Alice"),
        ("What is the company acquired by Google?", "What is the company that acquired Google?"),
        ("the startup acquired by Meta in 2012", "the startup that acquired Meta in 2012"),
        ("find customers referred by Maria", "find customers who referred Maria"),
    ],
)
def test_reduced_passive_against_an_active_relative_rejects(a: str, b: str) -> None:
    assert _rejects(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What is the company acquired by Google?", "What is the company Google acquired?"),
        ("Name the startups bought by Meta", "Name the startups that Meta bought"),
    ],
)
def test_reduced_passive_against_the_same_roles_passes(a: str, b: str) -> None:
    assert _keeps(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What countries does China export rice to?", "What countries export rice to China?"),
        ("Which banks does the Fed lend money to?", "Which banks lend money to the Fed?"),
        ("Which companies does Bosch supply parts to?", "Which companies supply parts to Bosch?"),
    ],
)
def test_a_plural_head_with_an_object_and_a_preposition_rejects(a: str, b: str) -> None:
    assert _rejects(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What countries does China export rice to?", "Which countries does China export rice to?"),
        ("What countries export rice to China?", "Which countries export rice to China?"),
    ],
)
def test_a_plural_head_with_the_same_roles_passes(a: str, b: str) -> None:
    assert _keeps(a, b)


def test_what_with_a_verb_keeps_its_bare_reading() -> None:
    # "causes" is the verb, not a plural head: one reading, the bare question word
    assert [g[0] for g in gaps("What causes acne?")] == [-2]
    assert _rejects("What causes acne?", "What does acne cause?")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("How do I get the subnet's route table?", "How do I get the route table's subnet?"),
        ("Where is the user's home directory?", "Where is the home directory's user?"),
        ("What's the pod's service account?", "What's the service account's pod?"),
        ("the customer's order history page", "the order's customer history page"),
    ],
)
def test_an_owner_turned_round_rejects(a: str, b: str) -> None:
    assert _rejects(a, b)
    ka, kb = role_keys(a, b)
    assert owner_reversed(a, b, ka, kb) is not None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("How do I get the subnet's route table?", "How do I get the route table of the subnet?"),
        ("What is the user's home directory?", "What's the home directory of the user?"),
        ("the customer's order history page", "the order history page of the customer"),
        ("What is Tesla's stock price?", "What is the price of Tesla's stock?"),
    ],
)
def test_the_same_owner_written_another_way_passes(a: str, b: str) -> None:
    assert _keeps(a, b)
    ka, kb = role_keys(a, b)
    assert owner_reversed(a, b, ka, kb) is None
