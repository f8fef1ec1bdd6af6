"""The party a question is asked of, turned round in other words (direction guard)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.parties import acted_on, party_turned, speaker_turned
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


@pytest.mark.parametrize(
    ("a", "b", "found"),
    [
        (
            "Will my old cat scratch a new kitten?",
            "My old cat is being bullied by a new kitten, what do I do?",
            ("cat", "bully"),
        ),
        (
            "Will our startup acquire a competitor this year?",
            "our startup was bought by a larger rival, what happens to the staff",
            ("startup", "buy"),
        ),
    ],
)
def test_a_party_acted_on_in_other_words_is_rejected(
    a: str, b: str, found: tuple[str, str]
) -> None:
    assert acted_on(a, b) == found
    assert acted_on(b, a) == found
    res = guard_direction(a, b)
    assert res.outcome == REJECT, res.detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the doer kept: the firewall blocks in both
        (
            "Does my firewall block a laptop on the guest network?",
            "my laptop is blocked by the firewall on the guest network, why",
        ),
        # both ways told in one text
        (
            "Will my bees rob a weaker hive, or are they robbed by it?",
            "my weak hive is being robbed by a strong one, what now",
        ),
        # a passive with "by" on both sides
        (
            "My car was hit by a van, and the van was insured by a broker.",
            "A van hit my car and was insured by a broker.",
        ),
        # no party acts in the other text
        (
            "Was the contract signed by the landlord?",
            "has the landlord signed the contract yet",
        ),
    ],
)
def test_a_party_not_turned_round_is_not_read(a: str, b: str) -> None:
    assert acted_on(a, b) is None
    assert acted_on(b, a) is None


@pytest.mark.parametrize(
    ("a", "b", "party"),
    [
        (
            "My landlord has not fixed the heating for a month. Can I stop paying rent?",
            "I'm a landlord and the heating broke last month. Can the tenant stop paying rent?",
            "landlord",
        ),
        (
            "Can my tutor extend the deadline for my essay?",
            "As a tutor, is it up to me to extend an essay deadline for a student?",
            "tutor",
        ),
    ],
)
def test_the_speaker_at_the_other_end_is_rejected(a: str, b: str, party: str) -> None:
    assert speaker_turned(a, b) == party
    assert speaker_turned(b, a) == party
    res = guard_direction(a, b)
    assert res.outcome == REJECT, res.detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the speaker is the same party in both
        (
            "I'm a landlord; can my tenant sublet a room?",
            "as a landlord, may I stop a tenant from subletting?",
        ),
        # each text says both
        (
            "I'm a teacher and my teacher friend asked: can we both apply?",
            "my teacher friend and I, as a teacher, want to apply",
        ),
        # no party the speaker has
        ("I'm a student, can I work 20 hours a week?", "can a student work 20 hours a week?"),
    ],
)
def test_the_speaker_at_the_same_end_is_not_read(a: str, b: str) -> None:
    assert speaker_turned(a, b) is None
    assert speaker_turned(b, a) is None
