"""A lookup's verdicts: whether a candidate may be served (the similarity threshold,
the judge, ``confidence_fn``, feedback floors, the ``validator``) and how the outcome is
recorded: a hit or a miss counted and reported to ``metrics_hook``, the served entry's
LRU touch, expired entries swept. :mod:`.lookup` finds the candidates and asks here.
"""

from __future__ import annotations

import math
from time import perf_counter as _perf_counter
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ..errors import StoreUnavailableError
from .indexing import TABLE
from .judging import judge_candidate, miss_reason
from .record import Entry
from .spaces import Candidate
from .state import CoreState, log
from .tally import Tally
from .types import Hit, Miss, make_hit

if TYPE_CHECKING:
    from .lookup import Pending

__all__ = ["VerdictMixin"]

Vector = npt.NDArray[np.float32]


class VerdictMixin(CoreState):
    """Candidate verdicts and hit/miss recording for ``LookupMixin``."""

    def _serve(self, hit: Hit, cand: Candidate, now: float, q: Pending) -> Hit:
        self._touch_winner(q.ns, cand.key, now)
        return self._finish_hit(hit, q.started)

    def _score(self, q: Pending, entry: Entry, key: str, sim: float, tally: Tally) -> float | None:
        """A candidate's confidence if it passes the floor, the judge and the feedback
        thresholds; None (and the reason in ``tally``) if it does not."""
        cfg = self.config
        if sim < cfg.similarity_threshold:
            return None
        conf: float | None = sim
        if cfg.confidence_fn is not None:
            conf = self._confidence(q, entry, key, sim)
            if conf is None or conf < cfg.similarity_threshold:
                return None
        judge = cfg.judge
        if judge is not None:
            # Only the closest refused candidate's reason is reported (``Tally``): the
            # others need the decision alone, which cheap guards often settle first.
            blame = tally.judged is None
            verdict = judge_candidate(judge, q.query, entry.query, sim, blame=blame)
            if not verdict.accept:
                reason = miss_reason(verdict)
                if reason == "judge_error":
                    self.counters.add(q.ns, errors=1)
                    self._emit("error", q.ns, "semantic", "judge")
                tally.refused(reason)
                return None
            conf = verdict.score if cfg.confidence_fn is None else conf
        assert conf is not None
        if conf <= entry.feedback_floor or conf < self.feedback_book.threshold(q.ns):
            tally.refused("feedback")
            return None
        return conf

    def _confidence(self, q: Pending, entry: Entry, key: str, sim: float) -> float | None:
        """``confidence_fn(query, candidate)``; None if it raises or is not finite."""
        fn = self.config.confidence_fn
        assert fn is not None
        try:
            conf = float(fn(q.query, self._hit(entry, q, key, "semantic", sim, sim)))
        except Exception:
            log.exception("confidence_fn raised; candidate skipped")
            self.counters.add(q.ns, errors=1)
            self._emit("error", q.ns, "semantic", "confidence_fn")
            return None
        return conf if math.isfinite(conf) else None

    def _touch_winner(self, ns: str, key: str, now: float) -> None:
        """Record the served entry's access for LRU (only caches that evict by recency)."""
        if not self._touch:
            return
        try:
            self.store.get_many(TABLE, ns, [key], now=now)
        except StoreUnavailableError:
            pass

    def _hit(self, entry: Entry, q: Pending, key: str, layer: str, sim: float, conf: float) -> Hit:
        return make_hit(
            entry.response,
            layer,
            sim,
            conf,
            entry.query,
            q.ns,
            entry.metadata,
            entry.created_at,
            entry.expires_at,
            q.vec if layer == "semantic" else entry.vector,
            key,
        )

    def _validate(self, query: str, hit: Hit) -> bool:
        fn = self.config.validator
        if fn is None:
            return True
        try:
            return bool(fn(query, hit))
        except Exception:
            log.exception("validator raised; the candidate is rejected")
            self.counters.add(hit.namespace, errors=1)
            self._emit("error", hit.namespace, hit.layer, "validator")
            return False

    def _finish_hit(self, hit: Hit, started: float) -> Hit:
        self.counters.hit(hit.namespace, hit.layer)
        if self.config.metrics_hook is not None:
            latency = _perf_counter() - started
            self._emit("hit", hit.namespace, hit.layer, None, hit.similarity, latency)
        return hit

    def _miss(
        self,
        ns: str,
        reason: str,
        started: float,
        *,
        similarity: float | None = None,
        embedding: Vector | None = None,
        error: bool = False,
        layer: str | None = None,
    ) -> Miss:
        self.counters.miss(ns, reason)
        if error:
            self.counters.add(ns, errors=1)
            self._emit("error", ns, layer, reason)
        self._emit("miss", ns, layer, reason, similarity, _perf_counter() - started)
        return Miss(reason, ns, similarity, embedding)

    def _expire(self, ns: str, now: float) -> int:
        gone = self.index.expire(ns, now)
        for gns, _ in gone:
            self._emit("expire", gns, None, "ttl")
        return len(gone)
