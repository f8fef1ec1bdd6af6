"""The verifier's ``apart`` feature: unshared content words, read under a low cosine."""

from __future__ import annotations

import pytest

from nearcache.judge.features import FEATURES, LOW_COSINE, features

_AT = FEATURES.index("apart")
_ONLY = FEATURES.index("only_frac_max")

# Two questions on one topic that share little: most content words have no counterpart.
OTHER = (
    "Does list.sort() return a new list in Python?",
    "How do I sort a dictionary by value in Python?",
)
# A heavy paraphrase: a low cosine too, but its content words meet.
REWORDED = ("How do I reverse a list in Python?", "how do i reverse a python list")


def test_unshared_words_under_a_low_cosine_are_read_in_proportion() -> None:
    x = features(*OTHER, 0.55, {})
    assert x[_ONLY] > 0.3
    assert x[_AT] == pytest.approx((LOW_COSINE - 0.55) * x[_ONLY])
    further = features(*OTHER, 0.45, {})
    assert further[_AT] > x[_AT]  # the lower the cosine, the more they weigh


def test_high_cosine_or_shared_words_read_nothing() -> None:
    assert features(*OTHER, LOW_COSINE + 0.05, {})[_AT] == 0.0
    assert features(*OTHER, LOW_COSINE, {})[_AT] == 0.0
    x = features(*REWORDED, 0.6, {})
    assert x[_ONLY] == 0.0
    assert x[_AT] == 0.0
