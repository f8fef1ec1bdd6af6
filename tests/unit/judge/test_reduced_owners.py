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


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Can my phone see the printer if the printer is on a different VLAN?",
            "Can the printer see my phone if my phone is on a different VLAN?",
        ),
        (
            "Can the NAS reach my laptop if my laptop is on the guest Wi-Fi?",
            "Can my laptop reach the NAS if the NAS is on the guest Wi-Fi?",
        ),
    ],
)
def test_two_terms_swapped_at_every_mention_with_their_owner_words_reject(a: str, b: str) -> None:
    assert _rejects(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # a dative moved: the same participants, each mentioned once
        (
            "does the merchant pay visa a fee when i pay with my card",
            "Does the merchant pay a fee to Visa when I pay by card?",
        ),
        (
            "Can my laptop reach the NAS if the NAS is on the guest Wi-Fi?",
            "can my laptop reach my NAS when the NAS is on guest wifi",
        ),
    ],
)
def test_owner_words_alone_do_not_make_a_relabelling(a: str, b: str) -> None:
    assert _keeps(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Which method does parse_config call?", "Which method calls parse_config?"),
        (
            "Which function does save_order call in our checkout service?",
            "Which function calls save_order in our checkout service?",
        ),
    ],
)
def test_a_singular_head_with_a_verb_in_s_rejects(a: str, b: str) -> None:
    assert _rejects(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Which team did the coach who was fired last week join?",
            "Which coach joined the team that was fired last week?",
        ),
        (
            "Which batch did the plant that failed the audit produce?",
            "Which plant produced the batch that failed the audit?",
        ),
    ],
)
def test_the_same_event_asked_from_its_other_participant_rejects(a: str, b: str) -> None:
    assert _rejects(a, b)


def test_a_subject_with_a_relative_clause_ends_on_the_last_verb() -> None:
    text = "Which batch did the plant that failed the audit produce?"
    toks = analyze(text).tokens
    read = {(toks[h].low, toks[v].low, toks[o].low, acts) for h, v, o, acts in gaps(text)}
    assert ("batch", "produce", "plant", False) in read


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Which batch did the plant that failed the audit produce?",
            "Which batch was produced by the plant that failed the audit?",
        ),
        ("Which method does parse_config call?", "What method does parse_config call?"),
    ],
)
def test_the_same_participant_asked_for_passes(a: str, b: str) -> None:
    assert _keeps(a, b)


def test_owners_offered_as_alternatives_are_no_owner_change() -> None:
    a = "do uploads count toward the quota of the sender or the receiver"
    b = "do uploads count toward the quota of the receiver or the sender"
    assert _keeps(a, b)
    # one owner each, exchanged: still a change
    assert _rejects("the quota of the sender", "the sender of the quota")


def test_a_thing_said_twice_with_one_owner_in_each_text_changed_owner() -> None:
    a = "Does my boat insurance cover a friend sailing my boat?"
    b = "Does my friend's boat insurance cover me sailing my friend's boat?"
    assert _rejects(a, b)
    assert "owner of boat" in guard_direction(a, b).detail


def test_a_thing_with_two_owners_in_one_text_has_no_one_owner() -> None:
    # "mine" and "my" both own a wage: no one owner to compare (a paraphrase)
    a = "I'm a manager and one of my team got paid my salary by mistake. Do I tell payroll?"
    b = "a report of mine accidentally received my wage instead of theirs - must I flag it"
    assert _keeps(a, b)
