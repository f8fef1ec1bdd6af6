"""SemanticCache on every store kind: it is written against the Store protocol only.

Redis, PostgreSQL and DynamoDB run against the real (or emulated) servers started by
``tests/servers.py``; like the contract suite, they skip when the server is missing
(and fail under CI).
"""

from __future__ import annotations

import numpy as np
import pytest

from contract.kits import Kit
from nearcache import ManualClock, SemanticCache
from semantic_support import TableEmbedder, lowrank

DIM = 16
VECS = lowrank(40, DIM, seed=11)
TABLE = {f"entry {i}": v for i, v in enumerate(VECS)}


def near(i: int) -> np.ndarray:
    v = VECS[i] + 1e-3 * np.random.default_rng(i).standard_normal(DIM).astype(np.float32)
    return v / np.linalg.norm(v)


def test_layers_limits_ttl_and_rebuild(kit: Kit) -> None:
    clock = ManualClock(10_000.0)
    cache = SemanticCache(
        store=kit.open(),
        embedder=TableEmbedder(DIM, TABLE),
        clock=clock,
        similarity_threshold=0.95,
        namespace_quotas={"small": 3},
        judge=None,
    )
    cache.put_many([f"entry {i}" for i in range(20)], [f"a{i}" for i in range(20)], ttl=100)
    cache.put("entry 30", "kept", context={"m": 1})
    assert cache.get("entry  3").layer == "exact"  # type: ignore[union-attr]
    hit = cache.get("q", embedding=near(7))
    assert hit is not None and hit.layer == "semantic" and hit.response == "a7"
    assert cache.get("q", embedding=near(30)) is None  # other scope
    assert cache.get("q", embedding=near(30), context={"m": 1}).response == "kept"  # type: ignore[union-attr]
    for i in range(5):
        cache.put(f"entry {i}", i, namespace="small")
        clock.advance(1)
    assert cache.stats("small").entries == 3
    assert cache.delete("entry 5")
    clock.advance(200)  # the twenty entries of "default" expire; the scoped one stays
    assert cache.get("entry 6") is None  # this lookup sweeps the expired entries (lazily)
    assert cache.stats().expirations == 19 and cache.vacuum() == 0
    assert cache.check() == []
    # A new client on the same data rebuilds its index from the stored vectors.
    emb = TableEmbedder(DIM, TABLE)
    again = SemanticCache(
        store=kit.open(), embedder=emb, clock=clock, similarity_threshold=0.95, judge=None
    )
    assert again.get("q", embedding=near(30), context={"m": 1}).response == "kept"  # type: ignore[union-attr]
    assert again.get("q", embedding=near(3), namespace="small").response == 3  # type: ignore[union-attr]
    assert emb.calls == [] and again.check() == []
    again.close()
    cache.close()


def test_shared_mode_between_two_clients(kit: Kit) -> None:
    if kit.kind == "memory":
        pytest.skip("a MemoryStore belongs to one process")
    kw = {"multi_process_mode": "shared", "similarity_threshold": 0.95}
    a = SemanticCache(store=kit.open(), embedder=TableEmbedder(DIM, TABLE), **kw, judge=None)
    b = SemanticCache(store=kit.open(), embedder=TableEmbedder(DIM, TABLE), **kw, judge=None)
    a.put("entry 1", "one")
    assert b.get("q", embedding=near(1)).response == "one"  # type: ignore[union-attr]
    b.put("entry 2", "two")
    assert a.get("q", embedding=near(2)).response == "two"  # type: ignore[union-attr]
    assert a.delete("entry 2")
    assert b.get("q", embedding=near(2)) is None
    b.clear()
    assert a.get("q", embedding=near(1)) is None
    assert a.check() == [] and b.check() == []
    a.close()
    b.close()
