"""Recall: an acronym left over on one side pairs with the words left over on the other
whose initials it spells, function words skippable ("BOL" / "bill of lading", "LOTR" /
"Lord of the Rings", "ctr" / "click through rate", "LoL" / "League of Legends"); other
initials, words already paired elsewhere and listed words never do."""

from __future__ import annotations

import pytest

from nearcache.judge.align import align


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("good ctr for google search ads", "good click through rate for google search ads"),
        (
            "send the carrier the BOL before pickup",
            "send the carrier the bill of lading before pickup",
        ),
        ("is the Hobbit set before LOTR", "is the Hobbit set before the Lord of the Rings"),
        (
            "in LoL, does the jungler give the blue buff",
            "in League of Legends, does the jungler give the blue buff",
        ),
        ("AWS SG: allow inbound ssh", "allow inbound ssh in the AWS security group"),
        ("is MJ taller than LeBron", "is Michael Jordan taller than LeBron"),
    ],
)
def test_acronyms_pair_with_the_words_they_spell(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        al = align(x, y)
        assert al.only_a == al.only_b == (), (al.only_a, al.only_b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("good ctr for google search ads", "good conversion rate for google search ads"),  # c-r
        ("is the NBA season longer", "is the national football league season longer"),
        ("can I set the zone", "can I select each timezone"),  # "set" spells no run
        ("send the BOL before pickup", "send the bill before lunch"),  # the run must be whole
    ],
)
def test_other_initials_stay_apart(a: str, b: str) -> None:
    al = align(a, b)
    assert al.only_a and al.only_b


def test_words_paired_elsewhere_are_not_taken() -> None:
    al = align("is a VPN legal here", "is a virtual private network legal here")
    assert al.only_a == al.only_b == ()
    al = align("is a VPN legal on a private network", "is a virtual private network legal here")
    assert "vpn" in al.only_a  # "private network" met its own words first
