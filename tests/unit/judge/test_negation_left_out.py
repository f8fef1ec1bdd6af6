"""guard_negation: a "without X" on one side whose X the other text never names, where
the other text says two things or more of its own, is left to the verifier; a "with X" / "after
X" / "by X" on the other side, X named there, or a question that only adds the
condition still reject."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_negation


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Is it rude to leave a video call without saying anything?",
            "dropping out of a video call silently, is that impolite",
        ),
        (
            "Can I cook frozen salmon without thawing it first?",
            "baking salmon straight from frozen, is that possible",
        ),
        (
            "Is it safe to connect a 12V battery to an Arduino without a regulator?",
            "Can I use a 12V battery to power an Arduino directly?",
        ),
    ],
)
def test_a_left_out_thing_the_other_text_never_names_is_left_alone(a: str, b: str) -> None:
    res = guard_negation(a, b)
    assert res.outcome == "neutral"
    assert "without" in res.detail
    assert guard_negation(b, a).outcome == "neutral"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Can I park here without a permit?", "Can I park here with a permit?"),
        ("Can I park here without a permit?", "Can I park here after buying a permit?"),
        (
            "Can I add a battery without replacing the inverter?",
            "adding a battery by swapping the inverter",
        ),
        ("How do I close the editor?", "How do I close the editor without saving?"),
        ("Can I freeze leftover curry?", "Can I eat leftover curry without reheating it?"),
        (
            "Can I paint over wallpaper without stripping it first?",
            "painting over wallpaper once it has been stripped",
        ),
    ],
)
def test_the_thing_named_kept_or_only_added_still_rejects(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome == "reject"
    assert guard_negation(b, a).outcome == "reject"
