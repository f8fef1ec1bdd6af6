"""SemanticCache maintenance (SPEC §2): delete, compact, clear, requantize, close."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nearcache import CacheClosedError, ManualClock, MemoryStore, SemanticCache
from semantic_support import DIM, TableEmbedder, make_cache


def test_delete_tombstones_and_compact_reclaims(cache: SemanticCache) -> None:
    for i in range(10):
        cache.put(f"question {i}", i)
    assert cache.compact() == 0  # early return, nothing to reclaim
    assert cache.delete("question 3")
    assert not cache.delete("question 3")
    assert not cache.delete("never stored", namespace="elsewhere")
    assert cache.stats().tombstones == 1
    cache.set_similarity_threshold(-1)
    hit = cache.get("question 3")
    assert hit is not None and hit.matched_query != "question 3"
    assert cache.compact() == 1
    assert cache.stats().tombstones == 0 and cache.stats().index_entries == 9
    assert cache.get("question 7").response == 7  # type: ignore[union-attr]


def test_clear_namespace_and_clear(cache: SemanticCache) -> None:
    for ns in ("a", "b"):
        for i in range(3):
            cache.put(f"q{i}", f"{ns}{i}", namespace=ns)
    assert cache.clear_namespace("a") == 3
    assert cache.get("q1", namespace="a") is None
    assert cache.get("q1", namespace="b").response == "b1"  # type: ignore[union-attr]
    assert cache.list_namespaces() == ["b"]
    version = cache.store.info("semantic", "b").version
    assert cache.clear() == 3
    assert cache.store.info("semantic", "b").version > version
    assert cache.list_namespaces() == []
    assert cache.stats().index_entries == 0 and cache.stats().partitions == 0
    cache.put("q1", "again", namespace="b")
    assert cache.get("q1", namespace="b").response == "again"  # type: ignore[union-attr]


@pytest.mark.parametrize("dtype", ["float16", "int8"])
def test_requantize_in_place(cache: SemanticCache, dtype: str) -> None:
    for i in range(20):
        cache.put(f"item number {i}", i)
    before = cache.stats().index_bytes
    cache.requantize(dtype)
    assert cache.vector_dtype == dtype
    assert cache.stats().index_bytes < before
    assert cache.get("item number 4").response == 4  # type: ignore[union-attr]
    cache.put("item number 99", 99)
    cache.set_similarity_threshold(0.9)
    assert cache.get("item number  99").response == 99  # type: ignore[union-attr]
    assert cache.check() == []
    cache.requantize(dtype)  # same dtype: nothing to do


def test_close_context_manager_and_closed_errors(store: Any, clock: ManualClock) -> None:
    with make_cache(store, TableEmbedder(DIM), clock) as cache:
        cache.put("q", "v")
    for call in (
        lambda: cache.get("q"),
        lambda: cache.put("q", "v"),
        lambda: cache.delete("q"),
        lambda: cache.vacuum(),
        lambda: cache.compact(),
        lambda: cache.clear(),
        lambda: cache.clear_namespace("x"),
        lambda: cache.stats(),
        lambda: cache.list_namespaces(),
        lambda: cache.set_similarity_threshold(0.5),
        lambda: cache.requantize("int8"),
        lambda: cache.check(),
        lambda: cache.dumps("/nonexistent/x.tar.gz"),
    ):
        with pytest.raises(CacheClosedError):
            call()
    assert cache.health()["closed"] is True
    cache.close()  # idempotent


def test_owned_store_is_closed_but_a_given_store_is_not(tmp_path: Path) -> None:
    store = MemoryStore()
    SemanticCache(store=store, embedder=TableEmbedder(DIM), judge=None).close()
    assert store.namespaces("semantic") == []
    cache = SemanticCache(tmp_path / "own.db", TableEmbedder(DIM), judge=None)
    inner = cache.store
    cache.close()
    with pytest.raises(CacheClosedError):
        inner.namespaces("semantic")
