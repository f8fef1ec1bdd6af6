"""guard_negation: an act judged bad or barred ("Is it unsafe to ...", "a bad idea to ...",
"prohibited from ...") on one side, a permission asked or an approval on the other,
rejects; a way asked ("how can I"), a thing called dangerous, or two disapprovals do not.
"refuse to" an act the other text asks plainly rejects too."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_negation


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Is it unsafe to mix bleach and vinegar?",
            "Can I mix bleach and vinegar to clean the grout?",
        ),
        (
            "Is it a bad idea to run fsck on a mounted filesystem?",
            "Can I run fsck on a mounted filesystem?",
        ),
        (
            "Am I prohibited from flying a drone over a national park?",
            "Can I fly a drone over a national park?",
        ),
        (
            "9 hour layover in Doha -- can I leave the airport?",
            "Is it forbidden to leave the airport during a layover in Doha?",
        ),
        (
            "Is it possible to repot an orchid while it is flowering?",
            "Is it harmful to repot an orchid while it is flowering?",
        ),
    ],
)
def test_an_act_judged_bad_against_a_permission_rejects(a: str, b: str) -> None:
    res = guard_negation(a, b)
    assert res.outcome == "reject"
    assert "negated by a word" in res.detail
    assert guard_negation(b, a).outcome == "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("How can I reduce my tax bill?", "Is it illegal to reduce my tax bill by moving abroad?"),
        ("Are grapes dangerous for dogs?", "Can dogs eat grapes?"),
        (
            "Is it unsafe to mix bleach and vinegar?",
            "Is it dangerous to combine bleach with vinegar?",
        ),
    ],
)
def test_a_way_a_dangerous_thing_or_two_disapprovals_do_not(a: str, b: str) -> None:
    assert guard_negation(a, b).outcome != "reject"
    assert guard_negation(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Can the council refuse to collect my bins if the lid does not close?",
            "lid won't shut, will the council still collect the bins",
        ),
        (
            "Can my bank refuse to refund a card payment I did not authorise?",
            "unauthorised card payment: does the bank have to give a refund",
        ),
    ],
)
def test_refuse_to_with_a_negation_on_the_other_side_is_left_to_the_cues(a: str, b: str) -> None:
    assert "refuse to" not in guard_negation(a, b).detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Can the council refuse to collect my bins on a bank holiday?",
            "bank holiday week, when will the council collect the bins",
        ),
        (
            "May a pharmacist refuse to dispense the morning-after pill?",
            "can pharmacists dispense emergency contraception over the counter",
        ),
    ],
)
def test_refuse_to_against_the_act_asked_plainly_rejects(a: str, b: str) -> None:
    res = guard_negation(a, b)
    assert res.outcome == "reject"
    assert "refuse to" in res.detail
    assert guard_negation(b, a).outcome == "reject"
