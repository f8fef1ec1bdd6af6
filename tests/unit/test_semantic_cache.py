"""SemanticCache (SPEC §2): layers, decisions, limits, TTL, maintenance, stats, threads."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from helpers import hash_vector
from nearcache import (
    CacheClosedError,
    EmbeddingCache,
    Hit,
    ManualClock,
    MemoryStore,
    MetricEvent,
    Miss,
    NamespaceQuotaError,
    SemanticCache,
    SQLiteStore,
)
from semantic_support import TableEmbedder, angled

DIM = 16


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    s = MemoryStore() if request.param == "memory" else SQLiteStore(tmp_path / "s.db")
    yield s
    s.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(1_000_000.0)


@pytest.fixture
def emb() -> TableEmbedder:
    return TableEmbedder(DIM)


def make(store: Any, emb: Any, clock: ManualClock, **kw: Any) -> SemanticCache:
    return SemanticCache(store=store, embedder=emb, clock=clock, **kw, judge=None)


@pytest.fixture
def cache(store: Any, emb: TableEmbedder, clock: ManualClock) -> Iterator[SemanticCache]:
    c = make(store, emb, clock)
    yield c
    if not c.closed:
        assert c.check() == []
        c.close()


# -- layers ------------------------------------------------------------------------------


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
    cache = make(store, emb, clock, similarity_threshold=0.9)
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

    cache = make(store, emb, clock, similarity_threshold=0.8, validator=validator, top_k=3)
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
    cache = make(store, emb, clock, validator=lambda q, h: h.matched_query != "a")
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

    cache = make(store, emb, clock, confidence_fn=conf, similarity_threshold=0.5)
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
        c = make(MemoryStore(), emb, clock, metrics_hook=events.append, **kw)
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
    cache = make(store, emb, clock, metrics_hook=events.append)
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


def test_put_replaces_entry_with_fresh_created_at(cache: SemanticCache, clock: ManualClock) -> None:
    cache.put("q", "old", ttl=10)
    clock.advance(5)
    cache.put("q", "new", ttl=10)
    hit = cache.get("q")
    assert hit is not None and hit.response == "new"
    assert hit.created_at == clock() and hit.expires_at == clock() + 10
    assert cache.stats().entries == 1
    assert cache.stats().index_entries == 1


def test_single_put_stores_what_a_batch_of_one_stores(
    store: Any, emb: TableEmbedder, clock: ManualClock
) -> None:
    """``put`` has its own one-entry path; its record and index row equal ``put_many``'s."""
    from nearcache.semantic.record import decode_entry

    c = make(store, emb, clock, default_ttl=60)
    meta, ctx = {"a": [1, 2]}, {"model": "m"}
    c.put("Hello  World", {"r": 1}, metadata=meta, context=ctx, namespace="one")
    c.put_many(["Hello  World"], [{"r": 1}], metadata=[meta], context=ctx, namespace="many")
    c.put("v", "x", embedding=np.arange(1.0, DIM + 1), ttl=5, namespace="one")
    c.put_many(["v"], ["x"], embeddings=np.arange(1.0, DIM + 1)[None], ttl=5, namespace="many")
    for name in ("one", "many"):  # a store of its own per namespace: same keys in both
        assert c.stats(namespace=name).entries == 2
    core = c._core
    for q, scope_ctx in (("Hello  World", ctx), ("v", None)):
        entries = []
        for name in ("one", "many"):
            hit = c.get(q, namespace=name, context=scope_ctx)
            assert hit is not None and hit.layer == "exact"
            blob = store.get_one("semantic", name, hit.key, now=clock(), touch=False)
            (row,) = [(sp, r) for k, sp, r in core.index.spaces.entries(name) if k == hit.key]
            entries.append((decode_entry(blob, name, hit.key), row[0].index.get([row[1]])))
        (one, one_row), (many, many_row) = entries
        assert np.array_equal(one.vector, many.vector) and np.array_equal(one_row, many_row)
        assert one._replace(write_id=0, vector=None) == many._replace(write_id=0, vector=None)
    assert c.check() == []
    c.close()


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
    cache = make(store, emb, clock, embedding_cache=ec)
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


# -- limits --------------------------------------------------------------------------------


def test_max_entries_evicts_least_recently_used(
    store: Any, emb: TableEmbedder, clock: ManualClock
) -> None:
    events: list[MetricEvent] = []
    cache = make(store, emb, clock, max_entries=3, metrics_hook=events.append)
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
    cache = make(store, emb, clock, namespace_quotas={"small": 2, "closed": 0})
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
    cache = make(store, emb, clock, default_ttl=100, metrics_hook=events.append)
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
    cache = make(store, TableEmbedder(DIM, table), clock, top_k=2, similarity_threshold=0.5)
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


# -- maintenance ---------------------------------------------------------------------------


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
    cache = make(store, emb, clock, multi_process_mode="single")
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
    cache = make(store, emb, clock, metrics_hook=events.append, similarity_threshold=0.9)
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

    c2 = make(MemoryStore(), TableEmbedder(DIM), clock, metrics_hook=bad_hook)
    c2.put("x", 1)
    assert c2.get("x") is not None
    c2.close()


def test_close_context_manager_and_closed_errors(store: Any, clock: ManualClock) -> None:
    with make(store, TableEmbedder(DIM), clock) as cache:
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


# -- threads ---------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["exact", "hnsw", "hnsw:usearch"])
def test_eight_threads_keep_namespaces_apart(tmp_path: Path, backend: str) -> None:
    """With usearch, deletes among puts from eight threads once froze the process inside
    usearch's own removal (it is no longer called: removed rows are marked)."""
    if backend == "hnsw:usearch":
        pytest.importorskip("usearch")
    emb = TableEmbedder(DIM)
    cache = SemanticCache(
        tmp_path / "t.db",
        emb,
        index_backend=backend.split(":")[0],
        index_options={"engine": backend.split(":")[1]} if ":" in backend else None,
        similarity_threshold=-1.0,
        judge=None,
    )
    errors: list[BaseException] = []
    for t in range(4):  # one permanent entry each, so a hit is always possible
        cache.put("seed", f"tenant-{t}:seed", namespace=f"tenant-{t}")

    def worker(w: int) -> None:
        ns = f"tenant-{w % 4}"
        try:
            for i in range(40):
                cache.put(f"shared prompt {i % 7}", f"{ns}:{i % 7}", namespace=ns)
                hit = cache.get(f"shared prompt {(i * 3) % 7} extra", namespace=ns)
                assert hit is not None and hit.response.startswith(ns + ":"), hit
                if i % 9 == 0:
                    cache.delete(f"shared prompt {i % 7}", namespace=ns)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert cache.check() == []
    cache.close()


def test_no_lock_is_held_while_embedding(tmp_path: Path) -> None:
    release = threading.Event()
    entered = threading.Event()

    class Slow(TableEmbedder):
        def embed(self, texts: Any) -> np.ndarray:
            if texts == ["slow query"]:
                entered.set()
                assert release.wait(10)
            return super().embed(texts)

    cache = SemanticCache(store=MemoryStore(), embedder=Slow(DIM), judge=None)
    cache.put("seed", "s")
    t = threading.Thread(target=cache.get, args=("slow query",))
    t.start()
    assert entered.wait(10)
    # While the embedder is blocked, every other operation proceeds.
    cache.put("other", "o", embedding=hash_vector("other", DIM))
    assert cache.get("other") is not None
    assert cache.delete("seed")
    assert cache.stats().entries == 1
    release.set()
    t.join(10)
    assert not t.is_alive()
    assert cache.check() == []
    cache.close()


# -- put_many --------------------------------------------------------------------------------


def test_put_many_embeds_once_and_writes_one_batch(
    cache: SemanticCache, emb: TableEmbedder, store: Any
) -> None:
    version = store.info("semantic", "ns").version
    cache.put_many(
        ["alpha", "beta", "alpha", "gamma"],
        ["a1", "b", "a2", "g"],
        namespace="ns",
        metadata=[{"i": 0}, None, {"i": 2}, None],
        ttl=60,
    )
    assert emb.calls == [["alpha", "beta", "gamma"]]  # each distinct text once, one call
    assert store.info("semantic", "ns").version == version + 1  # one transaction
    hit = cache.get("alpha", namespace="ns")
    assert hit is not None and hit.response == "a2" and hit.metadata == {"i": 2}  # last wins
    assert cache.stats("ns").entries == 3 and cache.stats("ns").index_entries == 3
    cache.put_many(["beta", "delta"], ["b2", "d"], namespace="ns")  # beta is remembered
    assert emb.calls[-1] == ["delta"]
    cache.put_many([], [], namespace="ns")


def test_put_many_with_embeddings_and_bad_batches(cache: SemanticCache, emb: TableEmbedder) -> None:
    mat = np.stack([hash_vector(f"v{i}", DIM) for i in range(3)])
    cache.put_many(["x", "y", "z"], [1, 2, 3], embeddings=mat)
    assert emb.calls == [] and cache.get("y").response == 2  # type: ignore[union-attr]
    before = cache.stats().entries
    with pytest.raises(ValueError):
        cache.put_many(["p", "q"], [1])
    with pytest.raises(ValueError):
        cache.put_many(["p", "q"], [1, 2], embeddings=mat)  # 3 rows for 2 entries
    bad = np.array(mat[:2])
    bad[1, 0] = np.nan
    with pytest.raises(ValueError):
        cache.put_many(["p", "q"], [1, 2], embeddings=bad)
    with pytest.raises(ValueError):
        cache.put_many(["p", "q"], [1, {"x": object()}])
    assert cache.stats().entries == before and emb.calls == []  # refused before embedding


# -- corrupted and planted records (RELIABILITY tests 19, 20) ---------------------------------


@pytest.mark.parametrize("damage", ["flip", "truncate", "pickle", "other_key"])
def test_corrupt_records_are_misses_and_check_repairs(tmp_path: Path, damage: str) -> None:
    import pickle
    import sqlite3

    db = tmp_path / "c.db"
    table = {"a": angled(0), "b": angled(3), "c": angled(70)}
    cache = SemanticCache(db, TableEmbedder(DIM, table), similarity_threshold=0.95, judge=None)
    cache.put("a", "A")
    cache.put("b", "B")
    cache.put("c", "C")
    con = sqlite3.connect(db)
    # damage "c", the entry with no near neighbour ("a" and "b" would answer for each other)
    rows = con.execute("SELECT id, value FROM rec_semantic ORDER BY id DESC").fetchall()
    rid, value = rows[0]
    sentinel = tmp_path / "sentinel"

    class Evil:
        def __reduce__(self) -> Any:
            return (open, (str(sentinel), "w"))

    if damage == "flip":
        bad = bytearray(value)
        bad[len(bad) // 2] ^= 0xFF
        new = bytes(bad)
    elif damage == "truncate":
        new = value[: len(value) // 2]
    elif damage == "pickle":
        new = pickle.dumps(Evil())
    else:  # a valid record of another row, planted under this row's key
        new = next(r[1] for r in rows if r[0] != rid)
    con.execute("UPDATE rec_semantic SET value=?, size=? WHERE id=?", (new, len(new), rid))
    con.commit()
    con.close()
    responses = {q: cache.get(q) for q in "abc"}
    broken = [q for q, h in responses.items() if h is None or h.matched_query != q]
    assert len(broken) == 1  # exactly the damaged entry stopped answering as itself
    for q, h in responses.items():
        assert h is None or h.response == q.upper()  # never another entry's answer
    assert cache.stats().errors >= 1
    assert not sentinel.exists()
    problems = cache.check()
    assert problems and any("corrupt" in p or "index" in p for p in problems)
    cache.check(fix=True)
    assert cache.check() == []
    assert cache.stats().entries == 2
    cache.close()


class _ProtocolOnly:
    """A store written to the ``Store`` protocol alone: every call goes to a real SQLite
    store, but it has no ``get_one`` / ``put_one`` (the point paths ``BaseStore`` adds)."""

    def __init__(self, inner: SQLiteStore) -> None:
        self._inner = inner
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        if name in ("get_one", "put_one"):
            raise AttributeError(name)
        self.calls.append(name)
        return getattr(self._inner, name)


def test_a_store_without_point_paths_serves_single_puts_and_gets(tmp_path: Path) -> None:
    from nearcache.stores.protocol import Store

    inner = SQLiteStore(tmp_path / "s.db")
    store = _ProtocolOnly(inner)
    assert isinstance(store, Store) and not hasattr(store, "put_one")
    c = SemanticCache(store=store, embedder=TableEmbedder(DIM))  # type: ignore[arg-type]
    c.put("What is the boiling point of water?", "100 C")
    hit = c.get("What is the boiling point of water?")
    assert hit is not None and hit.response == "100 C" and hit.layer == "exact"
    assert c.get("An unrelated question about the moon?") is None
    assert "put_many" in store.calls and "get_many" in store.calls
    c.close()
    inner.close()
