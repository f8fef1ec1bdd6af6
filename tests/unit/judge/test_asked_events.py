"""Words that only ask when or what happened carry no topic: "date of X" / "when did X",
"events of <day>" / "what happened on <day>"; the same words with a topic of their own
stay content words."""

from __future__ import annotations

import pytest

from nearcache.judge.align import align
from nearcache.judge.tokens import analyze


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("date of the first moon landing", "When was the first moon landing?"),
        ("halley's comet next return date?", "when does halley's comet return next"),
        ("what happened in Paris on 14 July 1789", "events in Paris on 14 July 1789"),
        ("what took place at Yalta in 1945", "What happened at Yalta in 1945?"),
        ("Which day is the harvest festival in 2027?", "when is the harvest festival in 2027"),
    ],
)
def test_asking_words_leave_nothing_over(a: str, b: str) -> None:
    al = align(a, b)
    assert not al.only_a and not al.only_b, (al.only_a, al.only_b)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("python: how do I add 30 days to a date", "dat"),  # a question word: a value
        ("what happened to the drivers after the merger", "happen"),  # to a thing
        ("what day of the week was 4 July 1776", "week"),
        ("an event planner for weddings", "event"),  # not opening "events of"
        ("where does the race take its name from", "tak"),  # no "take place"
    ],
)
def test_the_same_words_with_a_topic_stay_content(text: str, word: str) -> None:
    assert any(c.startswith(word) for c in analyze(text).content), analyze(text).content


def test_what_day_of_the_week_keeps_day() -> None:
    assert any(c.startswith("day") for c in analyze("what day of the week is it").content)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("does the deposit go to the landlord or the agency", "deposit -> landlord or agency?"),
        ("does the invoice copy go into the archive", "invoice copy into the archive?"),
    ],
)
def test_go_before_where_to_is_the_arrow(a: str, b: str) -> None:
    al = align(a, b)
    assert not al.only_a and not al.only_b, (al.only_a, al.only_b)


@pytest.mark.parametrize(
    "text",
    [
        "does the price go up after launch",  # how it moves: kept
        "how do I write a Go function that returns an error",  # the language
        "let it go off at noon",
    ],
)
def test_go_saying_how_or_naming_a_language_stays(text: str) -> None:
    assert any(c.startswith("go") for c in analyze(text).content), analyze(text).content


def test_direction_of_go_still_refused() -> None:
    from nearcache.judge import guard_direction

    a = "does the payment go from the buyer to the seller"
    b = "does the payment go from the seller to the buyer"
    assert guard_direction(a, b).outcome == "reject"
