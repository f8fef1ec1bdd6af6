"""Where a role reading starts: a reduced relative is a passive, alternatives are compared
after a lead both texts share, and a symmetric word excuses an exchange only in the
exchange's own clause (cases written for this file, from no split)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.types import NEUTRAL, REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Which bridges in Paris were not designed by Eiffel?",
            "paris bridges not designed by eiffel?",
        ),
        (
            "Does the policy pay for a fire that was started by a tenant?",
            "policy pays for fire started by tenant?",
        ),
    ],
)
def test_a_reduced_relative_is_the_same_passive(a: str, b: str) -> None:
    assert guard_direction(a, b).outcome != REJECT
    assert guard_direction(b, a).outcome != REJECT


def test_a_passive_against_an_active_still_rejects() -> None:
    assert (
        guard_direction(
            "Can a landlord be sued by a tenant?", "Can a landlord sue a tenant?"
        ).outcome
        == REJECT
    )


def test_alternatives_after_a_shared_lead_in_another_order_keep_the_roles() -> None:
    a = "In a duet, does the singer follow the pianist or does the pianist follow the singer?"
    b = "In a duet, does the pianist follow the singer or does the singer follow the pianist?"
    assert guard_direction(a, b).outcome != REJECT
    assert guard_direction(b, a).outcome != REJECT


def test_alternatives_after_a_lead_that_changed_still_reject() -> None:
    a = "I'm a Dutch seller shipping to a Belgian buyer. Is VAT due in Belgium or in Holland?"
    b = "I'm a Belgian seller shipping to a Dutch buyer. Is VAT due in Belgium or in Holland?"
    assert guard_direction(a, b).outcome == REJECT


def test_a_symmetric_word_in_a_scene_setting_clause_excuses_no_exchange() -> None:
    a = "When two kayaks are not overlapped, must the kayak ahead give way to the kayak astern?"
    b = "When two kayaks are not overlapped, must the kayak astern give way to the kayak ahead?"
    assert guard_direction(a, b).outcome == REJECT
    assert guard_direction(b, a).outcome == REJECT


def test_a_symmetric_word_in_the_exchange_clause_still_excuses_it() -> None:
    a = "In France, how far is Lyon from Nice?"
    b = "In France, how far is Nice from Lyon?"
    assert guard_direction(a, b).outcome == NEUTRAL
