"""A name and the thing it belongs to (families.txt) name the same thing: "iPad" runs
"iOS", "TfL" is London's; two members of one family, or a member and another family,
stay different names."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities
from nearcache.judge.align import align
from nearcache.judge.lexicon import lexicon
from nearcache.judge.types import REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("can I screen record on my iPad", "how do I screen record on iOS"),
        ("TfL night bus fares", "night bus fares in London"),
        ("is the NHS free for visitors", "is healthcare free for visitors in the UK"),
        ("IRS rules for home office deductions", "home office deduction rules in the USA"),
    ],
)
def test_a_member_names_its_family(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        assert guard_entities(x, y).outcome != REJECT, (x, y)
    assert not align(a, b).only_b or not align(a, b).only_a


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("can I screen record on my iPad", "can I screen record on my iPhone"),  # siblings
        ("IRS rules for home office deductions", "home office deduction rules in the UK"),
        ("TTC night bus fares", "night bus fares in London"),
    ],
)
def test_siblings_and_other_families_stay_different(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome == REJECT


def test_family_is_one_way_membership() -> None:
    lex = lexicon()
    assert lex.family("iphone", "ios") and lex.family("ios", "iphone")
    assert not lex.family("iphone", "ipad")
    assert not lex.family("hmrc", "usa")


def test_fb_is_facebook_in_any_case() -> None:
    for short in ("fb", "FB"):
        a, b = f"export photos at 2048 px for {short}", "export photos at 2048 px for Facebook"
        assert guard_entities(a, b).outcome != REJECT
        assert not align(a, b).only_a


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("best Texan barbecue towns", "best barbecue towns in Texas"),
        ("=COUNTIF(A:A, 5) counts what", "in Excel, how do I count cells equal to 5"),
        ("which G-code sets inches", "which CNC command sets inches"),
    ],
)
def test_demonyms_and_functions_name_their_place_or_program(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        assert guard_entities(x, y).outcome != REJECT, (x, y)


def test_a_demonym_still_differs_from_another_place() -> None:
    assert (
        guard_entities("best Texan barbecue towns", "best barbecue towns in Ohio").outcome == REJECT
    )
