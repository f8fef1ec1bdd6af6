"""guard_time: dates, weekdays, months and relative days must agree."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_time


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Will it rain in London tomorrow?", "Did it rain in London yesterday?"),
        ("the 2014 World Cup", "the 2018 World Cup"),
        ("Is the bank open on Sunday?", "Is the bank open on Monday?"),
        ("sales last week", "sales this week"),
        ("weather in March", "weather in April"),
        ("open on Good Friday?", "open on Black Friday?"),
        ("What's the weather?", "What's the weather tomorrow?"),
        ("music of the 80s", "music of the 90s"),
    ],
)
def test_different_times_reject(a: str, b: str) -> None:
    assert guard_time(a, b).outcome == "reject"
    assert guard_time(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What happened on July 4, 1776?", "significance of the fourth of July 1776"),
        ("May I ask a question?", "Can I ask a question?"),
        ("3 days ago", "three days ago"),
        ("open on Good Friday?", "open on good friday"),
        ("music of the 90s", "music of the 1990s"),
    ],
)
def test_same_time_passes(a: str, b: str) -> None:
    assert guard_time(a, b).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("JavaScript: format a date as YYYY-MM-DD", "JavaScript: format a date as DD/MM/YYYY"),
        ('parse "2024-03-05" in Python', 'parse "03/05/2024" in Python'),  # quoted forms
        ("What movies came out last Friday?", "What movies are coming out next Friday?"),
        (
            "How many times a day should I feed my cat?",
            "How many times a week should I feed my cat?",
        ),
        ("Should I water tomatoes daily?", "Should I water tomatoes weekly?"),
        ("Is the shop open on Christmas?", "Is the shop open on Easter?"),
        ("Did Columbus sail in 1492?", "Did Columbus sail in 1592?"),
    ],
)
def test_formats_shifts_rates_and_holidays_reject(a: str, b: str) -> None:
    assert guard_time(a, b).outcome == "reject", guard_time(a, b)
    assert guard_time(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("how many days until christmas", "how many days untill christmass"),  # typos
        ("weather in Iceland in December", "weather in iceland in decmber"),
        ("Is it going to snow on Thursday?", "is it going to snow on thurday"),
        (
            "Is Mars closer to the Sun than Earth?",
            "is mars closer to the sun then earth",
        ),  # the Sun
        (
            "how long to renew a passport in march?",
            "How long does it take to renew a passport in March?",
        ),
        ("Can I fly to Paris on December 25?", "are there flights to Paris on Christmas Day"),
        ("How many steps a day should I walk?", "How many steps per day should I walk?"),
        ("How do I get yesterday's date?", "how do i get yesterdays date"),
        ("Did Columbus sail in 1492 or 1592?", "Did Columbus sail in 1592 or 1492?"),
        ("How do I parse '2024-03-05' into a datetime?", "turn an ISO date string into a datetime"),
        ("Is the euro stronger today?", "Is the euro stronger right now?"),  # present = today
    ],
)
def test_typos_holidays_weak_marks_and_examples_pass(a: str, b: str) -> None:
    assert guard_time(a, b).outcome != "reject", guard_time(a, b)
    assert guard_time(b, a).outcome != "reject"


def test_a_speed_unit_is_a_rate() -> None:
    a, b = "going 60 miles per hour, how far by 5 pm", "going 60 mph, how far by 5 pm"
    assert guard_time(a, b).outcome != "reject"
    assert guard_time(b, a).outcome != "reject"
    assert guard_time("a heart rate of 52 bpm", "52 beats per minute").outcome != "reject"
    assert guard_time("60 mph", "60 miles").outcome == "reject"


def test_a_comparative_is_not_a_misspelled_holiday() -> None:
    assert guard_time("is chess easier than go", "is go harder than chess").outcome != "reject"
    assert guard_time("the earliest train", "the first train").outcome != "reject"
    assert guard_time("open on eastr sunday", "open on easter sunday").outcome != "reject"
    assert guard_time("open on eastr", "open on christmas").outcome == "reject"


def test_saturday_and_sunday_are_this_weekend() -> None:
    weekend = "is the museum open this weekend"
    assert guard_time(weekend, "is the museum open on Saturday or Sunday").outcome != "reject"
    assert guard_time("is the museum open on Saturday or Sunday", weekend).outcome != "reject"
    assert guard_time(weekend, "is the museum open on Saturday").outcome == "reject"
    nxt = "is the museum open next weekend"
    assert guard_time(nxt, "is the museum open Saturday and Sunday").outcome == "reject"


def test_a_possessive_month_is_read_not_raised_on() -> None:
    # "jan's" once reached the month table with its "'s" (KeyError: the judge failed
    # closed and refused a hit)
    assert (
        guard_time("can jan's run still be changed", "Can January's run be changed?").outcome
        != "reject"
    )
    assert guard_time("is jan's payroll closed", "is feb's payroll closed").outcome == "reject"
