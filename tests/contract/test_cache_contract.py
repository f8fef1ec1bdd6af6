"""The behaviour every cache shares, run unchanged against all three caches — the
embedding cache, the semantic cache and a named key/value cache — on a memory and a
SQLite store, the way ``test_store_contract`` runs against every store.

Each cache is driven through a small adapter (:class:`Driver`) that maps "put a value
under a key in a namespace" onto that cache's own API; the assertions only use what all
three promise: a put/get round trip, namespaces that never see each other, ``clear``,
hit/miss/set counters, TTL on an injected clock, ``CacheClosedError`` after ``close``,
and ``check() == []``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from helpers import hash_vector
from nearcache import (
    CacheClosedError,
    EmbeddingCache,
    ManualClock,
    MemoryStore,
    SemanticCache,
    SQLiteStore,
    Store,
)
from nearcache.kv import CacheManager
from semantic_support import TableEmbedder

DIM = 16
CACHES = ["embedding", "semantic", "kv"]
STORES = ["memory", "sqlite"]


class Driver:
    """One cache behind a uniform put/get/clear/stats/check/close."""

    def __init__(self, kind: str, store: Store, clock: ManualClock) -> None:
        self.kind = kind
        if kind == "embedding":
            self.cache: Any = EmbeddingCache(store, clock=clock)
        elif kind == "semantic":
            self.cache = SemanticCache(store=store, embedder=TableEmbedder(DIM), clock=clock)
        else:
            self.cache = CacheManager(clock=clock)
            self._store = store

    def _kv(self, namespace: str) -> Any:
        return self.cache.get_cache(namespace, store=self._store)

    def value(self, key: str) -> Any:
        """What ``put`` stores for ``key`` (and ``get`` should give back)."""
        if self.kind == "embedding":
            return hash_vector(key, DIM)
        return {"answer": f"response to {key}"}

    def put(self, namespace: str, key: str, *, ttl: float | None = None) -> None:
        value = self.value(key)
        if self.kind == "embedding":
            self.cache.put(key, value, namespace, ttl=ttl)
        elif self.kind == "semantic":
            self.cache.put(key, value, namespace=namespace, ttl=ttl)
        else:
            assert self._kv(namespace).set(key, value, ttl=ttl)

    def get(self, namespace: str, key: str) -> Any:
        if self.kind == "embedding":
            return self.cache.get(key, namespace)
        if self.kind == "semantic":
            hit = self.cache.get(key, namespace=namespace)
            return None if hit is None or hit.layer != "exact" else hit.response
        return self._kv(namespace).get(key)

    def clear(self) -> int:
        if self.kind == "kv":
            return int(self.cache.clear_all())
        return int(self.cache.clear())

    def counters(self, namespace: str) -> tuple[int, int, int]:
        """(hits, misses, sets) this process counted in ``namespace``."""
        st = self._kv(namespace).stats() if self.kind == "kv" else self.cache.stats(namespace)
        return st.hits, st.misses, st.sets

    def check(self) -> list[str]:
        if self.kind == "kv":
            return [p for c in self.cache._caches.values() for p in c.check()]
        return list(self.cache.check())

    def close(self) -> None:
        self.cache.close()

    def same(self, got: Any, key: str) -> bool:
        want = self.value(key)
        return bool(np.array_equal(got, want)) if self.kind == "embedding" else got == want


@pytest.fixture(params=[(c, s) for c in CACHES for s in STORES], ids=lambda p: f"{p[0]}-{p[1]}")
def setup(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Driver, ManualClock]]:
    kind, store_kind = request.param
    store: Store = MemoryStore() if store_kind == "memory" else SQLiteStore(tmp_path / "c.db")
    clock = ManualClock(1_000_000.0)
    driver = Driver(kind, store, clock)
    yield driver, clock
    driver.close()
    store.close()


def test_put_get_round_trip(setup: tuple[Driver, ManualClock]) -> None:
    d, _ = setup
    for key in ("alpha", "beta", "gamma with spaces"):
        d.put("ns.one.dense", key)
    for key in ("alpha", "beta", "gamma with spaces"):
        assert d.same(d.get("ns.one.dense", key), key)
    assert d.get("ns.one.dense", "never stored") is None
    assert d.check() == []


def test_namespaces_are_isolated(setup: tuple[Driver, ManualClock]) -> None:
    d, _ = setup
    d.put("ns.one.dense", "shared key")
    assert d.get("ns.two.dense", "shared key") is None
    d.put("ns.two.dense", "other key")
    assert d.get("ns.one.dense", "other key") is None
    assert d.same(d.get("ns.one.dense", "shared key"), "shared key")
    assert d.check() == []


def test_clear_removes_everything(setup: tuple[Driver, ManualClock]) -> None:
    d, _ = setup
    for ns in ("ns.one.dense", "ns.two.dense"):
        for key in ("a", "b"):
            d.put(ns, key)
    assert d.clear() == 4
    assert all(d.get(ns, k) is None for ns in ("ns.one.dense", "ns.two.dense") for k in "ab")
    assert d.check() == []


def test_stats_count_hits_misses_and_sets(setup: tuple[Driver, ManualClock]) -> None:
    d, _ = setup
    d.put("ns.one.dense", "a")
    d.put("ns.one.dense", "b")
    d.get("ns.one.dense", "a")
    d.get("ns.one.dense", "a")
    d.get("ns.one.dense", "missing")
    assert d.counters("ns.one.dense") == (2, 1, 2)
    assert d.counters("ns.two.dense") == (0, 0, 0)


def test_ttl_follows_the_injected_clock(setup: tuple[Driver, ManualClock]) -> None:
    d, clock = setup
    d.put("ns.one.dense", "short", ttl=10)
    d.put("ns.one.dense", "forever")
    clock.advance(9)
    assert d.same(d.get("ns.one.dense", "short"), "short")
    clock.advance(2)
    assert d.get("ns.one.dense", "short") is None
    assert d.same(d.get("ns.one.dense", "forever"), "forever")
    assert d.check() == []


def test_a_closed_cache_refuses_work(setup: tuple[Driver, ManualClock]) -> None:
    d, _ = setup
    d.put("ns.one.dense", "a")
    d.close()
    d.close()  # closing twice is harmless
    with pytest.raises(CacheClosedError):
        d.put("ns.one.dense", "b")
    with pytest.raises(CacheClosedError):
        d.get("ns.one.dense", "a")
