"""During an event against after it is another question (the time guard)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_time
from nearcache.judge.phases import phase_changed
from nearcache.judge.types import REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Should I run the dust collector while cutting MDF on the CNC?",
            "After the CNC has finished cutting MDF, do I keep the dust collector running?",
        ),
        (
            "Can I have teeth whitening while I'm wearing a fixed brace?",
            "Can I have teeth whitening a month after my fixed brace comes off?",
        ),
        (
            "Can I donate blood after taking antibiotics?",
            "Can I donate blood while taking antibiotics?",
        ),
    ],
)
def test_during_against_after_rejects(a: str, b: str) -> None:
    assert phase_changed(a, b) is not None
    assert guard_time(a, b).outcome == REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Can I eat while taking antibiotics?", "Is eating during a course of antibiotics ok?"),
        ("Can I swim after eating?", "Is swimming right after a meal after eating ok?"),
        (
            "Should I stretch during or after a run?",
            "Is it better to stretch while running or after running?",
        ),
        ("Can I use the fixed brace once the glue sets?", "How long before the brace glue sets?"),
    ],
)
def test_the_same_phase_or_both_phases_pass(a: str, b: str) -> None:
    assert phase_changed(a, b) is None
