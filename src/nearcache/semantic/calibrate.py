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
from dataclasses import dataclass, field, replace
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
    ``score`` says what the threshold applies to: ``"similarity"`` (the cosine, or the
    cache's ``confidence_fn``) or ``"judge"`` (the judge's verdict score, to be used as
    the judge's ``accept_threshold``). ``namespaces`` holds one result per namespace when
    the pairs name their namespace (the top-level result covers all pairs).
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
    score: str = "similarity"
    namespaces: dict[str, Calibration] = field(default_factory=dict, repr=False)

    def apply(self, cache: Any, namespace: str | None = None) -> None:
        """Use the calibrated threshold in ``cache`` (raises if there is none).

        A similarity calibration sets the cache's ``similarity_threshold``; a judge
        calibration sets the ``accept_threshold`` of the cache's judge (a
        :class:`~nearcache.judge.DefaultJudge`, or any judge with that attribute; ``cache``
        may also be the judge itself). ``namespace`` picks that namespace's threshold.
        """
        result = self if namespace is None else self.namespaces.get(namespace)
        if result is None:
            raise InvalidInputError(f"no calibration for namespace {namespace!r}")
        if result.threshold is None:
            raise InvalidInputError("no threshold met the requested false-hit bound")
        if self.score == "judge":
            judge: Any = (
                cache if hasattr(cache, "accept_threshold") else getattr(cache, "judge", None)
            )
            if judge is None or not hasattr(judge, "accept_threshold"):
                raise InvalidInputError(
                    "this calibration is on judge scores and the judge has no "
                    "accept_threshold; build DefaultJudge(accept_threshold=...) instead"
                )
            judge.accept_threshold = max(0.0, min(1.0, result.threshold))
            return
        cache.set_similarity_threshold(max(-1.0, min(1.0, result.threshold)))


@dataclass(frozen=True)
class _Pair:
    """One labeled pair: its texts (or a ready score), its label and its namespace."""

    query: str | None
    cached: str | None
    score: float | None
    same: bool
    namespace: str | None


def _as_tuple(p: Any, scored: bool) -> tuple[Any, ...]:
    """A dict pair as a tuple: ``query``/``asked``, ``cached_query``/``stored``,
    ``same`` (or ``label == "hit"``), ``score``, ``namespace``."""
    if not isinstance(p, dict):
        return tuple(p)
    same = p["same"] if "same" in p else (p["label"] == "hit" if "label" in p else None)
    if scored:
        head: tuple[Any, ...] = (p.get("score"), same)
    else:
        head = (p.get("query", p.get("asked")), p.get("cached_query", p.get("stored")), same)
    return (*head, p["namespace"]) if p.get("namespace") is not None else head


def _parse(p: Any, scored: bool) -> _Pair:
    t = _as_tuple(p, scored)
    size = 2 if scored else 3
    if len(t) not in (size, size + 1):
        raise InvalidInputError(
            "without an embedder, pairs are (score, same: bool[, namespace])"
            if scored
            else "pairs are (query, cached_query, same: bool[, namespace])"
        )
    namespace = t[size] if len(t) > size else None
    if namespace is not None and not isinstance(namespace, str):
        raise InvalidInputError("a pair's namespace must be a str")
    if not isinstance(t[size - 1], bool):
        raise InvalidInputError("a pair's label (same answer) must be a bool")
    if scored:
        if isinstance(t[0], bool) or not isinstance(t[0], (int, float)):
            raise InvalidInputError("without an embedder, a pair's score must be a number")
        return _Pair(None, None, float(t[0]), t[1], namespace)
    if not isinstance(t[0], str) or not isinstance(t[1], str):
        raise InvalidInputError("pairs are (query, cached_query, same: bool[, namespace])")
    return _Pair(t[0], t[1], None, t[2], namespace)


def _pairs(labeled_pairs: Iterable[Any], scored: bool) -> list[_Pair]:
    out = [_parse(p, scored) for p in labeled_pairs]
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


def _judge_score(judge: Any, query: str, cached: str, sim: float) -> float:
    """The judge's score for a pair; 0 when it refuses outright (the floor, a guard, an
    error), since no accept threshold would ever serve that pair."""
    try:
        verdict = judge.judge(query, cached, sim)
    except Exception:  # a judge that raises rejects (fail closed), as in the cache
        return 0.0
    if verdict.accept or verdict.reason == "verifier":
        return max(0.0, min(1.0, float(verdict.score)))
    return 0.0


def _scores(source: Any, pairs: list[_Pair], judge: Any) -> list[float]:
    if source is None:
        return [float(p.score) for p in pairs]  # type: ignore[arg-type]
    core = getattr(source, "_core", source)
    cache_like = hasattr(core, "lookup_flow")
    embedder = core.embedder if cache_like else source
    settings = core.config if cache_like else None
    normalize = bool(getattr(settings, "normalize", True))
    confidence_fn = getattr(settings, "confidence_fn", None)
    texts = sorted({t for p in pairs for t in (p.query, p.cached) if t is not None})
    keyed = [normalize_text(t) if normalize else t for t in texts]
    mat = _embed(embedder, keyed)
    mat = mat / np.linalg.norm(mat, axis=1, keepdims=True)
    row = {t: i for i, t in enumerate(texts)}
    scores: list[float] = []
    for p in pairs:
        assert p.query is not None and p.cached is not None
        sim = float(np.clip(mat[row[p.query]] @ mat[row[p.cached]], -1.0, 1.0))
        if judge is not None:
            scores.append(_judge_score(judge, p.query, p.cached, sim))
            continue
        if confidence_fn is not None:
            hit = Hit(None, "semantic", sim, sim, p.cached, "", None, 0.0, None)
            sim = float(confidence_fn(p.query, hit))
        scores.append(sim)
    return scores


def _choose(
    scores: list[float], labels: list[bool], bound: float, confidence: float, score: str
) -> Calibration:
    """The lowest threshold whose Clopper-Pearson upper bound is within ``bound``."""
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
    # A judge scores refused pairs 0: a threshold of 0 would serve them, so it never counts.
    usable = [p for p in curve if score != "judge" or p.threshold > 0.0]
    chosen = next((p for p in usable if p.upper_bound <= bound), None)
    return Calibration(
        threshold=None if chosen is None else chosen.threshold,
        max_false_hit_rate=bound,
        confidence=confidence,
        false_hit_rate=None if chosen is None else chosen.false_hit_rate,
        upper_bound=None if chosen is None else chosen.upper_bound,
        precision=None if chosen is None else chosen.precision,
        recall=None if chosen is None else chosen.recall,
        pairs=len(scores),
        positives=positives,
        curve=curve,
        score=score,
    )


def _the_judge(source: Any, judge: Any) -> Any:
    """The judge to score with: the argument, else a cache's own judge, else None."""
    if judge is not None:
        if not callable(getattr(judge, "judge", None)):
            raise InvalidTypeError("judge must have judge(query, candidate_query, similarity)")
        return judge
    core = getattr(source, "_core", None)
    return getattr(getattr(core, "config", None), "judge", None)


def calibrate(
    cache_or_embedder: Any,
    labeled_pairs: Iterable[Any],
    *,
    max_false_hit_rate: float,
    confidence: float = 0.95,
    judge: Any = None,
) -> Calibration:
    """The lowest threshold whose false-hit rate is provably within a bound.

    Args:
        cache_or_embedder: a ``SemanticCache``/``AsyncSemanticCache`` (its embedder,
            normalization, ``confidence_fn`` and judge are used), an ``Embedder``, or None
            when the pairs already carry scores.
        labeled_pairs: ``(query, cached_query, same_answer)`` triples, or
            ``(score, same_answer)`` pairs with ``cache_or_embedder=None``; either may end
            with a namespace (``(query, cached_query, same, namespace)``), and dicts with
            keys ``query``/``asked``, ``cached_query``/``stored``, ``same`` (or ``label``),
            ``score`` and ``namespace`` are read too.
        max_false_hit_rate: the highest acceptable share of wrong hits, in (0, 1).
        confidence: one-sided confidence of the Clopper-Pearson bound, in (0, 1).
        judge: calibrate the whole judge instead of the similarity: each pair's score is
            the judge's verdict score (0 when the floor or a guard refuses it). A cache
            with a judge (``judge="default"``) is calibrated this way by default.

    Returns:
        A :class:`Calibration` with the threshold (or None), the precision/recall curve
        and, when pairs name namespaces, one result per namespace.
    """
    if not 0.0 < max_false_hit_rate < 1.0:
        raise InvalidInputError("max_false_hit_rate must be in (0, 1)")
    if not 0.0 < confidence < 1.0:
        raise InvalidInputError("confidence must be in (0, 1)")
    scored = cache_or_embedder is None
    pairs = _pairs(labeled_pairs, scored)
    the_judge = None if scored else _the_judge(cache_or_embedder, judge)
    scores = _scores(cache_or_embedder, pairs, the_judge)
    if not all(math.isfinite(s) for s in scores):
        raise InvalidInputError("every score must be finite")
    kind = "judge" if the_judge is not None else "similarity"
    labels = [p.same for p in pairs]
    overall = _choose(scores, labels, max_false_hit_rate, confidence, kind)
    names = sorted({p.namespace for p in pairs if p.namespace is not None})
    if not names:
        return overall
    per = {
        ns: _choose(
            [s for s, p in zip(scores, pairs) if p.namespace == ns],
            [p.same for p in pairs if p.namespace == ns],
            max_false_hit_rate,
            confidence,
            kind,
        )
        for ns in names
    }
    return replace(overall, namespaces=per)
