"""An event noun with its agent after "by" read as a passive; a possessive before the
subject of a question's clause."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.nominals import nominal_passive
from nearcache.judge.tokens import analyze


def _read(text: str) -> tuple[str, str, str] | None:
    found = nominal_passive(text)
    if found is None:
        return None
    toks = analyze(text).tokens
    return toks[found[0]].low, toks[found[1]].low, toks[found[2]].low


def test_the_two_shapes_name_the_one_acted_on_and_the_agent() -> None:
    assert _read("When was LinkedIn's acquisition by Microsoft?") == (
        "linkedin's",
        "acquisition",
        "microsoft",
    )
    assert _read("the arrest of the mayor by the police") == ("mayor", "arrest", "police")
    # no event noun, a participle (a reduced relative), no "by": not read
    assert _read("the main theme of 1984 by George Orwell") is None
    assert _read("the company acquired by Google") is None
    assert _read("Microsoft's acquisition of LinkedIn") is None
    assert _read("") is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("When was LinkedIn's acquisition by Microsoft?", "When did LinkedIn acquire Microsoft?"),
        (
            "Why was the driver's suspension by the league overturned?",
            "Why did the driver suspend the league?",
        ),
        (
            "what was the reason for the arrest of the mayor by the police",
            "why did the mayor arrest the police",
        ),
        # a possessive before the subject: the owned noun is the subject, not a verb
        ("What did Newton's theory replace?", "What replaced Newton's theory?"),
        ("who taught the teacher of Aristotle", "who did Aristotle's teacher teach"),
        (
            "When the warehouse audited the insurer, were gaps found?",
            "Did the warehouse's audit by the insurer find gaps?",
        ),
    ],
)
def test_roles_turned_reject(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome == "reject", guard_direction(a, b)
    assert guard_direction(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("When was LinkedIn's acquisition by Microsoft?", "When did Microsoft acquire LinkedIn?"),
        (
            "When was LinkedIn's acquisition by Microsoft?",
            "When was Microsoft's acquisition of LinkedIn?",
        ),
        (
            "what was the reason for the arrest of the mayor by the police",
            "why did the police arrest the mayor",
        ),
        (
            "What is the main theme of George Orwell's 1984?",
            "What is the main theme of 1984 by George Orwell?",
        ),
        ("What did Newton's theory replace?", "Which theory did Newton's theory replace?"),
        ("who did Aristotle's teacher teach", "who was taught by the teacher of Aristotle"),
        # the event noun with "by" explains the terms' other order
        (
            "When the insurer audited the warehouse, were gaps found?",
            "Did the warehouse's audit by the insurer find gaps?",
        ),
    ],
)
def test_roles_kept_pass(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome != "reject", guard_direction(a, b)
    assert guard_direction(b, a).outcome != "reject"
