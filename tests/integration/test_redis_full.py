"""A Redis store past its ``maxmemory`` under ``noeviction``, the setup docs/stores.md
advises (nearcache's own limits evict). Redis then refuses writes, and also every command
queued inside ``MULTI``, reads included: every read of every cache raised (a kv ``get``,
``EmbeddingCache.get_many``, ``CachedEmbedder.embed`` of texts it holds) instead of
serving what the store holds; redis-py's ``OutOfMemoryError`` (its text without "OOM")
was a bare ``CacheError``, not ``StoreWriteError``; and a memoized call failed after the
function had run."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from nearcache import CachedEmbedder, CacheManager, EmbeddingCache, FunctionEmbedder, SemanticCache
from nearcache.errors import StoreWriteError
from nearcache.stores.redis import RedisStore


@pytest.fixture
def full(make_redis: Any) -> Iterator[tuple[RedisStore, Any]]:
    """A store holding a few entries, on a server then capped below what it uses."""
    import redis

    server = make_redis(extra=("--maxmemory-policy", "noeviction"))
    store = RedisStore(server.url)
    admin = redis.Redis.from_url(server.url)
    yield store, admin
    admin.close()
    store.close()


def _over_maxmemory(admin: Any) -> None:
    used = int(admin.info("memory")["used_memory"])
    admin.config_set("maxmemory", str(used // 2))


def _embedder() -> FunctionEmbedder:
    return FunctionEmbedder(
        lambda texts: np.ones((len(texts), 8), dtype=np.float32), dim=8, name="ones"
    )


def test_reads_still_serve_what_a_full_redis_holds(full: tuple[RedisStore, Any]) -> None:
    store, admin = full
    cached = CachedEmbedder(_embedder(), EmbeddingCache(store))
    texts = [f"chunk {i}" for i in range(300)]
    cached.embed(texts)
    with CacheManager() as caches:
        kv = caches.get_cache("answers", store=store)
        assert kv.set_many({f"k{i}": i for i in range(50)})
        _over_maxmemory(admin)
        assert [kv.get(f"k{i}") for i in range(50)] == list(range(50))
        assert kv.stats().errors == 0
        with pytest.raises(StoreWriteError, match="refused the write"):
            kv.set("new", 1)
    found = EmbeddingCache(store).get_many(texts, namespace=cached.namespace)
    assert all(v is not None for v in found)
    again = CachedEmbedder(_embedder(), EmbeddingCache(store))
    assert again.embed(texts).shape == (300, 8) and again.stats().embedded == 0


def test_a_full_redis_never_fails_a_memoized_call(
    full: tuple[RedisStore, Any], caplog: pytest.LogCaptureFixture
) -> None:
    store, admin = full
    calls: list[int] = []
    with CacheManager() as caches:
        cache = caches.get_cache("reports", store=store)

        @cache.memoize()
        def report(n: int) -> str:
            calls.append(n)
            return f"report {n}"

        assert report(0) == "report 0"
        _over_maxmemory(admin)
        with caplog.at_level(logging.WARNING, logger="nearcache.kv.memo"):
            assert [report(n) for n in range(3)] == [f"report {n}" for n in range(3)]
        assert calls == [0, 1, 2]  # 0 served from the store, 1 and 2 run and not kept
        assert "result not kept" in caplog.text and "refused the write" in caplog.text


def test_fail_open_caches_drop_writes_a_full_redis_refuses(
    full: tuple[RedisStore, Any],
) -> None:
    """``fail_open=True`` (what LangChain's ``CachedEmbeddings`` builds) dropped writes
    only during an outage: a full server failed ``embed_documents`` after the embedder
    had been paid, and ``set`` raised."""
    store, admin = full
    CachedEmbedder(_embedder(), EmbeddingCache(store)).embed(["seen before"])
    _over_maxmemory(admin)
    cached = CachedEmbedder(_embedder(), EmbeddingCache(store, fail_open=True))
    assert cached.embed(["never seen"]).shape == (1, 8)
    assert cached.stats().embedded == 1
    with CacheManager() as caches:
        kv = caches.get_cache("answers", store=store, fail_open=True)
        assert kv.set("k", 1) is False and kv.stats().errors == 1
        with pytest.raises(StoreWriteError):  # without fail_open it still says so
            caches.get_cache("strict", store=store).set("k", 1)


def _distinct() -> FunctionEmbedder:
    """One-hot by text length: texts of other lengths are orthogonal (never similar)."""
    return FunctionEmbedder(
        lambda texts: np.eye(16, dtype=np.float32)[[len(t) % 16 for t in texts]],
        dim=16,
        name="by-length",
    )


def test_a_full_redis_serves_semantic_lookups(full: tuple[RedisStore, Any]) -> None:
    """A semantic lookup that found no exact entry raised: the check for other processes'
    changes (``MULTI; HMGET; XRANGE``) was refused, so every miss and semantic hit
    failed while exact hits were served."""
    store, admin = full
    cache = SemanticCache(store=store, embedder=_distinct(), judge=None)
    cache.put("kept before", "old answer")
    _over_maxmemory(admin)
    hit = cache.get("kept befor!")  # the same length: the same vector
    assert hit is not None and hit.layer == "semantic" and hit.response == "old answer"
    assert cache.get("not stored") is None
    assert cache.stats().errors == 0
    cache.close()
    again = SemanticCache(store=store, embedder=_distinct(), judge=None)  # a new process
    hit = again.get("kept befor?")
    assert hit is not None and hit.response == "old answer"
    again.close()


def test_a_fail_open_semantic_cache_drops_puts_a_full_redis_refuses(
    full: tuple[RedisStore, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """``SemanticCache(fail_open=True)`` (what LangChain's ``NearcacheLLMCache`` builds)
    dropped puts only during an outage: on a full server ``put`` raised after the model
    had been paid, as the kv and embedding caches no longer do."""
    store, admin = full
    cache = SemanticCache(store=store, embedder=_distinct(), judge=None, fail_open=True)
    cache.put("kept before", "old answer")
    cache.put_many(["a", "bb"], ["1", "2"])
    _over_maxmemory(admin)
    with caplog.at_level(logging.WARNING, logger="nearcache.semantic"):
        cache.put("never kept", "new answer")
        cache.put_many(["ccc", "dddd"], ["3", "4"])
    assert "refused the write" in caplog.text
    assert cache.stats().errors == 2
    assert cache.get("never kept") is None and cache.get("ccc") is None  # nor in the index
    hit = cache.get("kept before")
    assert hit is not None and hit.response == "old answer"
    cache.close()
    strict = SemanticCache(store=store, embedder=_distinct(), judge=None)
    with pytest.raises(StoreWriteError, match="refused the write"):
        strict.put("never kept", "new answer")
    strict.close()


def _transactions(admin: Any) -> int:
    return int(admin.info("commandstats").get("cmdstat_multi", {}).get("calls", 0))


def test_reads_of_a_full_redis_are_one_round_trip(full: tuple[RedisStore, Any]) -> None:
    """Every read of a full server sent its ``MULTI`` first, was refused, then read
    again: two round trips a read for as long as the server stayed full. A refusal now
    sends reads without ``MULTI`` for a while, and a write that lands ends it."""
    store, admin = full
    cached = CachedEmbedder(_embedder(), EmbeddingCache(store))
    texts = [f"chunk {i}" for i in range(1200)]  # read in parts (get_many_parts)
    cached.embed(texts)
    semantic = SemanticCache(store=store, embedder=_distinct(), judge=None)
    semantic.put("kept before", "old answer")
    with CacheManager() as caches:
        kv = caches.get_cache("answers", store=store)
        assert kv.set_many({f"k{i}": i for i in range(20)})
        _over_maxmemory(admin)
        admin.config_resetstat()
        assert [kv.get(f"k{i}") for i in range(20)] == list(range(20))
        assert cached.cache.get_many(texts, namespace=cached.namespace)[1].all()
        assert semantic.get("kept befor!") is not None  # semantic: the change-log check
        assert semantic.get("never stored") is None
        assert _transactions(admin) == 1  # the one refused
        admin.config_set("maxmemory", "0")
        assert kv.set("new", 1)
        assert kv.get("new") == 1 and _transactions(admin) == 2  # a write landed: MULTI again
    semantic.close()


def test_caches_open_on_a_new_redis_already_full(make_redis: Any) -> None:
    """A server shared with other applications and already full when nearcache first
    uses it: opening an ``EmbeddingCache``, a ``SemanticCache`` or a kv cache by URL
    raised (each records the key hash algorithm, a write, when it opens), so even
    reads failed. Now they open, read misses, and writes fail or drop as on any full
    server."""
    import redis

    server = make_redis(extra=("--maxmemory-policy", "noeviction"))
    admin = redis.Redis.from_url(server.url)
    _over_maxmemory(admin)
    store = RedisStore(server.url)
    try:
        found = EmbeddingCache(store).get_many(["a"], namespace="n")
        assert not found[1].any()
        with pytest.raises(StoreWriteError):
            CachedEmbedder(_embedder(), EmbeddingCache(store)).embed(["a"])
        fail_open = CachedEmbedder(_embedder(), EmbeddingCache(store, fail_open=True))
        assert fail_open.embed(["a"]).shape == (1, 8)
        semantic = SemanticCache(store=store, embedder=_distinct(), judge=None, fail_open=True)
        assert semantic.get("anything") is None
        semantic.put("anything", "dropped")
        assert semantic.stats().errors == 1
        with pytest.raises(StoreWriteError):
            SemanticCache(store=store, embedder=_distinct(), judge=None).put("q", "a")
        with CacheManager() as caches:
            kv = caches.get_cache("answers", server.url, fail_open=True)
            assert kv.get("k") is None and kv.set("k", 1) is False
        assert admin.keys("*") == []
        admin.config_set("maxmemory", "0")  # room again: the first write records it
        semantic.put("anything", "kept")
        assert admin.hget("nearcache:meta", "hash_algorithm") is not None
        assert semantic.get("anything") is not None
        semantic.close()
    finally:
        admin.close()
        store.close()


def test_a_full_redis_can_be_emptied(full: tuple[RedisStore, Any]) -> None:
    """Deleting, purging and clearing run in scripts, which a full server refused like
    any write: nothing could be removed to make room (``nearcache clear`` and ``vacuum``
    failed with "refused the write"). Those scripts may run past ``maxmemory`` now."""
    import time

    store, admin = full
    cached = CachedEmbedder(_embedder(), EmbeddingCache(store))
    cached.embed([f"chunk {i}" for i in range(300)])
    semantic = SemanticCache(store=store, embedder=_distinct(), judge=None)
    semantic.put("kept before", "old answer")
    with CacheManager() as caches:
        kv = caches.get_cache("answers", store=store)
        assert kv.set_many({f"k{i}": i for i in range(50)})
        assert kv.set("brief", 1, ttl=0.05)
        _over_maxmemory(admin)
        time.sleep(0.1)
        assert kv.delete("k0") and kv.get("k0") is None
        assert kv.cleanup_expired() == 1
        assert kv.clear() == 49
    assert semantic.delete("kept before") and semantic.get("kept before") is None
    assert cached.cache.clear() == 300
    assert EmbeddingCache(store).get_many(["chunk 1"], namespace=cached.namespace)[1].sum() == 0
    semantic.close()


def test_search_a_full_redis(make_redis: Any, tmp_path: Any) -> None:
    """``nearcache search`` stores the query's vector and counts the search: on a full
    server both writes were refused and the search failed ("refused the write") while
    every chunk it needed could be read."""
    import redis

    from cli_support import make_corpus, nc

    server = make_redis(extra=("--maxmemory-policy", "noeviction"))
    admin = redis.Redis.from_url(server.url)
    corpus = tmp_path / "corpus"
    make_corpus(corpus, paragraphs=10)
    assert nc("embed", str(corpus), "--store", server.url).returncode == 0
    _over_maxmemory(admin)
    proc = nc("search", "paragraph", "--store", server.url, "--json")
    admin.close()
    assert proc.returncode == 0, proc.stderr
    assert '"results": [' in proc.stdout and '"similarity"' in proc.stdout
