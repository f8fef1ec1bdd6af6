"""A unit written with colons in it ("12 month::s ago") must not break the judge: the
time reader split its mark on ":" into more parts than it unpacks (cases written for
this file)."""

from __future__ import annotations

from nearcache.judge import DefaultJudge

ASKED = "got a transfusion 12 month::s ago, am i allowed to give blood now"
STORED = "got a transfusion 12 months ago, am i allowed to give blood now"


def test_a_unit_with_colons_is_judged() -> None:
    judge = DefaultJudge()
    assert judge.judge(ASKED, STORED, 0.95).reason != "error"
    assert judge.judge(STORED, ASKED, 0.95).reason != "error"
