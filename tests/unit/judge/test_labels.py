"""Recall: a noun that only says what kind of thing a name is ("the SYN message", "a 404
error", "the -v flag", "the year 1815"), on one side only and right beside a word both
texts share, a number or code, is not an extra word; beside nothing shared, or against
another extra word, it still counts. "take" after "it" ("how long does it take to") is no
content word either."""

from __future__ import annotations

import pytest

from nearcache.judge.align import align


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("what does a 404 not found error mean", "what does 404 not found mean"),
        ("what happened at Waterloo in the year 1815", "what happened at Waterloo in 1815"),
        ("what does the `-v` flag do in grep", "what does `-v` do in grep"),
        ("who sends the SYN message first", "who sends SYN first"),
        ("is the Team plan billed per seat", "is Team billed per seat"),
        ("is a Vienna flight cheaper on Tuesdays", "is Vienna cheaper on Tuesdays"),
    ],
)
def test_kind_nouns_beside_a_shared_word(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        al = align(x, y)
        assert al.only_a == () and al.only_b == (), (al.only_a, al.only_b)


@pytest.mark.parametrize(
    ("a", "b", "left"),
    [
        # the other text has an extra word of its own: a substitution, not a label
        ("what does a 404 error mean", "what does a 404 redirect mean", "error"),
        # beside nothing the other text has
        ("which error did the build log show", "what did the build log show", "error"),
        # not a kind noun
        ("how do I install a Python package", "how do I install Python", "packag"),
    ],
)
def test_other_extra_words_still_count(a: str, b: str, left: str) -> None:
    assert left in align(a, b).only_a


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("how long does it take to boil a lobster", "how long to boil a lobster"),
        ("how many hours would it take to drive to Quebec", "how many hours to drive to Quebec"),
    ],
)
def test_it_take_is_no_content_word(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        al = align(x, y)
        assert al.only_a == () and al.only_b == (), (al.only_a, al.only_b)


def test_take_as_an_action_stays() -> None:
    assert "tak" in align("should I take ibuprofen before a run", "ibuprofen before a run").only_a


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "is a zero hours contract worker entitled to sick pay",
            "zero hours contract sick pay entitled?",
        ),
        (
            "employee referral bonus paid to referrer or new hire",
            "referral bonus paid to referrer or new hire",
        ),
    ],
)
def test_a_generic_person_beside_a_shared_word_is_no_extra(a: str, b: str) -> None:
    al = align(a, b)
    assert al.only_a == al.only_b == ()


def test_a_person_noun_against_another_word_stays() -> None:
    al = align(
        "employee referral bonus paid to referrer", "employer referral bonus paid to referrer"
    )
    assert al.only_a and al.only_b


def test_a_word_whose_stem_differs_is_no_function_word() -> None:
    # "employee" stems to "employ": it is still a content word, so "employer" on the
    # other side is no misspelling of a function word and stays left over
    al = align("employee discount on laptops", "employer discount on laptops")
    assert al.only_a == ("employ",) and al.only_b == ("employer",)
