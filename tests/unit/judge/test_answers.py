"""answer_kind / kind_changed / guard_entities: questions asking for another kind of answer."""

from __future__ import annotations

import pytest

from nearcache.judge import DefaultJudge, guard_entities
from nearcache.judge.answers import answer_kind, kind_changed


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Where was the first Olympic marathon run?", "When was the first Olympic marathon run?"),
        ("Who designed the Eiffel Tower?", "When was the Eiffel Tower designed?"),
        ("Who repairs a leaking roof in a rented flat?", "How much does repairing a roof cost?"),
        ("Which city hosts the chess olympiad?", "When does the chess olympiad start?"),
        ("Rust: where is cargo's cache stored?", "Rust: why is cargo's cache so big?"),
        ("What year did the bridge open?", "Who paid for the bridge?"),
        ("How ofen should I mist orchids?", "Where should I hang my orchids?"),
    ],
)
def test_another_kind_of_answer_rejects(a: str, b: str) -> None:
    assert kind_changed(a, b) is not None
    assert kind_changed(b, a) is not None
    assert guard_entities(a, b).outcome == "reject"
    assert "another kind of answer" in guard_entities(b, a).detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # a time asked as a duration
        ("When will my parcel reach Leeds?", "How long does a parcel take to reach Leeds?"),
        ("when should i re-pot a cactus", "How often should I repot a cactus?"),
        # why / how is asks.py's
        ("Why does my kettle click?", "How do I descale a kettle?"),
        # "what" / "which" before another word, "how" before a degree
        ("What causes hiccups?", "Why do we get hiccups?"),
        ("How safe is it to swim after eating?", "When can I swim after eating?"),
        # the same kind, or a question word on one side only
        ("Who founded the guild?", "whose idea was the guild"),
        ("Where is the nearest depot?", "nearest depot location?"),
        # one text has the other's question word too
        ("Who won the 1999 final, and when?", "When was the 1999 final?"),
        # SQL keywords and quotes
        ("SELECT * WHERE id = 3 is slow, why?", "Why is my query slow?"),
        ('What does "where" mean in a SQL query?', "When is a SQL query slow?"),
    ],
)
def test_compatible_or_unread_kinds_are_not_read(a: str, b: str) -> None:
    assert kind_changed(a, b) is None
    assert "another kind of answer" not in guard_entities(a, b).detail


def test_answer_kind_of_one_text() -> None:
    assert answer_kind("Who invented radar?") == ("person", "who")
    assert answer_kind("Gardening: where do slugs hide by day?") == ("place", "where")
    assert answer_kind("which country makes the most tea") == ("place", "which")
    assert answer_kind("How many legs does a spider have?") == ("amount", "how")
    assert answer_kind("How do I graft an apple tree?") == ("way", "how")
    assert answer_kind("How come the sea is salty?") == ("cause", "how")
    assert answer_kind("How hard is Welsh to learn?") is None
    assert answer_kind("I wonder where it went") is None
    assert answer_kind("") is None


def test_the_judge_refuses_a_place_asked_as_a_time() -> None:
    verdict = DefaultJudge().judge(
        "Where did the treaty get signed?", "When did the treaty get signed?", 0.96
    )
    assert not verdict.accept
    assert verdict.reason == "guard:entities"
