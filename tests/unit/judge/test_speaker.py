"""Who the speaker is: the speaker said to be one named party in one text and another
in the other is a change of roles; a role the other text does not name is not read."""

from __future__ import annotations

import pytest

from nearcache.judge.markers import marker_changed
from nearcache.judge.speaker import speaker_changed
from nearcache.judge.tokens import analyze


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
