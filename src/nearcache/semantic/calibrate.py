"""Choosing a similarity threshold from labeled pairs, with a statistical guarantee.

Given pairs ``(query, cached_query, same_answer)``, every candidate threshold ``t``
turns the pairs scoring ``>= t`` into hits; the *false-hit rate* is the share of those
hits whose answer would be wrong. A low observed rate on a handful of hits proves
little, so each threshold is judged by the one-sided Clopper-Pearson upper bound of its
false-hit rate at the requested confidence, and :func:`calibrate` returns the lowest
threshold (the most hits) whose bound is within ``max_false_hit_rate``.

The bound needs a quantile of the Beta distribution. SciPy is not a dependency, so it is
computed here: the regularized incomplete beta function by its continued fraction
(evaluated with the modified Lentz method, using ``math.lgamma``) and the quantile by
bisection, which is slow but exact to ~1e-12 and only runs once per threshold.

>>> calibrate(None, [(0.95, True), (0.9, True), (0.4, False)], max_false_hit_rate=0.9).threshold
0.4
"""

from __future__ import annotations

import asyncio
import inspect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..codecs import as_matrix
from ..errors import InvalidInputError, InvalidTypeError
from ..keys import normalize_text
from .types import Hit

__all__ = [
    "Calibration",
    "CurvePoint",
    "beta_ppf",
    "betainc",
    "calibrate",
    "clopper_pearson_upper",
]

_TINY = 1e-300
_EPS = 1e-15


def _beta_fraction(x: float, a: float, b: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        for num in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + num / c
            c = c if abs(c) > _TINY else _TINY
            step = d * c
            h *= step
        if abs(step - 1.0) < _EPS:
            break
    return h


def betainc(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta function ``I_x(a, b)`` for ``a, b > 0``."""
    if not (a > 0 and b > 0):
        raise InvalidInputError("betainc needs a > 0 and b > 0")
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return min(1.0, max(0.0, front * _beta_fraction(x, a, b) / a))
    return min(1.0, max(0.0, 1.0 - front * _beta_fraction(1.0 - x, b, a) / b))


def beta_ppf(p: float, a: float, b: float) -> float:
    """Quantile of Beta(a, b): the ``x`` with ``I_x(a, b) = p`` (bisection)."""
    if not 0.0 <= p <= 1.0:
        raise InvalidInputError("p must be in [0, 1]")
    if p == 0.0:
        return 0.0
    if p == 1.0:
        return 1.0
    lo, hi = 0.0, 1.0
    for _ in range(1100):  # relative precision, so tiny quantiles are exact too
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:
            break
        if betainc(a, b, mid) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-15 * hi:
            break
    return 0.5 * (lo + hi)


def clopper_pearson_upper(failures: int, trials: int, confidence: float) -> float:
    """One-sided Clopper-Pearson upper bound of a rate seen ``failures/trials`` times."""
    if trials <= 0 or failures >= trials:
        return 1.0
    return beta_ppf(confidence, failures + 1, trials - failures)


@dataclass(frozen=True)
class CurvePoint:
    """What one threshold would do on the labeled pairs."""

    threshold: float
    hits: int
    false_hits: int
    precision: float
    recall: float
    false_hit_rate: float
    upper_bound: float


@dataclass(frozen=True)
class Calibration:
    """Result of :func:`calibrate`.

    ``threshold`` is None when no threshold meets the bound (collect more pairs, or
    accept a higher rate). ``curve`` holds every candidate threshold, ascending.
    """

    threshold: float | None
    max_false_hit_rate: float
    confidence: float
    false_hit_rate: float | None
    upper_bound: float | None
    precision: float | None
    recall: float | None
    pairs: int
    positives: int
    curve: list[CurvePoint] = field(repr=False)

    def apply(self, cache: Any) -> None:
        """Set the cache's threshold to the calibrated one (raises if there is none)."""
        if self.threshold is None:
            raise InvalidInputError("no threshold met the requested false-hit bound")
        cache.set_similarity_threshold(max(-1.0, min(1.0, self.threshold)))


def _pairs(labeled_pairs: Iterable[Any]) -> list[tuple[Any, ...]]:
    out = [tuple(p) for p in labeled_pairs]
    if not out:
        raise InvalidInputError("calibrate needs at least one labeled pair")
    return out


def _embed(embedder: Any, texts: Sequence[str]) -> np.ndarray[Any, Any]:
    raw = embedder.embed(list(texts))
    if inspect.isawaitable(raw):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            raw = asyncio.run(_await(raw))
        else:
            raise InvalidTypeError(
                "calibrate is synchronous; inside an event loop run it in a thread "
                "(await asyncio.to_thread(calibrate, ...))"
            )
    return as_matrix(raw, rows=len(texts), what="embedder output")


async def _await(aw: Any) -> Any:
    return await aw


def _scores(source: Any, pairs: list[tuple[Any, ...]]) -> tuple[list[float], list[bool]]:
    scores: list[float] = []
    if source is None:
        labels: list[bool] = []
        for p in pairs:
            if len(p) != 2 or not isinstance(p[1], bool):
                raise InvalidInputError("without an embedder, pairs are (score, same: bool)")
            scores.append(float(p[0]))
            labels.append(p[1])
        return scores, labels
    core = getattr(source, "_core", source)
    cache_like = hasattr(core, "lookup_flow")
    embedder = core.embedder if cache_like else source
    settings = core.config if cache_like else None
    normalize = bool(getattr(settings, "normalize", True))
    confidence_fn = getattr(settings, "confidence_fn", None)
    for p in pairs:
        if len(p) != 3 or not isinstance(p[0], str) or not isinstance(p[1], str):
            raise InvalidInputError("pairs are (query, cached_query, same: bool)")
        if not isinstance(p[2], bool):
            raise InvalidInputError("the third item of a pair must be a bool")
    texts = sorted({t for p in pairs for t in p[:2]})
    keyed = [normalize_text(t) if normalize else t for t in texts]
    mat = _embed(embedder, keyed)
    mat = mat / np.linalg.norm(mat, axis=1, keepdims=True)
    row = {t: i for i, t in enumerate(texts)}
    for query, cached, _same in pairs:
        sim = float(np.clip(mat[row[query]] @ mat[row[cached]], -1.0, 1.0))
        if confidence_fn is not None:
            hit = Hit(None, "semantic", sim, sim, cached, "", None, 0.0, None)
            sim = float(confidence_fn(query, hit))
        scores.append(sim)
    return scores, [bool(p[2]) for p in pairs]


def calibrate(
    cache_or_embedder: Any,
    labeled_pairs: Iterable[Any],
    *,
    max_false_hit_rate: float,
    confidence: float = 0.95,
) -> Calibration:
    """The lowest threshold whose false-hit rate is provably within a bound.

    Args:
        cache_or_embedder: a ``SemanticCache``/``AsyncSemanticCache`` (its embedder,
            normalization and ``confidence_fn`` are used), an ``Embedder``, or None when
            the pairs already carry scores.
        labeled_pairs: ``(query, cached_query, same_answer)`` triples, or
            ``(score, same_answer)`` pairs with ``cache_or_embedder=None``.
        max_false_hit_rate: the highest acceptable share of wrong hits, in (0, 1).
        confidence: one-sided confidence of the Clopper-Pearson bound, in (0, 1).

    Returns:
        A :class:`Calibration` with the threshold (or None) and the precision/recall curve.
    """
    if not 0.0 < max_false_hit_rate < 1.0:
        raise InvalidInputError("max_false_hit_rate must be in (0, 1)")
    if not 0.0 < confidence < 1.0:
        raise InvalidInputError("confidence must be in (0, 1)")
    pairs = _pairs(labeled_pairs)
    scores, labels = _scores(cache_or_embedder, pairs)
    if not all(math.isfinite(s) for s in scores):
        raise InvalidInputError("every score must be finite")
    positives = sum(labels)
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    curve: list[CurvePoint] = []
    hits = false_hits = 0
    i = 0
    while i < len(order):
        t = scores[order[i]]
        while i < len(order) and scores[order[i]] == t:  # every pair scoring >= t is a hit
            hits += 1
            false_hits += not labels[order[i]]
            i += 1
        true_hits = hits - false_hits
        curve.append(
            CurvePoint(
                threshold=t,
                hits=hits,
                false_hits=false_hits,
                precision=true_hits / hits,
                recall=true_hits / positives if positives else 0.0,
                false_hit_rate=false_hits / hits,
                upper_bound=clopper_pearson_upper(false_hits, hits, confidence),
            )
        )
    curve.reverse()
    chosen = next((p for p in curve if p.upper_bound <= max_false_hit_rate), None)
    return Calibration(
        threshold=None if chosen is None else chosen.threshold,
        max_false_hit_rate=max_false_hit_rate,
        confidence=confidence,
        false_hit_rate=None if chosen is None else chosen.false_hit_rate,
        upper_bound=None if chosen is None else chosen.upper_bound,
        precision=None if chosen is None else chosen.precision,
        recall=None if chosen is None else chosen.recall,
        pairs=len(pairs),
        positives=positives,
        curve=curve,
    )
