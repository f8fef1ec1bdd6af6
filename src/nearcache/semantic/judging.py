"""How the semantic cache uses a judge (:mod:`nearcache.judge`) on its candidates.

``judge="default"`` builds a :class:`~nearcache.judge.DefaultJudge` whose floor is the
cache's ``similarity_threshold`` (default: the judge's measured floor) and whose accept
threshold comes from the shipped calibration, or from ``max_false_hit_rate``;
``judge=None`` keeps cosine alone (the behaviour before the judge existed); any object
with ``judge(query, candidate_query, similarity) -> Verdict`` is used as given.

A judge that raises rejects the candidate (fail closed): the error is logged and counted,
and the lookup goes on with the other candidates.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

from ..embedders.protocol import text_fits
from ..errors import InvalidInputError, InvalidTypeError
from ..judge import CosineJudge, DefaultJudge, Judge, Step, Verdict
from ..judge.types import Outcome
from ..keys import normalize_text

__all__ = [
    "COSINE_THRESHOLD",
    "build_judge",
    "default_floor",
    "explain_steps",
    "judge_candidate",
    "miss_reason",
    "stored_cut",
    "window_refusal",
    "with_feedback",
]

log = logging.getLogger("nearcache.semantic")

#: The similarity threshold without a judge (cosine alone), as before the judge existed.
COSINE_THRESHOLD = 0.85


def default_floor(judge: object) -> float:
    """The cache's default ``similarity_threshold`` for ``judge`` (its ``floor`` if it has
    one, else the cosine-only threshold)."""
    if judge == "default":
        return float(DefaultJudge.floor)
    floor = getattr(judge, "floor", None)
    if isinstance(floor, (int, float)) and not isinstance(floor, bool):
        return float(floor)
    return COSINE_THRESHOLD


def build_judge(spec: object, floor: float, max_false_hit_rate: float | None) -> Judge | None:
    """The judge object for the cache's ``judge=`` argument (None = cosine alone)."""
    if spec is None:
        if max_false_hit_rate is not None:
            raise InvalidInputError(
                "max_false_hit_rate needs a judge; use judge='default' (or calibrate() the "
                "similarity threshold for cosine alone)"
            )
        return None
    if spec == "default":
        return DefaultJudge(floor=floor, max_false_hit_rate=max_false_hit_rate)
    if isinstance(spec, str) or not callable(getattr(spec, "judge", None)):
        raise InvalidTypeError(
            "judge must be 'default', None or an object with "
            "judge(query, candidate_query, similarity) -> Verdict"
        )
    if max_false_hit_rate is not None:
        raise InvalidInputError("max_false_hit_rate applies to judge='default' only")
    return spec  # type: ignore[return-value]


def judge_candidate(
    judge: Judge, query: str, candidate: str, similarity: float, *, blame: bool = True
) -> Verdict:
    """``judge.judge(...)``, failing closed: an exception or a malformed answer rejects.

    With ``blame=False`` (nobody reads this candidate's refusal reason) a judge that offers
    ``judge_quick`` (same decision, any refusing guard named) is asked that instead."""
    quick = None if blame else getattr(judge, "judge_quick", None)
    try:
        verdict = (quick if callable(quick) else judge.judge)(query, candidate, similarity)
    except Exception:
        log.exception("the judge raised; the candidate is rejected")
        return Verdict(False, 0.0, "judge_error")
    if not isinstance(verdict, Verdict):
        log.error("the judge returned %r, not a Verdict; the candidate is rejected", verdict)
        return Verdict(False, 0.0, "judge_error")
    return verdict


def miss_reason(verdict: Verdict) -> str:
    """The miss reason a rejecting verdict stands for (``guard:<name>``, ``verifier``,
    ``below_threshold`` for the floor, ``judge_error`` for a failing judge)."""
    reason = verdict.reason or "judge"
    if reason == "floor":
        return "below_threshold"
    if reason == "error":
        return "judge_error"
    return reason


def explain_steps(
    judge: Judge | None, floor: float, query: str, candidate: str, similarity: float
) -> Verdict:
    """Every step of the decision on one pair, as the cache makes it."""
    j: Any = judge if judge is not None else CosineJudge(floor)
    floor_ok = similarity >= floor
    cache_floor = Step(
        "floor",
        "pass" if floor_ok else "reject",
        f"cosine {similarity:.3f} {'>=' if floor_ok else '<'} similarity_threshold {floor:.3f}",
        similarity,
    )
    method = getattr(j, "explain", None)
    try:
        verdict = method(query, candidate, similarity) if callable(method) else None
        if not isinstance(verdict, Verdict):
            verdict = judge_candidate(j, query, candidate, similarity)
    except Exception:
        log.exception("the judge raised while explaining")
        verdict = Verdict(False, 0.0, "judge_error", (Step("judge", "reject", "it raised"),))
    steps = tuple(s for s in verdict.steps if s.name != "floor")
    if not floor_ok:
        return Verdict(False, 0.0, "floor", (cache_floor, *steps))
    return Verdict(verdict.accept, verdict.score, verdict.reason, (cache_floor, *steps))


def window_refusal(embedder: object, stored: str, asked: str) -> Verdict | None:
    """The refusal ``explain`` gives when either text is longer than the embedder reads
    (its vector ignores the tail, so cosine cannot tell the two apart), else None."""
    cut = [
        name
        for name, text in (("stored", stored), ("asked", asked))
        if not text_fits(embedder, text)
    ]
    if not cut:
        return None
    detail = f"{' and '.join(cut)} text longer than the embedder's window: semantic miss"
    return Verdict(False, 0.0, "truncated", (Step("window", "reject", detail),))


def stored_cut(fits: Callable[[str], bool], query: str, normalize: bool) -> str | None:
    """Why a stored question cannot be served semantically for its window, or None: its
    key text (the text its vector was made from) is longer than the embedder reads
    (``"truncated"``), or ``fits`` raised on it (``"embedder_error"``: refused, as a
    judge that raises refuses). Normalizing an ASCII text only takes whitespace away,
    so its raw form answers first; NFKC may lengthen other text, so that is normalized."""
    try:
        if not normalize:
            whole = bool(fits(query))
        elif query.isascii():  # normal already (the same object back): asked once
            whole = bool(fits(query)) or (
                (key := normalize_text(query)) is not query and bool(fits(key))
            )
        else:
            whole = bool(fits(normalize_text(query)))
    except Exception as exc:
        log.warning("the embedder's fits raised on a stored question, not served: %r", exc)
        return "embedder_error"
    return None if whole else "truncated"


def with_feedback(verdict: Verdict, threshold: float, floor: float | None) -> Verdict:
    """``verdict`` with the step feedback adds in a namespace (what ``lookup`` applies to a
    candidate the judge accepts): the namespace's threshold raised by feedback, and the
    stored entry's feedback floor (``floor``; None: the question is not stored there)."""
    if not verdict.accept:
        return verdict
    score, entry = verdict.score, -math.inf if floor is None else floor
    refused = score < threshold or score <= entry
    raised = threshold > -math.inf
    said = [
        f"namespace threshold {threshold:.3f}" if raised else "no namespace threshold",
        "not stored in this namespace"
        if floor is None
        else (f"entry floor {floor:.3f}" if floor > -math.inf else "no entry floor"),
    ]
    outcome: Outcome = "reject" if refused else "pass"
    if not refused and max(threshold, entry) == -math.inf:
        outcome = "neutral"  # feedback has not tightened anything here
    steps = (*verdict.steps, Step("feedback", outcome, f"score {score:.3f}; " + ", ".join(said)))
    if refused:
        return Verdict(False, score, "feedback", steps)
    return Verdict(True, score, verdict.reason, steps)
