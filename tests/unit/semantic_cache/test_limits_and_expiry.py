"""SemanticCache limits and expiry (SPEC §2): max_entries, namespace quotas, TTL, vacuum, a
clock jumping back."""

from __future__ import annotations

from typing import Any

import pytest

from nearcache import ManualClock, MetricEvent, Miss, NamespaceQuotaError, SemanticCache
from semantic_support import DIM, TableEmbedder, angled, make_cache


def test_max_entries_evicts_least_recently_used(
    store: Any, emb: TableEmbedder, clock: ManualClock
) -> None:
    events: list[MetricEvent] = []
    cache = make_cache(store, emb, clock, max_entries=3, metrics_hook=events.append)
    for q in ("a", "b", "c"):
        cache.put(q, q.upper())
        clock.advance(1)
    assert cache.get("a") is not None  # a is now the most recent
    clock.advance(1)
    cache.put("d", "D")
    assert cache.get("b") is None
    assert [q for q in "acd" if cache.get(q) is not None] == ["a", "c", "d"]
    assert cache.stats().evictions == 1 and cache.stats().index_entries == 3
    assert [e.namespace for e in events if e.kind == "evict"] == ["default"]
    assert cache.check() == []
    cache.close()


def test_namespace_quotas_evict_within_the_namespace(
    store: Any, emb: TableEmbedder, clock: ManualClock
) -> None:
    cache = make_cache(store, emb, clock, namespace_quotas={"small": 2, "closed": 0})
    for q in ("x", "y"):
        cache.put(q, q, namespace="big")
    for q in ("p", "q", "r"):
        cache.put(q, q, namespace="small")
        clock.advance(1)
    assert cache.get("p", namespace="small") is None
    assert cache.get("q", namespace="small") is not None
    assert cache.stats("small").entries == 2 and cache.stats("big").entries == 2
    with pytest.raises(NamespaceQuotaError):
        cache.put("z", "z", namespace="closed")
    assert cache.list_namespaces() == ["big", "small"]
    assert emb.seen.count("z") == 0  # refused before embedding
    assert cache.check() == []
    cache.close()


# -- TTL -----------------------------------------------------------------------------------


def test_ttl_lazy_expiry_on_get(store: Any, emb: TableEmbedder, clock: ManualClock) -> None:
    events: list[MetricEvent] = []
    cache = make_cache(store, emb, clock, default_ttl=100, metrics_hook=events.append)
    cache.put("short", "s", ttl=10)
    cache.put("long", "l")
    clock.advance(11)
    miss = cache.lookup("short")
    assert isinstance(miss, Miss) and miss.reason == "expired"
    assert [e.kind for e in events if e.kind == "expire"] == ["expire"]
    assert cache.stats().index_entries == 1 and cache.stats().entries == 1
    assert cache.get("long").expires_at == 1_000_000.0 + 100  # type: ignore[union-attr]
    clock.advance(100)
    assert cache.get("long") is None
    assert cache.stats().expirations == 2
    assert cache.check() == []
    cache.close()


def test_expired_rows_never_hide_live_candidates(store: Any, clock: ManualClock) -> None:
    table = {f"e{i}": angled(i) for i in range(6)}
    table["live"] = angled(20)
    table["query"] = angled(0)
    cache = make_cache(store, TableEmbedder(DIM, table), clock, top_k=2, similarity_threshold=0.5)
    for i in range(6):
        cache.put(f"e{i}", "old", ttl=5)
    cache.put("live", "fresh")
    clock.advance(6)
    hit = cache.get("query")
    assert hit is not None and hit.response == "fresh"
    assert cache.stats().index_entries == 1
    assert cache.check() == []
    cache.close()


def test_vacuum_sweeps_and_compacts(cache: SemanticCache, clock: ManualClock) -> None:
    for i in range(5):
        cache.put(f"t{i}", i, ttl=10, namespace="a" if i % 2 else "b")
    cache.put("keep", "k")
    clock.advance(20)
    assert cache.vacuum(namespace="a", compact=False) == 2
    assert cache.stats().tombstones == 2
    assert cache.vacuum() == 3
    assert cache.stats().tombstones == 0 and cache.stats().index_entries == 1
    assert cache.vacuum() == 0


def test_clock_jumping_back_keeps_entries(cache: SemanticCache, clock: ManualClock) -> None:
    cache.put("q", "v", ttl=60)
    clock.advance(-3600)
    hit = cache.get("q")
    assert hit is not None and hit.expires_at is not None and hit.expires_at > clock()
