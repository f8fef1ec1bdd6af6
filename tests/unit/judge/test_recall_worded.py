"""Recall: letters the other text writes as a lowercase word are no Roman numeral ("IV
antibiotics" / "iv antibiotics": intravenous, not 4), "anual" is "annual" and a fortnight
two weeks. Numerals against numerals and other periods still differ."""

from __future__ import annotations

from nearcache.judge import guard_numbers, guard_time


def test_a_roman_looking_abbreviation_written_lowercase_is_no_number() -> None:
    a = "Can a student nurse give IV antibiotics if a registered nurse is watching?"
    b = "can a studnet nurse give iv antibiotics if a registerd nurse is watching"
    assert guard_numbers(a, b).outcome != "reject"
    assert guard_numbers(b, a).outcome != "reject"
    assert guard_numbers("Elizabeth II reigned", "elizabeth ii reigned").outcome != "reject"


def test_roman_numerals_against_numbers_still_differ() -> None:
    assert guard_numbers("World War II", "World War I").outcome == "reject"
    assert guard_numbers("Is stage IV cancer curable", "is stage 3 cancer curable").outcome == (
        "reject"
    )
    assert guard_numbers("World War II ended when", "world war 2 ended when").outcome == "pass"


def test_a_misspelled_annual_is_annual() -> None:
    a = "Does my 1978 motorbike still need an annual MOT in the UK?"
    b = "does my 1978 motorbike stil need an anual MOT in the uk"
    assert guard_time(a, b).outcome != "reject"
    assert guard_time(b, a).outcome != "reject"
    assert guard_time("an anual MOT", "a monthly MOT").outcome == "reject"


def test_a_fortnight_is_two_weeks() -> None:
    a = "Should grow lights be on for 18 hours a day in the first two weeks?"
    b = "seedlings just sprouted: 18 hours of light daily for the first fortnight?"
    for x, y in ((a, b), (b, a)):
        assert guard_numbers(x, y).outcome == "pass"
    assert guard_numbers("a fortnight", "14 days").outcome == "pass"
    assert guard_numbers("a fortnight", "three weeks").outcome == "reject"
    assert guard_time("every fortnight", "every week").outcome == "reject"
