"""Process-local counters of the semantic cache, per namespace.

The totals (hits, misses, sets, deletes, errors) are the shared
:class:`~nearcache.stats.Counters`; on top of them the semantic cache keeps hits split by
layer and misses split by reason (``not_found``, ``guard:numbers``, ``store_error``, ...),
which is what its stats, metrics and Prometheus labels report.
"""

from __future__ import annotations

import threading

from ..stats import Counters

__all__ = ["SemanticCounters"]


class SemanticCounters:
    """Thread-safe: totals, hits by layer and misses by reason, per namespace."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.totals = Counters(self._lock)  # one lock for both: a lookup takes it once
        self._layers: dict[str, dict[str, int]] = {}
        self._reasons: dict[str, dict[str, int]] = {}
        self._feedback: dict[str, list[int]] = {}

    def add(self, namespace: str, **deltas: int) -> None:
        """Add to the totals (``sets=``, ``deletes=``, ``errors=``)."""
        self.totals.add(namespace, **deltas)

    def hit(self, namespace: str, layer: str) -> None:
        with self._lock:
            self.totals.held(namespace).hits += 1
            by_layer = self._layers.get(namespace)
            if by_layer is None:  # not setdefault: no new dict per hit
                by_layer = self._layers[namespace] = {}
            by_layer[layer] = by_layer.get(layer, 0) + 1

    def miss(self, namespace: str, reason: str) -> None:
        with self._lock:
            self.totals.bump_held(namespace, "misses")
            by_reason = self._reasons.setdefault(namespace, {})
            by_reason[reason] = by_reason.get(reason, 0) + 1

    def feedback(self, namespace: str, correct: bool) -> None:
        with self._lock:
            counts = self._feedback.setdefault(namespace, [0, 0])
            counts[0 if correct else 1] += 1

    def feedback_counts(self, namespace: str) -> tuple[int, int]:
        """(hits reported correct, hits reported wrong) in this process."""
        with self._lock:
            correct, wrong = self._feedback.get(namespace, (0, 0))
            return correct, wrong

    def layer_hits(self, namespace: str) -> dict[str, int]:
        with self._lock:
            return dict(self._layers.get(namespace, {}))

    def reasons(self, namespace: str) -> dict[str, int]:
        with self._lock:
            return dict(self._reasons.get(namespace, {}))

    def names(self) -> list[str]:
        return self.totals.names()
