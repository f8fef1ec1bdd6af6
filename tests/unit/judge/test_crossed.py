"""The verifier's ``crossed`` feature: the shape of a role swap the guards let through."""

from __future__ import annotations

import pytest

from nearcache.judge.features import FEATURES, features
from nearcache.judge.judge import run_guards

_AT = FEATURES.index("crossed")


def _crossed(a: str, b: str) -> float:
    _, results = run_guards(a, b)
    return features(a, b, 0.9, results)[_AT]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Did Germany beat Brazil in the 2014 World Cup semi-final?",
            "Did Brazil beat Germany in the 2014 World Cup semi-final?",
        ),
        ("Is YAML a subset of JSON?", "Is JSON a subset of YAML?"),
        ("Can my parents claim me as a dependent?", "Can I claim my parents as dependents?"),
    ],
)
def test_the_same_words_with_terms_trading_places_are_crossed(a: str, b: str) -> None:
    assert _crossed(a, b) == 1.0 and _crossed(b, a) == 1.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the direction guard excuses the exchange: a symmetric word stands between
        ("How far is Berlin from Paris?", "How far is Paris from Berlin?"),
        # a fronted phrase: the order of three terms or more rotated
        (
            "In 2016, did the Marriott's purchase by Starwood happen?",
            "Did the Marriott's purchase by Starwood happen in 2016?",
        ),
        ("Fish fry, do cherry shrimp eat them?", "Do cherry shrimp eat fish fry?"),
        # a moved block
        (
            "From English to German, how would you translate the word gift?",
            "translate the word gift from English to German",
        ),
        # a word without a counterpart: a rewording, not the shape
        ("Did Germany beat Brazil in 2014?", "Did Brazil lose to Germany in 2014?"),
        # the same order
        ("Did Germany beat Brazil in 2014?", "did germany beat brazil in 2014"),
    ],
)
def test_other_reorders_are_not_crossed(a: str, b: str) -> None:
    assert _crossed(a, b) == 0.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # one side's alignment reads a crossing the other's does not: the feature must not
        # depend on which text is asked
        (
            "From my savings to my checking account, how do I move money?",
            "How do I transfer money from my savings account to my checking account?",
        ),
        (
            "Do I have to return a rental car with half a tank if I picked it up full?",
            "Do I have to return a rental car with a full tank if I picked it up half full?",
        ),
        (
            "Does the 3PL invoice us for storage, or do we invoice them?",
            "Do we invoice the 3PL for storage, or does the 3PL invoice us?",
        ),
    ],
)
def test_the_feature_reads_the_same_whichever_text_is_asked(a: str, b: str) -> None:
    assert _crossed(a, b) == _crossed(b, a)
