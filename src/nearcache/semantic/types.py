"""Result and event types of the semantic cache."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

__all__ = ["Hit", "MetricEvent", "Miss"]

Layer = Literal["exact", "semantic"]


@dataclass(frozen=True)
class Hit:
    """A cached answer.

    ``similarity`` is the cosine similarity between the query and the matched query
    (1.0 on the exact layer); ``confidence`` is what the threshold was compared with
    (``confidence_fn`` if given, else the similarity). ``embedding`` is the query vector
    used for the semantic layer, when one was computed or looked up (handy for RAG).
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

    def __bool__(self) -> bool:
        return True


@dataclass(frozen=True)
class Miss:
    """Why a lookup missed. Falsy, so ``if cache.lookup(q):`` reads naturally.

    ``reason`` is one of ``not_found``, ``below_threshold``, ``validator``, ``expired``,
    ``bypass``, ``embedder_error``, ``store_error``, ``empty``.
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
