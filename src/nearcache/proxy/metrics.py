"""Prometheus series of the proxy (``GET /metrics``).

The semantic cache's own series (lookups by layer and miss reason, lookup latency,
similarity) come from :class:`~nearcache.integrations.prometheus.PrometheusMetrics` on
the same registry; this module adds what only the proxy knows:

=================================================  =======================================
``nearcache_proxy_requests_total``                 by ``route`` and ``cache`` (the
                                                   ``X-Nearcache-Cache`` value)
``nearcache_proxy_upstream_seconds``               upstream latency to the response headers,
                                                   by ``route``
``nearcache_proxy_upstream_errors_total``          upstream answers >= 400 and transport
                                                   failures, by ``route`` and ``status``
``nearcache_proxy_store_errors_total``             store outages met by a request, and
                                                   writes a full store refused, by ``route``
``nearcache_proxy_embedding_inputs_total``         embedding inputs by ``result`` (hit/miss)
``nearcache_proxy_tokens_saved_total``             tokens not paid for thanks to hits, by
                                                   ``route`` and ``kind`` (prompt/completion)
``nearcache_proxy_cost_saved_usd_total``           estimated from ``prices``, by ``model``
=================================================  =======================================

With several workers set ``PROMETHEUS_MULTIPROC_DIR`` (``nearcache serve --workers N``
does): every worker writes its series there and ``/metrics`` adds them up.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import InvalidInputError, MissingExtraError

try:
    from prometheus_client import (
        CONTENT_TYPE_LATEST,
        CollectorRegistry,
        Counter,
        Histogram,
        generate_latest,
    )
    from prometheus_client.metrics_core import Metric
except ImportError as exc:  # pragma: no cover - exercised without the extra
    raise MissingExtraError("proxy", "prometheus-client", "the caching proxy") from exc

__all__ = ["CONTENT_TYPE_LATEST", "ProxyMetrics", "check_metrics_folder"]

_UPSTREAM_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


def check_metrics_folder() -> None:
    """Refuse a ``PROMETHEUS_MULTIPROC_DIR`` that is not a folder this process can write.
    prometheus-client writes each series there when a request first touches it, so the
    proxy started and then answered every request with a 500 and a traceback."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder and not (os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK)):
        raise InvalidInputError(
            f"PROMETHEUS_MULTIPROC_DIR={folder} is not a folder this process can write: "
            "create it (empty), or unset it (nearcache serve then makes one)"
        )


class ProxyMetrics:
    """The proxy's counters on a private registry (two apps in one process never clash)."""

    def __init__(self, prices: Mapping[str, tuple[float, float]] | None = None) -> None:
        from ..integrations.prometheus import PrometheusMetrics

        check_metrics_folder()

        self.registry = CollectorRegistry()
        self.prices = dict(prices or {})
        r = self.registry
        self.cache_hook = PrometheusMetrics(r, namespace_label=False)
        self.requests = Counter(
            "nearcache_proxy_requests",
            "Requests by route and cache result.",
            ["route", "cache"],
            registry=r,
        )
        self.upstream_seconds = Histogram(
            "nearcache_proxy_upstream_seconds",
            "Upstream latency to the response headers.",
            ["route"],
            buckets=_UPSTREAM_BUCKETS,
            registry=r,
        )
        self.upstream_errors = Counter(
            "nearcache_proxy_upstream_errors", "Upstream failures.", ["route", "status"], registry=r
        )
        self.store_errors = Counter(
            "nearcache_proxy_store_errors",
            "Store outages met by requests, and writes a full store refused.",
            ["route"],
            registry=r,
        )
        self.embedding_inputs = Counter(
            "nearcache_proxy_embedding_inputs",
            "Embedding inputs by cache result.",
            ["result"],
            registry=r,
        )
        self.tokens_saved = Counter(
            "nearcache_proxy_tokens_saved",
            "Tokens not paid for thanks to hits.",
            ["route", "kind"],
            registry=r,
        )
        self.feedback = Counter(
            "nearcache_proxy_feedback",
            "Hits reported through POST /nearcache/feedback.",
            ["verdict", "kind"],
            registry=r,
        )
        self.cost_saved = Counter(
            "nearcache_proxy_cost_saved_usd",
            "Estimated USD not spent thanks to hits.",
            ["model"],
            registry=r,
        )

    def saved(self, route: str, model: str, usage: Any) -> None:
        """Count the tokens (and, with a price, the dollars) a hit saved."""
        if not isinstance(usage, dict):
            return
        prompt = _int(usage.get("prompt_tokens", usage.get("input_tokens")))
        completion = _int(usage.get("completion_tokens", usage.get("output_tokens")))
        if prompt:
            self.tokens_saved.labels(route, "prompt").inc(prompt)
        if completion:
            self.tokens_saved.labels(route, "completion").inc(completion)
        price = self.prices.get(model)
        if price and (prompt or completion):
            self.cost_saved.labels(model).inc((prompt * price[0] + completion * price[1]) / 1e6)

    def exposition(self) -> tuple[bytes, str]:
        """The text exposition (summed over workers in multiprocess mode)."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            return generate_latest(_Summed(self.registry)), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class _Summed:
    """Every worker's samples, summed, with every series described even before its first
    sample: the workers' files only hold series some request touched, so until the first
    request ``/metrics`` was an empty page, which reads as a broken endpoint (and gives a
    dashboard no series names), where one worker lists them all from the start."""

    def __init__(self, local: CollectorRegistry) -> None:
        self.local = local

    def collect(self) -> Iterator[Metric]:
        from prometheus_client import multiprocess

        collector = multiprocess.MultiProcessCollector(None)  # type: ignore[no-untyped-call]
        summed = {family.name: family for family in collector.collect()}  # type: ignore[no-untyped-call]
        for family in self.local.collect():
            found = summed.pop(family.name, None)
            if found is None:  # described, no sample yet
                found = Metric(family.name, family.documentation, family.type)
            yield found
        yield from summed.values()  # series of another release's workers, if any


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0
