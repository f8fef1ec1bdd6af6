"""The party a question is asked of, turned round in other words (direction guard)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.parties import party_turned
from nearcache.judge.types import REJECT


@pytest.mark.parametrize(
    ("a", "b", "parties"),
    [
        (
            "Can the photographer keep the copyright of wedding pictures the printer produced?",
            "does the printer own the copyright to wedding photos the photographer took",
            ("photographer", "printer"),
        ),
        (
            "Can an electrician do the carpentry for a kitchen fit?",
            "Is a carpenter allowed to do the electrical work when a kitchen is fitted?",
            ("electrician", "carpenter"),
        ),
        (
            "Should the second violin tune to the first violin?",
            "in an orchestra does the first violin tune to the second violin",
            ("second violin", "first violin"),
        ),
        (
            "does the mortgagor hold the title deeds until the loan is repaid",
            "Does the mortgagee hold the title deeds until the loan is repaid?",
            ("mortgagor", "mortgagee"),
        ),
        (
            "Does the borrower have to insure the car the lender financed?",
            "must the person lending insure a car the borrower bought with the loan",
            ("borrower", "lending"),
        ),
    ],
)
def test_another_party_asked_of_is_rejected(a: str, b: str, parties: tuple[str, str]) -> None:
    assert party_turned(a, b) == parties
    assert party_turned(b, a) == parties[::-1]
    res = guard_direction(a, b)
    assert res.outcome == REJECT, res.detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the two parties as alternatives: one question
        (
            "Does the sender or the receiver pay the customs fee?",
            "Does the receiver or the sender pay the customs fee?",
        ),
        # a passive names the doer after "by"
        (
            "Can an employee be dismissed by the employer for a social media post?",
            "Can the employer dismiss an employee for a social media post?",
        ),
        # capitalized words are names, not doers
        (
            "Does Webster border Manchester?",
            "does Manchester border Webster",
        ),
        # two spellings of one doer
        (
            "Does the conveyor stop when the crusher trips?",
            "does the conveyer stop when the crusher trips",
        ),
        # the same party asked of
        (
            "Can a plumber fit an electric shower?",
            "is a plumber allowed to install an electric shower",
        ),
        # the other text's party is not named in the first
        (
            "Can a gardener prune the hedge in May?",
            "Should a beekeeper move hives in May?",
        ),
        # an -ee word that names no one done to
        (
            "Can the committee overrule the treasurer?",
            "Can the treasurer overrule the committee?",
        ),
        # doer and the one done to, each text naming both
        (
            "Can an employer read what an employee sends on a work laptop?",
            "can an employee read what the employer stores on a work laptop",
        ),
    ],
)
def test_same_party_or_unread_is_not_found(a: str, b: str) -> None:
    assert party_turned(a, b) is None
    assert party_turned(b, a) is None
