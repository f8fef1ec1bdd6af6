"""Recall: a number word hyphenated to the word it counts ("three-way", "third-party",
"twenty-one-day") is read like the same words apart or in digits, weak unless a unit
follows; "this qtr" / "last wk" are this quarter / last week. Other counts and other
periods still differ."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_numbers, guard_time
from nearcache.judge.align import align


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("is a three-way merge needed here", "is a 3-way merge needed here"),
        ("is a three-way merge needed here", "is a three way merge needed here"),
        ("who pays when a third party is injured", "who pays for third-party injuries"),
        ("a two-step login for the admin page", "a 2 step login for the admin page"),
        ("a twenty-one-day quarantine", "a 21 day quarantine"),
        ("a forty-two-hour week", "a 42 hour week"),
    ],
)
def test_hyphenated_counts_agree(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome == "pass"
    assert guard_numbers(b, a).outcome == "pass"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("is a three-way merge needed here", "is a two-way merge needed here"),
        ("first-party cookies in Safari", "third-party cookies in Safari"),
        ("a twenty-one-day quarantine", "a 14 day quarantine"),
        ("a twenty-one-day quarantine", "a twenty-two-day quarantine"),
    ],
)
def test_hyphenated_counts_still_differ(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome == "reject"


def test_a_hyphenated_count_alone_is_weak() -> None:
    # "a one-off fee" / "a single fee", "third-party vendor" / "outside vendor": no reject
    assert guard_numbers("a one-off fee", "a single fee").outcome != "reject"
    assert guard_numbers("a third-party vendor", "an outside vendor").outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("who missed the training this qtr", "who missed the training this quarter"),
        ("what shipped last wk", "what shipped last week"),
        ("revenue target for next yr", "revenue target for next year"),
        ("any plans this wknd", "any plans this weekend"),
    ],
)
def test_short_periods_after_this_last_next(a: str, b: str) -> None:
    assert guard_time(a, b).outcome == "pass"
    assert guard_time(b, a).outcome == "pass"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("who missed the training this qtr", "who missed the training last quarter"),
        ("what shipped last wk", "what shipped this month"),
    ],
)
def test_short_periods_still_differ(a: str, b: str) -> None:
    assert guard_time(a, b).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("is Civilization VI playable offline", "is civilization 6 playable offline"),
        ("who succeeded Henry VIII", "who succeeded Henry 8"),
        ("is a three-way handshake needed", "is a 3-way handshake needed"),
        ("a twenty-one-day return window", "a 21-day return window"),
    ],
)
def test_numbers_in_names_and_compounds_are_no_extra_words(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        al = align(x, y)
        assert al.only_a == () and al.only_b == (), (al.only_a, al.only_b)


def test_roman_numerals_still_compared_by_the_numbers_guard() -> None:
    assert guard_numbers("causes of World War II", "causes of World War III").outcome == "reject"
    assert (
        guard_numbers("is Civilization VI playable", "is Civilization V playable").outcome
        == "reject"
    )


def test_a_roman_looking_word_after_a_lowercase_word_stays() -> None:
    assert "iv" in align("can I get an IV drip at home", "can I get a drip at home").only_a
