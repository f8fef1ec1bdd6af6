"""How ``EmbeddingCache`` writes a batch: the rows checked against the namespace's
layout, encoded into records, the namespace metadata (layout, fingerprint) noted first
and taken back if the store write fails, then the write bounded by the cache's LRU caps.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..codecs import encode_dense, encode_sparse, fingerprint_id
from ..errors import CacheError, StoreUnavailableError, StoreWriteError
from ..stores.breaker import outage_level
from ..stores.protocol import Limit, make_items, put_within
from .reads import TABLE

if TYPE_CHECKING:
    from .cache import EmbeddingCache

__all__ = ["put_keys", "write_failed", "write_limits"]

log = logging.getLogger("nearcache.embedding.cache")


def put_keys(
    cache: EmbeddingCache,
    namespace: str,
    keys: Sequence[str],
    vectors: Any,
    ttl: float | None,
    fingerprint: str,
) -> None:
    """``put_many`` for checked keys and namespace: all the rows or none."""
    rows = cache.meta.check_rows(namespace, len(keys), vectors)
    now = cache._clock()
    expires_at = cache._expiry(ttl, now)
    fp = fingerprint_id(fingerprint)
    if isinstance(rows, list):
        blobs = [encode_sparse(namespace, k, v, fp, now) for k, v in zip(keys, rows)]
        kind, dim = "sparse", 0
    else:
        blobs = encode_dense(namespace, keys, rows, cache.vector_dtype, fp, now)
        kind, dim = "dense", int(rows.shape[1])
    items = make_items(keys, blobs, expires_at)
    # Namespace metadata goes first so a write that lands is always described; if the
    # write then fails, the metadata this call added is taken back (best effort).
    new_layout = new_fp = False
    try:
        cache._check_hash_algorithm()
        if cache.meta.layout(namespace) is None:
            cache.meta.set_layout(namespace, kind, dim)
            new_layout = True
        new_fp = cache.meta.note_fingerprint(namespace, fingerprint)
        put_within(cache.store, TABLE, namespace, items, now=now, limits=write_limits(cache))
    except CacheError as exc:
        cache.meta.undo(namespace, fingerprint if new_fp else None, new_layout)
        write_failed(cache, namespace, exc, f"{len(items)} writes")
        return
    cache._counters.add(namespace, sets=len(items))
    if not isinstance(rows, list) and rows is vectors:
        cache.handed.remember(namespace, keys, rows, [fp] * len(keys))


def write_failed(cache: EmbeddingCache, namespace: str, exc: CacheError, what: str) -> None:
    """Count a failed write; raise it unless ``fail_open`` and the store is down or full
    (a Redis past ``maxmemory``), in which case ``what`` is dropped and logged."""
    cache._counters.add(namespace, errors=1)
    if not (cache.fail_open and isinstance(exc, (StoreUnavailableError, StoreWriteError))):
        raise exc
    level = outage_level(cache.store)
    log.log(level, "embedding store unavailable or full, dropped %s: %s", what, exc)


def write_limits(cache: EmbeddingCache) -> list[Limit]:
    """The LRU caps each write is bounded by (evicted in the write's transaction)."""
    return [Limit(None, cache.max_entries, cache.max_bytes)]
