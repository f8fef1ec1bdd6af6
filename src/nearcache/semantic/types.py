"""Result and event types of the semantic cache."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ..stats import CacheStats

__all__ = ["Hit", "MetricEvent", "Miss", "SemanticStats", "make_hit"]

Layer = Literal["exact", "semantic"]


@dataclass(frozen=True)
class Hit:
    """A cached answer.

    ``similarity`` is the cosine similarity between the query and the matched query
    (1.0 on the exact layer); ``confidence`` is what the threshold was compared with
    (``confidence_fn`` if given, else the similarity). ``embedding`` is the query vector
    used for the semantic layer, when one was computed or looked up (handy for RAG).
    ``key`` is the matched entry's key in its namespace (what ``feedback`` and the
    proxy's hit ids refer to).
    """

    response: Any
    layer: Layer
    similarity: float
    confidence: float
    matched_query: str
    namespace: str
    metadata: dict[str, Any] | None
    created_at: float
    expires_at: float | None
    embedding: npt.NDArray[np.float32] | None = field(default=None, repr=False, compare=False)
    key: str = field(default="", repr=False)

    def __bool__(self) -> bool:
        return True


_new = object.__new__
_set = object.__setattr__


def make_hit(
    response: Any,
    layer: str,
    similarity: float,
    confidence: float,
    matched_query: str,
    namespace: str,
    metadata: dict[str, Any] | None,
    created_at: float,
    expires_at: float | None,
    embedding: npt.NDArray[np.float32] | None,
    key: str,
) -> Hit:
    """``Hit(...)`` at a third of the cost: every lookup that hits builds one, and a frozen
    dataclass's ``__init__`` sets its eleven fields one ``object.__setattr__`` at a time.
    The result is the same object (same fields, equality, hash, repr; tested)."""
    hit: Hit = _new(Hit)
    _set(
        hit,
        "__dict__",
        {
            "response": response,
            "layer": layer,
            "similarity": similarity,
            "confidence": confidence,
            "matched_query": matched_query,
            "namespace": namespace,
            "metadata": metadata,
            "created_at": created_at,
            "expires_at": expires_at,
            "embedding": embedding,
            "key": key,
        },
    )
    return hit


@dataclass(frozen=True)
class Miss:
    """Why a lookup missed. Falsy, so ``if cache.lookup(q):`` reads naturally.

    ``reason`` is one of ``not_found``, ``below_threshold`` (no candidate reached the
    similarity floor), ``guard:<name>`` / ``verifier`` (the judge refused the closest
    candidate: a look-alike), ``feedback`` (refused by a threshold that feedback raised),
    ``judge_error``, ``validator``, ``expired``, ``bypass``, ``too_large``,
    ``empty_query`` (a blank query: the embedder is not called), ``truncated``
    (the query or the closest stored question is longer than the embedder reads, so its
    vector ignores the tail), ``embedder_error``, ``store_error``, ``empty``.
    """

    reason: str
    namespace: str
    similarity: float | None = None
    embedding: npt.NDArray[np.float32] | None = field(default=None, repr=False, compare=False)

    def __bool__(self) -> bool:
        return False


@dataclass(frozen=True)
class MetricEvent:
    """Passed to ``metrics_hook``: ``kind`` is hit, miss, put, evict, expire or error."""

    kind: Literal["hit", "miss", "put", "evict", "expire", "error"]
    layer: Layer | None
    namespace: str
    reason: str | None = None
    similarity: float | None = None
    latency_s: float = 0.0


@dataclass(frozen=True)
class SemanticStats(CacheStats):
    """``CacheStats`` plus the semantic cache's own figures.

    ``exact_hits``/``semantic_hits`` split ``hits`` by layer (this process);
    ``miss_reasons`` counts misses by reason; ``index_entries``/``tombstones``/
    ``index_bytes``/``partitions`` describe the in-memory index;
    ``feedback_correct``/``feedback_wrong`` count ``feedback()`` reports (this process).
    Per-namespace snapshots (``namespaces``) only ever contain figures of their own
    namespace.
    """

    exact_hits: int = 0
    semantic_hits: int = 0
    miss_reasons: Mapping[str, int] = field(default_factory=dict)
    index_entries: int = 0
    tombstones: int = 0
    index_bytes: int = 0
    partitions: int = 0
    feedback_correct: int = 0
    feedback_wrong: int = 0

    @property
    def exact_hit_rate(self) -> float:
        """Share of lookups answered by the exact layer."""
        total = self.hits + self.misses
        return self.exact_hits / total if total else 0.0

    @property
    def semantic_hit_rate(self) -> float:
        """Share of lookups answered by the semantic layer."""
        total = self.hits + self.misses
        return self.semantic_hits / total if total else 0.0

    def as_dict(self) -> dict[str, Any]:
        out = super().as_dict()
        out["miss_reasons"] = dict(self.miss_reasons)
        out["exact_hit_rate"] = self.exact_hit_rate
        out["semantic_hit_rate"] = self.semantic_hit_rate
        return out
