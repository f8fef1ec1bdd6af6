"""Whose thing: a term owned by one named party in one text and by another in the
other is a change of roles; an owner the other text does not name is not read."""

from __future__ import annotations

import pytest

from nearcache.judge.markers import marker_changed
from nearcache.judge.owners import owner_changed
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
