"""The learned verifier: a logistic regression over the pair features (and, optionally,
products of pairs of them).

Why a linear model: a few thousand labeled pairs train it, so a model with a few dozen
weights generalizes where a deeper one memorizes (gradient-boosted trees scored lower
with each author held out); it scores a pair in microseconds in plain Python (no NumPy
call overhead per candidate), and its weights are readable in ``data/verifier.json``: each
plain feature's keeps the sign its meaning gives. A product term ("interactions") lets the
score weigh two shape features jointly -- a high cosine means less when one side adds
words -- and is still a sum of weighted terms. The file is plain JSON (never pickle),
written by ``benchmarks/train_verifier.py``, which anyone can re-run: it is deterministic
and chooses the model by leave-one-split-out cross-validation (each split one author).

A cross-encoder would read the two questions jointly and could learn more, but none ships
inside a pip package under a permissive licence small enough to stay within the judge's
0.3 ms per lookup on a CPU; see docs/judge.md.
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import InvalidInputError
from .features import FEATURES

__all__ = ["Verifier", "default_verifier"]


class Verifier:
    """``score(x)``: the probability that a pair with features ``x`` asks the same thing.

    Args:
        weights: one weight per feature (standardized space).
        bias: the intercept.
        mean, scale: the standardization of each feature.
        features: the feature names, which must equal :data:`FEATURES`.
        meta: free-form provenance (data, seed, metrics), kept for ``explain``.
        interactions: pairs of feature names whose products are further inputs, after the
            features (their weights, means and scales follow the features').
    """

    def __init__(
        self,
        weights: Sequence[float],
        bias: float,
        mean: Sequence[float],
        scale: Sequence[float],
        features: Sequence[str] = FEATURES,
        meta: dict[str, Any] | None = None,
        interactions: Sequence[Sequence[str]] = (),
    ) -> None:
        if tuple(features) != FEATURES:
            raise InvalidInputError(
                "the verifier was trained on other features; re-run benchmarks/train_verifier.py"
            )
        pairs = tuple(tuple(p) for p in interactions)
        if not all(len(p) == 2 and set(p) <= set(FEATURES) for p in pairs):
            raise InvalidInputError("verifier interactions must be pairs of feature names")
        n = len(FEATURES) + len(pairs)
        if not (len(weights) == len(mean) == len(scale) == n):
            raise InvalidInputError(f"the verifier needs {n} weights, means and scales")
        values = [*weights, bias, *mean, *scale]
        if not all(math.isfinite(float(v)) for v in values):
            raise InvalidInputError("verifier weights must be finite")
        # Fold the standardization into the weights: score = sigmoid(w'x + b').
        self._w = [float(w) / (float(s) or 1.0) for w, s in zip(weights, scale)]
        self._b = float(bias) - sum(w * float(m) for w, m in zip(self._w, mean))
        at = {name: i for i, name in enumerate(FEATURES)}
        self._pairs = tuple((w, at[a], at[b]) for w, (a, b) in zip(self._w[len(FEATURES) :], pairs))
        del self._w[len(FEATURES) :]
        self.interactions: tuple[tuple[str, ...], ...] = pairs
        self.weights = tuple(float(w) for w in weights)
        self.bias = float(bias)
        self.mean = tuple(float(m) for m in mean)
        self.scale = tuple(float(s) for s in scale)
        self.meta = dict(meta or {})

    def score(self, x: Sequence[float]) -> float:
        """The probability in [0, 1] that the pair is the same question."""
        z = self._b + sum(map(operator.mul, self._w, x))  # the same sum, in the same order
        for w, i, j in self._pairs:  # product terms, if any (a plain loop is the fastest)
            z += w * x[i] * x[j]
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)

    def judge_score(self, x: Sequence[float], bare: Sequence[float] | None = None) -> float:
        """The judge's score of a pair from :func:`.judge.verifier_inputs`: the pair's, or
        the lower of it and the two questions' alone (``bare``) -- context that says none
        of their differences must not make them read alike."""
        score = self.score(x)
        return score if bare is None else min(score, self.score(bare))

    def to_json(self) -> dict[str, Any]:
        """The JSON form read by :meth:`from_json`."""
        out: dict[str, Any] = {
            "kind": "logistic",
            "features": list(FEATURES),
            "weights": list(self.weights),
            "bias": self.bias,
            "mean": list(self.mean),
            "scale": list(self.scale),
            "meta": self.meta,
        }
        if self.interactions:
            out["interactions"] = [list(p) for p in self.interactions]
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Verifier:
        """Build a verifier from :meth:`to_json` output (raises InvalidInputError if malformed)."""
        if not isinstance(data, dict) or data.get("kind") != "logistic":
            raise InvalidInputError("not a logistic verifier file")
        try:
            return cls(
                data["weights"],
                data["bias"],
                data["mean"],
                data["scale"],
                data["features"],
                data.get("meta"),
                data.get("interactions", ()),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInputError(f"malformed verifier file: {exc}") from None

    @classmethod
    def load(cls, path: str | Path) -> Verifier:
        """Read a verifier JSON file."""
        return cls.from_json(json.loads(Path(path).read_text("utf-8")))


@lru_cache(maxsize=1)
def default_verifier() -> Verifier:
    """The verifier shipped in ``data/verifier.json``."""
    text = resources.files(__package__).joinpath("data").joinpath("verifier.json")
    return Verifier.from_json(json.loads(text.read_text("utf-8")))
