"""voice.clause_voice_turned: two parties kept in order around a verb whose voice turned
("X needs Y" / "X is needed by Y") changed who acts (cases written for this file, from no
split)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.voice import clause_voice_turned


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Does the Pillow package need libjpeg to open JPEG files?",
            "Is the Pillow package needed by libjpeg to open JPEG files?",
        ),
        (
            "Does a hydraulic elevator use a counterweight?",
            "Is a hydraulic elevator used by a counterweight?",
        ),
        ("Did the referee warn the captain?", "Was the referee warned by the captain?"),
        ("Does the zone controller tell the robots?", "Is the zone controller told by the robots?"),
        ("Does the hotel pay the travel agent?", "Is the hotel paid by the travel agent?"),
        (
            "Can the landlord sue the tenant for the repairs?",
            "Can the landlord be sued by the tenant for the repairs?",
        ),
        ("the scheduler calls the worker pool", "the scheduler is called by the worker pool"),
    ],
)
def test_voice_turned_with_the_order_kept_rejects(a: str, b: str) -> None:
    assert clause_voice_turned(a, b) is not None
    assert clause_voice_turned(b, a) is not None
    assert guard_direction(a, b).outcome == "reject"
    assert guard_direction(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # order and voice both turned: the same statement
        ("Does the Pillow package need libjpeg?", "Is libjpeg needed by the Pillow package?"),
        ("Did the referee warn the captain?", "Was the captain warned by the referee?"),
        # both voices, the same doer: a passive with no turn of roles
        ("Is the file deleted by git clean?", "Does git clean delete the file?"),
        # passive in both
        ("Is the hotel paid by the travel agent?", "Does the hotel get paid by the travel agent?"),
        # no agent after the participle
        ("Does the hotel pay the agent?", "Is the hotel paid on arrival?"),
    ],
)
def test_same_roles_are_not_read_as_turned(a: str, b: str) -> None:
    assert clause_voice_turned(a, b) is None
    assert clause_voice_turned(b, a) is None


def test_a_text_telling_both_voices_is_not_read() -> None:
    both = "Does the hotel pay the agent, or is the hotel paid by the agent?"
    assert clause_voice_turned(both, "Does the hotel pay the agent?") is None


def test_a_question_asking_both_ways_is_not_read() -> None:
    a = "Does the warranty protect the insurer, or does the insurer protect the warranty?"
    b = "Is the insurer protected by the warranty, or is it the other way round?"
    assert clause_voice_turned(a, b) is None
    assert clause_voice_turned(b, a) is None


def test_a_symmetric_verb_is_not_read() -> None:
    a, b = "Does Austria border Hungary?", "Is Austria bordered by Hungary?"
    assert clause_voice_turned(a, b) is None
