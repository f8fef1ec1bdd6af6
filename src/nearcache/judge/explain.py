"""``explain(stored, asked, embedder=...)``: the judge's decision on two texts, step by step.

Embeds both texts with the given embedder (the cache's), computes their cosine and runs
the judge's explaining path, so every step is listed: the floor, every guard (also those
that passed or stayed neutral), the verifier score and the threshold. Used by
``SemanticCache.explain`` and ``nearcache explain``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import InvalidTypeError
from .judge import CosineJudge, DefaultJudge
from .types import Judge, Step, Verdict

__all__ = ["explain", "similarity"]


def similarity(stored: str, asked: str, embedder: Any) -> float:
    """Cosine similarity of the two texts' embeddings (0.0 if either vector is zero)."""
    vecs = np.asarray(embedder.embed([asked, stored]), dtype=np.float64)
    if vecs.ndim != 2 or vecs.shape[0] != 2:
        raise InvalidTypeError("the embedder must return a (2, dim) array for two texts")
    norms = np.linalg.norm(vecs, axis=1)
    if not np.all(norms > 0) or not np.all(np.isfinite(vecs)):
        return 0.0
    return float(np.clip(vecs[0] @ vecs[1] / (norms[0] * norms[1]), -1.0, 1.0))


def explain(stored: str, asked: str, *, embedder: Any, judge: Judge | None = None) -> Verdict:
    """The verdict on serving ``stored``'s answer for ``asked``, with every step.

    Args:
        stored: the question already in the cache.
        asked: the new question.
        embedder: any object with ``embed(texts) -> (n, dim)`` (the cache's embedder).
        judge: the judge to explain (default: a :class:`DefaultJudge`). A judge with an
            ``explain`` method fills every step; another judge gets a "similarity" step
            in front of its own steps.
    """
    if not isinstance(stored, str) or not isinstance(asked, str):
        raise InvalidTypeError("stored and asked must be str")
    sim = similarity(stored, asked, embedder)
    j: Judge = judge if judge is not None else DefaultJudge()
    method = getattr(j, "explain", None)
    if isinstance(j, (DefaultJudge,)) and callable(method):
        verdict: Verdict = method(asked, stored, sim)
    else:
        verdict = j.judge(asked, stored, sim)
        if not isinstance(j, CosineJudge):
            first = Step("similarity", "neutral", f"cosine {sim:.3f}", sim)
            verdict = Verdict(
                verdict.accept, verdict.score, verdict.reason, (first, *verdict.steps)
            )
    return verdict
