"""A kv cache's size caps at write time: which writes are refused before they reach the store.

Why: a value larger than the byte cap on its own, once stored, makes the LRU evict every
other entry (of every cache sharing a capped store) and then the value itself, while the
write said it succeeded. cachetools refuses such a value ("value too large"); so does a
kv cache, whole (a batch is all or none), leaving the key's earlier value in place.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from ..errors import PayloadTooLargeError
from ..stores.protocol import Item

__all__ = ["byte_cap", "refused", "too_large"]

log = logging.getLogger("nearcache.kv.cache")


def byte_cap(max_bytes: int | None, store: Any) -> int | None:
    """The smaller of a cache's ``max_bytes`` and its store's own (the budget
    ``CacheManager(memory_max_bytes)`` gives the in-memory caches it shares)."""
    caps = [c for c in (max_bytes, getattr(store, "max_bytes", None)) if c is not None]
    return min(caps) if caps else None


def refused(name: str, max_entries: int | None, cap: int | None, items: Sequence[Item]) -> bool:
    """Whether a write is refused: a value over ``cap`` on its own (logged), or a cache of
    ``max_entries=0``, which keeps nothing (quietly: storing would evict it at once)."""
    if max_entries == 0:
        return True
    big = [len(item.value) for item in items if cap is not None and len(item.value) > cap]
    if big:
        sizes = ", ".join(f"{n:,}" for n in big[:3])
        log.warning("cache %r: %s bytes not stored, over max_bytes=%s", name, sizes, cap)
    return bool(big)


def too_large(
    name: str, exc: PayloadTooLargeError, keys: Sequence[Any], items: Sequence[Item]
) -> PayloadTooLargeError:
    """A store's refusal of a record over its own limit (a DynamoDB item: 400 KB), naming
    the caller's key: the store knows only the key's hash."""
    big = [(k, len(it.value)) for k, it in zip(keys, items) if len(it.value) > (exc.limit or 0)]
    key, size = big[0] if big else (keys[0], exc.size)
    return PayloadTooLargeError(
        f"cache {name!r}: the value of key {key!r} is too large for the store: {exc}",
        limit=exc.limit,
        size=size,
    )
