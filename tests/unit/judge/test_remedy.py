"""A failure reported to ask what to do is not the question of the normal course."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_negation
from nearcache.judge.remedy import remedy_asked
from nearcache.judge.tokens import analyze
from nearcache.judge.types import REJECT


@pytest.mark.parametrize(
    ("normal", "failed"),
    [
        (
            "how long does it take for a passport renewal to be posted back",
            "my renewed passport never arrived after eight weeks, what should I do",
        ),
        (
            "is the deposit returned automatically at the end of the tenancy",
            "landlord has not given back the deposit a month after we left, what are my options",
        ),
        (
            "how many days until exam results are released online",
            "exam marks didnt show up on the student portal, what now",
        ),
    ],
)
def test_a_failure_asked_a_remedy_for_is_refused(normal: str, failed: str) -> None:
    for a, b in ((normal, failed), (failed, normal)):
        res = guard_negation(a, b)
        assert res.outcome == REJECT, res
        assert "what to do" in res.detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # both report the trouble: the negation is said in words on the other side
        (
            "my refund never arrived, what should I do",
            "the refund is missing from my account weeks later, who do I contact",
        ),
        # both ask a remedy
        (
            "parcel marked delivered but nothing came, what do I do",
            "tracking says delivered yet the box is not at my door, what are my options",
        ),
        # the other side asks how to fix it
        (
            "my laptop will not join the wifi, what should I do",
            "how do I fix a laptop that cannot connect to the wireless",
        ),
    ],
)
def test_a_complaint_said_twice_is_not_refused_as_a_remedy(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        assert "what to do" not in guard_negation(x, y).detail


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("the visa letter never came, what should we do now", True),
        ("my grades are missing, who do I contact", True),
        ("the bank refused, what are my options", True),
        ("what now?", True),
        ("what do I need to bring to the appointment", False),
        ("who do I ask for a key", False),
        ("how long do I wait for the results", False),
    ],
)
def test_remedy_asked(text: str, asked: bool) -> None:
    assert remedy_asked(analyze(text)) is asked
