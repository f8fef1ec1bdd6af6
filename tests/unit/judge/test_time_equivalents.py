"""guard_time: the same period said two ways agrees, other periods still differ."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_time
from nearcache.judge.dates import time_marks
from nearcache.judge.spans import back_as_ago, part_of_day
from nearcache.judge.tokens import analyze


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # an evening and the night after it are one period
        ("is the pool open this evening", "is the pool open tonight"),
        ("did the power go out yesterday evening", "did the power go out last night"),
        ("any fireworks tomorrow evening?", "any fireworks tomorrow night?"),
        # "per annum", "every single day", "twice-weekly" are rates
        ("savings account paying 4% per annum", "savings account paying 4% per year"),
        ("journaling every single day, worth it?", "journaling daily, worth it?"),
        ("yoga twice-weekly for back pain", "yoga twice a week for back pain"),
        # a moving window is the period a rate is counted over
        ("plot the weekly average of step counts", "plot the rolling 7-day average of step counts"),
        ("the 24 hour rolling mean of returns", "daily mean of returns"),
        # lowercase "may" that can only be the month
        ("farmers market hours in may", "farmers market hours in May"),
        ("visa valid until may 2027?", "visa valid until May 2027?"),
        # "in the fall" is a season like "in autumn"
        ("when to aerate a lawn in the fall", "when to aerate a lawn in autumn"),
        ("prune roses in the spring or in the fall", "prune roses in spring or in fall"),
        # "N units back" is "N units ago"
        ("my tetanus shot was ten years back", "my tetanus shot was 10 years ago"),
    ],
)
def test_same_period_in_other_words_passes(a: str, b: str) -> None:
    assert guard_time(a, b).outcome != "reject"
    assert guard_time(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("is the pool open this evening", "is the pool open tomorrow night"),
        ("did the power go out yesterday evening", "did the power go out tonight"),
        ("savings account paying 4% per annum", "savings account paying 4% per month"),
        ("yoga twice-weekly for back pain", "yoga twice-monthly for back pain"),
        ("plot the weekly average of step counts", "plot the monthly average of step counts"),
        ("farmers market hours in may", "farmers market hours in june"),
        ("when to aerate a lawn in the fall", "when to aerate a lawn in the spring"),
        ("my tetanus shot was ten years back", "my tetanus shot was 5 years ago"),
    ],
)
def test_other_periods_still_reject(a: str, b: str) -> None:
    assert guard_time(a, b).outcome == "reject"
    assert guard_time(b, a).outcome == "reject"


def test_marks_read() -> None:
    assert "rel:night+0" in time_marks("frost this evening?")
    assert "rel:night-1" in time_marks("yesterday's evening shift")
    assert "every:year" in time_marks("interest per annum")
    assert "ago:5:year" in time_marks("five years back")
    assert "month:5" not in time_marks("you may leave in 2026")  # the modal
    assert "season:spring" not in time_marks("the spring in my old mattress")


def test_span_helpers() -> None:
    toks = analyze("call me tomorrow night").tokens
    assert part_of_day(toks, 2) == "night+1"
    assert part_of_day(analyze("call me tomorrow morning").tokens, 2) is None
    assert back_as_ago(analyze("two weeks back").tokens, 2)
    assert not back_as_ago(analyze("get my money back").tokens, 3)
    assert not back_as_ago(analyze("the weeks back home").tokens, 2)


def test_solstices_are_dates() -> None:
    assert guard_time(
        "daylight hours on the summer solstice", "daylight hours on June 21"
    ).outcome != ("reject")
    assert guard_time(
        "daylight hours on the winter solstice", "daylight hours on June 21"
    ).outcome == ("reject")


def test_a_percentage_rate_is_yearly_unless_said() -> None:
    yearly = "mortgage at 6.5% a year over 25 years"
    assert guard_time(yearly, "mortgage at 6.5% for 25 years").outcome != "reject"
    assert guard_time("credit card at 2% per month", "credit card at 2%").outcome == "reject"
    # another percentage: nothing says the bare one is the yearly rate
    assert guard_time(yearly, "mortgage with 20% down for 25 years").outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("what APR do store cards charge", "what annual percentage rate do store cards charge"),
        ("is 24% apr high for a personal loan", "is a 24% interest rate high for a personal loan"),
        ("how do I fill in a MAR chart on a ward", "how do I fill in a medication chart on a ward"),
        ("emulate a DEC VT100 terminal", "emulate a VT100 terminal"),
    ],
)
def test_month_abbreviations_that_are_acronyms(a: str, b: str) -> None:
    assert guard_time(a, b).outcome != "reject"
    assert guard_time(b, a).outcome != "reject"


def test_abbreviated_months_with_a_date_stay_months() -> None:
    assert "month:4" in time_marks("rent due APR 1")
    assert "month:4" in time_marks("rent due in apr")
    assert "month:12" in time_marks("DEC 2025 invoice")
    assert guard_time("APR on a car loan", "monthly rate on a car loan").outcome == "reject"
    assert guard_time("rent due in Apr", "rent due in May").outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("gym membership at $45/mo", "gym membership at $45 a month"),
        ("intern pay of 30k/yr", "intern pay of 30k per year"),
        ("sodium/day for adults", "daily sodium for adults"),
        ("tutor charging 40 per hr", "tutor charging 40 hourly"),
    ],
)
def test_short_and_slashed_periods_are_rates(a: str, b: str) -> None:
    assert guard_time(a, b).outcome != "reject"
    assert guard_time(b, a).outcome != "reject"


def test_short_periods_still_differ() -> None:
    assert (
        guard_time("gym membership at $45/mo", "gym membership at $45 a year").outcome == "reject"
    )
    assert guard_time("tutor charging 40 per hr", "tutor charging 40 per day").outcome == "reject"


def test_an_hour_is_a_rate_like_a_day() -> None:
    assert guard_time("nanny paid $25 an hour", "nanny paid $25/hr").outcome != "reject"
    assert guard_time("nanny paid $25 an hour", "nanny paid $25/day").outcome == "reject"


def test_xmas_and_parts_of_a_month() -> None:
    assert guard_time(
        "post office hours on Xmas eve", "post office hours on December 24"
    ).outcome != ("reject")
    assert (
        guard_time("plant garlic in mid-October?", "plant garlic in October?").outcome != "reject"
    )
    assert (
        guard_time("plant garlic in mid-October?", "plant garlic in November?").outcome == "reject"
    )
    assert guard_time(
        "post office hours on Xmas", "post office hours on New Year's Day"
    ).outcome == ("reject")
