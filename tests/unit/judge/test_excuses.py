"""Excuses: a ``numbers`` or ``time`` refusal read again on the final questions when one
text only adds context words to the other's, and "pound(s)" read as GBP against "£"."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_numbers, guard_time
from nearcache.judge.excuses import added_context, sterling
from nearcache.judge.judge import GUARDS, run_guards

ADDED = [
    (
        "I resigned last week after four years and had 8 days of leave left on the balance. "
        "Does my employer have to pay out my unused annual leave?",
        "I resigned last week. Does my employer have to pay out my unused annual leave?",
    ),
    (
        "My ancestor's baptism record from 1788 lists a godfather with the same surname. "
        "Was the godfather usually a relative of the child?",
        "My ancestor's baptism record lists a godfather with the same surname. "
        "Was the godfather usually a relative of the child?",
    ),
    (
        "I forked a repository six months ago and it is 200 commits behind now. "
        "How do I pull the latest changes into my fork?",
        "I forked a repository. How do I pull the latest changes into my fork?",
    ),
]


@pytest.mark.parametrize(("a", "b"), ADDED)
def test_added_context_is_excused(a: str, b: str) -> None:
    assert added_context(a, b) is not None
    assert run_guards(a, b)[0] is None
    assert run_guards(b, a)[0] is None


@pytest.mark.parametrize(
    ("a", "b", "refused_by"),
    [
        # the question itself differs
        (
            "I resigned last week after 4 years. Can I claim 8 days of leave?",
            "I resigned last week. Can I claim 9 days of leave?",
            "numbers",
        ),
        # the context is changed, not added to
        (
            "I resigned after 4 years. Does my employer have to pay out my leave?",
            "I resigned after 3 years. Does my employer have to pay out my leave?",
            "numbers",
        ),
        # an added "not" stays the negation guard's
        (
            "A customer asked us not to delete her account in 2024. Can we keep her invoices?",
            "A customer asked us to delete her account. Can we keep her invoices?",
            "negation",
        ),
    ],
)
def test_other_shapes_still_refused(a: str, b: str, refused_by: str) -> None:
    assert run_guards(a, b)[0] == refused_by


def test_one_sentence_texts_are_not_read() -> None:
    assert added_context("the lag keeps increasing since 2 partitions", "the lag grows") is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("monthly rate on a 500 pound pawn loan, roughly", "What interest on a £500 loan?"),
        ("a present worth thirty pounds, will I pay VAT", "Do I pay VAT on a £30 gift?"),
    ],
)
def test_pounds_read_as_sterling(a: str, b: str) -> None:
    assert sterling(a, b) is not None
    assert GUARDS["numbers"](a, b).outcome != "reject"
    assert GUARDS["numbers"](b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("a 500 pound pawn loan", "a £600 loan"),  # the amounts differ
        ("a 30 pound parcel, 30 lb", "a £30 parcel"),  # a weight is said too
    ],
)
def test_pounds_otherwise_still_refused(a: str, b: str) -> None:
    assert GUARDS["numbers"](a, b).outcome == "reject"


def test_context_put_before_the_question_is_excused() -> None:
    a = (
        "We added two partitions to the orders topic yesterday and since then the kafka "
        "consumer lag keeps increasing, what to check?"
    )
    b = "kafka consumer lag keeps increasing, what to check"
    assert added_context(a, b) == (b, b)
    assert run_guards(a, b)[0] is None


def test_context_before_a_different_question_is_still_refused() -> None:
    a = "We added two partitions and since then the lag of 5 keeps increasing"
    assert added_context(a, "the lag of 6 keeps increasing") is None
    assert run_guards(a, "the lag of 6 keeps increasing")[0] == "numbers"


def test_the_public_guards_are_the_judges() -> None:
    assert GUARDS["numbers"] is guard_numbers
    assert GUARDS["time"] is guard_time


@pytest.mark.parametrize(("a", "b"), ADDED)
def test_the_public_guards_excuse_added_context(a: str, b: str) -> None:
    for guard in (guard_numbers, guard_time):
        assert guard(a, b).outcome != "reject", guard(a, b)
        assert guard(b, a).outcome != "reject", guard(b, a)


def test_the_public_numbers_guard_reads_pounds_as_sterling() -> None:
    a, b = "a present worth thirty pounds, will I pay VAT", "Do I pay VAT on a £30 gift?"
    res = guard_numbers(a, b)
    assert res.outcome != "reject"
    assert "pounds as GBP" in res.detail
