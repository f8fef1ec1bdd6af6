"""Choosing a similarity threshold from labeled pairs, with a statistical guarantee.

Given pairs ``(query, cached_query, same_answer)``, every candidate threshold ``t``
turns the pairs scoring ``>= t`` into hits; the *false-hit rate* is the share of those
hits whose answer would be wrong. A low observed rate on a handful of hits proves
little, so each threshold is judged by the one-sided Clopper-Pearson upper bound of its
false-hit rate at the requested confidence, and :func:`calibrate` returns the lowest
threshold (the most hits) whose bound is within ``max_false_hit_rate``.

The bound needs a quantile of the Beta distribution, computed without SciPy in
:mod:`.bounds` (re-exported here).

>>> calibrate(None, [(0.95, True), (0.9, True), (0.4, False)], max_false_hit_rate=0.9).threshold
0.4
"""

from __future__ import annotations

import asyncio
import inspect
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..codecs import as_matrix
from ..errors import InvalidInputError, InvalidTypeError
from ..keys import normalize_text
from .bounds import beta_ppf, betainc, clopper_pearson_upper
from .labeled import Pair, fitting, parse_pairs
from .types import Hit

__all__ = [
    "Calibration",
    "CurvePoint",
    "beta_ppf",
    "betainc",
    "calibrate",
    "clopper_pearson_upper",
]


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
    ``truncated`` counts the pairs left out because a text is longer than the embedder
    reads (a cache never serves a hit decided on such a vector); ``pairs`` are the rest.
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
    truncated: int = 0

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
            raise InvalidInputError(
                no_threshold(result.pairs, result.max_false_hit_rate, result.confidence)
            )
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


def no_threshold(pairs: int, max_false_hit_rate: float, confidence: float) -> str:
    """Why a calibration found no threshold, and how many pairs one takes: even with none
    of them wrong, fewer accepted pairs cannot bring the bound under the rate."""
    fewest = math.ceil(math.log1p(-confidence) / math.log1p(-max_false_hit_rate))
    return (
        f"no threshold keeps the false-hit rate under {max_false_hit_rate} with "
        f"{confidence} confidence on {pairs} pairs: that takes at least {fewest} pairs "
        f"above the threshold, none of them wrong; label more pairs or accept a higher rate"
    )


#: Texts embedded per embedder call (one progress step).
EMBED_BATCH = 64

#: ``progress(stage, done, total)``: ``"embedding"`` texts, then ``"scoring"`` pairs.
Progress = Callable[[str, int, int], None]


def _embed_all(embedder: Any, texts: list[str], progress: Progress | None) -> np.ndarray[Any, Any]:
    """Every text's vector, ``EMBED_BATCH`` texts per call (each call is a progress step)."""
    if progress is None:
        return _embed(embedder, texts)
    parts = []
    for start in range(0, len(texts), EMBED_BATCH):
        parts.append(_embed(embedder, texts[start : start + EMBED_BATCH]))
        progress("embedding", min(start + EMBED_BATCH, len(texts)), len(texts))
    return np.concatenate(parts) if parts else _embed(embedder, texts)


def _embed(embedder: Any, texts: Sequence[str]) -> np.ndarray[Any, Any]:
    raw = embedder.embed(list(texts))
    if inspect.isawaitable(raw):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            raw = asyncio.run(_await(raw))
        else:
            if inspect.iscoroutine(raw):
                raw.close()  # never awaited: close it rather than leave it to warn
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


def _scores(
    source: Any, pairs: list[Pair], judge: Any, progress: Progress | None = None
) -> list[float]:
    if source is None:
        return [float(p.score) for p in pairs]  # type: ignore[arg-type]
    if not pairs:
        return []
    core = getattr(source, "_core", source)
    cache_like = hasattr(core, "lookup_flow")
    embedder = core.embedder if cache_like else source
    settings = core.config if cache_like else None
    normalize = bool(getattr(settings, "normalize", True))
    confidence_fn = getattr(settings, "confidence_fn", None)
    texts = sorted({t for p in pairs for t in (p.query, p.cached) if t is not None})
    keyed = [normalize_text(t) if normalize else t for t in texts]
    mat = _embed_all(embedder, keyed, progress)
    mat = mat / np.linalg.norm(mat, axis=1, keepdims=True)
    row = {t: i for i, t in enumerate(texts)}
    scores: list[float] = []
    step = max(1, len(pairs) // 100)
    for p in pairs:
        if progress is not None and len(scores) % step == 0:
            progress("scoring", len(scores), len(pairs))
        assert p.query is not None and p.cached is not None
        sim = float(np.clip(mat[row[p.query]] @ mat[row[p.cached]], -1.0, 1.0))
        if judge is not None:
            scores.append(_judge_score(judge, p.query, p.cached, sim))
            continue
        if confidence_fn is not None:
            hit = Hit(None, "semantic", sim, sim, p.cached, "", None, 0.0, None)
            sim = float(confidence_fn(p.query, hit))
        scores.append(sim)
    if progress is not None:
        progress("scoring", len(scores), len(pairs))
    return scores


def _choose(
    scores: list[float],
    labels: list[bool],
    bound: float,
    confidence: float,
    score: str,
    truncated: int = 0,
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
        truncated=truncated,
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
    progress: Progress | None = None,
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
        progress: called as ``progress(stage, done, total)`` while the work goes on:
            ``"embedding"`` with the texts embedded so far (``EMBED_BATCH`` per embedder
            call), then ``"scoring"`` with the pairs scored (a hundred steps at most).

    A pair with a text longer than the embedder reads (its ``fits``) is left out and
    counted in ``truncated``: the cache would never serve a hit decided on its vector.

    Returns:
        A :class:`Calibration` with the threshold (or None), the precision/recall curve
        and, when pairs name namespaces, one result per namespace.
    """
    if not 0.0 < max_false_hit_rate < 1.0:
        raise InvalidInputError("max_false_hit_rate must be in (0, 1)")
    if not 0.0 < confidence < 1.0:
        raise InvalidInputError("confidence must be in (0, 1)")
    scored = cache_or_embedder is None
    pairs, cut = fitting(cache_or_embedder, parse_pairs(labeled_pairs, scored))
    the_judge = None if scored else _the_judge(cache_or_embedder, judge)
    scores = _scores(cache_or_embedder, pairs, the_judge, progress)
    if not all(math.isfinite(s) for s in scores):
        raise InvalidInputError("every score must be finite")
    kind = "judge" if the_judge is not None else "similarity"
    labels = [p.same for p in pairs]
    overall = _choose(scores, labels, max_false_hit_rate, confidence, kind, len(cut))
    names = sorted({p.namespace for p in pairs + cut if p.namespace is not None})
    if not names:
        return overall
    per = {
        ns: _choose(
            [s for s, p in zip(scores, pairs) if p.namespace == ns],
            [p.same for p in pairs if p.namespace == ns],
            max_false_hit_rate,
            confidence,
            kind,
            sum(p.namespace == ns for p in cut),
        )
        for ns in names
    }
    return replace(overall, namespaces=per)
