"""Recall: synonym groups of comparatives ("quicker" / "faster", which the stemmer keeps
apart) and of everyday words pair in the alignment; opposites never do, and the guards
still refuse them."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_antonyms
from nearcache.judge.align import align
from nearcache.judge.lexicon import lexicon
from nearcache.judge.tokens import stem


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("is a bike quicker than the bus across town", "is a bike faster than the bus across town"),
        ("fastest way to thaw frozen shrimp", "quickest way to thaw frozen shrimp"),
        ("warranty lasts 3 yrs", "warranty lasts 3 years"),
        ("is an oral promise enforceable", "is a verbal promise enforceable"),
        ("the gym billed me after I cancelled", "the gym charged me after I cancelled"),
        ("how many hours of sunlight do peppers need", "how many hours of sun do peppers need"),
        (
            "my baggage was lost on a connecting flight",
            "my luggage was lost on a connecting flight",
        ),
        ("can I break a lease contract early", "can I break a lease agreement early"),
    ],
)
def test_synonyms_pair(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        al = align(x, y)
        assert al.only_a == () and al.only_b == (), (al.only_a, al.only_b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("is a bike quicker than the bus", "is a bike slower than the bus"),
        ("is the quickest lane on the left", "is the slowest lane on the left"),
    ],
)
def test_opposites_of_the_new_words_still_refused(a: str, b: str) -> None:
    assert guard_antonyms(a, b).outcome == "reject"
    assert align(a, b).only_a != ()  # the two words never pair


def test_comparative_and_plain_stay_apart() -> None:
    lex = lexicon()
    assert lex.synonyms(stem("quicker"), stem("faster"))
    assert not lex.synonyms(stem("quick"), stem("faster"))  # another degree
    assert not lex.synonyms(stem("quickest"), stem("faster"))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("can a joint acct be frozen", "can a joint account be frozen"),
        ("restart the auth svc after a deploy", "restart the auth service after a deploy"),
        ("which pkg provides libssl on alpine", "which package provides libssl on alpine"),
        ("minimum order qty for custom mugs", "minimum order quantity for custom mugs"),
        ("the boss fight at lvl 12", "the boss fight at level 12"),
        ("copy from src to dst with rsync", "copy from source to destination with rsync"),
    ],
)
def test_shortened_words_pair(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        al = align(x, y)
        assert al.only_a == () and al.only_b == (), (al.only_a, al.only_b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("can I eat eggless brownie batter", "can I eat brownie batter without eggs"),  # a start
        ("is the acct open", "is the act open"),  # fewer letters in the long word
        ("which pkg provides libssl", "which pig provides libssl"),  # a vowel: no shortening
        ("does css support nesting", "do classes support nesting"),  # a known name
    ],
)
def test_other_words_are_no_shortening(a: str, b: str) -> None:
    al = align(a, b)
    assert al.only_a != () and al.only_b != (), (al.only_a, al.only_b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("was the castle built earlier than the bridge", "was the castle built before the bridge"),
        ("does the ferry leave later than the train", "does the ferry leave after the train"),
        ("does my spouse inherit the house", "does my wife inherit the house"),
        ("does my spouse inherit the house", "does my husband inherit the house"),
        ("can my boss read my work email", "can my employer read my work email"),
    ],
)
def test_everyday_synonyms_pair(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        al = align(x, y)
        assert al.only_a == () and al.only_b == (), (al.only_a, al.only_b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("was the castle built before the bridge", "was the castle built after the bridge"),
        ("does my husband inherit the house", "does my wife inherit the house"),
        (
            "was the castle built earlier than the bridge",
            "was the castle built later than the bridge",
        ),
    ],
)
def test_their_opposites_stay_apart(a: str, b: str) -> None:
    al = align(a, b)
    assert al.only_a and al.only_b
