"""Times counted out and quantities said another way (judge/spans.py, judge/measures.py):
relative days as offsets, spans of the last few days, a rate against one period, spoken
years, ages without a number, speeds, percentages as fractions, quarters of a year."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_numbers, guard_time
from nearcache.judge.spans import spoken_year


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("what was the exchange rate two days before yesterday", "exchange rate 3 days ago"),
        ("Which train runs the day after tomorrow?", "which train runs one day after tomorrow"),
        ("bash: print the date one day before today", "bash print yesterday's date"),
        ("rainfall in the past three days", "rainfall over the last 3 days"),
        ('grep the journal with --since="5 days ago"', "journal entries from the last five days"),
        ("How many calories should a teenager burn in 24 hours?", "daily calorie burn for a teen"),
        ("How many emails can I send per hour?", "email sending limit within 60 minutes"),
        ("Who wrote Fahrenheit 451 in nineteen fifty-three?", "Who wrote Fahrenheit 451 in 1953?"),
        ("What changes in twenty twenty-six?", "what changes in 2026"),
        (
            "count rows from the last 14 days in pandas",
            "pandas: rows newer than pd.Timedelta('14 days')",
        ),
    ],
)
def test_same_time_counted_or_said_another_way_passes(a: str, b: str) -> None:
    assert guard_time(a, b).outcome != "reject", guard_time(a, b)
    assert guard_time(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("what was the exchange rate two days before yesterday", "exchange rate yesterday"),
        ("Which train runs the day after tomorrow?", "Which train runs tomorrow?"),
        ("rainfall in the past three days", "rainfall in the next three days"),
        ("rainfall in the past three days", "rainfall in the past four days"),
        ("journal entries since 5 days ago", "journal entries since 5 weeks ago"),
        ("How many calories should I burn in 24 hours?", "weekly calorie burn"),
        ("How many emails can I send per hour?", "email sending limit per day"),
        ("Who wrote Fahrenheit 451 in nineteen fifty-three?", "Who wrote Fahrenheit 451 in 1963?"),
        ("what did I commit 2 weeks ago", "what did I commit in the last 2 weeks"),
    ],
)
def test_other_times_still_reject(a: str, b: str) -> None:
    assert guard_time(a, b).outcome == "reject", guard_time(a, b)
    assert guard_time(b, a).outcome == "reject"


def test_spoken_year() -> None:
    assert spoken_year("nineteen", "eighty-four") == 1984
    assert spoken_year("ten", "sixty-six") == 1066
    assert spoken_year("twenty", "one") is None  # "twenty one" is 21
    assert spoken_year("five", "twenty") is None
    assert spoken_year("nineteen", "four-eighty") is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "resting heart rate of a 45-year-old woman",
            "resting heart rate for a woman in her forties",
        ),
        ("best savings plan for someone in their 30s", "best savings plan for a 34 year old"),
        ("how much milk does a 6-month-old drink", "how much milk does a baby drink"),
        ("is it normal for a 2 year old to hit", "is it normal for toddlers to hit"),
        ("screen time for a 16 year old", "screen time for teenagers"),
        ("Did the company grow in the second quarter of 2022?", "company growth Q2 2022"),
        ("a car at 100 kilometers per hour", "a car at 100 km/h"),
        ("a boat going 20 miles an hour", "a boat going 20 mph"),
        ("is 50% of the marks enough to pass", "is half the marks enough to pass"),
        ("a 50/50 split of the bill", "splitting the bill half and half"),
        ("max caffeine in 24 hours", "max daily caffeine"),
    ],
)
def test_same_quantity_said_another_way_passes(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome != "reject", guard_numbers(a, b)
    assert guard_numbers(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "resting heart rate of a 55-year-old woman",
            "resting heart rate for a woman in her forties",
        ),
        ("best savings plan for someone in their 30s", "best savings plan for a 44 year old"),
        ("how much milk does a 3 year old drink", "how much milk does a baby drink"),
        ("screen time for a 9 year old", "screen time for teenagers"),
        ("my baby is not walking at 10 months", "my baby is not walking at 16 months"),
        ("Did the company grow in the second quarter of 2022?", "company growth Q3 2022"),
        ("mix three quarters of a cup of flour", "mix a quarter of a cup of flour"),
        ("a car at 100 kilometers per hour", "a car at 100 mph"),
        ("is 40% of the marks enough to pass", "is half the marks enough to pass"),
        ("max caffeine in 24 hours", "max weekly caffeine"),
    ],
)
def test_other_quantities_still_reject(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome == "reject", guard_numbers(a, b)
    assert guard_numbers(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("what is 5/8 as a percentage", "convert five eighths to a percentage"),
        ("is one third of a cup enough", "is 1/3 cup enough"),
        ("how long is the interval between halves in rugby", "how long is rugby halftime"),
        ("what is the half-life of iodine-131", "half life of iodine-131"),
        ("potty training a 13-week-old puppy", "potty training a puppy at 3 months"),
        ("can I pause my gym membership for eight weeks", "pause a gym membership for 2 months"),
        ("can a 16 year old open a bank account", "can a minor open a bank account"),
        ("python: check that a dict is empty", "python: check that len(d) is zero"),
    ],
)
def test_fractions_halves_weeks_minors_and_empty_pass(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome != "reject", guard_numbers(a, b)
    assert guard_numbers(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("what is 5/8 as a percentage", "convert three eighths to a percentage"),
        ("mix three quarters of a cup", "mix a quarter of a cup"),
        ("potty training a 10-week-old puppy", "potty training a puppy at 3 months"),
        ("can I pause my gym membership for six weeks", "pause a gym membership for 2 months"),
        ("can a 19 year old open a bank account", "can a minor open a bank account"),
    ],
)
def test_other_fractions_weeks_and_ages_reject(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome == "reject", guard_numbers(a, b)
    assert guard_numbers(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "my passport expired 3 yrs ago, can I still travel",
            "passport expired 3 years ago travel",
        ),
        ("is 9 am Eastern 6 am Pacific", "9am ET is 6am PT?"),
    ],
)
def test_unit_spellings_and_derived_words_pass_the_time_guard(a: str, b: str) -> None:
    assert guard_time(a, b).outcome != "reject", guard_time(a, b)
    assert guard_time(b, a).outcome != "reject"
