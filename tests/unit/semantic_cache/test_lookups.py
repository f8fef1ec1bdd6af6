"""SemanticCache lookups (SPEC §2): the exact and semantic layers, what decides a hit or a
miss, context scopes, and the embedding cache in front of the embedder."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from helpers import hash_vector
from nearcache import (
    EmbeddingCache,
    Hit,
    ManualClock,
    MemoryStore,
    MetricEvent,
    Miss,
    SemanticCache,
)
from semantic_support import DIM, TableEmbedder, angled, make_cache


def test_exact_layer_hit_has_every_field(cache: SemanticCache, clock: ManualClock) -> None:
    cache.put("What is the capital of France?", "Paris", metadata={"src": "wiki"}, ttl=60)
    hit = cache.get("What  is the capital of France? ")
    assert isinstance(hit, Hit)
    assert hit.response == "Paris"
    assert hit.layer == "exact"
    assert hit.similarity == 1.0 and hit.confidence == 1.0
    assert hit.matched_query == "What is the capital of France?"
    assert hit.namespace == "default"
    assert hit.metadata == {"src": "wiki"}
    assert hit.created_at == clock()
    assert hit.expires_at == clock() + 60
    assert hit.embedding is not None and hit.embedding.shape == (DIM,)


def test_exact_layer_costs_no_embedding_and_is_case_sensitive(
    cache: SemanticCache, emb: TableEmbedder
) -> None:
    cache.put("def f(): return 1", "code", embedding=hash_vector("x", DIM))
    assert cache.get("def  f():  return 1").layer == "exact"  # type: ignore[union-attr]
    assert emb.calls == []
    result = cache.lookup("DEF F(): RETURN 1")  # case is kept: not the exact key
    assert not (isinstance(result, Hit) and result.layer == "exact")
    assert emb.seen == ["DEF F(): RETURN 1"]


def test_semantic_layer_threshold(store: Any, clock: ManualClock) -> None:
    emb = TableEmbedder(DIM, {f"q{a}": angled(a) for a in (0, 20, 40, 60)})
    cache = make_cache(store, emb, clock, similarity_threshold=0.9)
    cache.put("q0", "zero")
    hit = cache.get("q20")  # cos 20° = 0.94
    assert hit is not None and hit.layer == "semantic" and hit.response == "zero"
    assert hit.similarity == pytest.approx(np.cos(np.radians(20)), abs=1e-5)
    assert hit.confidence == hit.similarity
    assert hit.embedding is not None and np.allclose(hit.embedding, angled(20))
    miss = cache.lookup("q40")  # cos 40° = 0.77
    assert isinstance(miss, Miss) and not miss
    assert miss.reason == "below_threshold"
    assert miss.similarity == pytest.approx(np.cos(np.radians(40)), abs=1e-5)
    assert miss.embedding is not None and np.allclose(miss.embedding, angled(40))
    cache.set_similarity_threshold(0.7)
    assert cache.similarity_threshold == 0.7
    assert cache.get("q40") is not None
    cache.set_similarity_threshold(-1.0)
    assert cache.get("q60") is not None
    assert cache.check() == []
    cache.close()


def test_top_k_candidates_best_passing_validator_wins(store: Any, clock: ManualClock) -> None:
    table = {"near": angled(5), "mid": angled(15), "far": angled(30), "query": angled(0)}
    emb = TableEmbedder(DIM, table)
    seen: list[str] = []

    def validator(query: str, hit: Hit) -> bool:
        seen.append(hit.matched_query)
        return hit.response != "bad"

    cache = make_cache(store, emb, clock, similarity_threshold=0.8, validator=validator, top_k=3)
    cache.put("near", "bad")
    cache.put("mid", "good")
    cache.put("far", "also good")
    hit = cache.get("query")
    assert hit is not None and hit.response == "good" and hit.matched_query == "mid"
    assert seen == ["near", "mid"]
    seen.clear()
    cache.put("mid", "bad")
    cache.put("far", "bad")
    miss = cache.lookup("query")
    assert isinstance(miss, Miss) and miss.reason == "validator"
    cache.close()


def test_validator_applies_to_exact_layer_and_falls_through(store: Any, clock: ManualClock) -> None:
    emb = TableEmbedder(DIM, {"a": angled(0), "b": angled(10)})
    cache = make_cache(store, emb, clock, validator=lambda q, h: h.matched_query != "a")
    cache.put("a", "A")
    cache.put("b", "B")
    hit = cache.get("a")  # exact entry rejected; the semantic layer finds "b"
    assert hit is not None and hit.layer == "semantic" and hit.response == "B"
    cache.close()


def test_confidence_fn_replaces_similarity(store: Any, clock: ManualClock) -> None:
    emb = TableEmbedder(DIM, {"x": angled(0), "y": angled(10), "z": angled(12)})
    calls: list[tuple[str, float]] = []

    def conf(query: str, cand: Hit) -> float:
        calls.append((cand.matched_query, cand.similarity))
        return 0.99 if cand.matched_query == "z" else 0.1

    cache = make_cache(store, emb, clock, confidence_fn=conf, similarity_threshold=0.5)
    cache.put("y", "Y")
    cache.put("z", "Z")
    hit = cache.get("x")
    assert hit is not None and hit.response == "Z" and hit.confidence == 0.99
    assert hit.similarity == pytest.approx(np.cos(np.radians(12)), abs=1e-5)
    assert sorted(q for q, _ in calls) == ["y", "z"]
    cache.close()


def test_raising_validator_or_confidence_fn_is_a_miss(store: Any, clock: ManualClock) -> None:
    def boom(*_: Any) -> Any:
        raise ValueError("user bug")

    events: list[MetricEvent] = []
    for kw in ({"validator": boom}, {"confidence_fn": boom}):
        emb = TableEmbedder(DIM, {"p": angled(0), "q": angled(5)})
        c = make_cache(MemoryStore(), emb, clock, metrics_hook=events.append, **kw)
        c.put("p", "P")
        assert c.get("q") is None
        assert c.stats().errors >= 1
        c.close()
    assert any(e.kind == "error" for e in events)


def test_bypass_forces_a_miss(cache: SemanticCache, emb: TableEmbedder) -> None:
    cache.put("hello", "world")
    miss = cache.lookup("hello", bypass=True)
    assert isinstance(miss, Miss) and miss.reason == "bypass"
    assert cache.get("hello", bypass=True) is None
    assert cache.get("hello") is not None


def test_embedder_failure_is_a_miss(store: Any, clock: ManualClock) -> None:
    emb = TableEmbedder(DIM)
    events: list[MetricEvent] = []
    cache = make_cache(store, emb, clock, metrics_hook=events.append)
    cache.put("stored", "x")
    emb.fail = True
    miss = cache.lookup("something else")
    assert isinstance(miss, Miss) and miss.reason == "embedder_error"
    assert cache.get("stored") is not None  # exact layer needs no embedder
    emb.fail = False
    emb.bad = True  # NaN output is a failure too, and is never cached
    assert cache.lookup("third").reason == "embedder_error"  # type: ignore[union-attr]
    assert [e.reason for e in events if e.kind == "error"] == ["embedder_error"] * 2
    with pytest.raises(ValueError):
        cache.put("fourth", "y")  # a put cannot store without a vector
    emb.fail = True
    with pytest.raises(RuntimeError):
        cache.put("fifth", "z")
    assert cache.check() == []
    cache.close()


def test_empty_cache_misses_without_embedding(cache: SemanticCache, emb: TableEmbedder) -> None:
    miss = cache.lookup("anything")
    assert isinstance(miss, Miss) and miss.reason == "empty"
    assert emb.calls == []


def test_responses_of_any_plain_type(cache: SemanticCache) -> None:
    for i, value in enumerate([b"\x00raw", {"a": [1, 2.5, None]}, 42, ["x"]]):
        cache.put(f"q{i}", value)
        assert cache.get(f"q{i}").response == value  # type: ignore[union-attr]


# -- context -----------------------------------------------------------------------------


def test_context_scopes_both_layers(cache: SemanticCache) -> None:
    ctx_a = {"model": "gpt-x", "temperature": 0.0}
    cache.put("summarize", "A", context=ctx_a)
    cache.put("summarize", "B", context={"model": "gpt-y"})
    assert cache.get("summarize", context={"temperature": 0.0, "model": "gpt-x"}).response == "A"  # type: ignore[union-attr]
    assert cache.get("summarize", context={"model": "gpt-y"}).response == "B"  # type: ignore[union-attr]
    assert cache.get("summarize") is None
    cache.set_similarity_threshold(-1.0)  # the semantic layer stays inside the scope too
    assert cache.get("anything at all", context={"model": "gpt-z"}) is None
    assert cache.get("anything at all", context=ctx_a).response == "A"  # type: ignore[union-attr]
    assert cache.delete("summarize", context={"model": "gpt-y"})
    assert cache.get("summarize", context={"model": "gpt-y"}) is None
    assert cache.get("summarize", context=ctx_a) is not None


def test_empty_context_is_no_context(cache: SemanticCache) -> None:
    cache.put("q", "v", context={})
    assert cache.get("q").layer == "exact"  # type: ignore[union-attr]


# -- embedding cache ---------------------------------------------------------------------


def test_embedding_cache_avoids_every_second_embedding(store: Any, clock: ManualClock) -> None:
    emb = TableEmbedder(DIM)
    ec = EmbeddingCache()
    cache = make_cache(store, emb, clock, embedding_cache=ec)
    cache._core.vectors.recent.size = 0  # only the embedding cache may remember vectors here
    miss = cache.lookup("never seen")
    assert isinstance(miss, Miss) and miss.reason == "empty" and emb.calls == []
    cache.put("first question", "a")
    assert emb.seen == ["first question"]
    miss = cache.lookup("second question")
    assert emb.seen == ["first question", "second question"]
    assert miss.embedding is not None  # type: ignore[union-attr]
    cache.put("second question", "b")  # after the missed get: no second embedding
    cache.put("second question", "b", namespace="other")  # nor in another namespace
    assert cache.get("second  question", namespace="other").layer == "exact"  # type: ignore[union-attr]
    assert emb.seen == ["first question", "second question"]
    got = ec.get("second question", "test.table.dense", fingerprint=emb.fingerprint)
    assert got is not None and np.allclose(got, emb.vector("second question"))
    assert cache.check() == []
    cache.close()


def test_put_after_missed_get_reuses_the_vector(cache: SemanticCache, emb: TableEmbedder) -> None:
    cache.put("seed", "s")
    cache.lookup("new one")
    cache.put("new one", "n")
    assert emb.seen == ["seed", "new one"]
