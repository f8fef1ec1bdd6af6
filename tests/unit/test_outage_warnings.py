"""A store outage is one warning per outage window, not several per call: the embedding
path logged "reads become misses" three times and "dropped writes" once on every call
while the breaker's circuit was open (and the breaker had already warned)."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from nearcache import CachedEmbedder, EmbeddingCache, FunctionEmbedder, open_store

pytest.importorskip("redis")


def _ones() -> FunctionEmbedder:
    """An 8-d embedder that needs no model."""
    return FunctionEmbedder(
        lambda texts: np.ones((len(texts), 8), np.float32), dim=8, name="e", revision="1"
    )


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_an_outage_is_one_warning_then_one_per_new_window(
    refused_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    embedder = _ones()
    caplog.set_level(logging.DEBUG, logger="nearcache")
    store = open_store(refused_url)
    with store:
        cached = CachedEmbedder(embedder, cache=EmbeddingCache(store, fail_open=True))
        for i in range(3):
            assert cached.embed([f"text {i}", "same"]).shape == (2, 8)
        told = _warnings(caplog)
        assert len(told) == 1 and "is unreachable, circuit opened" in told[0], told
        debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
        assert any("reads become misses" in m for m in debug), debug
        assert any("dropped 2 writes" in m for m in debug), debug
        caplog.clear()
        store._breaker.reset()  # the window ends (as when the server answered again)
        cached.embed(["text again"])
        assert len(_warnings(caplog)) == 1, _warnings(caplog)


def test_the_semantic_cache_warns_once_per_outage_window(
    refused_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    from nearcache import SemanticCache

    embedder = _ones()
    caplog.set_level(logging.DEBUG, logger="nearcache")
    store = open_store(refused_url)
    with store:
        cache = SemanticCache(store=store, embedder=embedder, fail_open=True)
        caplog.clear()  # the breaker's own warning when the outage began
        for i in range(3):
            assert cache.get(f"question {i}") is None
            cache.put(f"question {i}", "answer")
        assert _warnings(caplog) == [], _warnings(caplog)
        debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
        assert any("lookup is a miss" in m for m in debug), debug
        assert any("puts dropped" in m for m in debug), debug
