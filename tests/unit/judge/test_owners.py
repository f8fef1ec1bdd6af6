"""Whose thing: a term owned by one named party in one text and by another in the
other is a change of roles; an owner the other text does not name is not read."""

from __future__ import annotations

import pytest

from nearcache.judge.markers import marker_changed
from nearcache.judge.owners import owner_changed, speaker_changed
from nearcache.judge.tokens import analyze


@pytest.mark.parametrize(
    ("a", "b", "found"),
    [
        # the speaker's policy against the friend's, both parties in both texts
        (
            "Does my boat insurance cover a friend sailing my boat?",
            "Does my friend's boat insurance cover me sailing my friend's boat?",
            ("boat", "i", "friend"),
        ),
        # which variable's values win, the variables named in code in both texts
        (
            "In Python, does `x.update(y)` keep x's values for shared keys?",
            "In Python, does `x.update(y)` keep y's values for shared keys?",
            ("values", "x", "y"),
        ),
    ],
)
def test_a_term_owned_by_another_named_party_changes_roles(
    a: str, b: str, found: tuple[str, str, str]
) -> None:
    assert owner_changed(analyze(a), analyze(b)) == found
    assert marker_changed(a, b) == found


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the new owner is not named in the other text: another party or a paraphrase
        ("Can I bring my laptop to the exam?", "Can I bring my school's laptop to the exam?"),
        # a pronoun stands in for a party already named
        (
            "Was my grandfather's brother a witness at my grandfather's wedding?",
            "Was my grandfather's brother a witness at his wedding?",
        ),
        # the same owner in both texts
        ("Can my dog eat my cat's food?", "Can my dog eat the cat's food?"),
    ],
)
def test_owners_not_named_or_kept_are_not_read(a: str, b: str) -> None:
    assert owner_changed(analyze(a), analyze(b)) is None


@pytest.mark.parametrize(
    ("a", "b", "found"),
    [
        (
            "I'm hosting the dinner and one of my guests wants to bring wine. Is corkage owed?",
            "I'm a guest at the dinner and the host wants me to bring wine. Is corkage owed?",
            ("I", "hosting", "guest"),
        ),
        (
            "I'm coaching the team and one of my players wants to quit mid-season. Who tells"
            " the league?",
            "I'm a player on the team and the coach wants me to quit mid-season. Who tells"
            " the league?",
            ("I", "coaching", "player"),
        ),
    ],
)
def test_the_speaker_said_to_be_another_named_party_changes_roles(
    a: str, b: str, found: tuple[str, str, str]
) -> None:
    assert speaker_changed(analyze(a), analyze(b)) == found
    assert marker_changed(a, b) == found


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the other role is not named in the first text: another question, or reworded
        (
            "How much should I save if I'm a freelancer?",
            "How much should I save if I'm a salaried employee?",
        ),
        # a hyphenated role respelled
        ("Do I get holiday pay if I'm part-time?", "do i get holiday pay if i'm part time?"),
    ],
)
def test_speaker_roles_not_named_are_not_read(a: str, b: str) -> None:
    assert speaker_changed(analyze(a), analyze(b)) is None
