"""Recall: names that count only as written (state and airport codes, currency codes in
capitals) pair with their full names in the alignment too, not only in the entities
guard; the same letters in lower case, or a different place, stay unpaired."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities
from nearcache.judge.align import align


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "can an HOA ban a backyard chicken coop in AZ",
            "can an HOA ban a backyard chicken coop in Arizona",
        ),
        ("fishing licence prices in VT", "fishing licence prices in vermont"),
        (
            "cheapest bus from LHR into central London",
            "cheapest bus from Heathrow into central London",
        ),
        ("price of 200 EUR in dollars", "price of 200 euros in dollars"),
        ("the 9 am ET standup moved", "the 9 am eastern standup moved"),
    ],
)
def test_codes_in_capitals_pair_with_their_names(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        al = align(x, y)
        assert al.only_a == () and al.only_b == (), (al.only_a, al.only_b)


@pytest.mark.parametrize(
    ("a", "b", "left_a", "left_b"),
    [
        # the code in lower case is another word ("pa" / "az" are no states written so)
        (
            "ask my pa about the farm",
            "ask my Pennsylvania cousin about the farm",
            ("pa",),
            ("pennsylvania", "cousin"),
        ),
        # another place keeps its own name
        ("fishing licence prices in VT", "fishing licence prices in Maine", ("vt",), ("main",)),
        (
            "cheapest bus from LHR into central London",
            "cheapest bus from Gatwick into central London",
            ("lhr",),
            ("gatwick",),
        ),
    ],
)
def test_other_words_and_places_stay_unpaired(
    a: str, b: str, left_a: tuple[str, ...], left_b: tuple[str, ...]
) -> None:
    al = align(a, b)
    assert al.only_a == left_a and al.only_b == left_b, (al.only_a, al.only_b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("VAT on services sold DE -> FR", "VAT on services sold from Germany to France"),
        ("DE translation of the contract", "German translation of the contract"),
        ("shipping a parcel to JP", "shipping a parcel to Japan"),
    ],
)
def test_country_codes_in_capitals_are_their_country(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome == "pass"


def test_country_codes_still_differ_from_other_countries() -> None:
    assert (
        guard_entities(
            "VAT on services sold DE -> FR", "VAT on services sold from Germany to Spain"
        ).outcome
        == "reject"
    )
    assert (
        guard_entities("shipping a parcel to JP", "shipping a parcel to Korea").outcome == "reject"
    )
    assert guard_entities("shipping a parcel to JP", "shipping a parcel to KR").outcome == "reject"


def test_image_formats_are_names_with_their_short_spellings() -> None:
    assert (
        guard_entities(
            "heic -> jpg windows convert", "convert HEIC photos to JPEG on Windows"
        ).outcome
        == "pass"
    )
    assert guard_entities("convert heic to jpg", "convert heic to png").outcome == "reject"
