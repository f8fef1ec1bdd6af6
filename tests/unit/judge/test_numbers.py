"""guard_numbers: the same quantity in any form passes, a different one rejects."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_numbers, guard_time
from nearcache.judge.numbers import quantities


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("I have 2 cats", "I have two cats"),
        ("1,000 users", "1000 users"),
        ("a 5% tax", "a 5 percent tax"),
        ("five per cent", "5%"),
        ("twenty-one", "21"),
        ("a hundred and five", "105"),
        ("2 million rows", "2,000,000 rows"),
        ("half a cup", "1/2 cup"),
        ("the second largest", "the 2nd largest"),
        ("fourth of July", "July 4"),
        ("10k requests", "10,000 requests"),
        ("before 59 and a half", "before 59\u00bd"),
        ("my 401(k)", "my 401k"),
        ("rendering twice", "rendering 2 times"),
        ("$5", "5 dollars"),
        ("music of the 90s", "music of the 1990s"),
        ("which one is best", "which is best"),  # "one" alone is not a quantity
    ],
)
def test_same_quantities_pass(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome != "reject"
    assert guard_numbers(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("When did World War I end?", "When did World War II end?"),
        ("a /24 subnet", "a /16 subnet"),
        ("10.0.0.0/8", "10.0.0.0/16"),
        ("python 3.11.2", "python 3.11.3"),
        ("16GB of RAM", "16 MB of RAM"),
        ("at 5pm", "at 5am"),
        ("ipv4 address", "ipv6 address"),
        ("install Python", "install Python 3"),
        ("three days", "four days"),
    ],
)
def test_different_quantities_reject(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome == "reject"
    assert guard_numbers(b, a).outcome == "reject"


def test_units_and_details() -> None:
    assert quantities("16 gigabytes") == (("16", "gb", False, False),)
    assert quantities("requests.get(url, timeout=5)") == (("5", "", False, True),)
    assert quantities("the 2014 World Cup") == ()  # a year: the time guard reads it
    res = guard_numbers("16GB", "16 MB")
    assert "units differ" in res.detail
    assert guard_numbers("no numbers here", "none there").outcome == "neutral"
    assert guard_numbers("2 cats", "two cats").outcome == "pass"


def test_other_scripts_are_neutral() -> None:
    assert guard_numbers("\u4e24\u53ea\u732b 2", "\u4e09\u53ea\u732b 3").outcome == "neutral"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("sklearn 80/20 train test split", "split 80% train and 20% test"),  # a ratio
        ('C# parse "42" into an int', "How do I convert a string to an integer in C#?"),  # quoted
        ("requests.get(url, timeout=5)", "set a timeout on requests"),  # a code value
        ("How many ounces in a pound?", "how many oz are in 1 lb"),  # a bare unit is one
        ("a 3-month-old puppy", "a 3 month old puppy"),
        ("How do I convert 350\u00b0F to Celsius?", "350 F to C?"),
        ("100 km/h", "100 kmh"),
        ("What happened on September 11, 2001?", "what happened on 9/11/2001"),  # dates
    ],
)
def test_same_quantity_in_other_forms_passes(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome != "reject", guard_numbers(a, b)
    assert guard_numbers(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Is Python 3.10 faster?", "Is Python 3.1 faster?"),  # versions keep trailing zeros
        ("Can I use 10W-30 instead of 5W-20?", "Can I use 5W-30 instead of 5W-20?"),  # grades
        ("a four-year degree", "a two-year degree"),
    ],
)
def test_versions_grades_and_hyphenated_numbers_reject(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome == "reject", guard_numbers(a, b)


def test_four_digit_numbers_are_years_unless_measured() -> None:
    # A bare four-digit number is read as a year by the time guard (and left to it)...
    assert (
        quantities("ulimit says 1024") == ()
        and guard_time("says 1024", "says 2048").outcome == "reject"
    )
    # ... unless a unit or currency says it is a quantity, or it is a round hundred alone.
    assert quantities("1024 MB") == (("1024", "mb", False, False),)
    assert quantities("1000 users") == (("1000", "", False, False),)


def test_a_roman_numeral_in_the_possessive_is_read() -> None:
    asked = "did Victoria rule for more years than Elizabeth II"
    stored = "Was Victoria's reign longer than Elizabeth II's?"
    assert guard_numbers(asked, stored).outcome == "pass"
    assert guard_numbers("When did World War II end", "World War I's end").outcome == "reject"


def test_world_war_abbreviations_carry_their_numeral() -> None:
    assert guard_numbers("after WWI", "after World War I").outcome == "pass"
    assert guard_numbers("after WW2", "after World War II").outcome == "pass"
    assert guard_numbers("after WWII", "after World War I").outcome == "reject"
    assert guard_numbers("after WW2", "after World War I").outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # times of day: the 24-hour clock, am/pm, a bare time that says neither
        ("does the backup job start at 03:00", "does the backup job start at 3 am"),
        ("is the pharmacy open at 17:45", "is the pharmacy open at 5:45 pm"),
        ("alarm set for 6:15", "alarm set for 06:15"),
        ("train at 7:00 AM", "train at 7 a.m."),
        ("lunch break at 12:00", "lunch break at 12 pm"),
        # a whole number written with a decimal zero
        ("upgrade from PHP 7.0 to PHP 8", "upgrade from PHP 7 to PHP 8.0"),
        ("a $20.00 fee", "a 20 dollar fee"),
        # European thousands
        ("a bonus of 25.000 euros", "a bonus of 25,000 euros"),
        ("3.500.000 people", "3500000 people"),
        # one duration in another unit
        ("a warranty of 24 months", "a two-year warranty"),
        ("fasting for 48 hours", "fasting for 2 days"),
        ("a trial of 14 days", "a two week trial"),
        ("a 7 day refund window", "a refund window of a week"),
        ("a 60 minute exam", "a one hour exam"),
        ("built over three decades", "built over 30 years"),
        ("a 2500 m climb", "a 2.5 km climb"),
    ],
)
def test_same_quantity_in_another_spelling_passes(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome != "reject", guard_numbers(a, b)
    assert guard_numbers(b, a).outcome != "reject", guard_numbers(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("does the backup job start at 03:00", "does the backup job start at 3 pm"),
        ("is the pharmacy open at 17:45", "is the pharmacy open at 5:45 am"),
        ("alarm set for 6:15", "alarm set for 6:45"),
        ("a bonus of 2.5 euros", "a bonus of 2,500 euros"),  # a decimal, not thousands
        ("Is PHP 7.1 faster?", "Is PHP 7.10 faster?"),  # versions keep trailing zeros
        ("a warranty of 18 months", "a one-year warranty"),
        ("fasting for 36 hours", "fasting for 2 days"),
        ("a 2500 m climb", "a 25 km climb"),
        ("aspect ratio 16:9 or 4:3", "aspect ratio 16:10 or 4:3"),  # not times of day
    ],
)
def test_other_quantity_in_another_spelling_rejects(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome == "reject", guard_numbers(a, b)
    assert guard_numbers(b, a).outcome == "reject", guard_numbers(b, a)


def test_duration_against_a_bare_unit() -> None:
    # "a year", "a day": the unit without a number is one of it
    assert guard_numbers("cancel within 12 months", "cancel within a year").outcome != "reject"
    assert guard_numbers("cancel within 18 months", "cancel within a year").outcome == "reject"
    assert guard_numbers("results in 24 hours", "results in a day").outcome != "reject"


@pytest.mark.parametrize(
    "text",
    ["connect as admin@10.0.0.5 over ssh", "git show HEAD~7", "run it with 1>&2", "(long)9.5 in C"],
)
def test_numbers_in_unquoted_code_are_values(text: str) -> None:
    # a value inside code on one side only is an example, not the question's quantity
    assert all(literal for _, _, _, literal in quantities(text)), quantities(text)
    assert guard_numbers(text, "a question about the same thing").outcome != "reject"
    # ... but two different values still differ
    other = text.replace("10.0.0.5", "10.0.0.6").replace("~7", "~8").replace("1>&2", "1>&3")
    other = other.replace("9.5", "9.25")
    assert guard_numbers(text, other).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("decode bytes as utf8", "decode bytes as UTF-8"),
        ("cast to int64", "cast to Int64"),
        ("sha256 of a file", "SHA-256 of a file"),
        ("wheels for x86_64", "wheels for x86-64"),
        ("run it with python3", "run it with Python 3"),
        ("is h2 enabled", "is HTTP/2 enabled"),
        ("cast to int64", "cast to an integer"),  # a digit inside a name alone: not a quantity
    ],
)
def test_identifiers_with_digits_match_their_spellings(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome != "reject", guard_numbers(a, b)
    assert guard_numbers(b, a).outcome != "reject"


def test_sizes_are_not_years() -> None:
    assert guard_time("a 1024x768 screenshot", "a screenshot").outcome != "reject"
    assert guard_time("pad it to 1024 bytes", "pad the buffer").outcome != "reject"
    assert quantities("a 1920x1080 screen")[0][:2] == ("1920", "")
    assert guard_time("will it expire in a year", "will it expire").outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("how do I drop one column from a dataframe", "how do I drop all columns from a dataframe"),
        ("can I mute a single channel", "can I mute every channel"),
        ("restart one pod in the deployment", "restart all of the pods in the deployment"),
        ("back up one database", "back up multiple databases"),
    ],
)
def test_one_against_all_of_the_same_noun_rejects(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome == "reject", guard_numbers(a, b)
    assert guard_numbers(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("how do I drop one column", "how do I drop a column"),  # "a" counts one too
        ("which one of the columns is the key", "are all the columns keys"),  # not a count
        ("drop one column and keep all rows", "keep all rows but drop one column"),
        ("each file has one owner", "each file has an owner"),
    ],
)
def test_one_without_a_universal_on_the_same_noun_passes(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome != "reject", guard_numbers(a, b)
    assert guard_numbers(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("deploy one service to k8s", "deploy a service to Kubernetes"),  # numeronyms
        ("add i18n to a single page", "translate one page"),
        ("list users with zero logins", "list users who have never logged in"),
        ("tables with zero rows", "tables that have no rows"),
    ],
)
def test_numeronyms_and_zero_said_as_a_negation_pass(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome != "reject", guard_numbers(a, b)
    assert guard_numbers(b, a).outcome != "reject"


def test_zero_still_counts_without_a_negation() -> None:
    assert guard_numbers("tables with zero rows", "tables with few rows").outcome == "reject"
    assert guard_numbers("is zero even", "is one even").outcome == "reject"
    assert quantities("ipv4 over mp3") == (("4", "", True, False), ("3", "", True, False))


def test_a_repeating_decimal_is_not_the_plain_one() -> None:
    assert guard_numbers("is 0.333... a third", "is 0.333 recurring a third").outcome != "reject"
    assert guard_numbers("is 0.333... a third", "is 0.333 a third").outcome == "reject"
    assert guard_numbers("is 0.333 repeating a third", "is 0.333 a third").outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("is 0.777... the same as 7/9", "is zero point seven recurring the same as 7/9"),
        ("one point five liters of water a day", "1.5 liters of water a day"),
        ("can a minor rent a car", "can someone under 18 rent a car"),
        ("how much does an infant sleep", "how much does a child under 2 sleep"),
        ("can a teenager work nights", "can a 16 year old work nights"),
    ],
)
def test_spoken_decimals_and_age_bounds_agree(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome != "reject", guard_numbers(a, b)
    assert guard_numbers(b, a).outcome != "reject", guard_numbers(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("is zero point seven recurring 7/9", "is zero point seven 7/9"),
        ("one point five liters a day", "two point five liters a day"),
        ("two point five kg", "2.5 lb"),
        ("can a minor rent a car", "can someone under 21 rent a car"),
        ("can a minor rent a car", "can someone over 18 rent a car"),
        ("what does a toddler eat", "what does a child under 4 eat"),  # a toddler is 1-3
    ],
)
def test_other_spoken_decimals_and_bounds_reject(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome == "reject", guard_numbers(a, b)
    assert guard_numbers(b, a).outcome == "reject", guard_numbers(b, a)


def test_one_after_of_is_a_count() -> None:
    """ "the size of one index" / "the size of every index" (cases from no split)."""
    a = "What is the disk size of one index in Elasticsearch?"
    b = "What is the disk size of every index in Elasticsearch?"
    assert guard_numbers(a, b).outcome == "reject"
    assert guard_numbers(a, a.replace("one index", "an index")).outcome != "reject"
