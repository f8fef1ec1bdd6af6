"""Prometheus metrics for the semantic cache's ``metrics_hook`` (the ``[prometheus]`` extra).

>>> from prometheus_client import CollectorRegistry
>>> metrics = PrometheusMetrics(registry=CollectorRegistry())
>>> # SemanticCache(..., metrics_hook=metrics); then expose the registry as usual,
>>> # e.g. prometheus_client.start_http_server(9108, registry=...)

Series (``prefix`` defaults to ``nearcache``):

==========================================  ========================================================
``nearcache_lookups_total``                 counter; labels ``result`` (hit/miss), ``layer``
                                            (exact/semantic/none), ``reason`` (miss reason or
                                            ``none``), ``namespace``
``nearcache_events_total``                  counter of the other events; labels ``kind`` (put,
                                            evict, expire, error), ``reason``, ``namespace``
``nearcache_lookup_latency_seconds``        histogram of lookup latency; labels ``result``,
                                            ``layer``
``nearcache_similarity``                    histogram of the best candidate's cosine similarity
                                            on the semantic layer (exact hits are left out);
                                            label ``result``
==========================================  ========================================================

prometheus-client is the reference client (counters, histograms, text exposition and
a tiny HTTP server) and has no dependencies. The namespace label can be turned off
(``namespace_label=False``) when namespaces are per tenant and would explode
cardinality. The hook never raises: the semantic cache logs exceptions from hooks, and
this one only touches in-memory metrics.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import MissingExtraError

try:
    from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram
except ImportError as exc:  # pragma: no cover - exercised without the extra
    raise MissingExtraError(
        "prometheus", "prometheus-client", "nearcache.integrations.prometheus"
    ) from exc

__all__ = ["LATENCY_BUCKETS", "SIMILARITY_BUCKETS", "PrometheusMetrics"]

#: Lookup latency buckets (seconds): an exact hit is tens of microseconds, a semantic
#: lookup that embeds the query is milliseconds, a remote store adds a round trip.
LATENCY_BUCKETS = (
    0.0001,
    0.00025,
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
)
#: Similarity buckets, dense where thresholds usually sit (0.8 to 0.95).
SIMILARITY_BUCKETS = (
    0.0,
    0.5,
    0.6,
    0.7,
    0.75,
    0.8,
    0.825,
    0.85,
    0.875,
    0.9,
    0.925,
    0.95,
    0.975,
    0.99,
    1.0,
)


class PrometheusMetrics:
    """A ``metrics_hook`` that records :class:`~nearcache.MetricEvent` s as Prometheus
    series.

    Args:
        registry: where the series live (default: prometheus-client's global registry).
            Creating two instances on one registry with the same prefix raises
            ``ValueError`` (duplicated series), as prometheus-client does.
        prefix: metric name prefix.
        namespace_label: add the cache namespace as a label.
        latency_buckets / similarity_buckets: histogram buckets.
    """

    def __init__(
        self,
        registry: CollectorRegistry | None = None,
        *,
        prefix: str = "nearcache",
        namespace_label: bool = True,
        latency_buckets: Sequence[float] = LATENCY_BUCKETS,
        similarity_buckets: Sequence[float] = SIMILARITY_BUCKETS,
    ) -> None:
        registry = REGISTRY if registry is None else registry
        self.namespace_label = namespace_label
        ns = ["namespace"] if namespace_label else []
        self.lookups = Counter(
            f"{prefix}_lookups",
            "Semantic cache lookups by result, layer and miss reason.",
            ["result", "layer", "reason", *ns],
            registry=registry,
        )
        self.events = Counter(
            f"{prefix}_events",
            "Semantic cache writes, evictions, expirations and errors.",
            ["kind", "reason", *ns],
            registry=registry,
        )
        self.latency = Histogram(
            f"{prefix}_lookup_latency_seconds",
            "Semantic cache lookup latency.",
            ["result", "layer"],
            buckets=tuple(latency_buckets),
            registry=registry,
        )
        self.similarity = Histogram(
            f"{prefix}_similarity",
            "Cosine similarity of the best semantic candidate.",
            ["result"],
            buckets=tuple(similarity_buckets),
            registry=registry,
        )

    def __call__(self, event: Any) -> None:
        """Record one ``MetricEvent``."""
        kind = str(event.kind)
        layer = str(event.layer) if event.layer else "none"
        reason = str(event.reason) if event.reason else "none"
        ns = [str(event.namespace)] if self.namespace_label else []
        if kind in ("hit", "miss"):
            self.lookups.labels(kind, layer, reason, *ns).inc()
            self.latency.labels(kind, layer).observe(max(0.0, float(event.latency_s or 0.0)))
            if event.similarity is not None and layer != "exact":
                self.similarity.labels(kind).observe(float(event.similarity))
        else:
            self.events.labels(kind, reason, *ns).inc()
