"""The Prometheus metrics hook: series, labels, and a real scrape over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from nearcache.semantic.types import MetricEvent

pytest.importorskip("prometheus_client")
httpx = pytest.importorskip("httpx")

from prometheus_client import CollectorRegistry, start_http_server  # noqa: E402

from nearcache.integrations.prometheus import PrometheusMetrics  # noqa: E402


def _value(registry: CollectorRegistry, name: str, **labels: str) -> float:
    value = registry.get_sample_value(name, labels)
    return 0.0 if value is None else value


def test_lookups_and_events_are_counted() -> None:
    registry = CollectorRegistry()
    hook = PrometheusMetrics(registry=registry)
    hook(MetricEvent("hit", "exact", "faq", similarity=1.0, latency_s=0.0002))
    hook(MetricEvent("hit", "semantic", "faq", similarity=0.93, latency_s=0.004))
    hook(
        MetricEvent(
            "miss", "semantic", "faq", reason="below_threshold", similarity=0.7, latency_s=0.003
        )
    )
    hook(MetricEvent("miss", None, "faq", reason="not_found", latency_s=0.001))
    hook(MetricEvent("put", None, "faq"))
    hook(MetricEvent("evict", None, "faq", reason="lru"))
    hook(MetricEvent("error", None, "faq", reason="store_error"))

    lookups = "nearcache_lookups_total"
    assert (
        _value(registry, lookups, result="hit", layer="exact", reason="none", namespace="faq") == 1
    )
    assert (
        _value(registry, lookups, result="hit", layer="semantic", reason="none", namespace="faq")
        == 1
    )
    assert (
        _value(
            registry,
            lookups,
            result="miss",
            layer="semantic",
            reason="below_threshold",
            namespace="faq",
        )
        == 1
    )
    assert (
        _value(registry, lookups, result="miss", layer="none", reason="not_found", namespace="faq")
        == 1
    )
    events = "nearcache_events_total"
    assert _value(registry, events, kind="put", reason="none", namespace="faq") == 1
    assert _value(registry, events, kind="evict", reason="lru", namespace="faq") == 1
    assert _value(registry, events, kind="error", reason="store_error", namespace="faq") == 1

    latency = "nearcache_lookup_latency_seconds"
    assert _value(registry, f"{latency}_count", result="hit", layer="exact") == 1
    assert _value(registry, f"{latency}_bucket", result="hit", layer="exact", le="0.00025") == 1
    assert _value(registry, f"{latency}_bucket", result="hit", layer="semantic", le="0.0025") == 0
    # Similarity: semantic hits and near misses only (an exact hit's 1.0 says nothing).
    assert _value(registry, "nearcache_similarity_count", result="hit") == 1
    assert _value(registry, "nearcache_similarity_bucket", result="hit", le="0.925") == 0
    assert _value(registry, "nearcache_similarity_bucket", result="hit", le="0.95") == 1
    assert _value(registry, "nearcache_similarity_count", result="miss") == 1


def test_namespace_label_can_be_dropped() -> None:
    registry = CollectorRegistry()
    hook = PrometheusMetrics(registry=registry, namespace_label=False, prefix="app_cache")
    hook(MetricEvent("hit", "exact", "tenant-123"))
    assert (
        _value(registry, "app_cache_lookups_total", result="hit", layer="exact", reason="none") == 1
    )
    with pytest.raises(ValueError):
        PrometheusMetrics(registry=registry, prefix="app_cache")  # duplicated series


def test_scraped_over_http() -> None:
    registry = CollectorRegistry()
    hook = PrometheusMetrics(registry=registry)
    hook(MetricEvent("miss", None, "docs", reason="not_found", latency_s=0.002))
    started = start_http_server(0, addr="127.0.0.1", registry=registry)
    server = started[0] if isinstance(started, tuple) else None
    if server is None:
        pytest.skip("this prometheus-client does not return its server")
    try:
        port = server.server_address[1]
        body = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    finally:
        server.shutdown()
        server.server_close()
    assert (
        'nearcache_lookups_total{layer="none",namespace="docs",reason="not_found",'
        'result="miss"} 1.0' in body
    )
    assert "# TYPE nearcache_lookup_latency_seconds histogram" in body


def _semantic_available() -> bool:
    try:
        import nearcache.semantic.cache  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _semantic_available(), reason="nearcache.semantic is not in this tree")
def test_with_a_real_semantic_cache(tmp_path: Path) -> None:
    from nearcache import SemanticCache, SQLiteStore
    from nearcache.cli.models import HashEmbedder

    registry = CollectorRegistry()
    hook = PrometheusMetrics(registry=registry)
    cache = SemanticCache(
        embedder=HashEmbedder(),
        store=SQLiteStore(tmp_path / "s.db"),
        metrics_hook=hook,
        similarity_threshold=0.8,
    )
    try:
        cache.get("what is a cache", namespace="docs")
        cache.put("what is a cache", "a fast store", namespace="docs")
        cache.get("what is a cache", namespace="docs")
        cache.get("what is a cache?", namespace="docs")
    finally:
        cache.close()
    hits = sum(
        _value(
            registry,
            "nearcache_lookups_total",
            result="hit",
            layer=layer,
            reason="none",
            namespace="docs",
        )
        for layer in ("exact", "semantic")
    )
    assert hits == 2
    assert (
        _value(registry, "nearcache_events_total", kind="put", reason="none", namespace="docs") == 1
    )
    misses = registry.get_sample_value(
        "nearcache_lookup_latency_seconds_count", {"result": "miss", "layer": "none"}
    )
    misses = misses or registry.get_sample_value(
        "nearcache_lookup_latency_seconds_count", {"result": "miss", "layer": "semantic"}
    )
    assert misses == 1
