"""RELIABILITY test 15: huge inputs are refused before any work, in bounded memory.

A 256 MB response, a 100 MB prompt and a batch with one oversized member must raise
``PayloadTooLargeError`` before embedding, serialization or a lock, allocating well under
10% of the input's size (tracemalloc counts every Python allocation), with nothing stored.
A batch of 10^6 items is handled in one call. ``NEARCACHE_HUGE_MB`` raises the response
size (1024 for the nightly 1 GB run).
"""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from helpers import HashEmbedder
from nearcache import EmbeddingCache, MemoryStore, PayloadTooLargeError, SemanticCache

MB = 2**20
RESPONSE_MB = int(os.environ.get("NEARCACHE_HUGE_MB", "256"))


def peak_of(fn: Callable[[], Any]) -> tuple[int, BaseException | None]:
    """Peak bytes allocated while ``fn`` runs, and what it raised."""
    tracemalloc.start()
    raised: BaseException | None = None
    try:
        fn()
    except BaseException as exc:
        raised = exc
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, raised


@pytest.fixture
def cache() -> Any:
    c = SemanticCache(embedder=HashEmbedder(dim=16))
    c.put("seed", "seed answer")
    yield c
    c.close()


def untouched(cache: SemanticCache, emb_calls: int) -> None:
    assert cache.embedder.calls.__len__() == emb_calls  # nothing was embedded
    assert cache.stats().entries == 1 and cache.list_namespaces() == ["default"]
    assert cache.check() == []


@pytest.mark.parametrize("kind", ["str", "bytes", "list"])
def test_huge_response_is_refused_in_bounded_memory(cache: SemanticCache, kind: str) -> None:
    size = RESPONSE_MB * MB
    if kind == "str":
        response: Any = "x" * size
    elif kind == "bytes":
        response = bytes(size)
    else:  # a JSON-able structure whose encoding would be huge
        chunk = "y" * MB
        response = [chunk] * RESPONSE_MB
    calls = len(cache.embedder.calls)
    peak, raised = peak_of(lambda: cache.put("a question", response))
    assert isinstance(raised, PayloadTooLargeError), raised
    assert isinstance(raised, ValueError)
    assert peak < size // 10, f"{peak / MB:.1f} MB allocated to refuse {size / MB:.0f} MB"
    untouched(cache, calls)


def test_huge_prompt_is_refused_in_bounded_memory(cache: SemanticCache) -> None:
    prompt = "z" * (100 * MB)
    calls = len(cache.embedder.calls)
    for call in (
        lambda: cache.put(prompt, "answer"),
        lambda: cache.put_many(["fine", prompt], ["a", "b"]),
    ):
        peak, raised = peak_of(call)
        assert isinstance(raised, PayloadTooLargeError), raised
        assert peak < 10 * MB
    # A lookup never raises for a miss: an oversized prompt is a "too_large" miss.
    peak, raised = peak_of(lambda: cache.lookup(prompt))
    assert raised is None and peak < 10 * MB
    assert cache.stats().miss_reasons == {"too_large": 1}
    untouched(cache, calls)


def test_one_oversized_member_refuses_the_whole_batch(cache: SemanticCache) -> None:
    cap = cache.config.max_response_bytes
    calls = len(cache.embedder.calls)
    queries = [f"question {i}" for i in range(100)]
    responses = ["ok"] * 99 + ["é" * (cap // 2) + "x"]  # 2-byte chars: cap + 1 bytes
    with pytest.raises(PayloadTooLargeError):
        cache.put_many(queries, responses)
    untouched(cache, calls)
    responses[-1] = "é" * (cap // 2)  # exactly at the cap
    cache.put_many(queries, responses)
    assert cache.stats().entries == 101 and cache.check() == []


def test_a_million_item_batch_in_one_call() -> None:
    n = 1_000_000
    cache = EmbeddingCache(MemoryStore())  # no byte budget: all 10^6 must stay
    texts = [f"t{i}" for i in range(n)]
    vecs = np.random.default_rng(0).standard_normal((n, 4)).astype(np.float32)
    got, mask = cache.get_many(texts, "huge.test.dense")
    assert len(got) == n and not mask.any()  # an unknown namespace: n misses
    cache.put_many(texts, vecs, "huge.test.dense")
    got, mask = cache.get_many(texts, "huge.test.dense")
    assert mask.all() and np.array_equal(got, vecs)
    assert cache.stats("huge.test.dense").entries == n
    cache.close()
