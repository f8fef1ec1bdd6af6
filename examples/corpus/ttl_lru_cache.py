"""A small LRU cache with per-entry time to live, for teaching purposes.

It shows the two mechanisms most application caches combine:

* least-recently-used eviction when the cache is full, using an ``OrderedDict`` whose
  order is the recency order (``move_to_end`` on every hit);
* expiry after a time to live, checked lazily on reads and eagerly by ``sweep()``.

Time comes from an injectable clock so that tests can move time forward without
sleeping.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

V = TypeVar("V")
_MISSING = object()


@dataclass
class Stats:
    hits: int = 0
    misses: int = 0
    evictions: int = 0
    expirations: int = 0

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


class TTLCache(Generic[V]):
    """Map keys to values, forgetting the least recently used ones beyond ``maxsize``.

    ``ttl`` is the default lifetime of an entry in seconds (``None`` means forever);
    ``set`` can override it per entry.
    """

    def __init__(
        self,
        maxsize: int = 1024,
        ttl: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self.ttl = ttl
        self._clock = clock
        self._data: OrderedDict[Hashable, tuple[V, float | None]] = OrderedDict()
        self._lock = threading.Lock()
        self.stats = Stats()

    def get(self, key: Hashable, default: Any = None) -> V | Any:
        """Return the value for ``key`` and mark it as recently used."""
        with self._lock:
            found = self._data.get(key, _MISSING)
            if found is _MISSING:
                self.stats.misses += 1
                return default
            value, expires_at = found  # type: ignore[misc]
            if expires_at is not None and expires_at <= self._clock():
                del self._data[key]
                self.stats.expirations += 1
                self.stats.misses += 1
                return default
            self._data.move_to_end(key)
            self.stats.hits += 1
            return value

    def set(self, key: Hashable, value: V, ttl: float | None = None) -> None:
        """Store ``value``; replacing an entry restarts its time to live."""
        lifetime = self.ttl if ttl is None else ttl
        expires_at = None if lifetime is None else self._clock() + lifetime
        with self._lock:
            self._data[key] = (value, expires_at)
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
                self.stats.evictions += 1

    def delete(self, key: Hashable) -> bool:
        with self._lock:
            return self._data.pop(key, _MISSING) is not _MISSING

    def sweep(self) -> int:
        """Remove every expired entry now; return how many were removed."""
        now = self._clock()
        with self._lock:
            dead = [k for k, (_, exp) in self._data.items() if exp is not None and exp <= now]
            for key in dead:
                del self._data[key]
            self.stats.expirations += len(dead)
            return len(dead)

    def get_or_compute(self, key: Hashable, compute: Callable[[], V]) -> V:
        """Cache-aside in one call. Note: concurrent misses all run ``compute``;
        see cache_stampede.md for request coalescing."""
        value = self.get(key, _MISSING)
        if value is not _MISSING:
            return value  # type: ignore[no-any-return]
        value = compute()
        self.set(key, value)
        return value

    def __len__(self) -> int:
        return len(self._data)


if __name__ == "__main__":
    now = [0.0]
    cache: TTLCache[str] = TTLCache(maxsize=2, ttl=10, clock=lambda: now[0])
    cache.set("a", "alpha")
    cache.set("b", "beta")
    cache.get("a")              # "a" is now the most recently used
    cache.set("c", "gamma")     # evicts "b", the least recently used
    assert cache.get("b") is None
    now[0] = 11.0               # every entry is past its ttl
    assert cache.get("a") is None
    print(cache.stats)
