"""Tenant isolation (RELIABILITY test 17): identical prompts never cross namespaces."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from nearcache import Hit, SemanticCache
from semantic_support import TableEmbedder, lowrank

DIM = 16
TENANTS = [f"tenant-{i:02d}" for i in range(16)]
PROMPTS = [f"what is the refund policy for order {i}" for i in range(12)]


def fill(cache: SemanticCache) -> None:
    for tenant in TENANTS:
        for p in PROMPTS:
            cache.put(p, f"{tenant}|{p}", namespace=tenant)


def assert_isolated(cache: SemanticCache, queries: list[str]) -> int:
    """Every hit's payload names the caller's tenant; returns the number of hits."""
    errors: list[str] = []
    hits = [0]
    lock = threading.Lock()

    def run(tenant: str) -> None:
        for q in queries:
            for layer_query in (q, q + " please"):  # exact layer, then semantic layer
                result = cache.lookup(layer_query, namespace=tenant)
                if isinstance(result, Hit):
                    with lock:
                        hits[0] += 1
                    if not result.response.startswith(tenant + "|"):
                        errors.append(f"{tenant} got {result.response}")
                elif result.reason not in ("below_threshold",):
                    errors.append(f"{tenant}: unexpected miss {result.reason}")

    threads = [threading.Thread(target=run, args=(t,)) for t in TENANTS]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return hits[0]


@pytest.mark.parametrize("backend", ["exact", "hnsw", "hnsw:usearch", "faiss"])
def test_sixteen_tenants_threshold_minus_one(tmp_path: Path, backend: str) -> None:
    db = tmp_path / "iso.db"
    backend, _, engine = backend.partition(":")
    options = {"engine": engine} if engine else None
    cache = SemanticCache(
        db,
        TableEmbedder(DIM),
        index_backend=backend,
        index_options=options,
        similarity_threshold=-1.0,
        judge=None,
    )
    fill(cache)
    # One tenant also has many private entries: they must not push others' hits out.
    for i in range(200):
        cache.put(f"private note {i}", f"{TENANTS[0]}|note", namespace=TENANTS[0])
    hits = assert_isolated(cache, [*PROMPTS[:4], "totally different question"])
    assert hits == 16 * 5 * 2  # threshold -1 accepts anything: every lookup is a hit
    assert cache.check() == []
    cache.close()
    reopened = SemanticCache(
        db,
        TableEmbedder(DIM),
        index_backend=backend,
        index_options=options,
        similarity_threshold=-1,
        judge=None,
    )
    assert assert_isolated(reopened, PROMPTS[4:6]) == 16 * 2 * 2
    assert reopened.check() == []
    reopened.close()


def test_auto_backend_tenants_after_migration_to_ann(tmp_path: Path) -> None:
    cache = SemanticCache(
        tmp_path / "a.db",
        TableEmbedder(DIM, {f"v{i}": v for i, v in enumerate(lowrank(300, DIM, seed=3))}),
        similarity_threshold=-1.0,
        index_options={"auto_threshold": 100, "background_build": False},
        judge=None,
    )
    for tenant in TENANTS[:3]:
        for i in range(150):
            cache.put(f"v{i}", f"{tenant}|{i}", namespace=tenant)
    assert cache.health()["index"]["backends"] == {"hnsw": 3}
    for tenant in TENANTS[:3]:
        for i in range(150, 160):
            hit = cache.get(f"v{i}", namespace=tenant)
            assert hit is not None and hit.response.startswith(tenant + "|")
    assert cache.check() == []
    cache.close()


def test_context_scopes_never_mix_under_threshold_minus_one() -> None:
    cache = SemanticCache(embedder=TableEmbedder(DIM), similarity_threshold=-1.0, judge=None)
    users = [{"user": u, "system_prompt": "abc"} for u in range(8)]
    for u, ctx in enumerate(users):
        cache.put("same question", f"user{u}", context=ctx)
    for u, ctx in enumerate(users):
        assert cache.get("same question", context=ctx).response == f"user{u}"  # type: ignore[union-attr]
        assert cache.get("another question", context=ctx).response == f"user{u}"  # type: ignore[union-attr]
    assert cache.get("same question") is None
    assert cache.get("same question", context={"user": 99}) is None
    cache.close()


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("a", "a\x00"),
        ("tenant", "tenant "),
        ("café", "cafe\u0301"),  # NFC vs NFD look-alikes are different namespaces
        ("a:b", "a"),
        ("", "default"),
    ],
)
def test_look_alike_namespaces_are_distinct(first: str, second: str) -> None:
    cache = SemanticCache(embedder=TableEmbedder(DIM), similarity_threshold=-1.0, judge=None)
    cache.put("q", "first", namespace=first)
    cache.put("q", "second", namespace=second)
    assert cache.get("q", namespace=first).response == "first"  # type: ignore[union-attr]
    assert cache.get("q", namespace=second).response == "second"  # type: ignore[union-attr]
    assert cache.get("other", namespace=first).response == "first"  # type: ignore[union-attr]
    assert cache.check() == []
    cache.close()


def test_stats_of_a_namespace_reveal_nothing_of_others() -> None:
    cache = SemanticCache(embedder=TableEmbedder(DIM), judge=None)
    cache.put("q", "secret", namespace="victim")
    cache.get("q", namespace="victim")
    spy = cache.stats("attacker")
    assert (spy.entries, spy.hits, spy.misses, spy.index_entries, spy.partitions) == (0, 0, 0, 0, 0)
    assert spy.namespaces == {}
    cache.close()


def test_contexts_partition_the_index_not_filter_after() -> None:
    """A crowded scope never turns a real hit in another scope into a miss."""
    vecs = lowrank(500, DIM, seed=5)
    emb = TableEmbedder(DIM, {f"x{i}": v for i, v in enumerate(vecs)})
    cache = SemanticCache(embedder=emb, similarity_threshold=0.999, top_k=1, judge=None)
    for i in range(499):
        cache.put(f"x{i}", "crowd", context={"scope": "crowd"})
    cache.put("x499", "mine", context={"scope": "mine"})
    q = vecs[499] + 1e-4 * np.ones(DIM, dtype=np.float32)
    hit = cache.get("query", embedding=q, context={"scope": "mine"})
    assert hit is not None and hit.response == "mine"
    cache.close()
