"""Removing vectors: invalidation by text, hash or model, clearing, and the TTL sweep.

Clearing a namespace also drops its batch records and its metadata (layout and
fingerprints), so the next write may start a new layout.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..errors import InvalidTypeError

if TYPE_CHECKING:
    from .cache import EmbeddingCache

__all__ = ["cleanup_expired", "clear_all", "clear_namespace", "invalidate", "invalidate_model"]

TABLE = "embedding"
BATCH_TABLE = "batch"
_HEX64 = re.compile(r"[0-9a-f]{64}")


def invalidate(cache: EmbeddingCache, text_or_hash: str, namespace: str) -> bool:
    """Remove the entry of a text (or of a 64-hex content hash); True if one existed."""
    if not isinstance(text_or_hash, str):
        raise InvalidTypeError("invalidate takes a text or a content hash (str)")
    keys = [cache.key_for(text_or_hash)]
    if _HEX64.fullmatch(text_or_hash):
        keys.append(text_or_hash)
    removed = cache.store.delete_many(TABLE, namespace, keys)
    cache._counters.add(namespace, deletes=removed)
    return removed > 0


def invalidate_model(cache: EmbeddingCache, model: str) -> int:
    """Clear every namespace whose model part (or a recorded fingerprint) is ``model``."""
    removed = 0
    for ns in cache.store.namespaces(TABLE):
        parts = ns.split(".")
        ns_model = ".".join(parts[1:-1]) if len(parts) >= 3 else ns
        if ns_model == model or model in cache.meta.fingerprints(ns):
            removed += clear_namespace(cache, ns)
    return removed


def clear_namespace(cache: EmbeddingCache, namespace: str) -> int:
    """Remove a namespace's vectors, batch records and metadata; the vector count."""
    removed = cache.store.clear(TABLE, namespace)
    cache.store.clear(BATCH_TABLE, namespace)
    cache.meta.forget(namespace)
    cache._counters.add(namespace, deletes=removed)
    return removed


def clear_all(cache: EmbeddingCache) -> int:
    """Remove every vector and batch record of every namespace; the vector count."""
    names = cache.store.namespaces(TABLE)
    removed = cache.store.clear(TABLE)
    cache.store.clear(BATCH_TABLE)
    for ns in names:
        cache.meta.forget(ns)
    return removed


def cleanup_expired(cache: EmbeddingCache) -> int:
    """Sweep expired vectors and batch records now; how many vectors."""
    now = cache._clock()
    cache.store.purge_expired(BATCH_TABLE, now=now)
    return len(cache.store.purge_expired(TABLE, now=now))
