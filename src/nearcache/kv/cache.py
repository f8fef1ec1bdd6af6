"""``Cache``: one named key/value cache on any ``Store`` (table ``kv``, namespace = name).

Each value is stored as a checksummed record (``codecs.pack_record(KIND_KV, ...)``) whose
body is msgpack of ``[key, value]``: the namespace, the key digest *and the original key*
are checked on every read, so a mixed-up reply or a planted blob is a miss (counted as
an error and deleted), never someone else's value and never executed code.

Values may be anything msgpack/JSON can hold — ``None``, bools, ints, floats, str,
``bytes``, lists and dicts (tuples come back as lists). Anything else raises
``CacheError`` naming the type, before anything is written.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, overload

from ..batchargs import check_batch
from ..clock import Clock, system_clock
from ..errors import (
    CacheClosedError,
    CacheError,
    CorruptEntryError,
    PayloadTooLargeError,
    StoreUnavailableError,
    StoreWriteError,
)
from ..keys import validate_namespace as _validate_name
from ..policy import check_limit, check_ttl, expiry
from ..stats import CacheStats, Counters
from ..stores.protocol import Item, Limit, Store, info_or_empty, put_within
from .keys import Key, KeyMapping
from .limits import byte_cap, refused, too_large
from .memo import F, memoize
from .records import TABLE, bad_records, decode, encode, record_key

__all__ = ["Cache", "Key"]

log = logging.getLogger(__name__)

_MISSING = object()
_ONE = "set(key, value) stores one"  # not "wrap one in a list": ["ab"] stores "b" under "a"


class Cache:
    """A named key/value cache. Usually obtained from ``get_cache(name, backend)``.

    Args:
        name: the cache's name; it is the store namespace, so names never share entries.
        store: where entries live (shared by the caches of one ``CacheManager``).
        default_ttl: seconds an entry lives unless ``set`` says otherwise (None = forever).
        max_entries / max_bytes: LRU limits of this cache, applied after each write.
        clock: time source for TTLs.
        fail_open: on a store outage (or a store refusing writes: full), ``set``/``add``/
            ``delete`` return False instead of raising. Reads always degrade to misses.

    >>> from nearcache.stores.memory import MemoryStore
    >>> c = Cache("demo", MemoryStore())
    >>> c.set("answer", {"n": 42, "raw": b"\\x00"})
    True
    >>> c.get("answer")
    {'n': 42, 'raw': b'\\x00'}
    """

    def __init__(
        self,
        name: str,
        store: Store,
        *,
        default_ttl: float | None = None,
        max_entries: int | None = None,
        max_bytes: int | None = None,
        clock: Clock | None = None,
        fail_open: bool = False,
        owns_store: bool = False,
    ) -> None:
        self.name = _validate_name(name)
        self.max_entries = check_limit("max_entries", max_entries)
        self.max_bytes = check_limit("max_bytes", max_bytes)
        self.store = store
        self.default_ttl = check_ttl(default_ttl)
        self.fail_open = fail_open
        self._clock = clock or system_clock
        self._owns_store = owns_store
        self._counters = Counters()
        self._lock = threading.Lock()
        self._closed = False

    # -- helpers ---------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise CacheClosedError(f"cache {self.name!r} is closed")

    _hash = staticmethod(record_key)

    def _encode(self, key: Key, value: Any, ttl: float | None, now: float) -> Item:
        return encode(self.name, key, value, expiry(ttl, self.default_ttl, now))

    def _count(self, **deltas: float) -> None:
        self._counters.add(self.name, **deltas)

    def _write_failed(self, exc: CacheError, what: str) -> bool:
        self._count(errors=1)
        if not self.fail_open:
            raise exc
        log.warning("cache %r: store unavailable or full, %s dropped: %s", self.name, what, exc)
        return False

    @property
    def _limits(self) -> list[Limit]:
        """This cache's LRU caps (evicted in the write's transaction where the store can)."""
        return [Limit(self.name, self.max_entries, self.max_bytes)]

    @property
    def _byte_cap(self) -> int | None:
        return byte_cap(self.max_bytes, self.store)

    def _refused(self, items: Sequence[Item]) -> bool:
        return refused(self.name, self.max_entries, self._byte_cap, items)

    def _enforce_limits(self) -> None:
        if self.max_entries is None and self.max_bytes is None:
            return
        try:
            self.store.evict(
                TABLE, self.name, max_entries=self.max_entries, max_bytes=self.max_bytes
            )
        except StoreUnavailableError as exc:
            log.warning("cache %r: eviction skipped, store unavailable: %s", self.name, exc)

    # -- reads -----------------------------------------------------------------------

    def get_many(self, keys: Sequence[Key], default: Any = None) -> list[Any]:
        """Values for ``keys`` in one store round trip (``default`` for misses)."""
        self._check_open()
        check_batch(keys, "keys")  # "ab" read the keys "a" and "b"
        hashes = [self._hash(k) for k in keys]
        if not hashes:
            return []
        try:
            blobs = self.store.get_many(TABLE, self.name, hashes, now=self._clock())
        except StoreUnavailableError as exc:
            log.warning("cache %r: store unavailable, %d reads miss: %s", self.name, len(keys), exc)
            self._count(errors=1, misses=len(keys))
            return [default] * len(keys)
        out: list[Any] = []
        bad: list[str] = []
        for key, h, blob in zip(keys, hashes, blobs):
            if blob is None:
                out.append(default)
                continue
            try:
                out.append(decode(self.name, key, h, blob))
            except CorruptEntryError as exc:
                log.warning("cache %r: corrupt entry treated as a miss: %s", self.name, exc)
                bad.append(h)
                out.append(default)
        hits = sum(1 for b in blobs if b is not None) - len(bad)
        self._count(hits=hits, misses=len(keys) - hits, errors=len(bad))
        if bad:
            try:
                self.store.delete_many(TABLE, self.name, bad)
            except StoreUnavailableError:
                pass
        return out

    def get(self, key: Key, default: Any = None) -> Any:
        """The value stored for ``key``, or ``default`` (expired entries are misses)."""
        return self.get_many([key], default)[0]

    def has(self, key: Key) -> bool:
        """Whether ``key`` holds a live value (does not count as a hit or miss)."""
        self._check_open()
        try:
            blob = self.store.get_many(
                TABLE, self.name, [self._hash(key)], now=self._clock(), touch=False
            )[0]
        except StoreUnavailableError:
            self._count(errors=1)
            return False
        if blob is None:
            return False
        try:
            decode(self.name, key, self._hash(key), blob)
        except CorruptEntryError:
            return False
        return True

    __contains__ = has

    # -- the mapping forms (cachetools, diskcache and dict users write these first) ----

    def __getitem__(self, key: Key) -> Any:
        """``cache[key]``: the value, or ``KeyError`` for a miss."""
        found = self.get(key, _MISSING)
        if found is _MISSING:
            raise KeyError(key)
        return found

    def __setitem__(self, key: Key, value: Any) -> None:
        """``cache[key] = value``: ``set`` with the cache's ``default_ttl``.

        Raises:
            PayloadTooLargeError: a ``ValueError``, as cachetools' "value too large": the
                value alone is over ``max_bytes`` (nothing is written).
        """
        cap = self._byte_cap
        if self.set(key, value) or cap is None:
            return
        size = len(self._encode(key, value, None, 0.0).value)
        if size > cap:
            raise PayloadTooLargeError(
                f"cache {self.name!r}: value too large ({size:,} bytes stored, max_bytes={cap:,})",
                limit=cap,
                size=size,
            )

    def __delitem__(self, key: Key) -> None:
        """``del cache[key]``: ``KeyError`` if there was no such entry."""
        if not self.delete(key):
            raise KeyError(key)

    # Not iterable: a shared store's keys are hashes (the keys live inside the records),
    # and ``__getitem__`` alone would make ``list(cache)`` ask for keys 0, 1, 2, ...
    __iter__ = None

    @overload
    def memoize(self, ttl: F, *, name: str | None = None) -> F: ...

    @overload
    def memoize(self, ttl: float | None = None, *, name: str | None = None) -> Callable[[F], F]: ...

    def memoize(self, ttl: Any = None, *, name: str | None = None) -> Any:
        """Decorator: keep the function's results here, one per distinct call.
        ``@cache.memoize`` without parentheses works as ``@cache.memoize()`` (as
        ``functools.lru_cache``): it made the function a decorator, and each call
        returned a new function instead of running it.

        >>> from nearcache.stores.memory import MemoryStore
        >>> squares = Cache("squares", MemoryStore())
        >>> @squares.memoize(ttl=60)
        ... def square(n: int) -> int:
        ...     return n * n
        >>> square(12), square(12), squares.stats().hits
        (144, 144, 1)
        """
        if callable(ttl):  # bare @cache.memoize: ttl is the function
            return memoize(self, None, name=name)(ttl)
        return memoize(self, ttl, name=name)

    # -- writes ----------------------------------------------------------------------

    def set(self, key: Key, value: Any, ttl: float | None = None) -> bool:
        """Store ``value`` under ``key`` (replacing it); True once stored, False when the
        value alone is over ``max_bytes`` (nothing written or evicted: as in cachetools,
        ``key`` keeps its earlier value, if any).

        Raises:
            CacheError: the value is not JSON/msgpack data (nothing is written).
            StoreUnavailableError: the store is down (unless ``fail_open``).
        """
        return self.set_many([(key, value)], ttl)

    def set_many(
        self, mapping: KeyMapping | Iterable[tuple[Key, Any]], ttl: float | None = None
    ) -> bool:
        """Store several values atomically (all or none: False, and nothing written, when
        one of them alone is over ``max_bytes``)."""
        self._check_open()
        wanted = "a dict or a list of (key, value) pairs"  # not ["ab"]: "b" stored under "a"
        check_batch(mapping, "mapping", wanted, iterators=True, unordered=True, single=_ONE)
        pairs = list(mapping.items()) if isinstance(mapping, Mapping) else list(mapping)
        now = self._clock()
        items = [self._encode(k, v, ttl, now) for k, v in pairs]
        if not items:
            return True
        if self._refused(items):
            return False
        try:
            put_within(self.store, TABLE, self.name, items, now=now, limits=self._limits)
        except (StoreUnavailableError, StoreWriteError) as exc:
            return self._write_failed(exc, f"{len(items)} writes")
        except PayloadTooLargeError as exc:  # the store's own record limit (DynamoDB)
            raise too_large(self.name, exc, [k for k, _ in pairs], items) from exc
        self._count(sets=len(items))
        return True

    def add(self, key: Key, value: Any, ttl: float | None = None) -> bool:
        """Store ``value`` only if ``key`` has no live value; True if it was stored.

        Exactly one of many concurrent ``add`` calls for the same key wins, across
        threads, processes and machines sharing the store.
        """
        self._check_open()
        now = self._clock()
        item = self._encode(key, value, ttl, now)
        if self._refused([item]):
            return False
        try:
            added = self.store.add(TABLE, self.name, item, now=now)
        except (StoreUnavailableError, StoreWriteError) as exc:
            return self._write_failed(exc, "an add")
        except PayloadTooLargeError as exc:
            raise too_large(self.name, exc, [key], [item]) from exc
        if added:
            self._count(sets=1)
            self._enforce_limits()
        return added

    def delete(self, key: Key) -> bool:
        """Remove ``key``; True if it existed."""
        self._check_open()
        try:
            removed = self.store.delete_many(TABLE, self.name, [self._hash(key)])
        except (StoreUnavailableError, StoreWriteError) as exc:
            return self._write_failed(exc, "a delete")
        self._count(deletes=removed)
        return removed > 0

    def clear(self) -> int:
        """Remove every entry of this cache (other caches are untouched); return how many."""
        self._check_open()
        removed = self.store.clear(TABLE, self.name)
        self._count(deletes=removed)
        return removed

    def cleanup_expired(self) -> int:
        """Sweep expired entries now; return how many."""
        self._check_open()
        return len(self.store.purge_expired(TABLE, self.name, now=self._clock()))

    # -- stats and lifecycle ---------------------------------------------------------

    def stats(self) -> CacheStats:
        """hits, misses, hit_rate, sets, deletes, errors (this process) and entries/size,
        bytes, evictions, expirations (from the store, all processes)."""
        self._check_open()
        c = self._counters.get(self.name)
        info = info_or_empty(self.store, TABLE, self.name)
        return CacheStats(
            entries=info.entries,
            bytes=info.bytes,
            evictions=info.evictions,
            expirations=info.expirations,
            **c,
        )

    def check(self, fix: bool = False) -> list[str]:
        """Store problems plus entries that fail their checksum (removed when ``fix``)."""
        self._check_open()
        problems = list(self.store.check(fix=fix))
        bad = bad_records(self.store, self.name, problems)
        if fix and bad:
            self.store.delete_many(TABLE, self.name, bad)
        return problems

    @property
    def closed(self) -> bool:
        """True once ``close`` ran (``with`` ends); its manager then hands out a new one."""
        return self._closed

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._owns_store:
            self.store.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        closed = ", closed=True" if self._closed else ""
        return f"Cache({self.name!r}, store={self.store!r}{closed})"
