"""SemanticCache observability (SPEC §2): stats per layer and namespace, health, metric events."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from nearcache import ManualClock, MemoryStore, MetricEvent, SemanticCache
from semantic_support import DIM, TableEmbedder, angled, make_cache


def test_stats_per_layer_and_namespace(cache: SemanticCache) -> None:
    cache.put("alpha beta gamma", 1, namespace="n1")
    cache.put("delta", 2, namespace="n2")
    cache.set_similarity_threshold(0.5)
    cache.get("alpha beta gamma", namespace="n1")
    cache.get("alpha beta gamma delta", namespace="n1")
    cache.get("zzz unrelated", namespace="n1")
    cache.get("delta", namespace="n2", bypass=True)
    n1 = cache.stats("n1")
    assert (n1.hits, n1.misses, n1.exact_hits, n1.semantic_hits) == (2, 1, 1, 1)
    assert n1.hit_rate == pytest.approx(2 / 3)
    assert n1.exact_hit_rate == pytest.approx(1 / 3)
    assert n1.semantic_hit_rate == pytest.approx(1 / 3)
    assert n1.miss_reasons == {"below_threshold": 1}
    assert n1.entries == 1 and n1.sets == 1 and n1.namespaces == {}
    total = cache.stats()
    assert total.hits == 2 and total.misses == 2 and set(total.namespaces) == {"n1", "n2"}
    assert total.miss_reasons == {"below_threshold": 1, "bypass": 1}
    assert total.as_dict()["namespaces"]["n2"]["miss_reasons"] == {"bypass": 1}


def test_health(store: Any, emb: TableEmbedder, clock: ManualClock) -> None:
    # "single": this process owns the store, so a record removed behind its back is lag
    # (in "shared" mode it would be another process's delete, applied on the next check).
    cache = make_cache(store, emb, clock, multi_process_mode="single")
    cache.put("q", "v")
    h = cache.health()
    assert h["ok"] and h["store"]["reachable"] and h["index"]["in_sync"]
    assert h["index"]["entries"] == 1 and h["entries"] == 1 and h["index"]["dim"] == DIM
    # Remove a record behind the cache's back: health notices the index is ahead.
    key = cache.get("q").key  # type: ignore[union-attr]
    cache.store.delete_many("semantic", "default", [key])
    h = cache.health()
    assert (
        not h["ok"]
        and not h["index"]["in_sync"]
        and h["index"]["lagging_namespaces"] == ["default"]
    )
    assert cache.check() != []
    assert cache.check(fix=True) != []
    assert cache.check() == [] and cache.health()["ok"]
    cache.close()


def test_metrics_hook_events_and_a_raising_hook(store: Any, clock: ManualClock) -> None:
    events: list[MetricEvent] = []
    emb = TableEmbedder(DIM, {"a": angled(0), "b": angled(10), "c": angled(80)})
    cache = make_cache(store, emb, clock, metrics_hook=events.append, similarity_threshold=0.9)
    cache.put("a", 1)
    cache.get("a")
    cache.get("b")
    cache.get("c")
    kinds = [(e.kind, e.layer, e.reason) for e in events]
    assert kinds == [
        ("put", None, None),
        ("hit", "exact", None),
        ("hit", "semantic", None),
        ("miss", "semantic", "below_threshold"),
    ]
    assert all(e.latency_s >= 0 and e.namespace == "default" for e in events)
    assert events[2].similarity == pytest.approx(np.cos(np.radians(10)), abs=1e-5)
    cache.close()

    def bad_hook(event: MetricEvent) -> None:
        raise RuntimeError("hook bug")

    c2 = make_cache(MemoryStore(), TableEmbedder(DIM), clock, metrics_hook=bad_hook)
    c2.put("x", 1)
    assert c2.get("x") is not None
    c2.close()
