"""A statement of context before the question is not the question: when the guards refuse
the whole texts and one side is "Statement. Question?" against one sentence, they read
its question alone (:func:`.context.asked_texts`)."""

from __future__ import annotations

import pytest

from nearcache.judge import DefaultJudge
from nearcache.judge.context import asked_texts
from nearcache.judge.judge import run_guards

HENS = (
    "We keep about forty hens in the orchard. When do chickens start laying again after the moult?"
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "I fitted the new boiler on Friday with my apprentice. "
            "Why does the condensate pipe freeze?",
            "condensing boiler drain pipe keeps icing up, what causes it",
        ),
        (
            "My lad has been riding it for two years. How do I stop a bike chain from squeaking?",
            "squeaky chain on a bicycle, what fixes it",
        ),
    ],
)
def test_a_figure_said_only_in_the_context_refuses_nothing(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        assert run_guards(x, y)[0] is None
        reason = DefaultJudge(floor=0.0).judge(x, y, 0.9).reason
        assert not (reason or "").startswith("guard:")


def test_the_question_alone_is_still_guarded() -> None:
    other = "after moulting how long till my hens lay eggs again, 3 weeks?"
    assert run_guards(HENS, other)[0] == "numbers"
    assert DefaultJudge(floor=0.0).judge(other, HENS, 0.9).reason == "guard:numbers"


@pytest.mark.parametrize(
    "text",
    [
        "We keep forty hens. Why do they lay fewer eggs? Is it the light?",  # two questions
        "We keep forty hens. Tell me why they lay fewer eggs",  # no question sentence
        "Can I give my hens St. John's wort in their water?",  # an abbreviation's period
    ],
)
def test_only_one_question_among_statements_is_read_alone(text: str) -> None:
    assert asked_texts(text, "why are my hens laying less") is None


def test_two_one_sentence_texts_are_not_reduced() -> None:
    assert asked_texts("why are my hens laying less", "hens laying fewer eggs why") is None
    assert asked_texts(HENS, "after moulting how long till my hens lay eggs again") == (
        "When do chickens start laying again after the moult ?",
        "after moulting how long till my hens lay eggs again",
    )


def test_a_query_cut_by_question_marks_has_no_context_to_drop() -> None:
    """ "squeaky bike chain?? fix" is two parts, neither a statement: the other side's
    context is still dropped; a side with a statement of its own is not reduced."""
    led = "My lad has been riding it for two years. How do I stop a bike chain from squeaking?"
    assert run_guards(led, "squeaky bike chain?? fix")[0] is None
    assert asked_texts("We ride daily. squeaky bike chain?? fix", led) is None
