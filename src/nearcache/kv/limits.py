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

from ..stores.protocol import Item

__all__ = ["byte_cap", "refused"]

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
