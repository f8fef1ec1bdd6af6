"""The caches run unchanged on every store: EmbeddingCache and the named KV caches."""

from __future__ import annotations

import numpy as np
import pytest

from contract.kits import Kit
from nearcache.clock import ManualClock
from nearcache.embedding.cache import EmbeddingCache
from nearcache.kv import CacheManager

NS = "test.model.dense"


def test_embedding_cache_on_store(kit: Kit) -> None:
    store = kit.open()
    clock = ManualClock(5_000.0)
    cache = EmbeddingCache(store, clock=clock, default_ttl=3600)
    rng = np.random.default_rng(7)
    texts = [f"text number {i}" for i in range(300)]
    vecs = rng.standard_normal((300, 48)).astype(np.float32)
    cache.put_many(texts, vecs, NS, fingerprint="test/model@1")
    got, found = cache.get_many([*texts, "never stored"], NS)
    assert found.tolist() == [True] * 300 + [False]
    np.testing.assert_array_equal(got[:300], vecs)
    assert np.array_equal(cache.get("text number 5", NS), vecs[5])
    # Namespaces do not share vectors; invalidate and TTL work through the store.
    assert cache.get("text number 5", "other.model.dense") is None
    assert cache.invalidate("text number 5", NS)
    assert cache.get("text number 5", NS) is None
    clock.advance(3601)
    assert cache.get("text number 6", NS) is None
    assert cache.cleanup_expired() == 299
    st = cache.stats(NS)
    assert st.entries == 0 and st.expirations == 299 and st.hits >= 301
    assert cache.check() == []


def test_embedding_cache_lru_budget_on_store(kit: Kit) -> None:
    clock = ManualClock(5_000.0)
    cache = EmbeddingCache(kit.open(), clock=clock, max_entries=50)
    for i in range(4):
        cache.put_many([f"t{i}-{j}" for j in range(20)], np.ones((20, 8), np.float32), NS)
        clock.advance(1)
    assert cache.stats(NS).entries == 50
    assert cache.stats(NS).evictions == 30
    assert cache.get("t0-0", NS) is None and cache.get("t3-19", NS) is not None


def test_kv_cache_on_store(kit: Kit) -> None:
    clock = ManualClock(5_000.0)
    with CacheManager(clock=clock) as manager:
        store = kit.open()
        users = manager.get_cache("users", store=store)
        other = manager.get_cache("users2", store=store)
        users.set("ada", {"id": 1, "blob": b"\x00\x01"}, ttl=60)
        other.set("ada", "not the same cache")
        assert users.get("ada") == {"id": 1, "blob": b"\x00\x01"}
        assert users.add("bob", 2) and not users.add("bob", 3)
        clock.advance(61)
        assert users.get("ada") is None and users.get("bob") == 2
        assert users.delete("bob") and not users.has("bob")
        assert other.get("ada") == "not the same cache"
        stats = users.stats()
        assert (stats.hits, stats.sets) == (2, 2)
        assert users.check() == [] and other.check() == []


@pytest.mark.parametrize("n", [250])
def test_big_batches_round_trip(kit: Kit, n: int) -> None:
    """A batch larger than DynamoDB's 100-key requests and 100-item transactions reads
    back complete and in order."""
    cache = EmbeddingCache(kit.open(), clock=ManualClock(1.0))
    vecs = np.arange(n * 4, dtype=np.float32).reshape(n, 4) + 1
    texts = [f"b{i}" for i in range(n)]
    cache.put_many(texts, vecs, NS)
    got, found = cache.get_many(texts[::-1], NS)
    assert found.all()
    np.testing.assert_array_equal(got, vecs[::-1])


def test_kv_names_on_store(kit: Kit) -> None:
    """Any str is a cache name, the empty one included (documented), and names never share
    entries on any store: "" is neither a default cache nor everyone's."""
    names = ["", "a", "a:b", "a\x00b", "ü" * 200]
    with CacheManager(clock=ManualClock(5_000.0)) as manager:
        store = kit.open()
        caches = {n: manager.get_cache(n, store=store) for n in names}
        for name, cache in caches.items():
            cache.set("k", name)
        assert [c.get("k") for c in caches.values()] == names
        assert caches[""].clear() == 1
        assert [c.get("k") for c in caches.values()] == [None, *names[1:]]
        assert all(c.check() == [] for c in caches.values())
