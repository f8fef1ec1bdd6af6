"""guard_negation: a "without X" in a reworded question whose other side names neither X
nor "with" is left to the verifier; an added "without" and "with" / "without" still
reject."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_negation


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Can you freeze bagels without them going stale?",
            "does freezing bagels keep them from getting hard",
        ),
        ("vim: leave and throw away my changes", "How do I quit vim without saving the file?"),
        (
            "Can I roast a chicken straight from the freezer?",
            "Can I cook a frozen chicken without thawing it first?",
        ),
        (
            "What's a gentle Spanish way to turn down a second helping?",
            "How do you decline more food in Spanish without sounding rude?",
        ),
    ],
)
def test_a_reworded_without_naming_nothing_on_the_other_side_is_left_alone(a: str, b: str) -> None:
    res = guard_negation(a, b)
    assert res.outcome == "neutral"
    assert "without" in res.detail
    assert guard_negation(b, a).outcome == "neutral"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the condition is added: most of the plain text is in the negated one
        ("How do I exit vim?", "How do I exit vim without saving?"),
        ("Can I freeze leftover risotto?", "Can I eat leftover risotto without reheating it?"),
        # the plain text names what "without" leaves out, or says "with"
        ("Which cheeses use animal rennet?", "Which cheeses are made without animal rennet?"),
        ("Can I return a gift with a gift receipt?", "Can I return a gift without a receipt?"),
        (
            "powering an ESP32 from 9V through a regulator, ok",
            "Can I power an ESP32 from a 9 volt battery without a regulator?",
        ),
        # another cue than "without" is not read so
        ("Which plants are toxic to cats?", "Which plants are not toxic to cats?"),
        ("list houseplants safe for cats", "Which houseplants are not toxic to cats?"),
    ],
)
def test_an_added_or_named_without_and_other_cues_still_reject(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome == "reject"
    assert guard_negation(b, a).outcome == "reject"
