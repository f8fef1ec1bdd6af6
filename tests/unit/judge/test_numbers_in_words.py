"""guard_numbers: a 1 said by an article, a 100 by "full" and a 2 by "both" are no extra numbers."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_numbers


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("calories in 1 glazed donut", "how many calories are in a glazed donut"),
        ("can 1 cat share a litter box with a puppy", "can a cat share a litter box with a puppy"),
        ("is 1 large egg enough for this batter", "is an egg enough for this batter"),
        ("make an image cover 100vw of the page", "make an image cover the full width of the page"),
        ("is the battery at 100% after an hour", "is the battery full after an hour"),
        ("hero with height: 100dvh on mobile", "hero filling the whole screen on mobile"),
        ("do the two parents have to sign the form", "do both parents have to sign the form"),
    ],
)
def test_number_said_in_words_passes(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome != "reject"
    assert guard_numbers(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("calories in 2 glazed donuts", "how many calories are in a glazed donut"),
        ("calories in 1 glazed donut", "how many calories are in glazed donuts"),  # no article
        ("is 1 egg enough", "is a large fresh free-range egg enough"),  # noun too far away
        ("make an image cover 50vw of the page", "make an image cover the full width of the page"),
        ("is the battery at 80% after an hour", "is the battery full after an hour"),
        ("make an image cover 100vw of the page", "make an image cover half of the page"),
        ("do the three parents have to sign", "do both parents have to sign"),
        ("is 2 GB of swap enough for both servers", "is swap enough for both servers"),
    ],
)
def test_other_numbers_still_reject(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome == "reject"
    assert guard_numbers(b, a).outcome == "reject"


def test_twice_hyphenated_counts_twice() -> None:
    assert guard_numbers("stretch twice-daily", "stretch twice a day").outcome != "reject"
    assert guard_numbers("stretch twice-daily", "stretch once a day").outcome == "reject"


def test_ranges_with_dots() -> None:
    assert guard_numbers("rust: for i in 1..20", "rust loop from 1 to 20").outcome != "reject"
    assert guard_numbers("rust: for i in 1..20", "rust loop from 1 to 0.20").outcome == "reject"
    assert guard_numbers("kotlin 5...9 range", "kotlin range from 5 to 9").outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("a bike ride of two and a half hours", "a bike ride of 150 minutes"),
        ("boil the eggs for half an hour?", "boil the eggs for 30 min?"),
        ("is half a mile a long walk for a puppy", "is 0.5 mi a long walk for a puppy"),
        ("shops closing at noon on saturday", "shops closing at 12 pm on saturday"),
        ("fireworks at midnight", "fireworks at 12am"),
        ("lunch break at noon, how long", "lunch break, how long"),  # weak: no number against
    ],
)
def test_fractions_with_units_and_day_hours_pass(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome != "reject"
    assert guard_numbers(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("boil the eggs for half an hour?", "boil the eggs for an hour?"),
        ("a bike ride of two and a half hours", "a bike ride of 2 hours"),
        ("shops closing at noon on saturday", "shops closing at 1 pm on saturday"),
        ("fireworks at midnight", "fireworks at noon"),
    ],
)
def test_other_amounts_of_time_reject(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome == "reject"
    assert guard_numbers(b, a).outcome == "reject"


def test_plural_numbers_are_not_decades() -> None:
    from nearcache.judge import guard_time

    assert guard_numbers("curl with a timeout of 45s", "curl with a 45 second timeout").outcome != (
        "reject"
    )
    assert guard_time(
        "curl with a timeout of 45s", "curl with a timeout of 45 seconds"
    ).outcome != ("reject")
    assert guard_numbers("curl with a timeout of 45s", "curl with a timeout of 90s").outcome == (
        "reject"
    )
    assert guard_time("1000s of rows in sqlite", "thousands of rows in sqlite").outcome != "reject"
    assert guard_numbers("100s of rows in sqlite", "hundreds of rows in sqlite").outcome != "reject"
    # decades stay decades
    assert guard_time("synth pop of the 80s", "synth pop of the 1980s").outcome != "reject"
    assert guard_time("synth pop of the 80s", "synth pop of the 70s").outcome == "reject"
    assert guard_time("fashion of the 1950s", "fashion of the 1960s").outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("needs a two-thirds vote of the board", "needs a 2/3 vote of the board", True),
        ("is one-quarter of the dose safe", "is 25% of the dose safe", True),
        ("art of the nineteenth century", "art of the 19th century", True),
        ("rules of the twenty-first amendment", "rules of the 21st amendment", True),
        ("needs a two-thirds vote of the board", "needs a three-quarters vote of the board", False),
        ("rules of the twenty-first amendment", "rules of the 22nd amendment", False),
    ],
)
def test_hyphenated_fractions_and_ordinals(a: str, b: str, same: bool) -> None:
    assert (guard_numbers(a, b).outcome != "reject") is same
    assert (guard_numbers(b, a).outcome != "reject") is same


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (
            "Can a choir of eight sing a four-part motet?",
            "... of eight sing an eight-part motet?",
            False,
        ),
        (
            "Is a 3-way valve on a 3-inch pipe enough?",
            "Is a 2-way valve on a 3-inch pipe enough?",
            False,
        ),
        (
            "a choir of eight singing an eight-part motet",
            "an eight-part motet for eight singers",
            True,
        ),
        (
            "`pd.read_csv(path, skiprows=3)` to skip 3 lines",
            "pandas read_csv skip the first three rows",
            True,
        ),
    ],
)
def test_a_kind_number_in_place_of_a_repeated_one(a: str, b: str, same: bool) -> None:
    assert (guard_numbers(a, b).outcome != "reject") is same
    assert (guard_numbers(b, a).outcome != "reject") is same
