"""guard_direction reads a swap again without an aside that names nothing of the other
text: a lead-in before a colon or a context sentence of its own."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_direction
from nearcache.judge.asides import without_asides


def _outcomes(a: str, b: str) -> tuple[str, str]:
    return guard_direction(a, b).outcome, guard_direction(b, a).outcome


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Can you tell me: can I use a single rope as a half rope?",
            "Can I use a half rope as a single rope?",
        ),
        (
            "Quick question, sorry if it's obvious: in Don Giovanni, "
            "does Don Giovanni still love Donna Elvira?",
            "In Don Giovanni, does Donna Elvira still love Don Giovanni?",
        ),
        (
            "I'm trying to understand this properly before a meeting tomorrow. "
            "Can I use a single rope as a half rope?",
            "Can I use a half rope as a single rope?",
        ),
    ],
)
def test_a_swap_behind_an_aside_is_refused(a: str, b: str) -> None:
    assert _outcomes(a, b) == ("reject", "reject")
    assert "without the aside" in guard_direction(a, b).detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Can you tell me: can I use a half rope as a single rope?",
            "Can I use a half rope as a single rope?",
        ),
        (
            "Been arguing about this with a friend all evening. "
            "Does Donna Elvira still love Don Giovanni?",
            "Does Donna Elvira still love Don Giovanni?",
        ),
    ],
)
def test_the_same_question_behind_an_aside_passes(a: str, b: str) -> None:
    assert "reject" not in _outcomes(a, b)


def test_an_aside_that_names_a_party_is_kept() -> None:
    # the lead-in names the rope: part of the question, not an aside
    assert without_asides("Half rope: can I use it as a single?", "Can I use a half rope?") is None
    # a sentence sharing a word with the other text stays
    assert without_asides("My cat has a cold. Can I catch it?", "Can I catch a cold?") is None


def test_code_colons_are_no_lead_in() -> None:
    assert without_asides("std::vector or std::list for a queue?", "Which is faster?") is None
    assert without_asides("Is 10:30 too late to call?", "Can I call late?") is None


def test_a_kept_sentence_is_cut_as_written() -> None:
    kept = without_asides(
        "I'm trying to understand this properly before a meeting tomorrow. "
        "Is the CEO normally the CFO's boss?",
        "Does the CFO usually report to the CEO?",
    )
    assert kept == (
        "Is the CEO normally the CFO's boss?",
        "Does the CFO usually report to the CEO?",
    )
