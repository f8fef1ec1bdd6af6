"""``MemoryStore``: the store itself (see the package docstring, :mod:`nearcache.stores.memory`)."""

from __future__ import annotations

import heapq
import itertools
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from itertools import islice, repeat
from operator import attrgetter

from ...errors import CacheClosedError, InvalidInputError
from ..base import BaseStore
from ..lru import Budget, group_by_namespace
from ..protocol import TABLES, Changes, Item, Limit, NamespaceInfo
from .handed import HandedOut
from .space import Entry, Namespace, lru_run, recount

__all__ = ["MemoryStore"]

_KEY_OF = attrgetter("key")
#: runs an iterator to its end in C, keeping nothing
_CONSUME = deque[object](maxlen=0).extend
#: Fewest keys for which a read hashes them all before it looks any up (see ``_get_many``).
HASH_FIRST = 16

#: Change-log events kept per namespace before readers must reload.
LOG_RETENTION = 100_000


class MemoryStore(BaseStore, HandedOut):
    """Records in process memory; fastest, gone when the process exits.

    ``max_bytes`` bounds the bytes of all stored values; when a write goes over it, the
    least recently used records (across tables) are evicted and counted as evictions.

    Caches may ``remember`` the arrays they hand out. An evicted record whose array is
    still referenced somewhere in the program stays reachable through ``recall`` (a weak
    reference) until that array is dropped, so a hot item is not recomputed needlessly.
    Deletes, clears, replacements and expiry forget such references.

    >>> store = MemoryStore(max_bytes=100 * 1024 * 1024)
    """

    def __init__(self, *, max_bytes: int | None = None) -> None:
        if max_bytes is not None and max_bytes < 0:
            raise InvalidInputError("max_bytes must be >= 0")
        self.max_bytes = max_bytes
        self.url = "memory://"
        self._tables: dict[str, dict[str, Namespace]] = {t: {} for t in TABLES}
        self._meta: dict[str, str] = {}
        self._lock = threading.RLock()
        self._ticks = itertools.count(1)
        self._total_bytes = 0
        self._closed = False
        self._refs = {}  # typed in HandedOut

    # -- helpers -----------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise CacheClosedError("store is closed")

    def _ns(self, table: str, namespace: str, create: bool = False) -> Namespace | None:
        self._check_open()
        spaces = self._tables[table]
        ns = spaces.get(namespace)
        if ns is None and create:
            ns = spaces[namespace] = Namespace()
        return ns

    def _log(self, table: str, ns: Namespace, op: str, keys: Sequence[str]) -> None:
        if TABLES[table].log:
            ns.log.extend((ns.version, op, k) for k in keys)
            if len(ns.log) > LOG_RETENTION * 2:
                del ns.log[: len(ns.log) - LOG_RETENTION]

    def _remove(self, ns: Namespace, key: str) -> Entry | None:
        entry = ns.entries.pop(key, None)
        if entry is not None:
            del ns.values[key]
            ns.bytes -= len(entry.value)
            self._total_bytes -= len(entry.value)
            if entry.expires_at is not None:
                ns.expiring -= 1
        return entry

    def _enforce_budget(self) -> None:
        """Evict across all tables while the stored values exceed ``max_bytes``."""
        if self.max_bytes is not None and self._total_bytes > self.max_bytes:
            budget = Budget(0, self._total_bytes, Limit(None, None, self.max_bytes))
            self._evict_oldest(list(self._tables), None, budget)

    def _evict_oldest(
        self, tables: list[str], namespace: str | None, budget: Budget
    ) -> list[tuple[str, str]]:
        """Remove least recently used records of ``tables`` (or of one namespace) until
        ``budget`` holds; return their ``(namespace, key)``. Namespaces are each in LRU
        order already, so a merge by tick gives the order across them."""
        runs = [
            lru_run((t, name), ns)
            for t in tables
            for name, ns in self._tables[t].items()
            if namespace is None or name == namespace
        ]
        picked = budget.pick(heapq.merge(*runs))
        for (table, name), keys in group_by_namespace(picked).items():
            ns = self._tables[table][name]
            for key in keys:
                self._remove(ns, key)
            ns.evictions += len(keys)
            ns.version += 1
            self._log(table, ns, "delete", keys)
        return [(name, key) for (_, name), key in picked]

    # -- Store protocol ------------------------------------------------------------

    def _get_many(
        self, table: str, namespace: str, keys: Sequence[str], now: float, touch: bool
    ) -> list[bytes | None]:
        if len(keys) >= HASH_FIRST:
            # A str keeps its hash once taken. Keys made for this read have none yet, and
            # in a large dict each lookup waits on a few cache misses (slot, entry, key,
            # value): hashed in one pass first, the lookups are only those misses, which
            # the CPU overlaps across keys (1,000 of 100k held: 0.74 -> 0.46 ms).
            _CONSUME(map(hash, keys))
        with self._lock:
            ns = self._ns(table, namespace)
            if ns is None:
                return [None] * len(keys)
            entries = ns.entries
            # One tick for the batch: each namespace stays in tick order for the LRU merge.
            tick = next(self._ticks) if touch else 0
            if touch and not ns.expiring:  # none can expire: C loops, popped and put back
                found = list(map(entries.pop, keys, repeat(None)))
                if None not in found:  # all hit, no key twice: the common case
                    entries.update(zip(map(_KEY_OF, found), found))  # type: ignore[arg-type]
                    for entry in found:
                        entry.tick = tick  # type: ignore[union-attr]
                    return [entry.value for entry in found]  # type: ignore[union-attr]
                # a miss or a repeated key: put the popped back, then the general path
                entries.update([(e.key, e) for e in found if e is not None])
            if not touch and not ns.expiring:  # nothing to record or check: the values
                return list(map(ns.values.get, keys))
            found = list(map(entries.get, keys))
            out: list[bytes | None] = []
            append_out = out.append
            for key, entry in zip(keys, found):
                if entry is None or (entry.expires_at is not None and entry.expires_at <= now):
                    append_out(None)
                    continue
                if touch:
                    entry.tick = tick
                    del entries[key]
                    entries[entry.key] = entry  # to the end: most recently used
                append_out(entry.value)
            return out

    def _put_many(self, table: str, namespace: str, items: list[Item], now: float) -> int:
        """Write ``items`` (unique keys: the base class dedupes) with C-level loops: the
        old entries are popped and the new ones built and inserted by ``map``."""
        with self._lock:
            ns = self._ns(table, namespace, create=True)
            assert ns is not None
            if not items:
                return ns.version
            keys, values, expiries = zip(*items)
            self._forget(table, namespace, keys)
            entries = ns.entries
            for old in filter(None, map(entries.pop, keys, repeat(None))):
                ns.bytes -= len(old.value)
                self._total_bytes -= len(old.value)
                ns.expiring -= old.expires_at is not None
            ticks = islice(self._ticks, len(keys))
            entries.update(zip(keys, map(Entry, keys, values, expiries, ticks)))
            ns.values.update(zip(keys, values))
            size = sum(map(len, values))
            ns.bytes += size
            self._total_bytes += size
            ns.expiring += len(expiries) - expiries.count(None)
            ns.version += 1
            self._log(table, ns, "put", keys)
            version = ns.version
            self._enforce_budget()
            return version

    def _put_many_within(
        self, table: str, namespace: str, unique: list[Item], now: float, limits: Sequence[Limit]
    ) -> tuple[int, list[tuple[str, str]]]:
        """``put_many`` and LRU eviction to ``limits`` under one lock hold."""
        with self._lock:
            if unique:
                version = self._put_many(table, namespace, unique, now)
            else:
                version = self._info(table, namespace).version
            evicted: list[tuple[str, str]] = []
            for lim in limits:
                if lim.capped:
                    evicted += self._evict(table, lim)
            return version, evicted

    def _add_many(
        self, table: str, namespace: str, items: Sequence[Item], now: float
    ) -> list[bool]:
        with self._lock:
            ns = self._ns(table, namespace, create=True)
            assert ns is not None
            won: list[bool] = []
            fresh: dict[str, Item] = {}
            for item in items:
                entry = ns.entries.get(item.key)
                live = entry is not None and (entry.expires_at is None or entry.expires_at > now)
                ok = not live and item.key not in fresh
                won.append(ok)
                if ok:
                    fresh[item.key] = item
            if fresh:
                self._put_many(table, namespace, list(fresh.values()), now)
            return won

    def _delete_many(self, table: str, namespace: str, keys: list[str]) -> int:
        with self._lock:
            ns = self._ns(table, namespace)
            if ns is None:
                return 0
            self._forget(table, namespace, keys)
            gone = [k for k in keys if self._remove(ns, k) is not None]
            if gone:
                ns.version += 1
                self._log(table, ns, "delete", gone)
            return len(gone)

    def _clear(self, table: str, namespace: str | None) -> int:
        with self._lock:
            self._check_open()
            names = [namespace] if namespace is not None else list(self._tables[table])
            removed = 0
            for name in names:
                ns = self._tables[table].get(name)
                if ns is None:
                    continue
                removed += len(ns.entries)
                self._forget(table, name, None)
                self._total_bytes -= ns.bytes
                ns.entries.clear()
                ns.values.clear()
                ns.bytes = ns.expiring = 0
                ns.version += 1
                if TABLES[table].log:
                    ns.log.append((ns.version, "clear", ""))
            return removed

    def _purge_expired(
        self, table: str, namespace: str | None, now: float, limit: int | None
    ) -> list[tuple[str, str]]:
        with self._lock:
            self._check_open()
            names = [namespace] if namespace is not None else list(self._tables[table])
            gone: list[tuple[str, str]] = []
            for name in names:
                ns = self._tables[table].get(name)
                if ns is None:
                    continue
                keys = [
                    k
                    for k, e in ns.entries.items()
                    if e.expires_at is not None and e.expires_at <= now
                ]
                if limit is not None:
                    keys = keys[: max(0, limit - len(gone))]
                if not keys:
                    continue
                for k in keys:
                    self._remove(ns, k)
                self._forget(table, name, keys)
                ns.expirations += len(keys)
                ns.version += 1
                self._log(table, ns, "delete", keys)
                gone.extend((name, k) for k in keys)
            return gone

    def _evict(self, table: str, limit: Limit) -> list[tuple[str, str]]:
        with self._lock:
            self._check_open()
            info = self._info(table, limit.namespace)
            return self._evict_oldest(
                [table], limit.namespace, Budget(info.entries, info.bytes, limit)
            )

    def _namespaces(self, table: str) -> list[str]:
        with self._lock:
            self._check_open()
            return [n for n, ns in self._tables[table].items() if ns.entries]

    def _info(self, table: str, namespace: str | None) -> NamespaceInfo:
        with self._lock:
            self._check_open()
            spaces = (
                [self._tables[table][namespace]]
                if namespace is not None and namespace in self._tables[table]
                else ([] if namespace is not None else list(self._tables[table].values()))
            )
            return NamespaceInfo(
                entries=sum(len(ns.entries) for ns in spaces),
                bytes=sum(ns.bytes for ns in spaces),
                version=sum(ns.version for ns in spaces),
                evictions=sum(ns.evictions for ns in spaces),
                expirations=sum(ns.expirations for ns in spaces),
            )

    def _scan(self, table: str, namespace: str, batch_size: int) -> Iterator[list[Item]]:
        with self._lock:
            ns = self._ns(table, namespace)
            snapshot = (
                []
                if ns is None
                else [Item(k, e.value, e.expires_at) for k, e in ns.entries.items()]
            )
        for i in range(0, len(snapshot), batch_size):
            yield snapshot[i : i + batch_size]

    def _changes(self, table: str, namespace: str, since: int) -> Changes:
        with self._lock:
            ns = self._ns(table, namespace)
            if ns is None or ns.version <= since:
                return Changes(since if ns is None else ns.version, [])
            log = ns.log
            if not log or log[0][0] > since + 1:
                return Changes(ns.version, None)
            return Changes(ns.version, [(op, key) for v, op, key in log if v > since])

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            self._check_open()
            return self._meta.get(key)

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._check_open()
            self._meta[key] = value

    def check(self, fix: bool = False) -> list[str]:
        with self._lock:
            self._check_open()
            problems, total = recount(self._tables, fix)
            if total != self._total_bytes:
                problems.append(f"total byte counter {self._total_bytes} != recount {total}")
                if fix:
                    self._total_bytes = total
            return problems

    def close(self) -> None:
        with self._lock:
            self._refs.clear()
            self._closed = True
            for spaces in self._tables.values():
                spaces.clear()
            self._total_bytes = 0

    def __repr__(self) -> str:
        return f"MemoryStore(max_bytes={self.max_bytes})"
