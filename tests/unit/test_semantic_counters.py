"""The semantic cache's counters: totals and per-layer / per-reason splits share one lock."""

from __future__ import annotations

import threading

from nearcache.semantic.counters import SemanticCounters


def test_counts_stay_exact_and_consistent_under_threads() -> None:
    counters = SemanticCounters()

    def run(ns: str) -> None:
        for i in range(3000):
            if i % 3:
                counters.hit(ns, "exact" if i % 2 else "semantic")
            else:
                counters.miss(ns, "not_found")
            if i % 100 == 0:
                counters.add(ns, errors=1)

    threads = [threading.Thread(target=run, args=(ns,)) for ns in ("a", "b", "a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for ns in ("a", "b"):
        totals = counters.totals.get(ns)
        layers = counters.layer_hits(ns)
        assert totals["hits"] == sum(layers.values()) == 2 * 2000
        assert layers == {"exact": 2000, "semantic": 2000}
        assert totals["misses"] == counters.reasons(ns)["not_found"] == 2 * 1000
        assert totals["errors"] == 2 * 30
    assert sorted(counters.names()) == ["a", "b"]
