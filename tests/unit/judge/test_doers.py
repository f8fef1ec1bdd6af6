"""role_changed / guard_entities: two "who" questions asking for different roles."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities
from nearcache.judge.doers import role_asked, role_changed


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Who composed the score of Interstellar?", "Who directed Interstellar?"),
        ("Who painted The Night Watch?", "Who owns The Night Watch today?"),
        ("Who originally recorded Respect?", "Who wrote the song Respect?"),
        ("Who is the lead singer of Coldplay?", "Who founded Coldplay?"),
        ("Who runs OpenStreetMap?", "Who invented OpenStreetMap?"),
        ("Who starred in Amelie?", "Who was the director of Amelie?"),
    ],
)
def test_different_roles_reject(a: str, b: str) -> None:
    assert role_changed(a, b) is not None
    assert role_changed(b, a) is not None
    assert guard_entities(a, b).outcome == "reject"
    assert "another person" in guard_entities(b, a).detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # One role in other words.
        ("Who wrote Dracula?", "Who is the author of Dracula?"),
        ("Who composed the Goldberg Variations?", "Who wrote the Goldberg Variations?"),
        ("Who founded Patagonia?", "Who is the founder of Patagonia?"),
        # A text naming both roles asks for both.
        ("Who wrote and sang Jolene?", "Who sang Jolene?"),
        # Verbs that name no role on their own.
        ("Who made the first synthesizer?", "Who invented the first synthesizer?"),
        # Nothing shared but the question.
        ("Who sang at the halftime show?", "Who wrote the constitution?"),
        # Not a "who" question on both sides.
        ("Who wrote Dracula?", "When was Dracula published?"),
    ],
)
def test_same_or_unread_roles_pass(a: str, b: str) -> None:
    assert role_changed(a, b) is None
    assert role_changed(b, a) is None


def test_role_asked_reads_the_word_after_who() -> None:
    assert role_asked("Who originally sang Jolene?")[0] == "sing"
    assert role_asked("Who's the lead singer of Coldplay?")[0] == "sing"
    assert role_asked("Who found my keys and wrote a note?")[0] is None
    assert role_asked("The singer who wrote it")[0] == "write"
