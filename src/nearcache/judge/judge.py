"""The judges: :class:`DefaultJudge` (floor -> guards -> verifier -> threshold),
:class:`CosineJudge` (similarity alone, the behaviour before the judge existed) and
:func:`chain` to compose any judges.

The default chain, for a stored question ``c`` found near the asked question ``q``:

1. **floor**: ``similarity < floor`` is a miss (cheap; recall-oriented, so it only drops
   candidates no paraphrase would reach);
2. **guards** (in order ``negation, antonyms, direction, time, numbers, entities``; each a
   pure function in its own module): the first that proves a difference rejects with
   reason ``guard:<name>``. They compare the question inside a text with added context
   (:mod:`.context`); a refused pair whose one side is statements of context around one
   question, against one sentence, is read again with that question alone
   (:func:`.context.asked_texts`), and passes if no guard refuses it there. The ``scope``
   guard is soft: only the verifier weighs it;
3. **verifier**: a logistic regression over pair features (:mod:`.features`) gives a score
   (two texts with the same words in the same order, up to case and punctuation, score 1);
4. **threshold**: the score must reach ``accept_threshold`` (the shipped calibration's, or
   the one for ``max_false_hit_rate``), else the reason is ``verifier``.

A judge never raises: any internal failure is logged and rejects (fail closed) with
reason ``error``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TypeVar

from ..errors import InvalidInputError, InvalidTypeError
from .antonyms import guard_antonyms
from .calibration import shipped_calibration
from .context import asked_texts, bare_pair, guard_texts
from .dates import guard_time
from .direction import guard_direction
from .entities import guard_entities, guard_scope
from .features import features
from .negation import guard_negation
from .numbers import guard_numbers
from .tokens import analyze, pair_cache
from .types import NEUTRAL, PASS, REJECT, GuardResult, Judge, Step, Verdict
from .verifier import Verifier, default_verifier

__all__ = [
    "GUARDS",
    "run_guards",
    "same_words",
    "verifier_inputs",
    "HARD_GUARDS",
    "CHEAP_GUARDS",
    "ChainJudge",
    "CosineJudge",
    "DefaultJudge",
    "Guard",
    "chain",
]

log = logging.getLogger(__name__)

Guard = Callable[[str, str], GuardResult]

#: Every guard, by name, in the order the default judge runs them.
GUARDS: Mapping[str, Guard] = MappingProxyType(
    {
        "negation": guard_negation,
        "antonyms": guard_antonyms,
        "direction": guard_direction,
        "time": guard_time,
        "numbers": guard_numbers,
        "entities": guard_entities,
        "scope": guard_scope,
    }
)
#: The guards whose rejection is final by default (``scope`` only informs the verifier).
HARD_GUARDS: tuple[str, ...] = ("negation", "antonyms", "direction", "time", "numbers", "entities")
#: Guards run first when only the decision matters (:meth:`DefaultJudge.judge_quick`):
#: the cheapest per pair (about 8-13 us each on the labeled pairs, against 35-55 us for
#: negation and direction, which align the two texts and read their word order).
CHEAP_GUARDS: tuple[str, ...] = ("time", "numbers", "antonyms")
_ORDER: tuple[str, ...] = tuple(GUARDS)
_QUICK: tuple[str, ...] = (
    *(g for g in CHEAP_GUARDS if g in GUARDS),
    *(g for g in GUARDS if g not in CHEAP_GUARDS),
)


def _check_similarity(similarity: float) -> float:
    value = float(similarity)
    return value if math.isfinite(value) else -1.0


def same_words(a: str, b: str) -> bool:
    """The same words in the same order, up to case, punctuation and spacing: only the
    surface differs, so it is the same question (the guards have still run)."""
    ta, tb = analyze(a), analyze(b)
    return bool(ta.words) and ta.words == tb.words and ta.latin and tb.latin


def one_side_wordless(a: str, b: str) -> bool:
    """One text has words and the other none (empty, blank, only punctuation or emoji):
    nothing in it can ask what the other asks, whatever the verifier's features say."""
    return bool(analyze(a).words) != bool(analyze(b).words)


def run_guards(
    query: str, candidate_query: str, hard: Iterable[str] = HARD_GUARDS
) -> tuple[str | None, dict[str, GuardResult]]:
    """Run every guard on a pair: ``(name of the first hard guard that rejected or None,
    every guard's result)``. Guards other than ``scope`` read the focused texts
    (:func:`.context.guard_texts`); a refusal is read again on :func:`.context.asked_texts`
    (a context statement is not the question). Used by the judge and by the verifier's
    training script, so both see the same signals."""
    hard_set = set(hard)
    return _read_again(query, candidate_query, lambda a, b: _all_guards(a, b, hard_set))


_Run = TypeVar("_Run")


def _read_again(
    q: str, c: str, run: Callable[[str, str], tuple[str | None, _Run]]
) -> tuple[str | None, _Run]:
    """``run`` (a pass of the guards) on the focused pair; when a hard guard refuses and
    one side is context around one question (:func:`.context.asked_texts`), on that
    question alone, whose pass, if nothing refuses there, stands instead."""
    rejected, results = run(*guard_texts(q, c))
    asked = None if rejected is None else asked_texts(q, c)
    if asked is not None:
        again, asked_results = run(*asked)
        if again is None:
            return None, asked_results
    return rejected, results


def _all_guards(fq: str, fc: str, hard: set[str]) -> tuple[str | None, dict[str, GuardResult]]:
    results: dict[str, GuardResult] = {}
    rejected: str | None = None
    for name, guard in GUARDS.items():
        res = guard(fq, fc)
        results[name] = res
        if rejected is None and name in hard and res.outcome == REJECT:
            rejected = name
    return rejected, results


def verifier_inputs(
    query: str, candidate_query: str, similarity: float, results: Mapping[str, GuardResult]
) -> tuple[list[float], list[float] | None]:
    """What the verifier reads of a pair: its features, and the two questions' alone when
    context is dropped that says none of their differences (:func:`.context.bare_pair`),
    else None. Both rows take the pair's guard ``results``: the guards already read the
    two questions alone (:func:`.context.guard_texts` focuses on them), so running them
    again on the bare pair would give the same results. Used by the judge and by the
    verifier's training script, so both score pairs the same way."""
    row = features(query, candidate_query, similarity, results)
    bare = bare_pair(query, candidate_query)
    return row, None if bare is None else features(*bare, similarity, results)


@pair_cache
def _guards_until_refused(
    a: str, b: str, order: tuple[str, ...], hard: frozenset[str]
) -> tuple[str | None, tuple[tuple[str, GuardResult], ...]]:
    """The guards in ``order`` on a (focused) pair until a ``hard`` one rejects: its name
    (or None) and the results of those that ran before it. Guards are pure functions of
    the two texts, so the answer is cached per pair (bounded, thread-safe)."""
    results: list[tuple[str, GuardResult]] = []
    for name in order:
        res = GUARDS[name](a, b)
        if res.outcome == REJECT and name in hard:
            return name, tuple(results)
        results.append((name, res))
    return None, tuple(results)


class CosineJudge:
    """Accept when ``similarity >= threshold``: cosine alone, no guards."""

    def __init__(self, threshold: float = 0.85) -> None:
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
            raise InvalidTypeError("threshold must be a float")
        if not -1.0 <= float(threshold) <= 1.0:
            raise InvalidInputError("threshold must be in [-1, 1]")
        self.threshold = float(threshold)

    def judge(self, query: str, candidate_query: str, similarity: float) -> Verdict:
        sim = _check_similarity(similarity)
        ok = sim >= self.threshold
        score = max(0.0, min(1.0, sim))
        step = Step(
            "floor", PASS if ok else REJECT, f"cosine {sim:.3f} vs {self.threshold:.3f}", sim
        )
        return Verdict(ok, score, None if ok else "floor", (step,))

    def __repr__(self) -> str:
        return f"CosineJudge({self.threshold})"


class DefaultJudge:
    """Floor, deterministic guards, learned verifier, calibrated threshold.

    Args:
        floor: candidates with a cosine below it are rejected at once (reason ``floor``).
            Default: the shipped calibration's measured floor (``DefaultJudge.floor``).
        accept_threshold: the verifier score a candidate must reach, in [0, 1].
        max_false_hit_rate: pick ``accept_threshold`` from the calibration shipped for the
            default embedder instead (exclusive with ``accept_threshold``).
        guards: the names of the guards whose rejection is final (default
            :data:`HARD_GUARDS`); every guard in :data:`GUARDS` still feeds the verifier.
        verifier: a :class:`Verifier` (default: the shipped one).

    Raises:
        InvalidInputError: a value out of range, an unknown guard, or both
            ``accept_threshold`` and ``max_false_hit_rate``.
    """

    #: The shipped floor (the cache's default ``similarity_threshold``).
    floor: float = shipped_calibration().floor

    def __init__(
        self,
        *,
        floor: float | None = None,
        accept_threshold: float | None = None,
        max_false_hit_rate: float | None = None,
        guards: Iterable[str] | None = None,
        verifier: Verifier | None = None,
    ) -> None:
        shipped = shipped_calibration()
        if accept_threshold is not None and max_false_hit_rate is not None:
            raise InvalidInputError("give accept_threshold or max_false_hit_rate, not both")
        if floor is not None:
            if not -1.0 <= float(floor) <= 1.0:
                raise InvalidInputError("floor must be in [-1, 1]")
            self.floor = float(floor)
        if max_false_hit_rate is not None:
            accept_threshold = shipped.threshold_for(max_false_hit_rate)
        elif accept_threshold is None:
            accept_threshold = shipped.accept_threshold
        if not 0.0 <= float(accept_threshold) <= 1.0:
            raise InvalidInputError("accept_threshold must be in [0, 1]")
        self.accept_threshold = float(accept_threshold)
        self.max_false_hit_rate = max_false_hit_rate
        names = tuple(HARD_GUARDS if guards is None else guards)
        unknown = [g for g in names if g not in GUARDS]
        if unknown:
            raise InvalidInputError(f"unknown guards {unknown}; known: {sorted(GUARDS)}")
        self.guards = names
        self.verifier = verifier if verifier is not None else default_verifier()

    def judge(self, query: str, candidate_query: str, similarity: float) -> Verdict:
        """Decide on one candidate (fast path: no explanation steps)."""
        return self._run(query, candidate_query, similarity, explain=False)

    def judge_quick(self, query: str, candidate_query: str, similarity: float) -> Verdict:
        """The same decision and score as :meth:`judge`, sooner when a guard refuses: the
        cheap guards (:data:`CHEAP_GUARDS`) run first, so a refusal names *a* refusing
        guard, not always the first in :data:`GUARDS` order. For candidates whose reason
        nobody reads (a lookup reports the closest refused candidate's reason only)."""
        if type(self).judge is not DefaultJudge.judge:  # a subclass decides otherwise
            return self.judge(query, candidate_query, similarity)
        return self._run(query, candidate_query, similarity, explain=False, order=_QUICK)

    def explain(self, query: str, candidate_query: str, similarity: float) -> Verdict:
        """The same decision with a :class:`Step` for the floor, every guard (also those
        that passed), the verifier and the threshold."""
        return self._run(query, candidate_query, similarity, explain=True)

    def _run(
        self,
        query: str,
        candidate: str,
        similarity: float,
        *,
        explain: bool,
        order: tuple[str, ...] = _ORDER,
    ) -> Verdict:
        try:
            sim = _check_similarity(similarity)
            return self._decide(str(query), str(candidate), sim, explain, order)
        except Exception:  # fail closed: a judge must never break a lookup
            log.exception("judge failed on a candidate; rejecting it")
            return Verdict(False, 0.0, "error", (Step("error", REJECT, "the judge raised"),))

    def _decide(self, q: str, c: str, sim: float, explain: bool, order: tuple[str, ...]) -> Verdict:
        if explain:
            return self._explained(q, c, sim)
        if sim < self.floor:
            return Verdict(False, 0.0, "floor")
        hard, results = self._fast_guards(q, c, order)
        if hard is not None:
            return Verdict(False, 0.0, f"guard:{hard}")
        if same_words(q, c):
            return Verdict(True, 1.0, None)
        if one_side_wordless(q, c):
            return Verdict(False, 0.0, "verifier")
        score = self._score(q, c, sim, results)
        ok = score >= self.accept_threshold
        return Verdict(ok, score, None if ok else "verifier")

    def _score(self, q: str, c: str, sim: float, results: Mapping[str, GuardResult]) -> float:
        """The verifier's score (:meth:`.Verifier.judge_score` of :func:`verifier_inputs`)."""
        return self.verifier.judge_score(*verifier_inputs(q, c, sim, results))

    def _explained(self, q: str, c: str, sim: float) -> Verdict:
        """The same decision with a step for the floor, every guard, the verifier and the
        threshold (the last two marked "not reached" after an earlier refusal)."""
        floor_ok = sim >= self.floor
        sign = ">=" if floor_ok else "<"
        steps = [
            Step(
                "floor",
                PASS if floor_ok else REJECT,
                f"cosine {sim:.3f} {sign} {self.floor:.3f}",
                sim,
            )
        ]
        hard, results = run_guards(q, c, self.guards)
        rejected = "floor" if not floor_ok else (None if hard is None else f"guard:{hard}")
        for name, res in results.items():
            is_hard = name in self.guards
            outcome = res.outcome if is_hard or res.outcome != REJECT else NEUTRAL
            steps.append(
                Step(f"guard:{name}", outcome, res.detail + ("" if is_hard else " (soft)"))
            )
        same, wordless = same_words(q, c), one_side_wordless(q, c)
        score = (1.0 if same else 0.0) if same or wordless else self._score(q, c, sim, results)
        ok = score >= self.accept_threshold
        said = (
            "the same words in the same order"
            if same
            else "one text has no words"
            if wordless
            else f"score {score:.3f}"
        )
        bar = f"accept at >= {self.accept_threshold:.3f}"
        if rejected is not None:
            skipped = f" (not reached: refused by {rejected})"
            steps.append(Step("verifier", NEUTRAL, said + skipped, score))
            steps.append(Step("threshold", NEUTRAL, bar + skipped, self.accept_threshold))
            return Verdict(False, 0.0, rejected, tuple(steps))
        steps.append(Step("verifier", PASS if ok else REJECT, said, score))
        steps.append(Step("threshold", PASS if ok else REJECT, bar, self.accept_threshold))
        return Verdict(ok, score, None if ok else "verifier", tuple(steps))

    def _fast_guards(
        self, q: str, c: str, order: tuple[str, ...]
    ) -> tuple[str | None, dict[str, GuardResult]]:
        """Like :func:`run_guards` (the guards in ``order``), but stops at the first hard
        rejection (cached per pair: a stored question meets the same asked ones again)."""
        hard_set = frozenset(self.guards)
        hard, results = _read_again(q, c, lambda a, b: _guards_until_refused(a, b, order, hard_set))
        return hard, dict(results)

    def __repr__(self) -> str:
        return (
            f"DefaultJudge(floor={self.floor}, accept_threshold={self.accept_threshold}, "
            f"guards={self.guards})"
        )


class ChainJudge:
    """Judges run in order; the first rejection wins; the score is the minimum of the
    scores of the judges that ran (the weakest link)."""

    def __init__(self, judges: Iterable[Judge]) -> None:
        self.judges = tuple(judges)
        if not self.judges:
            raise InvalidInputError("chain() needs at least one judge")
        for j in self.judges:
            if not callable(getattr(j, "judge", None)):
                raise InvalidTypeError(f"{j!r} has no judge(query, candidate_query, similarity)")

    def judge(self, query: str, candidate_query: str, similarity: float) -> Verdict:
        score = 1.0
        steps: list[Step] = []
        for j in self.judges:
            v = j.judge(query, candidate_query, similarity)
            score = min(score, v.score)
            steps.extend(v.steps)
            if not v.accept:
                return Verdict(False, score, v.reason or "rejected", tuple(steps))
        return Verdict(True, score, None, tuple(steps))


def chain(*judges: Judge) -> ChainJudge:
    """Compose judges: the first rejection wins, the score is the minimum (see ChainJudge)."""
    return ChainJudge(judges)
