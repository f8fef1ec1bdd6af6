"""The ``Store`` contract: one batch is the same puts one after the other for LRU.

Within a batch every record is written at the same ``now``, yet a later item is more
recent than an earlier one, as it would be written by a later put: a batch larger than a
cap keeps its last items, on every store (a store that ranked a batch's records by their
keys, having given them all one time, kept an arbitrary subset). Keys are content
hashes, so a batch's key order is unrelated to its positions: ten records make an
accidental pass unlikely (1 in 120 for three kept of ten).
"""

from __future__ import annotations

import numpy as np
import pytest

from contract.kits import Kit, kind_params
from contract.records import NOW, T, items, values
from contract.workers import key
from nearcache import ManualClock, SemanticCache
from nearcache.embedding.cache import EmbeddingCache
from nearcache.kv.cache import Cache
from nearcache.stores.protocol import Item, Store, add_many
from semantic_support import TableEmbedder

N = 10


class TestBatchRecency:
    """Positions inside one write decide the LRU order of its records."""

    # a small clock, and a wall clock's (the steps between places are then ~1.5 us)
    @pytest.mark.parametrize("now", [NOW, 1_765_000_000.123_456])
    def test_evict_keeps_a_batch_last_items(self, store: Store, now: float) -> None:
        store.put_many(T, "ns", items(range(N)), now=now)
        gone = store.evict(T, "ns", max_entries=3)
        assert gone == [("ns", key(i)) for i in range(N - 3)]
        got = values(store, "ns", range(N), now=now)
        assert got == [None] * (N - 3) + [b"v7", b"v8", b"v9"]

    def test_rewritten_keys_take_their_place_in_the_batch(self, store: Store) -> None:
        store.put_many(T, "ns", items(range(5)), now=NOW)
        # 5 and 6 are new, 2 and 0 rewritten: each is as recent as its place says.
        store.put_many(T, "ns", items([5, 2, 6, 0], tag=b"w"), now=NOW + 1)
        gone = store.evict(T, "ns", max_entries=3)
        assert gone == [("ns", key(i)) for i in (1, 3, 4, 5)]
        assert values(store, "ns", [2, 6, 0]) == [b"w2", b"w6", b"w0"]

    def test_a_repeated_key_is_as_recent_as_its_last_place(self, store: Store) -> None:
        batch = [Item(key(1), b"first"), *items([2, 3]), Item(key(1), b"last")]
        store.put_many(T, "ns", batch, now=NOW)
        assert store.evict(T, "ns", max_entries=1) == [("ns", key(2)), ("ns", key(3))]
        assert values(store, "ns", [1]) == [b"last"]

    def test_add_many_keeps_the_batch_order(self, store: Store) -> None:
        assert add_many(store, T, "ns", items(range(N)), now=NOW) == [True] * N
        gone = store.evict(T, "ns", max_entries=3)
        assert gone == [("ns", key(i)) for i in range(N - 3)]

    def test_table_wide_eviction_keeps_each_batch_order(self, store: Store) -> None:
        store.put_many(T, "a", items(range(5)), now=NOW)
        store.put_many(T, "b", items(range(5, N)), now=NOW + 1)
        gone = store.evict(T, None, max_entries=3)
        assert gone == [("a", key(i)) for i in range(5)] + [("b", key(5)), ("b", key(6))]
        assert values(store, "b", [7, 8, 9]) == [b"v7", b"v8", b"v9"]

    def test_a_later_read_still_outranks_the_batch(self, store: Store) -> None:
        store.put_many(T, "ns", items(range(N)), now=NOW)
        store.get_many(T, "ns", [key(0)], now=NOW + 1, touch=True)
        gone = store.evict(T, "ns", max_entries=3)
        assert gone == [("ns", key(i)) for i in range(1, N - 2)]
        assert values(store, "ns", [0, 8, 9]) == [b"v0", b"v8", b"v9"]


def test_kv_set_many_keeps_the_last_items(kit: Kit) -> None:
    cache = Cache("batch", kit.open(), max_entries=3, clock=ManualClock(NOW))
    cache.set_many([(f"k{i}", i) for i in range(N)])
    assert cache.get_many([f"k{i}" for i in range(N)]) == [None] * (N - 3) + [7, 8, 9]
    assert cache.stats().evictions == N - 3


def test_embedding_put_many_keeps_the_last_items(kit: Kit) -> None:
    ns = "test.model.dense"
    cache = EmbeddingCache(kit.open(), max_entries=3, clock=ManualClock(NOW))
    texts = [f"text {i}" for i in range(N)]
    cache.put_many(texts, np.ones((N, 4), np.float32), ns)
    _, found = cache.get_many(texts, ns)
    assert found.tolist() == [False] * (N - 3) + [True] * 3
    assert cache.stats(ns).evictions == N - 3


def test_semantic_put_many_keeps_the_last_items(kit: Kit) -> None:
    cache = SemanticCache(
        store=kit.open(),
        embedder=TableEmbedder(8),
        clock=ManualClock(NOW),
        max_entries=3,
        similarity_threshold=0.999,  # an evicted question is a miss, not a near hit
        judge=None,
    )
    queries = [f"question number {i}" for i in range(N)]
    cache.put_many(queries, [f"answer {i}" for i in range(N)])
    hits = [cache.get(q) for q in queries]
    assert [h.response if h else None for h in hits] == [None] * (N - 3) + [
        f"answer {i}" for i in range(N - 3, N)
    ]
    assert cache.stats().entries == 3


@pytest.mark.parametrize("kit", kind_params(["postgres"]), indirect=True)
def test_a_version_1_postgres_schema_takes_the_batch_order(kit: Kit) -> None:
    """A schema made by a nearcache before the batch order (version 1: one atime for a
    whole batch) is migrated when a store opens it, records kept."""
    import psycopg

    from nearcache.stores.postgres.schema import migration_sql

    dsn, p = kit.url.split("?prefix=")
    with psycopg.connect(dsn, autocommit=True) as con, con.transaction():
        con.execute(migration_sql(1, p))
        con.execute(f"INSERT INTO {p}_meta VALUES ('schema_version', '1')")
        con.execute(  # a record written by version 1's own function
            f"SELECT {p}_put(%s, %s, %s::bytea[], %s::bytea[], %s::float8[], %s, false)",
            (T, b"old", [bytes.fromhex(key(0))], [b"v0"], [None], NOW - 1),
        )
    store = kit.open()
    assert values(store, "old", [0]) == [b"v0"]
    store.put_many(T, "ns", items(range(N)), now=NOW)
    assert store.evict(T, None, max_entries=3) == [("old", key(0))] + [
        ("ns", key(i)) for i in range(N - 3)
    ]
    assert store.get_meta("schema_version") == "2"
    assert store.check() == []
