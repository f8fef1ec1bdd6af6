"""Verifier product terms ("interactions"): scored as written, stored as JSON, validated."""

from __future__ import annotations

import math
from typing import Any

import pytest

from nearcache.errors import InvalidInputError
from nearcache.judge import Verifier
from nearcache.judge.features import FEATURES, PAIRABLE

N = len(FEATURES)
PAIRS = [("cosine", "only_max"), ("identical", "inversions")]


def _verifier(pairs: list[tuple[str, str]] = PAIRS) -> Verifier:
    k = N + len(pairs)
    weights = [0.1 * ((i % 5) - 2) for i in range(k)]
    mean = [0.01 * i for i in range(k)]
    scale = [1.0 + 0.1 * (i % 3) for i in range(k)]
    return Verifier(weights, -0.3, mean, scale, FEATURES, {"l2": 1.0}, pairs)


def test_a_product_term_is_scored_as_the_standardized_logistic_of_the_product() -> None:
    v = _verifier()
    x = [0.05 * (i + 1) for i in range(N)]
    at = {n: i for i, n in enumerate(FEATURES)}
    inputs = x + [x[at[a]] * x[at[b]] for a, b in PAIRS]
    z = v.bias + sum(w * (u - m) / s for w, u, m, s in zip(v.weights, inputs, v.mean, v.scale))
    assert v.score(x) == pytest.approx(1.0 / (1.0 + math.exp(-z)), rel=1e-12)
    # the product term matters: zero its weight and the score moves
    flat = Verifier([*v.weights[:N], 0.0, 0.0], v.bias, v.mean, v.scale, FEATURES, None, PAIRS)
    assert flat.score(x) != pytest.approx(v.score(x))


def test_interactions_round_trip_through_json_and_a_plain_file_has_none() -> None:
    v = _verifier()
    data = v.to_json()
    assert data["interactions"] == [list(p) for p in PAIRS]
    again = Verifier.from_json(data)
    x = [0.3] * N
    assert again.interactions == tuple(PAIRS) and again.score(x) == v.score(x)
    plain = _verifier([])
    assert "interactions" not in plain.to_json() and plain.interactions == ()


@pytest.mark.parametrize(
    "pairs",
    [
        [("cosine", "no_such_feature")],  # an unknown name
        [("cosine", "only_max", "identical")],  # not a pair
        [["cosine"]],
    ],
)
def test_malformed_interactions_are_refused_with_a_clear_error(pairs: Any) -> None:
    data = _verifier().to_json()
    data["interactions"] = pairs
    with pytest.raises(InvalidInputError, match=r"interactions|weights"):
        Verifier.from_json(data)


def test_weights_must_cover_the_product_terms_too() -> None:
    v = _verifier()
    with pytest.raises(InvalidInputError, match=f"needs {N + 2} weights"):
        Verifier(v.weights[:N], v.bias, v.mean[:N], v.scale[:N], FEATURES, None, PAIRS)


def test_every_pairable_feature_is_a_feature() -> None:
    assert set(PAIRABLE) <= set(FEATURES) and len(set(PAIRABLE)) == len(PAIRABLE)
