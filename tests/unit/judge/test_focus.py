"""focus(): a text that repeats the other's sentences after context is reduced to them."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_numbers, guard_time
from nearcache.judge.context import focus, guard_texts
from nearcache.judge.judge import run_guards
from nearcache.judge.tokens import analyze

Q = "My sourdough starter smells like nail polish. Is it still safe to use?"


def test_context_around_repeated_sentences_is_dropped() -> None:
    long = f"I feed it 2 times a day and it is 3 weeks old. {Q}"
    fa, fb = focus(long, Q)
    assert analyze(fa).words == analyze(Q).words and fb == Q
    # the guard alone sees the context, and excuses it: only context is added before Q
    assert "context added" in guard_numbers(long, Q).detail
    assert guard_numbers(fa, fb).outcome != "reject"


def test_context_after_and_around() -> None:
    long = f"Quick question. {Q} I baked with it yesterday."
    fa, fb = focus(Q, long)
    assert fa == Q and guard_time(fa, fb).outcome != "reject"


def test_changed_sentence_is_not_focused() -> None:
    changed = "I feed it daily. My sourdough starter smells like vinegar. Is it still safe to use?"
    assert focus(changed, Q) == (changed, Q)


@pytest.mark.parametrize(
    ("a", "b", "read"),
    [
        (
            "rope up a team of thre for glacier travel",
            "rope up a team of three for glacier travel",
            True,
        ),
        (
            "is the minibar restocked daly at the ritz",
            "Is the minibar restocked daily at the Ritz?",
            True,
        ),
        # not in the same place, or more than one letter off: not read
        ("a team of thre for travel", "three of us travel as a team", False),
        ("a team of thr for travel", "a team of three for travel", False),
    ],
)
def test_a_short_misspelled_number_word_beside_the_same_words(a: str, b: str, read: bool) -> None:
    ma, mb = guard_texts(a, b)
    assert mb == b
    assert (ma != a) is read


def test_the_guards_read_a_mended_number_word() -> None:
    a, b = "a team of thre for glacier travel", "a team of three for glacier travel"
    assert guard_numbers(a, b).outcome == "reject"
    assert guard_numbers(*guard_texts(a, b)).outcome != "reject"
    assert run_guards(a, b)[0] is None


def test_context_written_into_the_other_texts_one_sentence_is_kept() -> None:
    a = "I'm moving house next month. How do I move my fish to the new tank?"
    b = "im moving house next month... how do i move my fish to the new tank"
    assert focus(a, b) == (a, b)
    assert guard_time(a, b).outcome != "reject"
    # context the other text does not say is still dropped
    c = "how do i move my fish to the new tank"
    assert focus(a, c)[0] == "How do I move my fish to the new tank ?"


def test_compatible_is_symmetric() -> None:
    a = "Is soda-lime glass compatible with borosilicate glass?"
    b = "Is borosilicate glass compatible with soda-lime glass?"
    assert run_guards(a, b)[0] is None


def test_a_sentence_end_inside_backticked_code_ends_no_sentence() -> None:
    a = "Does `let v = [0; 8];` make an array of eight zeros?"
    b = "Does `let v = Vec::with_capacity(8);` make an array of eight zeros?"
    assert {tok.sent for tok in analyze(a).tokens} == {0}
    assert {tok.sent for tok in analyze("Set x to 1; is y 2 then?").tokens} == {0, 1}
    assert focus(a, b) == (a, b)  # the whole question is compared, not "8]; ..."
    assert run_guards(a, b)[0] == "entities"


def test_a_question_of_function_words_is_a_sentence_too() -> None:
    # "Can I tell him?" has no content word: the other text still has two sentences, so
    # a context sentence only the longer text says is not dropped
    short = "A client's brother rang about her booking at our salon today. Can I tell him?"
    long = (
        "A client's brother rang about her booking at our salon today; she said in writing "
        "that he may know. Can I tell him?"
    )
    assert focus(long, short) == (long, short)
    assert focus(short, long) == (short, long)
