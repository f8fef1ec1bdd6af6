"""focus(): a text that repeats the other's sentences after context is reduced to them."""

from __future__ import annotations

from nearcache.judge import guard_numbers, guard_time
from nearcache.judge.context import focus
from nearcache.judge.tokens import analyze

Q = "My sourdough starter smells like nail polish. Is it still safe to use?"


def test_context_around_repeated_sentences_is_dropped() -> None:
    long = f"I feed it 2 times a day and it is 3 weeks old. {Q}"
    fa, fb = focus(long, Q)
    assert analyze(fa).words == analyze(Q).words and fb == Q
    assert guard_numbers(long, Q).outcome == "reject"  # the guard alone sees the context
    assert guard_numbers(fa, fb).outcome != "reject"


def test_context_after_and_around() -> None:
    long = f"Quick question. {Q} I baked with it yesterday."
    fa, fb = focus(Q, long)
    assert fa == Q and guard_time(fa, fb).outcome != "reject"


def test_changed_sentence_is_not_focused() -> None:
    changed = "I feed it daily. My sourdough starter smells like vinegar. Is it still safe to use?"
    assert focus(changed, Q) == (changed, Q)
