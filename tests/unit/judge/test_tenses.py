"""tense / tense_changed / guard_antonyms: a question asked in the past against the future."""

from __future__ import annotations

import pytest

from nearcache.judge import DefaultJudge, guard_antonyms
from nearcache.judge.tenses import tense, tense_changed


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Did the ferry leave on time this morning?", "Will the ferry leave on time this morning?"),
        ("Was the museum crowded on Sunday?", "Will the museum be crowded on Sunday?"),
        ("Were the seedlings damaged by the hail?", "Will the seedlings be damaged by the hail?"),
        ("Didn't the landlord fix the boiler?", "Won't the landlord fix the boiler?"),
        ("Did my refund go through?", "I'll get my refund through, right?"),
        ("did the patch fix the lag in ranked matches", "shall the patch fix the lag in ranked"),
    ],
)
def test_past_against_future_rejects(a: str, b: str) -> None:
    assert tense_changed(a, b) is not None
    assert tense_changed(b, a) is not None
    assert guard_antonyms(a, b).outcome == "reject"
    assert "another time" in guard_antonyms(b, a).detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the present often stands for the future
        ("When does the harvest festival start?", "When will the harvest festival start?"),
        # both tenses in one text: no single time
        ("Will I get my deposit back if the lease was broken early?", "Did I get my deposit?"),
        # "will" as a noun
        ("Can I change my will after I remarry?", "Was my will valid after I remarried?"),
        ("Is a living will binding in Ohio?", "Was the contract binding in Ohio?"),
        # the same tense on both sides
        ("Did the shipment clear customs?", "did my shipment clear customs yet"),
        # quoted text is not read
        ('How do I say "it was raining" in Welsh?', 'How do I say "it will rain" in Welsh?'),
    ],
)
def test_no_single_other_tense_is_not_read(a: str, b: str) -> None:
    assert tense_changed(a, b) is None
    assert "another time" not in guard_antonyms(a, b).detail


def test_tense_of_one_text() -> None:
    assert tense("Will it freeze tonight?") == "future"
    assert tense("Did it freeze last night?") == "past"
    assert tense("Does it freeze at night?") is None
    assert tense("It'll freeze, won't it?") == "future"
    assert tense("") is None
    assert tense("Съест ли он?") is None


def test_the_judge_refuses_a_question_moved_to_the_future() -> None:
    verdict = DefaultJudge().judge(
        "Will the courier deliver before noon?", "Did the courier deliver before noon?", 0.95
    )
    assert not verdict.accept
    assert verdict.reason == "guard:antonyms"
