"""``EmbedStats``: what a cached embedder did in this process (``CachedEmbedder.stats()``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..stats import CacheStats

__all__ = ["EmbedStats"]


@dataclass(frozen=True)
class EmbedStats:
    """What a cached embedder did in this process.

    ``texts``: texts asked for; ``unique``: distinct texts per call, summed; ``hits``:
    distinct texts served from the cache; ``embedded``: texts sent to the embedder;
    ``waited``: texts another caller was already embedding (a thread or task of this
    process, single-flight, or another process holding the lease);
    ``embed_seconds``: time spent inside the embedder.
    """

    texts: int = 0
    unique: int = 0
    hits: int = 0
    embedded: int = 0
    waited: int = 0
    embedder_calls: int = 0
    embed_seconds: float = 0.0
    cache: CacheStats | None = None

    @property
    def hit_rate(self) -> float:
        return self.hits / self.unique if self.unique else 0.0

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["cache"] = self.cache.as_dict() if self.cache else None
        out["hit_rate"] = self.hit_rate
        return out
